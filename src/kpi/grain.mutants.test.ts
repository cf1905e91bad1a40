// Tests for the mutants `npm run mutate` found alive in grain.ts (bench/mutation-report.md): every
// grain's period start and next period, the range edges of isPartial and periodsBetween, the
// period limit, and the date arguments' errors. Expected dates are written out by hand from a
// calendar (2024-05-15 is a Wednesday; 2024 is a leap year).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { GRAINS, isPartial, nextPeriod, parseDate, parseGrain, periodsBetween, periodStart, reportEnd, type Grain } from './grain.js';

const at = (iso: string) => new Date(iso);
const day = (d: Date) => d.toISOString().slice(0, 10);

test('parseGrain takes each grain and refuses another, naming the argument and the grains', () => {
  for (const g of GRAINS) assert.equal(parseGrain(g), g);
  const e = refused(() => parseGrain('fortnight'), 'BAD_ARGUMENT', '--grain');
  assert.equal(e.message, "unknown grain 'fortnight'");
  assert.equal(e.hint, 'use one of day, week, month, quarter, year');
  refused(() => parseGrain('Month', 'grain'), 'BAD_ARGUMENT', 'grain');
});

test('periodStart: the first instant of the day, ISO week (Monday), month, quarter and year', () => {
  const cases: [string, Record<Grain, string>][] = [
    ['2024-05-15T13:45:00Z', { day: '2024-05-15', week: '2024-05-13', month: '2024-05-01', quarter: '2024-04-01', year: '2024-01-01' }],
    // A Sunday belongs to the week that started the Monday before.
    ['2024-05-19T23:59:59Z', { day: '2024-05-19', week: '2024-05-13', month: '2024-05-01', quarter: '2024-04-01', year: '2024-01-01' }],
    // A Monday starts its own week; a week may start in the previous year.
    ['2024-01-01T00:00:00Z', { day: '2024-01-01', week: '2024-01-01', month: '2024-01-01', quarter: '2024-01-01', year: '2024-01-01' }],
    ['2025-01-02T08:00:00Z', { day: '2025-01-02', week: '2024-12-30', month: '2025-01-01', quarter: '2025-01-01', year: '2025-01-01' }],
    ['2024-12-31T12:00:00Z', { day: '2024-12-31', week: '2024-12-30', month: '2024-12-01', quarter: '2024-10-01', year: '2024-01-01' }],
    ['2024-02-29T06:00:00Z', { day: '2024-02-29', week: '2024-02-26', month: '2024-02-01', quarter: '2024-01-01', year: '2024-01-01' }],
  ];
  for (const [instant, starts] of cases) {
    for (const g of GRAINS) {
      const s = periodStart(at(instant), g);
      assert.equal(s.toISOString(), `${starts[g]}T00:00:00.000Z`, `${instant} by ${g}`);
    }
  }
});

test('nextPeriod: one day, seven days, one month, three months, one year on', () => {
  const cases: [string, Grain, string][] = [
    ['2024-02-28', 'day', '2024-02-29'],
    ['2024-12-31', 'day', '2025-01-01'],
    ['2024-12-30', 'week', '2025-01-06'],
    ['2024-02-26', 'week', '2024-03-04'],
    ['2024-01-01', 'month', '2024-02-01'],
    ['2024-12-01', 'month', '2025-01-01'],
    ['2024-10-01', 'quarter', '2025-01-01'],
    ['2024-04-01', 'quarter', '2024-07-01'],
    ['2024-01-01', 'year', '2025-01-01'],
  ];
  for (const [start, g, next] of cases) assert.equal(day(nextPeriod(at(`${start}T00:00:00Z`), g)), next, `${start} by ${g}`);
});

test('isPartial: a period is partial when the range starts after it does or ends before it ends, not when it ends exactly there', () => {
  const may = at('2024-05-01T00:00:00Z');
  const june = at('2024-06-01T00:00:00Z');
  assert.equal(isPartial(may, 'month', may, june), false, 'the range is the month');
  assert.equal(isPartial(may, 'month', at('2024-04-01T00:00:00Z'), at('2024-07-01T00:00:00Z')), false, 'the range holds the month');
  assert.equal(isPartial(may, 'month', at('2024-05-02T00:00:00Z'), june), true, 'starts after the month does');
  assert.equal(isPartial(may, 'month', may, at('2024-05-31T23:59:59Z')), true, 'ends before the month ends');
});

test('periodsBetween: every period from the one holding from to the one holding to, both included', () => {
  assert.deepEqual(periodsBetween(at('2024-01-15T00:00:00Z'), at('2024-03-01T00:00:00Z'), 'month').map(day), ['2024-01-01', '2024-02-01', '2024-03-01']);
  assert.deepEqual(periodsBetween(at('2024-05-15T00:00:00Z'), at('2024-05-15T00:00:00Z'), 'week').map(day), ['2024-05-13']);
  assert.deepEqual(periodsBetween(at('2024-05-15T00:00:00Z'), at('2024-05-14T00:00:00Z'), 'day'), [], 'to before from: none');
});

test('periodsBetween: exactly max periods are fine, one more is QUERY_TOO_LARGE naming the range and limits.maxPeriods', () => {
  const from = at('2024-01-01T00:00:00Z');
  assert.equal(periodsBetween(from, at('2024-01-10T00:00:00Z'), 'day', 10).length, 10);
  const e = refused(() => periodsBetween(from, at('2024-01-11T00:00:00Z'), 'day', 10), 'QUERY_TOO_LARGE', 'grain');
  assert.equal(e.message, '2024-01-01 to 2024-01-11 by day is more than 10 periods');
  assert.match(e.hint ?? '', /maxPeriods/);
  assert.match(e.hint ?? '', /coarser grain/);
});

test('parseDate: a day or an instant, in UTC, years as written; anything else refused naming the argument', () => {
  assert.equal(parseDate('2024-02-29', '--from').toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(parseDate('2024-02-29T10:30:00+02:00', '--from').toISOString(), '2024-02-29T08:30:00.000Z');
  assert.equal(parseDate('0099-03-01', '--from').getUTCFullYear(), 99, 'never read as 1999');
  for (const bad of ['not a date', '2024-13-01', '2024-02-30', '']) {
    const e = refused(() => parseDate(bad, 'from'), 'BAD_ARGUMENT', 'from');
    assert.equal(e.message, `'${bad}' is not a date from 0000-01-01 to 9999-12-31`);
    assert.equal(e.hint, 'write dates as YYYY-MM-DD (or an ISO 8601 timestamp)');
  }
});

test('reportEnd: a day ends where the next day starts; an instant is the end itself; nothing after 9999-12-31', () => {
  assert.deepEqual(reportEnd('2024-05-31', '--to'), { to: at('2024-06-01T00:00:00Z') });
  assert.deepEqual(reportEnd('2024-12-31', '--to'), { to: at('2025-01-01T00:00:00Z') });
  assert.deepEqual(reportEnd('2024-05-31T12:00:00Z', '--to'), { to: at('2024-05-31T12:00:00Z') });
  assert.deepEqual(reportEnd('9998-12-31', '--to'), { to: at('9999-01-01T00:00:00Z') });
  assert.deepEqual(reportEnd('9999-12-31', '--to'), {});
  // A day with spaces around it (as a shell variable may give it) is still the whole day.
  assert.deepEqual(reportEnd(' 2024-05-31 ', '--to'), { to: at('2024-06-01T00:00:00Z') });
  refused(() => reportEnd('31/05/2024', 'to'), 'BAD_ARGUMENT', 'to');
});
