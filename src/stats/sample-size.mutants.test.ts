// Tests for what sample-size.test.ts leaves open: the defaults (α = 0.05, power 0.8), each refusal
// with its message and location, power equal to alpha, and no detectable rate below 100 %.
// Reference values from SciPy: power = norm.cdf(d − c) + norm.cdf(−d − c), d = |h|·√(n/2),
// c = norm.isf(α/2), and its root in h by scipy.optimize.brentq (xtol 1e-15).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { cohensH, minimumDetectableEffect, sampleSizePerArm, twoProportionPower } from './sample-size.js';

/** A BAD_ARGUMENT error at `location`, with this exact message when given. */
function bad(location: string, message?: string) {
  return (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && (message === undefined || e.message === message);
}

test('twoProportionPower defaults to α = 0.05 (SciPy: 0.2929889 at h = 0.2, n = 100)', () => {
  assertClose(twoProportionPower(0.2, 100), 0.2929889364479872, 'power', 1e-12);
  assert.throws(() => twoProportionPower(0.2, 100, 1), bad('alpha'));
});

test('minimumDetectableEffect defaults to α = 0.05 and power 0.8 (SciPy brentq: h = 0.0885938 at n = 2000)', () => {
  const m = minimumDetectableEffect(0.15, 2000);
  assertClose(m.h, 0.08859379498207649, 'h', 1e-9);
  assertClose(m.upperRate, 0.18296559874713783, 'upper rate sin²(asin√0.15 + h/2)', 1e-9);
  assertClose(m.lowerRate, 0.11977970609999246, 'lower rate sin²(asin√0.15 − h/2)', 1e-9);
  assertClose(m.downPoints, (0.15 - 0.11977970609999246) * 100, 'down points', 1e-8);
});

test('minimumDetectableEffect near 100 %: no detectable rate above the baseline', () => {
  // p1 = 0.999, n = 50: h = 0.560316, asin√0.999 + h/2 = 1.8193 > π/2; the lower rate is
  // sin²(asin√0.999 − h/2) = 0.905899.
  const m = minimumDetectableEffect(0.999, 50);
  assert.equal(m.upperRate, null);
  assert.equal(m.upPoints, null);
  assertClose(m.lowerRate, 0.9058987724186492, 'lower rate', 1e-9);
});

test('sampleSizePerArm returns the α and power it used (defaults 0.05 and 0.8)', () => {
  const s = sampleSizePerArm(0.15, 0.18);
  assert.equal(s.alpha, 0.05);
  assert.equal(s.power, 0.8);
  const t = sampleSizePerArm(0.15, 0.18, { alpha: 0.01, power: 0.9 });
  assert.deepEqual([t.alpha, t.power], [0.01, 0.9]);
});

test('planning refusals: each names its argument and says what is wrong', () => {
  assert.throws(() => sampleSizePerArm(0.2, 0.2), bad('p2', 'p1 and p2 are equal (0.2): no sample size detects no change'));
  // Power equal to alpha is refused too (it must exceed it).
  assert.throws(() => sampleSizePerArm(0.2, 0.3, { alpha: 0.3, power: 0.3 }), bad('power', 'power 0.3 must exceed alpha 0.3'));
  assert.throws(() => minimumDetectableEffect(0.2, 100, { alpha: 0.3, power: 0.3 }), bad('power', 'power 0.3 must exceed alpha 0.3'));
  assert.throws(() => minimumDetectableEffect(0.2, 100, { alpha: 0.3, power: 0.2 }), bad('power', 'power 0.2 must exceed alpha 0.3'));
  assert.throws(() => sampleSizePerArm(0.2, 0.3, { alpha: 0 }), bad('alpha'));
  assert.throws(() => sampleSizePerArm(0.2, 0.3, { power: 1 }), bad('power'));
  assert.throws(() => minimumDetectableEffect(0.2, 100, { alpha: 1 }), bad('alpha'));
  assert.throws(() => minimumDetectableEffect(0.2, 100, { power: 0 }), bad('power'));
  assert.throws(() => minimumDetectableEffect(1.5, 100), bad('p1'));
  assert.throws(() => minimumDetectableEffect(0.2, 0), bad('nPerArm', 'offers per arm must be positive, not 0'));
  assert.throws(() => minimumDetectableEffect(0.2, Number.NaN), bad('nPerArm', 'offers per arm must be positive, not NaN'));
  assert.throws(() => cohensH(1.5, 0.2), bad('p1'));
  assert.throws(() => cohensH(0.2, -0.1), bad('p2'));
});
