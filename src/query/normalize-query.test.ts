import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { normalizeRequest } from './normalize-query.js';

const now = new Date('2025-03-20T10:00:00.000Z');
const offeredAt = (range: Record<string, unknown>) => ({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', ...range }] });

test('a dateRange in the year 50 is echoed in the year 50 (not 1950)', () => {
  const { queries } = normalizeRequest(offeredAt({ dateRange: ['0050-01-01', '0050-12-31'] }), now);
  assert.deepEqual(queries[0]?.timeDimensions[0]?.dateRange, ['0050-01-01T00:00:00.000', '0050-12-31T23:59:59.999']);
});

test('a relative dateRange beyond 0000–9999 is a 400 naming the time dimension', () => {
  assert.throws(
    () => normalizeRequest(offeredAt({ dateRange: 'last 100000 years' }), now),
    (e: unknown) => isUprateError(e) && e.code === 'QUERY_INVALID' && e.location === 'timeDimensions[0].dateRange' && e.message.includes('"last 100000 years" lies outside the dates uprate reads (0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999)'),
  );
});

test('a compared range out of 0000–9999 names its place in compareDateRange', () => {
  const query = offeredAt({ compareDateRange: ['last 7 days', 'next 99999999999 months'] });
  assert.throws(() => normalizeRequest(query, now), (e: unknown) => isUprateError(e) && e.location === 'timeDimensions[0].compareDateRange[1]');
  const ok = normalizeRequest(offeredAt({ compareDateRange: [['0050-01-01', '0050-01-31'], 'this month'] }), now);
  assert.deepEqual(
    ok.queries.map((q) => q.timeDimensions[0]?.dateRange),
    [['0050-01-01T00:00:00.000', '0050-01-31T23:59:59.999'], ['2025-03-01T00:00:00.000', '2025-03-31T23:59:59.999']],
  );
});
