/**
 * Relative ranges the table in date-range.test.ts leaves out (next …, sub-day units, points in
 * `from … to …`), and the exact errors, against dates worked out by hand from Thursday
 * 2025-03-20 10:00 UTC.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused as refusedWith } from '../../test/uprate-error.js';
import { formatExplicitRange, localToInstant, outOfRange, parseRelativeRange, resolveDateRange } from './date-range.js';

const now = new Date('2025-03-20T10:00:00.000Z');
const day = (from: string, to: string) => [`${from}T00:00:00.000`, `${to}T23:59:59.999`];
/** A QUERY_INVALID refusal at `location` with this message (and hint). */
const refused = (fn: () => unknown, message: string | RegExp, location: string, hint?: RegExp) => void refusedWith(fn, 'QUERY_INVALID', location, { message, ...(hint ? { hint } : {}) });

const CASES: [string, string[]][] = [
  ['next week', day('2025-03-24', '2025-03-30')],
  ['next month', day('2025-04-01', '2025-04-30')],
  ['next 2 months', day('2025-04-01', '2025-05-31')],
  ['next 3 days', day('2025-03-21', '2025-03-23')],
  ['next quarter', day('2025-04-01', '2025-06-30')],
  ['next year', day('2026-01-01', '2026-12-31')],
  ['this day', day('2025-03-20', '2025-03-20')],
  ['last 1 day', day('2025-03-19', '2025-03-19')],
  ['  LAST   2   YEARS ', day('2023-01-01', '2024-12-31')],
  ['this hour', ['2025-03-20T10:00:00.000', '2025-03-20T10:59:59.999']],
  ['last 2 hours', ['2025-03-20T08:00:00.000', '2025-03-20T09:59:59.999']],
  ['last minute', ['2025-03-20T09:59:00.000', '2025-03-20T09:59:59.999']],
  ['next 30 seconds', ['2025-03-20T10:00:01.000', '2025-03-20T10:00:30.999']],
  ['from tomorrow to 2 weeks from now', day('2025-03-21', '2025-04-03')],
  ['from 2 hours ago to now', ['2025-03-20T08:00:00.000', '2025-03-20T10:59:59.999']],
  ['from 1 month ago to 1 day ago', day('2025-02-20', '2025-03-19')],
  ['from yesterday to tomorrow', day('2025-03-19', '2025-03-21')],
  ['from 2025-01-01T10:00:00 to 2025-01-02', day('2025-01-01', '2025-01-02')],
  ['3 days ago', day('2025-03-17', '2025-03-17')],
  ['now', day('2025-03-20', '2025-03-20')],
];

for (const [text, expected] of CASES) {
  test(`'${text}' with a fixed clock`, () => {
    assert.deepEqual(parseRelativeRange(text, 'UTC', now), expected);
  });
}

test("a point that cannot be read names itself in Cube's words, with a hint", () => {
  const hint = /two dates \['2025-01-01', '2025-01-31'\] or a relative range/;
  refused(() => parseRelativeRange('from someday to today', 'UTC', now, 'here'), "Can't parse date: 'someday'", 'here', hint);
  refused(() => parseRelativeRange('from today to someday', 'UTC', now, 'here'), "Can't parse date: 'someday'", 'here', hint);
  refused(() => parseRelativeRange('Last Fortnight', 'UTC', now), "Can't parse date: 'Last Fortnight'", 'dateRange', hint);
  refused(() => parseRelativeRange('3 days', 'UTC', now), "Can't parse date: '3 days'", 'dateRange');
});

test('out of range: the message names the place, the value and the dates uprate reads', () => {
  const e = outOfRange('"x"', 'timeDimensions[0].dateRange');
  assert.equal(e.message, 'Invalid query format: timeDimensions[0].dateRange "x" lies outside the dates uprate reads (0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999)');
  assert.equal(e.location, 'timeDimensions[0].dateRange');
  assert.match(e.hint ?? '', /use dates from 0000-01-01 to 9999-12-31/);
  refused(() => parseRelativeRange('next 8000 years', 'UTC', now, 'd'), 'Invalid query format: d "next 8000 years" lies outside the dates uprate reads (0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999)', 'd');
});

test('explicit ranges: one value is both ends; a bad value names itself', () => {
  assert.deepEqual(formatExplicitRange(['2025-01-05'], 'x'), day('2025-01-05', '2025-01-05'));
  assert.deepEqual(formatExplicitRange(['2025-01-05', '2025-01-06T12:00:00'], 'x'), ['2025-01-05T00:00:00.000', '2025-01-06T12:00:00.000']);
  refused(() => formatExplicitRange(['2025-01-05', 'soon'], 'td'), 'Invalid query format: td value "soon" is not a date', 'td', /YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss\.SSS, with a year from 0000 to 9999/);
  refused(() => formatExplicitRange([], 'td'), 'Invalid query format: td value undefined is not a date', 'td');
});

test('localToInstant and resolveDateRange: local wall times in the zone, checked in UTC', () => {
  assert.equal(localToInstant('2025-01-10T00:00:00.000', 'America/New_York', 'w'), '2025-01-10T05:00:00.000Z');
  refused(() => localToInstant('9999-12-31T23:00:00.000', 'America/New_York', 'w'), 'Invalid query format: w "9999-12-31T23:00:00.000" in America/New_York lies outside the dates uprate reads (0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999)', 'w');
  assert.deepEqual(resolveDateRange(['2025-01-01', '2025-01-02'], 'Asia/Kolkata', now, 'w'), day('2025-01-01', '2025-01-02'));
  assert.deepEqual(resolveDateRange('yesterday', 'Asia/Kolkata', now, 'w'), day('2025-03-19', '2025-03-19'));
  // The range's end in UTC is past 9999 in New York: refused though the local range is fine.
  refused(() => resolveDateRange(['9999-12-30', '9999-12-31'], 'America/New_York', now, 'w'), 'Invalid query format: w "9999-12-31T23:59:59.999" in America/New_York lies outside the dates uprate reads (0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999)', 'w');
});

test("'from … to …' is the whole text, and its points may carry extra spaces", () => {
  assert.deepEqual(parseRelativeRange('from  yesterday  to  today', 'UTC', now), day('2025-03-19', '2025-03-20'));
  refused(() => parseRelativeRange('next from today to today', 'UTC', now), "Can't parse date: 'next from today to today'", 'dateRange');
});
