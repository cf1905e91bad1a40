// Tests added for mutants that survived (bench/mutation-report.md): chiSquareSurvival had no test
// of its own. Reference values: SciPy's chi2.sf (independent of the stdlib CDF and of the finite
// sums used here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareSurvival } from './chi-square-tail.js';

const relative = (got: number, want: number, tol: number) => assert.ok(Math.abs(got - want) <= tol * want, `${got} ≠ ${want}`);

test('chiSquareSurvival: degrees of freedom must be positive', () => {
  assert.throws(() => chiSquareSurvival(1, 0), (e: unknown) => e instanceof RangeError && /degrees of freedom must be positive, not 0/.test(e.message));
  assert.throws(() => chiSquareSurvival(1, Number.NaN), RangeError);
});

test('chiSquareSurvival: 1 at and below 0, and for a statistic that is not a number', () => {
  assert.equal(chiSquareSurvival(0, 1), 1);
  assert.equal(chiSquareSurvival(-3, 2), 1);
  assert.equal(chiSquareSurvival(Number.NaN, 1), 1);
});

test('chiSquareSurvival: ordinary tails from the CDF, tiny ones from the finite sums, all to SciPy', () => {
  relative(chiSquareSurvival(3.84, 1), 0.05004352124870519, 1e-9);
  relative(chiSquareSurvival(100, 1), 1.5239706048320995e-23, 1e-9); // odd df: 2Φ(−√x)
  relative(chiSquareSurvival(60, 3), 5.878230727906921e-13, 1e-9); // odd df with a sum term
  relative(chiSquareSurvival(100, 4), 9.836624224615988e-21, 1e-9); // even df
  relative(chiSquareSurvival(50, 2.5), 3.4594128312796105e-11, 1e-6); // not whole: the complement
});
