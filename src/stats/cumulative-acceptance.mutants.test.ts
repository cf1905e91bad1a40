// Tests for what cumulative-acceptance.test.ts leaves open: day 0 and days with no acceptance yet
// (variance 0: the interval counts the offers still followed), the switch to the exact interval
// below 30 effective offers, the method option, no offers at all, and the argument checks.
// Interval references from SciPy: Wilson 0 of n upper = z²/(n + z²) with z = norm.isf(0.025);
// Clopper–Pearson 0 of n upper = beta.isf(0.025, 1, n); Jeffreys upper = beta.isf(0.025, 0.5, n + 0.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { cumulativeAcceptance } from './cumulative-acceptance.js';
import { kaplanMeier } from './kaplan-meier.js';

test('cumulativeAcceptance day 0: share 0 of every offer (Wilson upper 0.0188453 for 0 of 200)', () => {
  const [day0] = cumulativeAcceptance(kaplanMeier({ events: [30], censored: [0], offers: 200 }), { level: 0.95 });
  assert.deepEqual(
    { days: day0?.days, observed: day0?.observed, accepted: day0?.accepted, share: day0?.share, lower: day0?.lower, effectiveOffers: day0?.effectiveOffers, method: day0?.method },
    { days: 0, observed: 200, accepted: 0, share: 0, lower: 0, effectiveOffers: 200, method: 'wilson' },
  );
  assertClose(day0?.upper, 0.018845326377266585, 'upper', 1e-9);
});

test('cumulativeAcceptance: no acceptance yet counts the offers still followed that day', () => {
  // 50 offers, 10 censored at age 1: day 0 has 50 at risk, day 1 has 40; no acceptance, so F = 0
  // with no variance and the interval is 0 of the offers followed.
  const points = cumulativeAcceptance(kaplanMeier({ events: [0, 0], censored: [0, 10], offers: 50 }), { level: 0.95 });
  assert.deepEqual(points.map((p) => p.effectiveOffers), [50, 50, 40]);
  // Followed for at least d days: all but those open at an age below d (10 at age 1 count for d ≤ 1).
  assert.deepEqual(points.map((p) => p.observed), [50, 50, 40]);
});

test('cumulativeAcceptance: exact below 30 effective offers, the chosen method from 30 on', () => {
  const at = (offers: number, options: { level: number; method?: 'wilson' | 'jeffreys' | 'exact'; designEffect?: number }) =>
    cumulativeAcceptance(kaplanMeier({ events: [0], censored: [0], offers }), options)[0];
  const p29 = at(29, { level: 0.95 });
  assert.equal(p29?.method, 'exact');
  assertClose(p29?.upper, 0.11944486906950272, 'Clopper–Pearson 0 of 29', 1e-9);
  const p30 = at(30, { level: 0.95 });
  assert.equal(p30?.method, 'wilson');
  assertClose(p30?.upper, 0.1135133931739688, 'Wilson 0 of 30', 1e-9);
  const jeffreys = at(200, { level: 0.95, method: 'jeffreys' });
  assert.equal(jeffreys?.method, 'jeffreys');
  assertClose(jeffreys?.upper, 0.0124656611359167, 'Jeffreys 0 of 200', 1e-9);
  // A design effect of 2 makes 60 offers count as 30: still Wilson; 58 as 29: exact.
  assert.equal(at(60, { level: 0.95, designEffect: 2 })?.method, 'wilson');
  assert.equal(at(58, { level: 0.95, designEffect: 2 })?.method, 'exact');
});

test('cumulativeAcceptance with no offers: the interval is all of [0, 1]', () => {
  const points = cumulativeAcceptance(kaplanMeier({ events: [0], censored: [0], offers: 0 }), { level: 0.95 });
  assert.deepEqual(points.map((p) => [p.effectiveOffers, p.lower, p.upper, p.method]), [
    [0, 0, 1, 'exact'],
    [0, 0, 1, 'exact'],
  ]);
});

test('cumulativeAcceptance: a bad level or design effect is a BAD_ARGUMENT naming it', () => {
  const curve = kaplanMeier({ events: [1], censored: [0], offers: 10 });
  const bad = (location: string, message?: string) => (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && (message === undefined || e.message === message);
  assert.throws(() => cumulativeAcceptance(curve, { level: 1 }), bad('level'));
  assert.throws(() => cumulativeAcceptance(curve, { level: 0.95, designEffect: 0.99 }), bad('designEffect', 'the design effect must be a number ≥ 1, not 0.99'));
  assert.throws(() => cumulativeAcceptance(curve, { level: 0.95, designEffect: Number.NaN }), bad('designEffect', 'the design effect must be a number ≥ 1, not NaN'));
  assert.throws(() => cumulativeAcceptance(curve, { level: 0.95, designEffect: Number.POSITIVE_INFINITY }), bad('designEffect'));
  assert.equal(cumulativeAcceptance(curve, { level: 0.95, designEffect: 1 }).length, 2);
});

test('cumulativeAcceptance: every offer accepted (F = 1) is the interval of N of N, not of more offers than there are', () => {
  // 5 offers, 3 accepted on day 0 and 2 on day 1, none open: by day 2, 5 of 5. Clopper–Pearson of
  // 5 of 5 (fewer than 30 offers): lower (0.025)^(1/5) = 0.4781762, upper 1.
  const points = cumulativeAcceptance(kaplanMeier({ events: [3, 2], censored: [0, 0], offers: 5 }), { level: 0.95 });
  const last = points[2];
  assert.ok(last);
  assert.deepEqual([last.share, last.accepted, last.observed, last.effectiveOffers, last.method, last.upper], [1, 5, 5, 5, 'exact', 1]);
  assertClose(last.lower, 0.025 ** (1 / 5), 'lower', 1e-9);
  // All on day 0: the same 5 of 5 from day 1 on.
  const early = cumulativeAcceptance(kaplanMeier({ events: [5, 0], censored: [0, 0], offers: 5 }), { level: 0.95 });
  assert.deepEqual(early.map((p) => p.effectiveOffers), [5, 5, 5]);
});

test('cumulativeAcceptance: with offers still open the interval counts Greenwood’s effective sample, not the offers followed', () => {
  // By hand: day 0, 100 at risk, 10 accept: S(0) = 0.9; 20 censored at age 1 leave, so day 1 has
  // 70 at risk, 5 accept: S(1) = 0.9·65/70 = 117/140, F = 23/140. Greenwood: Var = S(1)²·(10/(100·90)
  // + 5/(70·65)) = S(1)²·181/81900, so n* = F(1 − F)/Var = F/(S(1)·181/81900) = 23·81900/(117·181)
  // = 1883700/21177 = 88.9503…, where 80 offers were followed two days.
  const [, , two] = cumulativeAcceptance(kaplanMeier({ events: [10, 5], censored: [0, 20], offers: 100 }), { level: 0.95 });
  assert.equal(two?.observed, 80);
  assertClose(two?.effectiveOffers, 1883700 / 21177, 'n*', 1e-12);
});
