/**
 * Result values as Cube sends them (format-value.ts): numbers as plain decimal strings (never
 * exponent notation), times as wall-clock `YYYY-MM-DDTHH:MM:SS.mmm`, booleans by member type.
 * Expected texts are written out by hand; the long decimals were checked with Python's
 * `format(v, '.20f')` (1.5e-7 → 0.00000015000000000000, 1e-21 → 0.00000000000000000000,
 * 1.2345e22 → the integer 12344999999999999737856).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatValue, numberText, timeText } from './format-value.js';

test('numberText: null for nothing and for non-finite numbers; plain numbers as JavaScript writes them', () => {
  assert.equal(numberText(null), null);
  assert.equal(numberText(undefined), null);
  assert.equal(numberText(Number.NaN), null);
  assert.equal(numberText(Number.POSITIVE_INFINITY), null);
  assert.equal(numberText(Number.NEGATIVE_INFINITY), null);
  assert.equal(numberText(0), '0');
  assert.equal(numberText(42), '42');
  assert.equal(numberText(-123.5), '-123.5');
  assert.equal(numberText(0.000001), '0.000001');
  // Not through 20 fixed places, where 0.1 is 0.10000000000000000555 (the double nearest 0.1).
  assert.equal(numberText(0.1), '0.1');
  assert.equal(numberText(2.675), '2.675');
  assert.equal(numberText(1e20), '100000000000000000000');
});

test('numberText: exponent notation is written out in full, integers exactly and fractions to 20 places without trailing zeros', () => {
  assert.equal(numberText(1e21), '1000000000000000000000');
  assert.equal(numberText(1.2345e22), '12344999999999999737856');
  assert.equal(numberText(-1e21), '-1000000000000000000000');
  assert.equal(numberText(1e-7), '0.0000001');
  assert.equal(numberText(1.5e-7), '0.00000015');
  assert.equal(numberText(-2.5e-7), '-0.00000025');
  // Below 1e-20 nothing is left in 20 places: the zeros and then the point go.
  assert.equal(numberText(1e-21), '0');
  assert.equal(numberText(5e-324), '0');
});

test('numberText: big integers, booleans and the engine\'s exact decimal text', () => {
  assert.equal(numberText(12345678901234567890n), '12345678901234567890');
  assert.equal(numberText(-7n), '-7');
  assert.equal(numberText(true), '1');
  assert.equal(numberText(false), '0');
  assert.equal(numberText('0.16376107459274078308'), '0.16376107459274078308');
  assert.equal(numberText('1234.50'), '1234.50');
});

test('timeText: a Date or a timestamp text as the wall time with milliseconds; other text as it is', () => {
  assert.equal(timeText(null), null);
  assert.equal(timeText(undefined), null);
  assert.equal(timeText(new Date('2025-01-05T09:00:00.120Z')), '2025-01-05T09:00:00.120');
  assert.equal(timeText(new Date(Number.NaN)), null);
  assert.equal(timeText('2025-01-05 09:00:00'), '2025-01-05T09:00:00.000');
  assert.equal(timeText('2025-01-05'), '2025-01-05T00:00:00.000');
  assert.equal(timeText('2025-01-05T09:00:00.5'), '2025-01-05T09:00:00.500');
  assert.equal(timeText('not a time'), 'not a time');
  assert.equal(timeText(17), '17');
});

test('formatValue: by the member type — time, string, boolean, and numbers for everything else', () => {
  assert.equal(formatValue(null, 'string'), null);
  assert.equal(formatValue(undefined, 'number'), null);
  assert.equal(formatValue(null, 'boolean'), null);
  assert.equal(formatValue('2025-03-01 00:00:00', 'time'), '2025-03-01T00:00:00.000');
  assert.equal(formatValue('email', 'string'), 'email');
  assert.equal(formatValue(7, 'string'), '7');
  assert.equal(formatValue(1e21, 'string'), '1e+21');
  assert.equal(formatValue(true, 'boolean'), true);
  assert.equal(formatValue(false, 'boolean'), false);
  for (const yes of [1, '1', 'true', 't']) assert.equal(formatValue(yes, 'boolean'), true, String(yes));
  for (const no of [0, '0', 'false', 'f', 2, 'yes', '']) assert.equal(formatValue(no, 'boolean'), false, String(no));
  assert.equal(formatValue(1e-7, 'number'), '0.0000001');
  assert.equal(formatValue(12, 'count'), '12');
  assert.equal(formatValue(true, 'number'), '1');
});

test('formatValue: an undefined value is null whatever the member type (not the text "undefined", not false)', () => {
  // A column the row lacks reads as undefined: no value, as NULL is.
  assert.equal(formatValue(undefined, 'string'), null);
  assert.equal(formatValue(undefined, 'boolean'), null);
  assert.equal(formatValue(undefined, 'time'), null);
});
