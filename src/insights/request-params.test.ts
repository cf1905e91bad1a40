import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { parseCommon, parseDay, parseFilters, parseInstant } from './request-params.js';

let model: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
});

const badArgument = (location: string, message?: RegExp) => (e: unknown) =>
  isUprateError(e) && e.code === 'BAD_ARGUMENT' && e.location === location && (message === undefined || message.test(e.message));

test('from/to: real days of the years 0000–9999, read as written', () => {
  assert.equal(parseDay('0050-01-01', 'from'), '0050-01-01');
  assert.equal(parseDay('0000-02-29', 'from'), '0000-02-29', 'the year 0 is a leap year');
  assert.equal(parseDay('9999-12-31', 'to'), '9999-12-31');
  for (const text of ['0050-02-29', '2025-02-29', '2025-13-01', '10000-01-01', '+002025-01-01', '-000001-01-01', '2025-1-1', ' 2025-01-01', '2025-01-01T00:00']) {
    assert.throws(() => parseDay(text, 'to'), badArgument('to', /to must be a day as YYYY-MM-DD \(0000-01-01 to 9999-12-31\)/), text);
  }
  const common = parseCommon({ from: '0050-01-01', to: '0050-12-31' }, model);
  assert.deepEqual([common.selection.from, common.selection.to], ['0050-01-01', '0050-12-31']);
});

test('asOf: a day or an ISO instant in 0000–9999, never moved to the 1900s', () => {
  // JavaScript's Date reads '0050-01-01 10:00Z' (a space, not a T) as 1950.
  assert.equal(parseInstant('0050-01-01 10:00', 'asOf').toISOString(), '0050-01-01T10:00:00.000Z');
  assert.equal(parseInstant('0050-01-01', 'asOf').toISOString(), '0050-01-01T00:00:00.000Z');
  assert.equal(parseInstant('2025-07-01T12:00:00+02:00', 'asOf').toISOString(), '2025-07-01T10:00:00.000Z');
  assert.equal(parseCommon({ asOf: '0099-12-31T23:59:59.999Z' }, model).asOf?.toISOString(), '0099-12-31T23:59:59.999Z');
  // 0000-01-01T00:00 at UTC+14:00 is in the year -1; 9999-12-31T23:00 at UTC-02:00 in the year 10000.
  for (const text of ['0000-01-01T00:00:00+14:00', '9999-12-31T23:00:00-02:00', '2025-07-01T25:00', 'now', '', '1e308']) {
    assert.throws(() => parseCommon({ asOf: text }, model), badArgument('asOf', /0000-01-01 to 9999-12-31/), text);
  }
});

test('a filters parameter nested past 100 levels is a BAD_ARGUMENT naming the parameter, not a stack overflow', () => {
  const deep = `[${'{"and":['.repeat(5000)}{"member":"Offers.channel","operator":"set"}${']}'.repeat(5000)}]`;
  assert.throws(() => parseFilters(deep, model, 'filters'), (e: unknown) => isUprateError(e) && e.code === 'BAD_ARGUMENT' && /^filters\[0\](\.and\[0\])+\.and$/.test(e.location ?? ''));
});
