// Tests for what projected-rate.test.ts leaves open: the basis sentence word for word (singular
// and plural, thousands separators, learntFrom, one acceptance), the default level, the edges of
// the checks, and every refusal's message, location and hint. The curve by hand:
// events 50, 30, 10 of 100 offers, nobody censored: S(0) = 0.5, S(1) = 0.5·(1 − 30/50) = 0.2,
// S(2) = 0.2·(1 − 10/20) = 0.1; an offer of age 2 accepts by the end with q = 1 − 0.1/0.2 = 0.5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { kaplanMeier } from './kaplan-meier.js';
import { projectFinalRate } from './projected-rate.js';

const curve = kaplanMeier({ events: [50, 30, 10], censored: [0, 0, 0], offers: 100 });

test('projectFinalRate basis: two offers expected to add one acceptance (singular), the default level', () => {
  const got = projectFinalRate({ offers: 1000, accepted: 100, pendingByAge: [{ age: 2, count: 2 }] }, curve);
  assert.equal(got.expectedAdditional, 1);
  assert.equal(got.rate, 101 / 1000);
  assert.equal(got.level, 0.95);
  assert.equal(got.method, 'kaplan-meier');
  assert.equal(
    got.basis,
    'Projected from how 100 earlier offers were accepted over the 3-day window (Kaplan–Meier, offers still open censored at their age): the 2 pending offers are expected to add 1.0 acceptance.',
  );
});

test('projectFinalRate basis: thousands separators and where the curve was learnt', () => {
  const big = kaplanMeier({ events: [500, 300, 100], censored: [0, 0, 0], offers: 1000 });
  const got = projectFinalRate({ offers: 2000, accepted: 0, pendingByAge: [{ age: 2, count: 1500 }] }, big, { learntFrom: 'made in May' });
  assert.equal(
    got.basis,
    'Projected from how 1,000 earlier offers made in May were accepted over the 3-day window (Kaplan–Meier, offers still open censored at their age): the 1,500 pending offers are expected to add 750.0 acceptances.',
  );
});

test('projectFinalRate basis: one earlier offer, one pending offer, and the days nobody was watched on', () => {
  // One earlier offer, accepted on day 0: S(0) = 0, nobody at risk on day 1 (observed through day 0).
  // The pending offer of age 1 has Ŝ(1) = S(0) = 0: nothing to learn from, q = 0.
  const one = kaplanMeier({ events: [1, 0], censored: [0, 0], offers: 1 });
  const got = projectFinalRate({ offers: 4, accepted: 1, pendingByAge: [{ age: 1, count: 1 }] }, one);
  assert.equal(got.expectedAdditional, 0);
  assert.equal(
    got.basis,
    'Projected from how 1 earlier offer was accepted over the 2-day window (Kaplan–Meier, offers still open censored at their age): the 1 pending offer is expected to add 0.0 acceptances, assuming no acceptance after day 0, the last day any earlier offer was watched on.',
  );
});

test('projectFinalRate with nothing pending: the basis word for word', () => {
  const got = projectFinalRate({ offers: 40, accepted: 10, pendingByAge: [] }, curve, { learntFrom: 'made in May' });
  assert.equal(
    got.basis,
    'Nothing is pending — every offer has been accepted or declined or its window has closed — so the final rate is the current one and the 3-day acceptance curve of 100 earlier offers made in May is not needed.',
  );
  assert.equal(got.level, 0.95);
});

test('projectFinalRate: the checks allow their edges (every offer accounted for, an age just below the window)', () => {
  const full = projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [{ age: 2.999, count: 2 }], declinedByAge: [{ age: 0, count: 2 }] }, curve);
  assert.ok(full.rate >= 1 / 5 && full.upper <= 3 / 5);
});

test('projectFinalRate refusals: message, location and hint', () => {
  const bad = (message: string, hint?: string) => (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'projectFinalRate' && e.message === message && (hint === undefined || e.hint === hint);
  assert.throws(() => projectFinalRate({ offers: 0, accepted: 0, pendingByAge: [] }, curve), bad('a period with no offers has no rate to project'));
  assert.throws(() => projectFinalRate({ offers: -1, accepted: 0, pendingByAge: [] }, curve), bad('offers must be a whole number ≥ 0, not -1'));
  assert.throws(() => projectFinalRate({ offers: 5, accepted: -1, pendingByAge: [] }, curve), bad('accepted must be a whole number ≥ 0, not -1'));
  assert.throws(
    () => projectFinalRate({ offers: 5, accepted: 2, pendingByAge: [{ age: 0, count: 2 }], declinedByAge: [{ age: 1, count: 2 }] }, curve),
    bad('2 accepted, 2 pending and 2 declined offers exceed the 5 offers of the period', 'accepted, pending and declined offers are separate parts of the period’s offers'),
  );
  assert.throws(
    () => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [{ age: 3, count: 1 }] }, curve),
    bad('pendingByAge: age must be a number of days from 0 to below 3, not 3', 'an offer as old as the window is no longer open'),
  );
  assert.throws(() => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [{ age: Number.POSITIVE_INFINITY, count: 1 }] }, curve), bad('pendingByAge: age must be a number of days from 0 to below 3, not Infinity'));
  assert.throws(() => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [{ age: -0.001, count: 1 }] }, curve), bad('pendingByAge: age must be a number of days from 0 to below 3, not -0.001'));
  assert.throws(() => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [{ age: 0, count: 1.5 }] }, curve), bad('pendingByAge count must be a whole number ≥ 0, not 1.5'));
  assert.throws(() => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [], declinedByAge: [{ age: 0, count: -2 }] }, curve), bad('declinedByAge count must be a whole number ≥ 0, not -2'));
  assert.throws(() => projectFinalRate({ offers: 5, accepted: 1, pendingByAge: [] }, curve, { level: 1 }), (e: unknown) => e instanceof UprateError && e.location === 'level');
});

test('projectFinalRate with nothing pending still names its method, kaplan-meier', () => {
  assert.equal(projectFinalRate({ offers: 40, accepted: 10, pendingByAge: [] }, curve).method, 'kaplan-meier');
});

test('projectFinalRate: a day on which everyone at risk accepted adds no curve variance, and the basis names the last day watched', () => {
  // Two earlier offers over a 4-day window: day 0, 2 at risk, 1 accepts (S = 0.5); day 1, 1 at
  // risk, 1 accepts (S = 0, Greenwood's term 1/(1·0) undefined: skipped); nobody at risk after,
  // so observed through day 1. The pending offer of age 0 then accepts for sure: q = 1 − 0/1 = 1,
  // outcome variance 1·1·0 = 0, and its weight m·R = 0 leaves no curve variance: rate, lower and
  // upper are all (1 + 1)/4 = 0.5.
  const short = kaplanMeier({ events: [1, 1, 0, 0], censored: [0, 0, 0, 0], offers: 2 });
  const got = projectFinalRate({ offers: 4, accepted: 1, pendingByAge: [{ age: 0, count: 1 }] }, short);
  assert.deepEqual([got.rate, got.lower, got.upper, got.expectedAdditional], [0.5, 0.5, 0.5, 1]);
  assert.equal(
    got.basis,
    'Projected from how 2 earlier offers were accepted over the 4-day window (Kaplan–Meier, offers still open censored at their age): the 1 pending offer is expected to add 1.0 acceptance, assuming no acceptance after day 1, the last day any earlier offer was watched on.',
  );
});
