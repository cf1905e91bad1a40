/**
 * Time zones, timestamps and the supported range, against values worked out by hand (offsets from
 * the IANA rules: Berlin +01:00 in winter, +02:00 from the last Sunday of March 01:00 UTC;
 * New York −05:00 / −04:00; Kolkata +05:30 all year).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { checkTimeZone, FIRST_TIME, formatWall, fromWall, isSupportedTime, isTimeZone, LAST_TIME, parseTimestamp, SUPPORTED_DATES, toWall } from './time-zone.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

test('time zone names: IANA names and UTC pass, anything else is refused with the field and a fix', () => {
  for (const tz of ['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'America/Port-au-Prince']) assert.equal(isTimeZone(tz), true, tz);
  for (const tz of ['', 'Mars/Olympus', '../etc/passwd', 'Europe/Berlin;DROP', '1Europe', 'A'.repeat(65), 'Europe Berlin']) assert.equal(isTimeZone(tz), false, tz);
  assert.equal(isTimeZone('A'.repeat(64)), false, 'the right length but no zone');
  assert.equal(checkTimeZone('Asia/Kolkata'), 'Asia/Kolkata');
  assert.throws(
    () => checkTimeZone('Mars/Olympus'),
    (e: unknown) =>
      e instanceof UprateError &&
      e.code === 'QUERY_INVALID' &&
      e.location === 'timezone' &&
      e.message === 'Invalid query format: timezone "Mars/Olympus" is not a time zone name' &&
      /IANA name such as UTC/.test(e.hint ?? ''),
  );
});

test('toWall: the clock reading in the zone, milliseconds kept', () => {
  assert.equal(iso(toWall(at('2025-01-15T12:00:00.123Z'), 'Europe/Berlin')), '2025-01-15T13:00:00.123Z');
  assert.equal(iso(toWall(at('2025-07-15T12:00:00.999Z'), 'Europe/Berlin')), '2025-07-15T14:00:00.999Z');
  assert.equal(iso(toWall(at('2025-01-01T02:00:00Z'), 'America/New_York')), '2024-12-31T21:00:00.000Z');
  assert.equal(iso(toWall(at('2025-03-01T20:00:00Z'), 'Asia/Kolkata')), '2025-03-02T01:30:00.000Z');
  assert.equal(iso(toWall(at('2025-03-01T20:00:00Z'), 'UTC')), '2025-03-01T20:00:00.000Z');
  // Before 1970 the milliseconds are still the instant's own (a negative time's remainder).
  assert.equal(iso(toWall(at('1969-12-31T23:59:59.250Z'), 'UTC')), '1969-12-31T23:59:59.250Z');
  // Intl writes years before 1 as eras: 1 BC is the year 0.
  assert.equal(toWall(at('0000-06-15T00:00:00Z'), 'UTC'), at('0000-06-15T00:00:00Z'));
  assert.equal(toWall(at('-000001-06-15T00:00:00Z'), 'UTC'), at('-000001-06-15T00:00:00Z'));
  assert.ok(Number.isNaN(toWall(NaN, 'UTC')));
  assert.ok(Number.isNaN(toWall(Infinity, 'UTC')));
  assert.ok(Number.isNaN(toWall(8.64e15 + 1, 'UTC')), 'past the last instant a Date holds');
});

test('fromWall: the instant the zone shows a wall time, the later one across a gap', () => {
  const wall = (s: string) => at(`${s}Z`);
  assert.equal(iso(fromWall(wall('2025-01-15T13:00:00'), 'Europe/Berlin')), '2025-01-15T12:00:00.000Z');
  assert.equal(iso(fromWall(wall('2025-07-15T14:00:00'), 'Europe/Berlin')), '2025-07-15T12:00:00.000Z');
  assert.equal(iso(fromWall(wall('2025-03-02T01:30:00'), 'Asia/Kolkata')), '2025-03-01T20:00:00.000Z');
  // 02:30 does not exist in Berlin on 2025-03-30 (clocks jump 02:00 → 03:00).
  assert.equal(iso(fromWall(wall('2025-03-30T02:30:00'), 'Europe/Berlin')), '2025-03-30T01:30:00.000Z');
  // The first reading after the jump.
  assert.equal(iso(fromWall(wall('2025-03-30T03:00:00'), 'Europe/Berlin')), '2025-03-30T01:00:00.000Z');
  for (const tz of ['UTC', 'Etc/UTC']) assert.equal(fromWall(wall('2025-03-30T02:30:00'), tz), wall('2025-03-30T02:30:00'));
});

test('formatWall: Cube\'s local timestamp, no zone', () => {
  assert.equal(formatWall(at('2025-01-01T00:00:00Z')), '2025-01-01T00:00:00.000');
  assert.equal(formatWall(at('2025-12-31T23:59:59.999Z')), '2025-12-31T23:59:59.999');
});

test('the supported range is the years 0000–9999, both ends included', () => {
  assert.equal(iso(FIRST_TIME), '0000-01-01T00:00:00.000Z');
  assert.equal(iso(LAST_TIME), '9999-12-31T23:59:59.999Z');
  assert.equal(SUPPORTED_DATES, '0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999');
  assert.equal(isSupportedTime(FIRST_TIME), true);
  assert.equal(isSupportedTime(LAST_TIME), true);
  assert.equal(isSupportedTime(FIRST_TIME - 1), false);
  assert.equal(isSupportedTime(LAST_TIME + 1), false);
  assert.equal(isSupportedTime(NaN), false);
});

test('parseTimestamp: dates, date-times, fractions and offsets', () => {
  assert.deepEqual(parseTimestamp('2025-03-04'), { ms: at('2025-03-04T00:00:00Z'), dateOnly: true, zoned: false });
  assert.deepEqual(parseTimestamp(' 2025-03-04T05:06 '), { ms: at('2025-03-04T05:06:00Z'), dateOnly: false, zoned: false });
  assert.deepEqual(parseTimestamp('2025-03-04 05:06:07'), { ms: at('2025-03-04T05:06:07Z'), dateOnly: false, zoned: false });
  // A fraction is read to the millisecond: short ones padded, long ones cut.
  assert.equal(parseTimestamp('2025-03-04T05:06:07.5')?.ms, at('2025-03-04T05:06:07.500Z'));
  assert.equal(parseTimestamp('2025-03-04T05:06:07.123999999')?.ms, at('2025-03-04T05:06:07.123Z'));
  assert.deepEqual(parseTimestamp('2025-03-04T05:06:07Z'), { ms: at('2025-03-04T05:06:07Z'), dateOnly: false, zoned: true });
  // Offsets move the instant: east of UTC is earlier, west later; with or without the colon.
  assert.equal(parseTimestamp('2025-03-04T05:06:07+05:30')?.ms, at('2025-03-03T23:36:07Z'));
  assert.equal(parseTimestamp('2025-03-04T05:06:07-0430')?.ms, at('2025-03-04T09:36:07Z'));
  assert.equal(parseTimestamp('2025-03-04T05:06:07+23:59')?.ms, at('2025-03-03T05:07:07Z'));
  assert.equal(parseTimestamp('2025-03-04T05:06:07+00:00')?.zoned, true);
  // The last of each clock field, and the first past it.
  assert.equal(parseTimestamp('2025-03-04T23:59:59')?.ms, at('2025-03-04T23:59:59Z'));
  for (const bad of ['2025-03-04T24:00:00', '2025-03-04T23:60:00', '2025-03-04T23:59:60', '2025-03-04T05:06:07+24:00', '2025-03-04T05:06:07+05:60', '2025-02-30', '2025-13-01', '2025-00-10', '25-03-04', '2025-03-04T5:06', 'x2025-03-04', '2025-03-04Tx']) {
    assert.equal(parseTimestamp(bad), undefined, bad);
  }
});

test('fromWall in UTC is the wall time itself, even one no Date holds (no round trip through Intl)', () => {
  // 8.64e15 ms is the last instant a Date holds; one past it has no calendar reading, yet in UTC
  // the instant is the reading's own milliseconds.
  for (const tz of ['UTC', 'Etc/UTC']) {
    assert.equal(fromWall(8.64e15 + 1, tz), 8.64e15 + 1, tz);
    assert.equal(fromWall(-8.64e15 - 1, tz), -8.64e15 - 1, tz);
  }
});

test('parseTimestamp: a minute or second past 59 is refused inside the day too, not rolled into the next hour', () => {
  // 05:60 would be 06:00 and 05:06:60 would be 05:07:00 of the same day, so only the clock check refuses them.
  for (const bad of ['2025-03-04T05:60:00', '2025-03-04T05:99', '2025-03-04T05:06:60', '2025-03-04T05:06:99', '2025-03-04T00:00:60Z']) {
    assert.equal(parseTimestamp(bad), undefined, bad);
  }
});
