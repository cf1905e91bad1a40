// Tests for the argument checks of twoProportionZTest that the reference tests (which only feed it
// valid counts) leave open: bad counts of either group name the function, and a group without
// offers is refused with a RangeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { pooledZ, twoProportionZTest } from './two-proportion-z-test.js';

test('twoProportionZTest: bad counts in either group are a BAD_ARGUMENT at "twoProportionZTest"', () => {
  const bad = (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'twoProportionZTest';
  assert.throws(() => twoProportionZTest(5, 4, 1, 4), bad);
  assert.throws(() => twoProportionZTest(1, 4, 5, 4), bad);
});

test('twoProportionZTest: a group with no offers, first or second, is a RangeError', () => {
  const empty = (e: unknown) => e instanceof RangeError && e.message === 'twoProportionZTest: both groups need at least one offer';
  assert.throws(() => twoProportionZTest(0, 0, 1, 4), empty);
  assert.throws(() => twoProportionZTest(1, 4, 0, 0), empty);
});

test('pooledZ by hand on effective (non-integer) counts', () => {
  // 7.5 of 25 vs 4.5 of 25: p̂ = 12/50 = 0.24, var = 0.24·0.76·(2/25) = 0.014592,
  // z = (0.3 − 0.18)/√0.014592 = 0.99340.
  const { z } = pooledZ(7.5, 25, 4.5, 25);
  assert.ok(Math.abs(z - 0.12 / Math.sqrt(0.24 * 0.76 * 0.08)) < 1e-12, `z ${z}`);
});
