// Tests for the edges of trendTest (Cochran–Armitage) that the reference tests leave open: the
// window check, the smallest window, a rate of 100 % everywhere, and the whole answer when no
// test is possible. Expected values by hand from T = Σ tᵢ(kᵢ − nᵢp̄),
// Var T = p̄(1 − p̄)[Σ nᵢtᵢ² − (Σ nᵢtᵢ)²/N]; p from scipy.stats.norm.sf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { trendTest } from './trend-test.js';

test('trendTest: the window must be a whole number ≥ 2; bad counts name their period', () => {
  const badWindow = (w: number) => (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'window' && e.message === `the trend window must be a whole number of periods ≥ 2, not ${w}`;
  assert.throws(() => trendTest([{ k: 1, n: 2 }], { window: 1 }), badWindow(1));
  assert.throws(() => trendTest([{ k: 1, n: 2 }], { window: 2.5 }), badWindow(2.5));
  assert.throws(
    () => trendTest([{ k: 1, n: 2 }, { k: 3, n: 2 }]),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'trendTest period 1',
  );
});

test('trendTest with the smallest window, 2: only the last two periods, by hand', () => {
  // 20 and 30 of 100 at t = 0, 1: N = 200, p̄ = 0.25, Σnt = 100, Σnt² = 100, Σkt = 30;
  // Sxx = 100 − 100²/200 = 50, T = 30 − 50·100/200 = 5, slope 5/50 = 0.1,
  // z = 5/√(0.25·0.75·50) = 1.632993, p = 2·norm.sf(z) = 0.1024704 → flat.
  const t = trendTest([{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }], { window: 2 });
  assert.equal(t.periods, 2);
  assertClose(t.slope, 0.1, 'slope', 1e-12);
  assertClose(t.z, 1.632993161855452, 'z', 1e-12);
  assertClose(t.pValue, 0.10247043485974937, 'p', 1e-9);
  assert.equal(t.direction, 'flat');
  assert.equal(t.note, null);
});

test('trendTest: 100 % everywhere has no variance: z 0, p 1, slope 0, flat, and says why', () => {
  // p̄ = 1; T = Σkt − K·Σnt/N = 8 − 13·8/13 = 0.
  assert.deepEqual(trendTest([{ k: 5, n: 5 }, { k: 8, n: 8 }]), {
    periods: 2,
    z: 0,
    pValue: 1,
    slope: 0,
    direction: 'flat',
    note: 'every period has the same rate (0 % or 100 %)',
  });
});

test('trendTest with one period with offers: the whole answer is nulls and a note', () => {
  assert.deepEqual(trendTest([{ k: 0, n: 0 }, { k: 3, n: 10 }]), {
    periods: 2,
    z: null,
    pValue: null,
    slope: null,
    direction: null,
    note: 'needs at least two periods with offers',
  });
});

test('trendTest: a p-value of exactly 0.05 is not significant: the trend is flat (p < 0.05 is needed)', () => {
  // Two periods of about four thousand million million offers (safe integers; N = 7.84e15 < 2^53),
  // picked by a search so that the computed z is 1.9599639845400545, whose 2·Φ(−z) is the double
  // 0.05 exactly. Exact arithmetic (mpmath, 60 digits) on the same counts:
  //   p̄ = K/N, Σnt² − (Σnt)²/N = n0·n1/N, T = k1 − K·n1/N, z = T/√(p̄(1 − p̄)·n0·n1/N)
  //   = 1.9599639843586574 (0.18e-9 below z₀.₉₇₅ = 1.9599639845400542), p = 0.0500000000212 > 0.05,
  // so the rate's rise is not significant at 5 % either way: flat.
  const r = trendTest([
    { k: 1372865348164672, n: 3516095238924026 },
    { k: 1688541952951940, n: 4324585800990462 },
  ]);
  assert.equal(r.pValue, 0.05);
  assertClose(r.z, 1.9599639843586574, 'z', 1e-9);
  assert.equal(r.direction, 'flat');
});
