import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, reference } from '../../test/reference/stats-reference.js';
import { compareProportions, minimumExpected } from './compare-proportions.js';
import { fisherExactTest } from './fisher-exact-test.js';
import { newcombeInterval } from './newcombe-interval.js';
import { periodChange } from './period-change.js';
import { twoProportionZTest } from './two-proportion-z-test.js';

test('pooled z test matches statsmodels proportions_ztest, tiny p-values included', () => {
  assert.ok(reference.zTests.length >= 10);
  for (const r of reference.zTests) {
    const t = twoProportionZTest(r.k1, r.n1, r.k2, r.n2);
    const where = `${r.k1}/${r.n1} vs ${r.k2}/${r.n2}`;
    assertClose(t.z, r.z, `z ${where}`);
    assertClose(t.pValue, r.p, `p ${where}`, 1e-9, 0);
  }
  assert.ok(reference.zTests.some((r) => r.p < 1e-100), 'a tiny p-value is covered');
});

test('z test without variance (nobody or everybody accepted): z = 0, p = 1', () => {
  assert.deepEqual(twoProportionZTest(0, 40, 0, 50), { z: 0, pValue: 1 });
  assert.deepEqual(twoProportionZTest(40, 40, 50, 50), { z: 0, pValue: 1 });
});

test('Newcombe interval matches statsmodels confint_proportions_2indep(method="newcomb")', () => {
  for (const r of reference.newcombe) {
    const i = newcombeInterval(r.k1, r.n1, r.k2, r.n2, r.level);
    const where = `${r.k1}/${r.n1} vs ${r.k2}/${r.n2} at ${r.level}`;
    assertClose(i.lower, r.lower, `lower ${where}`, 1e-9, 1e-14);
    assertClose(i.upper, r.upper, `upper ${where}`, 1e-9, 1e-14);
  }
});

test("Fisher's exact test matches scipy.stats.fisher_exact (two-sided), down to 1e-300", () => {
  assert.ok(reference.fisher.length >= 20);
  for (const r of reference.fisher) {
    const f = fisherExactTest(r.k1, r.n1, r.k2, r.n2);
    const where = `[[${r.k1}, ${r.n1 - r.k1}], [${r.k2}, ${r.n2 - r.k2}]]`;
    if (r.p === 0) assert.ok(f.pValue < 1e-300, `p ${where}`);
    else assertClose(f.pValue, r.p, `p ${where}`, 1e-9, 0);
    if (r.oddsRatio === null) assert.equal(f.oddsRatio, null, `odds ratio ${where}`);
    else assertClose(f.oddsRatio, r.oddsRatio, `odds ratio ${where}`);
  }
});

test('Fisher by hand: [[3, 1], [1, 3]] sums the two tied tails', () => {
  // Hypergeometric with 8 offers, 4 per group, 4 accepted: P(x) = C(4,x)C(4,4−x)/70.
  // P(3) = P(1) = 16/70, P(4) = P(0) = 1/70 → p = 34/70.
  assertClose(fisherExactTest(3, 4, 1, 4).pValue, 34 / 70, 'p', 1e-12);
  assert.equal(fisherExactTest(2, 4, 2, 4).pValue, 1);
});

test('compareProportions picks z when every expected count ≥ 5, Fisher otherwise, and says why', () => {
  const big = compareProportions({ k: 30, n: 100 }, { k: 18, n: 100 });
  assert.equal(big.test, 'z');
  assert.match(big.reason, /z test: every expected count ≥ 5/);
  assertClose(big.pValue, twoProportionZTest(30, 100, 18, 100).pValue, 'p');
  assertClose(big.difference, 0.12, 'difference', 1e-12);
  assertClose(big.differencePoints, 12, 'points', 1e-12);
  assert.equal(big.minExpected, 24);
  const small = compareProportions({ k: 1, n: 20 }, { k: 0, n: 20 });
  assert.equal(small.test, 'fisher');
  assert.equal(small.statistic, null);
  assert.match(small.reason, /Fisher's exact test: smallest expected count 0.5 < 5/);
  assert.equal(small.pValue, fisherExactTest(1, 20, 0, 20).pValue);
  const forced = compareProportions({ k: 1, n: 20 }, { k: 0, n: 20 }, { test: 'z' });
  assert.equal(forced.test, 'z');
  assert.match(forced.reason, /requested/);
});

test('compareProportions: n = 0 on either side gives nulls, not NaN', () => {
  const c = compareProportions({ k: 0, n: 0 }, { k: 3, n: 10 });
  assert.equal(c.rateA, null);
  assert.equal(c.rateB, 0.3);
  assert.equal(c.difference, null);
  assert.equal(c.pValue, null);
  assert.equal(c.test, null);
  assert.match(c.reason, /group A has no offers/);
  assert.ok(!JSON.stringify(c).includes('NaN'));
});

test('minimumExpected by hand', () => {
  // 2×2: accepted 4+6 = 10 of 80; smallest group 30 → 30·10/80 = 3.75.
  assert.equal(minimumExpected({ k: 4, n: 30 }, { k: 6, n: 50 }), 3.75);
});

test('periodChange: current minus previous, relative change, significance', () => {
  const c = periodChange({ k: 120, n: 1000 }, { k: 150, n: 1000 });
  assertClose(c.difference, -0.03, 'difference', 1e-12);
  assertClose(c.relativeChange, -0.2, 'relative', 1e-12);
  assert.equal(c.test, 'z');
  const r = reference.zTests.find((z) => z.k1 === 120 && z.n1 === 1000 && z.k2 === 150);
  assert.ok(r);
  assertClose(c.pValue, r.p, 'p');
  assert.equal(periodChange({ k: 3, n: 10 }, { k: 0, n: 10 }).relativeChange, null);
});
