/**
 * Every unit of the wall-time calendar, checked against dates worked out by hand (2024 is a leap
 * year; 2024-02-29 was a Thursday, 2024-03-03 a Sunday).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, endOf, startOf, TIME_UNITS, utc } from './wall-time.js';

const at = (iso: string) => Date.parse(iso);
const THURSDAY = at('2024-02-29T13:45:30.250Z');

test('the units, smallest first', () => {
  assert.deepEqual(TIME_UNITS, ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
});

test('startOf each unit', () => {
  assert.equal(startOf(THURSDAY, 'second'), at('2024-02-29T13:45:30.000Z'));
  assert.equal(startOf(THURSDAY, 'minute'), at('2024-02-29T13:45:00.000Z'));
  assert.equal(startOf(THURSDAY, 'hour'), at('2024-02-29T13:00:00.000Z'));
  assert.equal(startOf(THURSDAY, 'day'), at('2024-02-29T00:00:00.000Z'));
  assert.equal(startOf(THURSDAY, 'week'), at('2024-02-26T00:00:00.000Z'));
  assert.equal(startOf(THURSDAY, 'month'), at('2024-02-01T00:00:00.000Z'));
  assert.equal(startOf(THURSDAY, 'quarter'), at('2024-01-01T00:00:00.000Z'));
  assert.equal(startOf(THURSDAY, 'year'), at('2024-01-01T00:00:00.000Z'));
});

test('weeks start on Monday: a Sunday belongs to the week before, a Monday starts its own', () => {
  assert.equal(startOf(at('2024-03-03T23:59:59.999Z'), 'week'), at('2024-02-26T00:00:00.000Z'));
  assert.equal(startOf(at('2024-03-04T00:00:00.000Z'), 'week'), at('2024-03-04T00:00:00.000Z'));
  assert.equal(startOf(at('2024-03-05T08:00:00.000Z'), 'week'), at('2024-03-04T00:00:00.000Z'));
});

test('quarters: the last month of a quarter and the first', () => {
  assert.equal(startOf(at('2024-12-31T23:00:00Z'), 'quarter'), at('2024-10-01T00:00:00Z'));
  assert.equal(startOf(at('2024-10-01T00:00:00Z'), 'quarter'), at('2024-10-01T00:00:00Z'));
  assert.equal(startOf(at('2024-06-30T12:00:00Z'), 'quarter'), at('2024-04-01T00:00:00Z'));
});

test('before 1970 a day starts at its midnight, not the next one (the floor of a negative time)', () => {
  assert.equal(startOf(at('1969-12-31T13:00:00.500Z'), 'day'), at('1969-12-31T00:00:00Z'));
  assert.equal(startOf(at('1969-12-31T13:20:10.500Z'), 'minute'), at('1969-12-31T13:20:00Z'));
});

test('add: fixed units move by their length, either way', () => {
  assert.equal(add(THURSDAY, 1, 'second'), at('2024-02-29T13:45:31.250Z'));
  assert.equal(add(THURSDAY, 15, 'minute'), at('2024-02-29T14:00:30.250Z'));
  assert.equal(add(THURSDAY, -14, 'hour'), at('2024-02-28T23:45:30.250Z'));
  assert.equal(add(THURSDAY, 1, 'day'), at('2024-03-01T13:45:30.250Z'));
  assert.equal(add(THURSDAY, -2, 'week'), at('2024-02-15T13:45:30.250Z'));
});

test('add: months, quarters and years keep the time of day and clamp to the month end', () => {
  assert.equal(add(at('2024-01-31T13:45:30.250Z'), 1, 'month'), THURSDAY);
  assert.equal(add(at('2024-03-31T06:00:00Z'), -1, 'month'), at('2024-02-29T06:00:00Z'));
  assert.equal(add(at('2024-11-30T01:02:03Z'), 1, 'quarter'), at('2025-02-28T01:02:03Z'));
  assert.equal(add(at('2024-05-31T00:00:00Z'), -1, 'quarter'), at('2024-02-29T00:00:00Z'));
  assert.equal(add(THURSDAY, 1, 'year'), at('2025-02-28T13:45:30.250Z'));
  assert.equal(add(THURSDAY, 4, 'year'), at('2028-02-29T13:45:30.250Z'));
  assert.equal(add(at('2024-08-15T00:00:00Z'), 5, 'month'), at('2025-01-15T00:00:00Z'));
});

test('endOf: the last millisecond of the unit', () => {
  assert.equal(endOf(THURSDAY, 'second'), at('2024-02-29T13:45:30.999Z'));
  assert.equal(endOf(THURSDAY, 'hour'), at('2024-02-29T13:59:59.999Z'));
  assert.equal(endOf(THURSDAY, 'day'), at('2024-02-29T23:59:59.999Z'));
  assert.equal(endOf(THURSDAY, 'week'), at('2024-03-03T23:59:59.999Z'));
  assert.equal(endOf(THURSDAY, 'month'), at('2024-02-29T23:59:59.999Z'));
  assert.equal(endOf(THURSDAY, 'quarter'), at('2024-03-31T23:59:59.999Z'));
  assert.equal(endOf(THURSDAY, 'year'), at('2024-12-31T23:59:59.999Z'));
});

test('utc takes the 400-year route only for the years 0–99: near the last year a Date holds it stays finite', () => {
  // Date holds instants up to 8.64e15 ms (the year 275760); 400 years later would not exist.
  assert.equal(utc(275_500, 0, 1), Date.UTC(275_500, 0, 1));
  assert.ok(Number.isFinite(utc(275_500, 0, 1)));
});

test('utc reads negative years as written: the 400-year route is for the years 0–99 only', () => {
  // Date.UTC reads the years 0–99 as 1900–1999: the route for -350 would ask for 50, get 1950, and
  // move back 400 years to 1550. The reference is the ISO expanded year Date.parse reads.
  assert.equal(utc(-350, 0, 1), Date.parse('-000350-01-01T00:00:00Z'));
  assert.equal(utc(-301, 11, 31, 23, 59, 59, 999), Date.parse('-000301-12-31T23:59:59.999Z'));
  assert.equal(utc(-1, 5, 15), Date.parse('-000001-06-15T00:00:00Z'));
});
