// Tests added for mutants that survived compare-proportions.test.ts (bench/mutation-report.md):
// groups without offers, the z/Fisher switch at exactly 5 expected, clustering on one side only,
// the whole counts Fisher's test gets from effective counts, and the smallest expected count.
// Expected values by hand; Fisher p-values from SciPy's fisher_exact (two-sided).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { compareProportions, minimumExpected } from './compare-proportions.js';
import { periodChange } from './period-change.js';

const close = (got: number | null, want: number, tol = 1e-12) => assert.ok(got !== null && Math.abs(got - want) <= tol, `${got} ≠ ${want}`);

test('a group without offers: no comparison, saying which, the other rate kept', () => {
  const noA = compareProportions({ k: 0, n: 0 }, { k: 1, n: 2 });
  assert.deepEqual(noA, {
    rateA: null, rateB: 0.5, difference: null, differencePoints: null, lower: null, upper: null, level: 0.95,
    test: null, statistic: null, pValue: null, minExpected: null, reason: 'no comparison: group A has no offers',
    variance: 'binomial', designEffects: [1, 1],
  });
  const noB = compareProportions({ k: 1, n: 4 }, { k: 0, n: 0 });
  assert.equal(noB.reason, 'no comparison: group B has no offers');
  assert.equal(noB.rateA, 0.25);
  assert.equal(noB.rateB, null);
});

test('each side names itself when its counts are wrong', () => {
  const at = (location: string) => (e: unknown) => e instanceof UprateError && e.location === location;
  assert.throws(() => compareProportions({ k: 3, n: 2 }, { k: 1, n: 2 }), at('compareProportions (A)'));
  assert.throws(() => compareProportions({ k: 1, n: 2 }, { k: 3, n: 2 }), at('compareProportions (B)'));
});

test('auto: exactly 5 expected is enough for the z test', () => {
  // 5 of 10 against 5 of 10: 20 offers, 10 accepted; smallest expected 10 × 10 / 20 = 5.
  const c = compareProportions({ k: 5, n: 10 }, { k: 5, n: 10 });
  assert.equal(c.minExpected, 5);
  assert.equal(c.test, 'z');
});

test('minimumExpected: the smaller column is the smaller of accepted and not accepted', () => {
  // 8/10 and 9/10: 17 accepted, 3 not; 10 × 3 / 20 = 1.5.
  assert.equal(minimumExpected({ k: 8, n: 10 }, { k: 9, n: 10 }), 1.5);
});

test('clustering on one side alone makes the comparison customer-clustered', () => {
  const onA = compareProportions({ k: 20, n: 100, designEffect: 2 }, { k: 30, n: 100 });
  assert.equal(onA.variance, 'customer-clustered');
  assert.deepEqual(onA.designEffects, [2, 1]);
  assert.match(onA.reason ?? '', /Rao–Scott; design effects 2 and 1/);
  const onB = compareProportions({ k: 20, n: 100 }, { k: 30, n: 100, designEffect: 2 });
  assert.equal(onB.variance, 'customer-clustered');
  const neither = compareProportions({ k: 20, n: 100, designEffect: 1 }, { k: 30, n: 100, designEffect: 1 });
  assert.equal(neither.variance, 'binomial');
});

test("Fisher's test on effective counts gets them rounded to whole offers", () => {
  // 3 of 9 with design effect 3 is 1 of 3 effective; against 1 of 10: the table [[1, 2], [1, 9]],
  // two-sided p 0.42307692307692313 (SciPy fisher_exact).
  const c = compareProportions({ k: 3, n: 9, designEffect: 3 }, { k: 1, n: 10 }, { test: 'fisher' });
  close(c.pValue, 0.42307692307692313, 1e-9);
});

test('periodChange: no relative change against a previous rate of 0', () => {
  const c = periodChange({ k: 5, n: 10 }, { k: 0, n: 10 });
  assert.equal(c.relativeChange, null);
  assert.equal(periodChange({ k: 12, n: 100 }, { k: 15, n: 100 }).relativeChange?.toFixed(12), (-0.2).toFixed(12));
});
