import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, counts, reference } from '../../test/reference/stats-reference.js';
import { chiSquareHomogeneity } from './chi-square-homogeneity.js';
import { chiSquareSurvival } from './chi-square-tail.js';
import { twoProportionZTest } from './two-proportion-z-test.js';

test('chi-square homogeneity matches scipy chi2_contingency (with and without Yates)', () => {
  for (const r of reference.chiSquare) {
    const res = chiSquareHomogeneity(r.groups.map(counts), { yates: r.yates });
    const where = `${JSON.stringify(r.groups)} yates=${r.yates}`;
    assert.equal(res.df, r.df, `df ${where}`);
    assertClose(res.statistic, r.statistic, `statistic ${where}`, 1e-9, 1e-12);
    assertClose(res.pValue, r.p, `p ${where}`, 1e-9, 0);
  }
  assert.ok(reference.chiSquare.some((r) => r.p < 1e-100), 'a tiny p-value is covered');
});

test('chi-square survival matches scipy chi2.sf, including tails far below 1e-16', () => {
  for (const r of reference.chiSquareSurvival) {
    assertClose(chiSquareSurvival(r.x, r.df), r.p, `P(χ²_${r.df} > ${r.x})`, 1e-9, 0);
  }
  assert.equal(chiSquareSurvival(0, 3), 1);
});

test('by hand: 10, 20 and 30 of 100 → χ² = 12.5 with 2 df', () => {
  // p̄ = 0.2; expected accepted 20 each: (100 + 0 + 100)/20 + (100 + 0 + 100)/80 = 10 + 2.5.
  const r = chiSquareHomogeneity([{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }]);
  assertClose(r.statistic, 12.5, 'statistic', 1e-12);
  assert.equal(r.df, 2);
  assertClose(r.pValue, Math.exp(-12.5 / 2), 'p (2 df: e^(−x/2))', 1e-12);
});

test('two groups without Yates: χ² equals z² of the pooled z test', () => {
  const r = chiSquareHomogeneity([{ k: 30, n: 100 }, { k: 18, n: 100 }]);
  const z = twoProportionZTest(30, 100, 18, 100);
  assertClose(r.statistic, z.z * z.z, 'χ² = z²', 1e-12);
  assertClose(r.pValue, z.pValue, 'same p', 1e-12);
  assert.equal(r.yates, false);
  assert.equal(chiSquareHomogeneity([{ k: 30, n: 100 }, { k: 18, n: 100 }], { yates: true }).yates, true);
  assert.equal(chiSquareHomogeneity([{ k: 3, n: 10 }, { k: 1, n: 10 }, { k: 2, n: 10 }], { yates: true }).yates, false);
});

test('degenerate tables: empty groups dropped, no variation → χ² 0, p 1, fewer than 2 groups → nulls', () => {
  const none = chiSquareHomogeneity([{ k: 0, n: 10 }, { k: 0, n: 20 }, { k: 0, n: 0 }]);
  assert.deepEqual({ s: none.statistic, df: none.df, p: none.pValue, g: none.groups }, { s: 0, df: 1, p: 1, g: 2 });
  const all = chiSquareHomogeneity([{ k: 10, n: 10 }, { k: 20, n: 20 }, { k: 5, n: 5 }]);
  assert.deepEqual({ s: all.statistic, p: all.pValue }, { s: 0, p: 1 });
  const one = chiSquareHomogeneity([{ k: 3, n: 10 }, { k: 0, n: 0 }]);
  assert.deepEqual({ s: one.statistic, df: one.df, p: one.pValue, g: one.groups }, { s: null, df: null, p: null, g: 1 });
  assert.equal(chiSquareHomogeneity([]).pValue, null);
});
