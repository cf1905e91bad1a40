// Tests added for mutants that survived the interval tests (bench/mutation-report.md): where each
// function reports bad counts, the n = 0 refusal, and the method switches. Expected values by
// hand, or from SciPy's beta distribution where a quantile is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { betaPosterior, probabilityAbove } from './beta-posterior.js';
import { checkCounts, checkLevel, checkOpenProbability, checkProbability } from './counts.js';
import { exactInterval } from './exact-interval.js';
import { jeffreysInterval } from './jeffreys-interval.js';
import { newcombeInterval } from './newcombe-interval.js';
import { rateEstimate } from './rate-estimate.js';
import { intervalFor, rateInterval } from './rate-interval.js';
import { wilsonInterval } from './wilson-interval.js';

/** A BAD_ARGUMENT error at `location` (and, when given, with this message and hint). */
function bad(location: string, message?: RegExp, hint?: string) {
  return (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && (message === undefined || message.test(e.message)) && (hint === undefined || e.hint === hint);
}

test('each interval names itself when its counts are wrong', () => {
  assert.throws(() => wilsonInterval(5, 4), bad('wilsonInterval'));
  assert.throws(() => exactInterval(5, 4), bad('exactInterval'));
  assert.throws(() => jeffreysInterval(5, 4), bad('jeffreysInterval'));
  assert.throws(() => newcombeInterval(5, 4, 1, 2), bad('newcombeInterval'));
  assert.throws(() => newcombeInterval(1, 2, 5, 4), bad('newcombeInterval'));
  assert.throws(() => rateInterval(5, 4), bad('rateInterval'));
  assert.throws(() => rateEstimate(5, 4), bad('rateEstimate'));
  assert.throws(() => betaPosterior(5, 4), bad('betaPosterior'));
  assert.throws(() => probabilityAbove(5, 4, 0.2), bad('probabilityAbove'));
  assert.throws(() => probabilityAbove(1, 4, 1.5), bad('reference', /^reference must lie between 0 and 1, not 1\.5$/));
});

test('n = 0 has no interval: wilson, exact and jeffreys refuse it, naming themselves', () => {
  const refusal = (name: string) => new RegExp(`^${name}: no interval exists for n = 0 offers; rateInterval returns null for it$`);
  assert.throws(() => wilsonInterval(0, 0), (e: unknown) => e instanceof RangeError && refusal('wilsonInterval').test(e.message));
  assert.throws(() => exactInterval(0, 0), (e: unknown) => e instanceof RangeError && refusal('exactInterval').test(e.message));
  assert.throws(() => jeffreysInterval(0, 0), (e: unknown) => e instanceof RangeError && refusal('jeffreysInterval').test(e.message));
});

test('counts: the messages, hint and locations of each check', () => {
  assert.throws(() => checkCounts(0, -1), bad('counts', /^offers \(n\) must be a whole number ≥ 0, not -1$/));
  assert.throws(() => checkCounts(0, 2.5, 'here'), bad('here', /not 2\.5$/));
  assert.throws(() => checkCounts(3, 2), bad('counts', /^accepted offers \(k\) must be a whole number from 0 to n = 2, not 3$/, 'accepted offers can never exceed the offers they come from'));
  assert.throws(() => checkLevel(1), bad('level', /^level must lie strictly between 0 and 1 \(e\.g\. 0\.95\), not 1$/));
  assert.throws(() => checkOpenProbability(0, 'alpha'), bad('alpha', /^alpha must lie strictly between 0 and 1, not 0$/));
  assert.throws(() => checkProbability(-0.1, 'rate'), bad('rate', /^rate must lie between 0 and 1, not -0\.1$/));
  assert.throws(() => checkProbability(1.1, 'rate'), bad('rate'));
  // The closed interval's ends are allowed.
  checkProbability(0, 'rate');
  checkProbability(1, 'rate');
});

test('rateInterval: jeffreys is its own method; an unknown one is an error at "method"', () => {
  // Beta(2.5, 8.5) quantiles 0.025 and 0.975 (SciPy beta.ppf): 0.044059413552630794, 0.502774496439993.
  const j = rateInterval(2, 10, { method: 'jeffreys' });
  assert.equal(j.method, 'jeffreys');
  assert.ok(Math.abs((j.lower ?? 0) - 0.044059413552630794) < 1e-12, String(j.lower));
  assert.ok(Math.abs((j.upper ?? 0) - 0.502774496439993) < 1e-12, String(j.upper));
  assert.throws(
    () => intervalFor('nope' as 'wilson', 2, 10, 0.95),
    bad('method', /^unknown interval method nope$/, "use 'wilson', 'jeffreys', 'exact' or 'auto'"),
  );
});

test('rateEstimate: exact below 30 effective offers, the asked method from 30; n = 0 gives nulls', () => {
  assert.equal(rateEstimate(3, 29).method, 'exact');
  assert.equal(rateEstimate(3, 29, { method: 'jeffreys' }).method, 'exact');
  assert.equal(rateEstimate(3, 30).method, 'wilson');
  assert.equal(rateEstimate(3, 30, { method: 'jeffreys' }).method, 'jeffreys');
  const e = rateEstimate(3, 30);
  assert.equal(e.rate, 0.1);
  const none = rateEstimate(0, 0);
  assert.deepEqual([none.rate, none.lower, none.upper], [null, null, null]);
});

test('betaPosterior: a prior with beta = 0 is refused at "prior", naming both parameters', () => {
  assert.throws(() => betaPosterior(1, 2, { alpha: 1, beta: 0 }), bad('prior', /^a beta prior needs alpha > 0 and beta > 0, not 1, 0$/));
  assert.throws(() => betaPosterior(1, 2, { alpha: 1, beta: Number.POSITIVE_INFINITY }), bad('prior'));
});
