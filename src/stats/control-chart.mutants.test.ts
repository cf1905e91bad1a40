// Tests for the edges of controlChart, findRuns and runFlags that control-chart.test.ts leaves
// open: the argument errors, a rate exactly on a clipped limit, no variance, Laney with exactly
// two z-scores, the "shift, not scatter" fallback of the auto chart, and run lengths at their
// edges. Expected values by hand (p-chart: p̄ = Σk/Σn, σ = √(p̄(1 − p̄)/n); Laney: σ_z = mean
// |zᵢ − zᵢ₋₁| / 1.128), written out in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { controlChart } from './control-chart.js';
import { findRuns, runFlags } from './run-rule.js';

/** A BAD_ARGUMENT error at `location` whose message matches `text`. */
function bad(location: string, text: RegExp) {
  return (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && text.test(e.message);
}

test('controlChart: bad counts name their period; sigmas must be positive', () => {
  assert.throws(() => controlChart([{ k: 1, n: 4 }, { k: 5, n: 4 }]), bad('controlChart period 1', /accepted offers/));
  assert.throws(() => controlChart([{ k: 1, n: 4 }], { sigmas: 0 }), bad('sigmas', /^sigmas must be positive, not 0$/));
  assert.throws(() => controlChart([{ k: 1, n: 4 }], { sigmas: -1 }), bad('sigmas', /not -1$/));
  assert.throws(() => controlChart([{ k: 1, n: 4 }], { sigmas: Number.NaN }), bad('sigmas', /not NaN$/));
  assert.equal(controlChart([{ k: 1, n: 4 }], { sigmas: 0.5 }).sigmas, 0.5);
});

test('controlChart: a rate of 0 on a lower limit clipped to 0 is not below it', () => {
  // 0 of 10, 3 of 10: p̄ = 0.15, 3σ = 3·√(0.15·0.85/10) = 0.339 > 0.15, so the lower limit is 0.
  const chart = controlChart([{ k: 0, n: 10 }, { k: 3, n: 10 }]);
  assert.equal(chart.points[0]?.lower, 0);
  assert.equal(chart.points[0]?.rate, 0);
  assert.equal(chart.points[0]?.outside, null);
});

test('controlChart: no variance (0 % everywhere) gives sigma 0, limits at the centre, z null', () => {
  // p̄ = 0: σ = √(0·1/n) = 0, so the limits are 0 … 0 and z = 0/0 does not exist.
  const chart = controlChart([{ k: 0, n: 10 }, { k: 0, n: 5 }]);
  assert.equal(chart.centre, 0);
  assert.deepEqual(chart.points[0], { k: 0, n: 10, rate: 0, sigma: 0, lower: 0, upper: 0, z: null, outside: null });
  assert.equal(chart.points[1]?.z, null);
});

test('controlChart Laney with exactly two z-scores estimates sigma_z', () => {
  // 1 of 10, 3 of 10: p̄ = 0.2, σ = √(0.2·0.8/10) = 0.126491, z = ∓0.1/σ = ∓0.790569;
  // one moving range 1.581139: σ_z = 1.581139/1.128 = 1.401719.
  const chart = controlChart([{ k: 1, n: 10 }, { k: 3, n: 10 }], { kind: 'laney' });
  const sigma = Math.sqrt((0.2 * 0.8) / 10);
  assertClose(chart.sigmaZ, (0.2 / sigma) / 1.128, 'sigma_z', 1e-12);
  assert.equal(chart.note, null);
  assertClose(chart.points[1]?.upper, 0.2 + 3 * sigma * ((0.2 / sigma) / 1.128), 'upper', 1e-12);
});

test("controlChart 'auto': a shift (rates differ, moving ranges small) keeps sigma_z at 1 and says so", () => {
  // 10 of 100 four times, then 30 of 100 four times: p̄ = 0.2, σ = 0.04, z = −2.5 ×4, +2.5 ×4.
  // χ² = 8·(10²/16) = 50 on 7 df: the rates differ, so 'auto' picks Laney. The moving ranges are
  // 0, 0, 0, 5, 0, 0, 0: σ_z = (5/7)/1.128 = 0.6332 < 1, which would narrow the limits.
  const periods = [10, 10, 10, 10, 30, 30, 30, 30].map((k) => ({ k, n: 100 }));
  const auto = controlChart(periods, { kind: 'auto' });
  assert.equal(auto.kind, 'laney');
  assert.equal(auto.sigmaZ, 1);
  assert.equal(auto.note, "sigma_z 0.63 < 1 (a shift rather than scatter): kept at 1, the p-chart's limits");
  assertClose(auto.points[0]?.upper, 0.2 + 3 * 0.04, 'upper: the p-chart limit', 1e-12);
  // Asked for by name, Laney's σ_z is used as it is.
  const named = controlChart(periods, { kind: 'laney' });
  assertClose(named.sigmaZ, 5 / 7 / 1.128, 'sigma_z', 1e-12);
  assert.equal(named.note, null);
});

test("controlChart 'auto': a Laney sigma_z of exactly 1 is used as it is, with no note", () => {
  // 126 periods of 64 offers, the second half the mirror image of the first (k ↔ 64 − k, order
  // reversed), so p̄ = 0.5 exactly, σ = √(0.25/64) = 1/16 and z = (k − 32)/4: every number exact.
  // First half: 24, 30 six times and 24 (12 ranges of 6 = 72), then 24, 28 alternating to index 60
  // (48 ranges of 4 = 192), then 29, 24 (5 + 5): 274 in k. The jump 24 → 40 in the middle is 16.
  // Σ|Δk| = 2·274 + 16 = 564, Σ|Δz| = 141, mean 141/125 = 1.128: σ_z = 1.128/1.128 = 1.
  // χ² = Σz² = 308.1 on 125 df: the rates differ, so 'auto' picks Laney.
  const first: number[] = Array.from({ length: 63 }, (_, i) => (i % 2 === 0 ? 24 : i < 12 ? 30 : 28));
  first[61] = 29;
  const periods = [...first, ...first.map((k) => 64 - k).reverse()].map((k) => ({ k, n: 64 }));
  const auto = controlChart(periods, { kind: 'auto' });
  assert.equal(auto.kind, 'laney');
  assert.equal(auto.sigmaZ, 1);
  assert.equal(auto.note, null, 'σ_z = 1 is not below 1: nothing was kept back');
});

test('findRuns: a run of exactly the length asked for counts; a shorter one does not', () => {
  const rates = [0.1, 0.1, 0.1, 0.3, 0.3, 0.2, 0.1];
  const points = rates.map((rate) => ({ rate }));
  assert.deepEqual(findRuns(points, 0.2, 3), [{ side: 'below', start: 0, end: 2, length: 3 }]);
  assert.deepEqual(findRuns(points, 0.2, 2), [
    { side: 'below', start: 0, end: 2, length: 3 },
    { side: 'above', start: 3, end: 4, length: 2 },
  ]);
  // Length 1: every side change starts a run; the point on the centre line (0.2) is none.
  assert.deepEqual(findRuns(points, 0.2, 1), [
    { side: 'below', start: 0, end: 2, length: 3 },
    { side: 'above', start: 3, end: 4, length: 2 },
    { side: 'below', start: 6, end: 6, length: 1 },
  ]);
});

test('findRuns with length 0: points on the centre line still form no run', () => {
  // Two points on the centre, then one below, then the centre again.
  const points = [0.2, 0.2, 0.1, 0.2].map((rate) => ({ rate }));
  assert.deepEqual(findRuns(points, 0.2, 0), [{ side: 'below', start: 2, end: 2, length: 1 }]);
});

test('runFlags: a run reaching past the points flags only the points there', () => {
  const points = [{ rate: 0.1 }, { rate: 0.1 }];
  assert.deepEqual(runFlags(points, [{ side: 'below', start: 0, end: 3, length: 4 }]), ['below', 'below']);
});
