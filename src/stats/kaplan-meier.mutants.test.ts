// Tests for what kaplan-meier.test.ts leaves open: the exact refusals (message, location and
// hint), and a negative count of offers. Messages written from the documented input rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { kaplanMeier } from './kaplan-meier.js';

/** A BAD_ARGUMENT error at "kaplanMeier" with exactly this message (and hint, when given). */
function bad(message: string, hint?: string) {
  return (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'kaplanMeier' && e.message === message && (hint === undefined || e.hint === hint);
}

test('kaplanMeier refusals say exactly what is wrong, at "kaplanMeier"', () => {
  assert.throws(
    () => kaplanMeier({ events: [], censored: [], offers: 3 }),
    bad('events and censored must both have one entry per day of the window (W ≥ 1), not 0 and 0'),
  );
  assert.throws(
    () => kaplanMeier({ events: [1, 2], censored: [0], offers: 3 }),
    bad('events and censored must both have one entry per day of the window (W ≥ 1), not 2 and 1'),
  );
  assert.throws(() => kaplanMeier({ events: [1], censored: [0], offers: -1 }), bad('offers must be a whole number ≥ 0, not -1'));
  assert.throws(() => kaplanMeier({ events: [0, 1.5], censored: [0, 0], offers: 3 }), bad('events[1] must be a whole number ≥ 0, not 1.5'));
  assert.throws(() => kaplanMeier({ events: [0, 0], censored: [0, -1], offers: 3 }), bad('censored[1] must be a whole number ≥ 0, not -1'));
  assert.throws(
    () => kaplanMeier({ events: [2, 1], censored: [0, 1], offers: 3 }),
    bad('3 acceptances and 1 censored offers exceed the 3 offers they come from', 'every acceptance and every censored offer must be one of the offers'),
  );
});

test('kaplanMeier: acceptances and censored offers may add up to every offer', () => {
  // 2 accepted on day 0, 1 censored at age 1: day 0 has 3 at risk, day 1 none.
  const km = kaplanMeier({ events: [2, 0], censored: [0, 1], offers: 3 });
  assert.deepEqual(km.days.map((d) => d.atRisk), [3, 0]);
  assert.equal(km.observedThrough, 0);
});
