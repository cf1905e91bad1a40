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

test('sampleSizePerArm: a power reached exactly at 2400 offers per arm needs 2400, not 2401', () => {
  // mpmath (40 digits): h = 2·asin√0.18 − 2·asin√0.15 = 0.0808992309841970741, c = z₀.₉₇₅, and the
  // power at n = 2400, Φ(d − c) + Φ(−d − c) with d = h·√(2400/2), is 0.80023781764797037 (double
  // 0.8002378176479704); the root of the power equation for that double is 2400.00000000000028.
  // The solution lands within 1e-12 of a whole number, so rounding up must not add an offer.
  const s = sampleSizePerArm(0.15, 0.18, { power: 0.8002378176479704 });
  assertClose(s.exact, 2400, 'exact', 1e-13);
  assert.equal(s.nPerArm, 2400);
});

test('minimumDetectableEffect with one offer per arm: h beyond any pair of rates, and no rate either way', () => {
  // d solves Φ(d − c) + Φ(−d − c) = 0.8 with c = z₀.₉₇₅: d = 2.8015876…, so h = d/√(1/2) =
  // 3.9620349592920552 (mpmath, 40 digits; scipy brentq 3.962034959292055). |h| > π: no rate
  // p1 ± a change reaches it, so both rates are null.
  const m = minimumDetectableEffect(0.5, 1);
  assertClose(m.h, 3.962034959292055, 'h', 1e-12);
  assert.deepEqual([m.upperRate, m.lowerRate, m.upPoints, m.downPoints], [null, null, null, null]);
});

test('minimumDetectableEffect with a hundred million offers per arm keeps h to 1e-12', () => {
  // h scales as 1/√n: 3.9620349592920552/10⁴ = 0.00039620349592920552 (mpmath; scipy brentq
  // 0.0003962034959292056). At so small an h the bisection must still stop on relative precision.
  const m = minimumDetectableEffect(0.15, 1e8);
  assertClose(m.h, 0.00039620349592920552, 'h', 1e-12);
});

test('sampleSizePerArm with power one step above α: a positive, negligible solution and no offers', () => {
  // α = 0.05 and power = 0.05000000000000001 (the next double): at n = 0 the power is α exactly,
  // so the root is positive; mpmath puts it at n = 1.85e-14 (d = 7.78e-9). Rounded up with the
  // 1e-9 allowance that is 0 offers.
  const s = sampleSizePerArm(0.15, 0.18, { alpha: 0.05, power: 0.05000000000000001 });
  assert.ok(s.exact > 0 && s.exact < 1e-9, `exact ${s.exact}`);
  assert.ok(s.nPerArm === 0, `nPerArm ${s.nPerArm}`);
});

/** The double `k` steps after x (before it for k < 0). */
function stepped(x: number, k: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] = (i[0] ?? 0n) + BigInt(k);
  return f[0] ?? Number.NaN;
}

/**
 * A baseline p1 whose asin√p1 meets the boundary exactly: asin√p1 = h/2 (`down`) or
 * asin√p1 + h/2 = π/2 (`up`) in doubles, for the h minimumDetectableEffect finds at n offers;
 * null when no double near sin²(h/2) or cos²(h/2) does.
 */
function boundaryRate(h: number, side: 'down' | 'up'): number | null {
  const start = side === 'down' ? Math.sin(h / 2) ** 2 : Math.cos(h / 2) ** 2;
  for (let k = 0; k <= 64; k++) {
    for (const p of [stepped(start, k), stepped(start, -k)]) {
      const phi = Math.asin(Math.sqrt(p));
      if (side === 'down' ? phi === h / 2 : p < 1 && phi + h / 2 === Math.PI / 2) return p;
    }
  }
  return null;
}

test('minimumDetectableEffect: a fall to exactly 0 % (asin√p1 = h/2) is detectable: lower rate 0, not none', () => {
  // h does not depend on p1; at n = 2000 it is 0.088593794982076476 (mpmath), and a p1 near
  // sin²(h/2) ≈ 0.00196 makes asin√p1 − h/2 exactly 0: the lower rate is sin²(0) = 0, p1·100
  // points below, as for any rate that can still fall.
  for (let n = 2000; n < 2100; n++) {
    const h = minimumDetectableEffect(0.5, n).h;
    assertClose(h, 0.088593794982076476 * Math.sqrt(2000 / n), `h at n = ${n}`, 1e-12);
    const p1 = boundaryRate(h, 'down');
    if (p1 === null) continue;
    const m = minimumDetectableEffect(p1, n);
    assert.equal(m.lowerRate, 0);
    assertClose(m.downPoints, p1 * 100, 'down points', 1e-15);
    return;
  }
  assert.fail('no baseline lands exactly on 0 %');
});

test('minimumDetectableEffect: a rise to exactly 100 % (asin√p1 + h/2 = π/2) is detectable: upper rate 1, not none', () => {
  // As above with p1 near cos²(h/2) ≈ 0.998, so that asin√p1 + h/2 is π/2 in doubles: the upper
  // rate is sin²(π/2) = 1, (1 − p1)·100 points above.
  for (let n = 2000; n < 2100; n++) {
    const h = minimumDetectableEffect(0.5, n).h;
    assertClose(h, 0.088593794982076476 * Math.sqrt(2000 / n), `h at n = ${n}`, 1e-12);
    const p1 = boundaryRate(h, 'up');
    if (p1 === null) continue;
    const m = minimumDetectableEffect(p1, n);
    assert.equal(m.upperRate, 1);
    assertClose(m.upPoints, (1 - p1) * 100, 'up points', 1e-12);
    return;
  }
  assert.fail('no baseline lands exactly on 100 %');
});
