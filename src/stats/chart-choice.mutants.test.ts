// Tests for what chart-choice.test.ts leaves open: where bad counts are reported, the test's name
// on every answer, a period at the centre's 0 % or 100 % (no z-score), and Laney's σ_z skipping
// periods without offers. Values by hand: zᵢ = (pᵢ − p̄)/√(p̄(1 − p̄)/nᵢ), σ_z = mean|Δz|/1.128.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { chooseChart, laneySigmaZ } from './chart-choice.js';
import { chiSquareHomogeneity } from './chi-square-homogeneity.js';

test('chooseChart: bad counts name their period', () => {
  assert.throws(
    () => chooseChart([{ k: 1, n: 4 }, { k: 5, n: 4 }]),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'chooseChart period 1',
  );
});

test('chooseChart names its test on every answer, the fallback included', () => {
  const none = chooseChart([{ k: 3, n: 10 }]);
  assert.equal(none.test, 'chi-square test of equal rates across periods');
  assert.equal(none.reason, 'fewer than two periods with offers: nothing to test, p-chart limits');
  assert.equal(chooseChart([{ k: 10, n: 100 }, { k: 30, n: 100 }]).test, 'chi-square test of equal rates across periods');
});

test('laneySigmaZ: periods without offers are skipped, not read as z = 0', () => {
  // 10, (none), 20, 30 of 100: p̄ = 0.2, σ = 0.04, z = −2.5, 0, 2.5 → moving ranges 2.5, 2.5: σ_z = 2.5/1.128.
  const s = laneySigmaZ([{ k: 10, n: 100 }, { k: 0, n: 0 }, { k: 20, n: 100 }, { k: 30, n: 100 }]);
  assert.equal(s.zScores, 3);
  assertClose(s.sigmaZ, 2.5 / 1.128, 'σ_z', 1e-12);
  // No offers at all: nothing to estimate.
  assert.deepEqual(laneySigmaZ([{ k: 0, n: 0 }]), { sigmaZ: 1, zScores: 0 });
  assert.deepEqual(laneySigmaZ([]), { sigmaZ: 1, zScores: 0 });
});

test('laneySigmaZ: a centre of 0 % has no z-scores (σ = 0), so σ_z falls back to 1', () => {
  assert.deepEqual(laneySigmaZ([{ k: 0, n: 10 }, { k: 0, n: 20 }]), { sigmaZ: 1, zScores: 0 });
});

test('laneySigmaZ: two z-scores are enough for one moving range', () => {
  // 10 and 30 of 100: p̄ = 0.2, σ = 0.04, z = −2.5 and 2.5: one moving range 5, σ_z = 5/1.128.
  const s = laneySigmaZ([{ k: 10, n: 100 }, { k: 30, n: 100 }]);
  assert.equal(s.zScores, 2);
  assertClose(s.sigmaZ, 5 / 1.128, 'σ_z', 1e-12);
});

test('chooseChart: a p-value equal to alpha does not reject: the p-chart', () => {
  // 10, 20, 30 of 100: χ² = 12.5 on 2 df, p = e^(−6.25) ≈ 0.00193 (chart-choice.test.ts); at alpha
  // = p exactly the test does not reject (p < alpha is needed), just above it it does.
  const periods = [{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }];
  const p = chiSquareHomogeneity(periods).pValue;
  assert.ok(p !== null);
  assertClose(p, Math.exp(-6.25), 'p', 1e-12);
  assert.equal(chooseChart(periods, p).kind, 'p');
  assert.equal(chooseChart(periods, p * (1 + 1e-9)).kind, 'laney');
});
