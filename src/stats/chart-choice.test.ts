import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, counts, reference } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { chooseChart, laneySigmaZ } from './chart-choice.js';
import { chiSquareHomogeneity } from './chi-square-homogeneity.js';
import { controlChart } from './control-chart.js';

test('over-dispersed periods get Laney limits, with the χ² test and σ_z that chose them', () => {
  const periods = [1500, 1620, 1380, 1710, 1450, 1560, 1300, 1650, 1490, 1580].map((k) => ({ k, n: 10_000 }));
  const choice = chooseChart(periods);
  const chi = chiSquareHomogeneity(periods);
  assert.equal(choice.kind, 'laney');
  assert.equal(choice.test, 'chi-square test of equal rates across periods');
  assert.equal(choice.statistic, chi.statistic);
  assert.equal(choice.df, 9);
  assert.equal(choice.pValue, chi.pValue);
  assertClose(choice.sigmaZ, controlChart(periods, { kind: 'laney' }).sigmaZ, 'sigma_z as on the Laney chart', 1e-15);
  assert.match(choice.reason, /^periods vary more than chance \(χ² = \d+\.\d, df 9, p < 0\.001; σz = \d\.\d\d\): Laney p′ limits$/);
});

test('by hand: 10, 20, 30 of 100 → χ² 12.5, df 2, p 0.0019: Laney; at α = 0.001 the p-chart', () => {
  const periods = [{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }];
  const choice = chooseChart(periods);
  assertClose(choice.statistic, 12.5, 'χ²', 1e-12);
  assertClose(choice.pValue, Math.exp(-12.5 / 2), 'p (χ² on 2 df: e^(−x/2))', 1e-12);
  assert.equal(choice.kind, 'laney');
  // z = ±0.1/√(0.2·0.8/100) = ±2.5, 0: moving ranges 2.5 and 2.5, σ_z = 2.5/1.128.
  assertClose(choice.sigmaZ, 2.5 / 1.128, 'σ_z', 1e-12);
  assert.equal(choice.reason, 'periods vary more than chance (χ² = 12.5, df 2, p = 0.0019; σz = 2.22): Laney p′ limits');
  const strict = chooseChart(periods, 0.001);
  assert.equal(strict.kind, 'p');
  assert.equal(strict.reason, 'periods vary no more than chance (χ² = 12.5, df 2, p = 0.0019): p-chart limits');
});

test('periods within binomial noise get the p-chart; empty periods are left out of the test', () => {
  const periods = [{ k: 50, n: 500 }, { k: 0, n: 0 }, { k: 55, n: 500 }, { k: 48, n: 500 }, { k: 52, n: 500 }];
  const choice = chooseChart(periods);
  assert.equal(choice.kind, 'p');
  assert.equal(choice.df, 3);
  assert.ok((choice.pValue ?? 0) > 0.5);
  assert.match(choice.reason, /^periods vary no more than chance \(χ² = 0\.\d, df 3, p = 0\.\d+\): p-chart limits$/);
  // The χ² statistic is scipy's chi2_contingency (correction=False) on the same table.
  for (const r of reference.chiSquare.filter((x) => !x.yates && x.groups.length > 2)) {
    const c = chooseChart(r.groups.map(counts));
    assertClose(c.statistic, r.statistic, `χ² ${JSON.stringify(r.groups)}`);
    assert.equal(c.kind, r.p < 0.05 ? 'laney' : 'p');
  }
});

test('nothing to test: fewer than two periods with offers, or one rate everywhere', () => {
  const none = chooseChart([{ k: 3, n: 10 }, { k: 0, n: 0 }]);
  assert.deepEqual(
    { kind: none.kind, statistic: none.statistic, df: none.df, p: none.pValue, sigmaZ: none.sigmaZ },
    { kind: 'p', statistic: null, df: null, p: null, sigmaZ: 1 },
  );
  assert.match(none.reason, /fewer than two periods with offers/);
  assert.equal(chooseChart([]).kind, 'p');
  const zeros = chooseChart([{ k: 0, n: 10 }, { k: 0, n: 20 }, { k: 0, n: 5 }]);
  assert.deepEqual({ kind: zeros.kind, statistic: zeros.statistic, p: zeros.pValue, sigmaZ: zeros.sigmaZ }, { kind: 'p', statistic: 0, p: 1, sigmaZ: 1 });
  assert.deepEqual(laneySigmaZ([{ k: 1, n: 4 }]), { sigmaZ: 1, zScores: 1 });
});

test('bad counts and alphas are BAD_ARGUMENT errors', () => {
  assert.throws(() => chooseChart([{ k: 5, n: 4 }]), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
  assert.throws(() => chooseChart([{ k: 1, n: 4 }], 1), (e: unknown) => e instanceof UprateError && e.location === 'alpha');
});
