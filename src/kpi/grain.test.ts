import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPartial, nextPeriod, periodStart } from './grain.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

test('a period is partial when the range starts after it starts or ends before it ends', () => {
  // The range 2024-11-22 … 2026-12-02 (exclusive), as a demo ending 2026-12-02 00:00 UTC gives.
  const from = d('2024-11-22');
  const to = d('2026-12-02');
  assert.equal(isPartial(d('2024-10-01'), 'quarter', from, to), true, 'Q4 2024 starts before Nov 22');
  assert.equal(isPartial(d('2025-01-01'), 'quarter', from, to), false);
  assert.equal(isPartial(d('2026-10-01'), 'quarter', from, to), true, 'Q4 2026 ends after Dec 1');
  assert.equal(isPartial(d('2024-11-01'), 'month', from, to), true);
  assert.equal(isPartial(d('2026-11-01'), 'month', from, to), false, 'November 2026 is whole: the range runs to Dec 2');
  assert.equal(isPartial(d('2026-12-01'), 'month', from, to), true);
  // Weeks start on Monday: 2024-11-18 is the Monday before Friday Nov 22.
  assert.equal(periodStart(from, 'week').toISOString().slice(0, 10), '2024-11-18');
  assert.equal(isPartial(d('2024-11-18'), 'week', from, to), true);
  assert.equal(isPartial(d('2024-11-25'), 'week', from, to), false);
  assert.equal(isPartial(d('2024-11-22'), 'day', from, to), false);
  assert.equal(nextPeriod(d('2024-10-01'), 'quarter').toISOString().slice(0, 10), '2025-01-01');
});
