import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, reference } from '../../test/reference/stats-reference.js';
import { cohensH, minimumDetectableEffect, sampleSizePerArm, twoProportionPower } from './sample-size.js';
import { UprateError } from '../core/errors.js';

test("Cohen's h matches statsmodels proportion_effectsize", () => {
  for (const r of reference.power.effectSize) assertClose(cohensH(r.p1, r.p2), r.h, `h(${r.p1}, ${r.p2})`, 1e-12, 1e-15);
});

test('power matches statsmodels NormalIndPower.power (two-sided, both tails)', () => {
  for (const r of reference.power.powerAt) {
    assertClose(twoProportionPower(r.h, r.n, r.alpha), r.power, `power(h=${r.h}, n=${r.n})`, 1e-12);
  }
});

test('sample size per arm matches NormalIndPower.solve_power', () => {
  for (const r of reference.power.sampleSize) {
    const s = sampleSizePerArm(r.p1, r.p2, { alpha: r.alpha, power: r.power });
    const where = `${r.p1} → ${r.p2}, α ${r.alpha}, power ${r.power}`;
    // r.n is solve_power's root polished by brentq; solve_power itself stops within ~1e-8.
    assertClose(s.exact, r.n, `n ${where}`);
    assertClose(s.exact, r.nSolvePower, `n (solve_power) ${where}`, 1e-7);
    assert.equal(s.nPerArm, Math.ceil(r.nSolvePower), `rounded ${where}`);
    assertClose(Math.abs(s.h), Math.abs(r.h), `h ${where}`, 1e-12);
    assertClose(twoProportionPower(s.h, s.exact, r.alpha), r.power, `power at the solution ${where}`, 1e-12);
  }
});

test('by hand: the closed form 2((z₀.₉₇₅ + z₀.₈)/h)² is within the negligible far tail', () => {
  const s = sampleSizePerArm(0.15, 0.18);
  const closed = 2 * ((1.959963984540054 + 0.8416212335729143) / s.h) ** 2;
  assert.ok(s.exact <= closed && closed - s.exact < 1e-5 * closed, `${s.exact} vs ${closed}`);
  assert.equal(s.nPerArm, 2399);
});

test("minimum detectable effect matches statsmodels' power root and maps back to rates", () => {
  for (const r of reference.power.mde) {
    const m = minimumDetectableEffect(0.15, r.n, { alpha: r.alpha, power: r.power });
    // solve_power(effect_size=None) stops with its power up to 1e-5 off (hSolvePower, within
    // 1e-4); the reference h is that root polished by brentq on statsmodels' power function.
    assertClose(m.h, r.h, `h n=${r.n}`, 1e-9);
    assertClose(m.h, r.hSolvePower, `h (solve_power) n=${r.n}`, 1e-4);
    assertClose(twoProportionPower(m.h, r.n, r.alpha), r.power, `power at the MDE n=${r.n}`, 1e-12);
    assert.ok(m.upperRate !== null && m.lowerRate !== null);
    assertClose(cohensH(m.upperRate, 0.15), m.h, 'up', 1e-9);
    assertClose(cohensH(0.15, m.lowerRate), m.h, 'down', 1e-9);
    assertClose(m.upPoints, (m.upperRate - 0.15) * 100, 'points', 1e-12);
  }
  // Near 0 % the downward change can fall below zero: none is detectable.
  const low = minimumDetectableEffect(0.001, 50);
  assert.equal(low.lowerRate, null);
  assert.equal(low.downPoints, null);
  assert.ok(low.upperRate !== null && low.upperRate > 0.001);
});

test('planning rejects impossible requests', () => {
  const isBad = (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT';
  assert.throws(() => sampleSizePerArm(0.2, 0.2), isBad);
  assert.throws(() => sampleSizePerArm(0.2, 0.3, { power: 1 }), isBad);
  assert.throws(() => sampleSizePerArm(0.2, 0.3, { alpha: 0.5, power: 0.4 }), isBad);
  assert.throws(() => minimumDetectableEffect(0.2, 0), isBad);
  assert.throws(() => cohensH(1.5, 0.2), isBad);
});
