// Tests for what empirical-bayes-prior.test.ts leaves open in fitBetaPrior: the argument checks,
// and each fallback's whole answer and words (too few groups, all accepted, a cap on the
// strength, all-or-nothing groups, groups of one offer). Values by hand from the moments
// estimator ρ = (S/(p̂q̂) − (G − 1)) / (W − G + 1 − Σn²/W), strength 1/ρ − 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { fitBetaPrior } from './empirical-bayes-prior.js';

test('fitBetaPrior: bad counts name their group; maxStrength must be positive and finite', () => {
  assert.throws(
    () => fitBetaPrior([{ k: 1, n: 2 }, { k: 3, n: 2 }]),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'fitBetaPrior group 1',
  );
  for (const m of [0, -5, Number.POSITIVE_INFINITY, Number.NaN]) {
    assert.throws(
      () => fitBetaPrior([{ k: 1, n: 10 }, { k: 3, n: 10 }], { maxStrength: m }),
      (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'maxStrength' && e.message === `maxStrength must be a positive number, not ${m}`,
    );
  }
});

test('fitBetaPrior with fewer than two groups with offers: the uniform prior, and says so', () => {
  assert.deepEqual(fitBetaPrior([{ k: 3, n: 10 }, { k: 0, n: 0 }], { method: 'mle' }), {
    alpha: 1,
    beta: 1,
    mean: 0.5,
    strength: 2,
    method: 'mle',
    groups: 1,
    fallback: 'needs at least 2 groups with offers, has 1: uniform prior',
  });
  assert.equal(fitBetaPrior([]).fallback, 'needs at least 2 groups with offers, has 0: uniform prior');
});

test('fitBetaPrior when every offer was accepted: mean (Σk + ½)/(Σn + 1) at the maximum strength', () => {
  const all = fitBetaPrior([{ k: 10, n: 10 }, { k: 30, n: 30 }], { maxStrength: 400 });
  assertClose(all.mean, 40.5 / 41, 'mean', 1e-15);
  assert.equal(all.strength, 400);
  assertClose(all.alpha, (40.5 / 41) * 400, 'alpha', 1e-12);
  assert.equal(all.groups, 2);
  assert.equal(all.fallback, 'every offer accepted in every group: rates indistinguishable');
  assert.equal(fitBetaPrior([{ k: 0, n: 10 }, { k: 0, n: 30 }]).fallback, 'no offer accepted in every group: rates indistinguishable');
});

test('fitBetaPrior: a strength above maxStrength is capped, and says so', () => {
  // 1 and 3 of 10: strength 35 by hand (empirical-bayes-prior.test.ts); with maxStrength 20 → 20.
  const capped = fitBetaPrior([{ k: 1, n: 10 }, { k: 3, n: 10 }], { maxStrength: 20 });
  assert.equal(capped.strength, 20);
  assertClose(capped.alpha, 4, 'alpha = 0.2·20', 1e-12);
  assert.equal(capped.fallback, 'estimated prior strength above its maximum: capped');
  assert.equal(fitBetaPrior([{ k: 1, n: 10 }, { k: 3, n: 10 }], { maxStrength: 36 }).fallback, null);
  // No spread at all: the maximum, with its own words.
  assert.equal(
    fitBetaPrior([{ k: 10, n: 100 }, { k: 20, n: 200 }]).fallback,
    'groups vary no more than binomial noise: prior strength set to its maximum',
  );
});

test('fitBetaPrior: all-or-nothing groups get a strength near 0', () => {
  // 0 of 10 and 10 of 10: p̂ = 0.5, S = 10·0.25·2 = 5, S/(p̂q̂) = 20, denominator 20 − 2 + 1 − 200/20 = 9:
  // ρ = 19/9 > 1, so 1/min(ρ, 1) − 1 = 0 and the strength is set to 1e-6.
  const fit = fitBetaPrior([{ k: 0, n: 10 }, { k: 10, n: 10 }]);
  assert.equal(fit.strength, 1e-6);
  assert.equal(fit.mean, 0.5);
  assert.equal(fit.fallback, 'groups are all-or-nothing: prior strength set near 0');
});

test('fitBetaPrior: two groups of one offer leave no room to estimate ρ (denominator 0)', () => {
  // W − G + 1 − Σn²/W = 2 − 2 + 1 − 2/2 = 0: ρ cannot be estimated, so the binomial-noise fallback.
  const fit = fitBetaPrior([{ k: 0, n: 1 }, { k: 1, n: 1 }]);
  assert.equal(fit.strength, 10_000);
  assert.equal(fit.fallback, 'groups vary no more than binomial noise: prior strength set to its maximum');
});

test('fitBetaPrior: groups of the same size in any order give the same prior, to the last bit', () => {
  // Sizes repeat (five groups each of 30, 70 and 110 offers), so the order among equal sizes is
  // decided by k; 0.1-style rates make the floating sums depend on the order they are added in.
  const groups = Array.from({ length: 15 }, (_, i) => ({ k: (i * 7) % 23 + 1, n: 30 + 40 * (i % 3) }));
  const orders = [[...groups].reverse(), groups.map((g, i) => ({ g, key: (i * 4) % 15 })).sort((a, b) => a.key - b.key).map((x) => x.g)];
  for (const method of ['moments', 'mle'] as const) {
    const a = fitBetaPrior(groups, { method });
    for (const other of orders) assert.deepEqual(fitBetaPrior(other, { method }), a);
  }
});

test('fitBetaPrior: a strength exactly at maxStrength stands, uncapped', () => {
  // The moments fit of these groups (Python, the documented formula in the same order of
  // operations): p̂ = 97/510, ρ = 0.02854965578439106, strength 1/ρ − 1 = 34.02669200469764.
  // With that as the maximum the estimate is not above it: no fallback.
  const prior = fitBetaPrior([{ k: 5, n: 40 }, { k: 30, n: 120 }, { k: 2, n: 50 }, { k: 60, n: 300 }], { maxStrength: 34.02669200469764 });
  assert.equal(prior.strength, 34.02669200469764);
  assert.equal(prior.fallback, null);
});

test('fitBetaPrior: groups that vary exactly as binomial noise (ρ = 0) get the maximum strength as no spread', () => {
  // By hand: 3 of 8 and 5 of 8, p̂ = 1/2, S = 8·(1/8)² + 8·(1/8)² = 1/4 = p̂(1 − p̂)·(G − 1),
  // so ρ = (S/(p̂(1 − p̂)) − 1)/(W − G + 1 − Σn²/W) = 0 exactly: no extra-binomial spread.
  const prior = fitBetaPrior([{ k: 3, n: 8 }, { k: 5, n: 8 }]);
  assert.deepEqual([prior.mean, prior.strength, prior.fallback], [0.5, 10_000, 'groups vary no more than binomial noise: prior strength set to its maximum']);
});

test('fitBetaPrior MLE with a pooled rate within 2⁻⁵³ of 1: the optimum, as for the mirrored rate near 0', () => {
  // 2⁵² offers all accepted and 2⁵² less one declined: the pooled rate 1 − 2⁻⁵³ once made the
  // search's start round to a mean of 1 (beta 0, every vertex infinite), and the start came back
  // (beta ≈ 2e-12). scipy (betaln, minimize_scalar bounded to 1e-12) on the negative log-likelihood
  // −Σ [log C(n, k) + betaln(k + α, n − k + β) − betaln(α, β)] at α + β = 10 000 (the likelihood
  // still rises with the strength: 5.065 at 1 000, 4.983 at 10 000, 4.893 at 100 000) puts the
  // optimum at β = 0.018633463367 (value 4.98279), against 26.83 at β = 2.2e-12.
  const N = 2 ** 52;
  const fit = fitBetaPrior([{ k: N, n: N }, { k: N - 1, n: N }], { method: 'mle' });
  assert.equal(fit.strength, 10_000);
  assert.equal(fit.fallback, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
  assertClose(fit.beta, 0.018633463367076067, 'beta', 1e-5);
  // The mirror image (one accepted of 2⁵², none of the other 2⁵²) has the same optimum with α and β swapped.
  assertClose(fitBetaPrior([{ k: 0, n: N }, { k: 1, n: N }], { method: 'mle' }).alpha, 0.018633463367076067, 'mirrored alpha', 1e-5);
});

test('fitBetaPrior MLE where rounding stops the search short of the maximum strength: never passed off as an estimate', () => {
  // 0 of 7 and 1 of 6 vary less than binomial noise: the likelihood rises with the strength all
  // the way (scipy, the mean optimised at each strength: −log L = 1.7573 at 100, 1.7361 at 1 000,
  // 1.73394 at 10 000, 1.733705 at 10⁶, towards the binomial limit 1.7337024 at p̂ = 1/13), so the
  // maximum likelihood lies at maxStrength. With maxStrength 10⁹ the log-likelihood changes by
  // less than its rounding near 10⁸, where Nelder–Mead runs out of iterations: the fit must say
  // it stopped (or that it reached the maximum), never give an interior strength as converged.
  const fit = fitBetaPrior([{ k: 0, n: 7 }, { k: 1, n: 6 }], { method: 'mle', maxStrength: 1e9 });
  assert.ok(
    fit.fallback === 'the optimiser stopped before converging' ||
      fit.fallback === 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum',
    String(fit.fallback),
  );
  assert.ok(fit.strength <= 1e9);
  assertClose(fit.mean, 1 / 13, 'mean', 1e-3);
});

test('fitBetaPrior MLE, groups at one rate (10 %) with maxStrength 10⁹: the search starts at the pooled rate and reaches the maximum', () => {
  // 10 of 100, 10 of 100, 20 of 200: no spread at all, so the likelihood rises with the strength
  // all the way to the binomial limit. mpmath (50 digits; the mean optimised at each strength)
  // gives −log L (without the binomial coefficients) 130.05304082 at 10⁴, 130.03338934 at 10⁶,
  // 130.03319136 at 10⁸, 130.03318956 at 10⁹, 130.03318938 at 10¹⁰, the mean → 0.1: the maximum
  // likelihood lies at maxStrength. That far out the likelihood barely moves (1.8e-6 from 10⁸ to
  // 10⁹), so the search gets there only from a start at the pooled rate's logit, log(0.1/0.9).
  const fit = fitBetaPrior([{ k: 10, n: 100 }, { k: 10, n: 100 }, { k: 20, n: 200 }], { method: 'mle', maxStrength: 1e9 });
  assert.equal(fit.strength, 1e9);
  assert.equal(fit.fallback, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
  assertClose(fit.mean, 0.1, 'mean', 1e-4);
});

test('fitBetaPrior MLE, 1 of 50 and 1 of 100 with maxStrength 10⁹: the search starts at half the maximum strength and reaches it', () => {
  // Spread S = 50·(0.02 − 2/150)² + 100·(0.01 − 2/150)² = 1/300, S/(p̂q̂) = 0.253 < G − 1 = 1:
  // less than binomial noise, so the moments fit is the maximum (10⁹) and the search starts at
  // 10⁹/2. mpmath (50 digits, the mean optimised at each strength): −log L 10.62820951 at 10⁴,
  // 10.62164979 at 10⁶, 10.62158390 at 10⁸, 10.62158330 at 10⁹, 10.62158324 at 10¹⁰, the mean →
  // 2/150: rising all the way, so the answer is the maximum, never an interior "estimate".
  const fit = fitBetaPrior([{ k: 1, n: 50 }, { k: 1, n: 100 }], { method: 'mle', maxStrength: 1e9 });
  assert.equal(fit.strength, 1e9);
  assert.equal(fit.fallback, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
  assertClose(fit.mean, 2 / 150, 'mean', 1e-4);
});

test('fitBetaPrior MLE with the maximum strength just above the optimum: the optimum, not the maximum', () => {
  // scipy (betaln, Nelder–Mead, xatol 1e-12): 5/40, 30/120, 2/50, 60/300 have their maximum
  // likelihood at strength 24.800135, mean 0.1624099, −log L 246.3986244 (246.3986536 at 25).
  // Held at the maximum past it, the likelihood was flat there and the search settled on 25.
  const groups = [{ k: 5, n: 40 }, { k: 30, n: 120 }, { k: 2, n: 50 }, { k: 60, n: 300 }];
  const fit = fitBetaPrior(groups, { method: 'mle', maxStrength: 25 });
  assert.equal(fit.fallback, null);
  assertClose(fit.strength, 24.800135, 'strength', 1e-5);
  assertClose(fit.mean, 0.1624099, 'mean', 1e-5);
  // Below the optimum the maximum is the answer.
  const capped = fitBetaPrior(groups, { method: 'mle', maxStrength: 24.7 });
  assert.equal(capped.strength, 24.7);
  assert.equal(capped.fallback, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
});

test('fitBetaPrior MLE capped below the optimum: the mean most likely at the maximum strength', () => {
  // scipy: 5/238, 11/125, 11/118, 3/49 have their maximum likelihood at strength 66.99 (mean
  // 0.0637); held to 25 the most likely mean is 0.0738488202 (bounded scalar search, xatol 1e-14).
  // The search steps past the maximum and back: the strength there mirrors to below it.
  const fit = fitBetaPrior([{ k: 5, n: 238 }, { k: 11, n: 125 }, { k: 11, n: 118 }, { k: 3, n: 49 }], { method: 'mle', maxStrength: 25 });
  assert.equal(fit.strength, 25);
  assert.equal(fit.fallback, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
  assertClose(fit.mean, 0.0738488202, 'mean', 1e-6);
});
