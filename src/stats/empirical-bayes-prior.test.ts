import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, counts, reference } from '../../test/reference/stats-reference.js';
import { fitBetaPrior } from './empirical-bayes-prior.js';
import { shrinkRates } from './shrunken-rates.js';
import { nelderMead } from './nelder-mead.js';

test('moments fit: the documented estimator (numpy evaluation in the reference)', () => {
  for (const r of reference.priorMoments) {
    const fit = fitBetaPrior(r.groups.map(counts));
    assert.equal(fit.fallback, null);
    assert.equal(fit.method, 'moments');
    assertClose(fit.alpha, r.alpha, `alpha ${JSON.stringify(r.groups)}`);
    assertClose(fit.beta, r.beta, `beta ${JSON.stringify(r.groups)}`);
    assertClose(1 / (fit.strength + 1), r.rho, 'rho');
  }
});

test('MLE fit matches scipy betabinom + L-BFGS-B/Nelder–Mead (optimiser tolerance 1e-5)', () => {
  for (const r of reference.priorMle) {
    const fit = fitBetaPrior(r.groups.map(counts), { method: 'mle' });
    assert.equal(fit.fallback, null, JSON.stringify(fit));
    // Two optimisers stop at slightly different points of a flat optimum.
    assertClose(fit.alpha, r.alpha, `alpha ${JSON.stringify(r.groups)}`, 1e-5);
    assertClose(fit.beta, r.beta, `beta ${JSON.stringify(r.groups)}`, 1e-5);
  }
});

test('moments by hand: equal n reduces to (G − 1)(n − 1) in the denominator', () => {
  // Rates 0.1, 0.3 of 10 each: p̂ = 0.2, S = 10·0.01·2 = 0.2, S/(p̂q̂) = 1.25,
  // ρ = (1.25 − 1)/((2 − 1)(10 − 1)) = 1/36 → strength 35, alpha 7, beta 28.
  const fit = fitBetaPrior([{ k: 1, n: 10 }, { k: 3, n: 10 }]);
  assertClose(fit.strength, 35, 'strength', 1e-12);
  assertClose(fit.alpha, 7, 'alpha', 1e-12);
  assertClose(fit.beta, 28, 'beta', 1e-12);
});

test('fallbacks are explicit: no spread, no successes, too few groups', () => {
  const flat = fitBetaPrior([{ k: 10, n: 100 }, { k: 10, n: 100 }, { k: 20, n: 200 }]);
  assert.equal(flat.strength, 10_000);
  assertClose(flat.mean, 0.1, 'mean', 1e-12);
  assert.match(flat.fallback ?? '', /binomial noise/);
  const flatMle = fitBetaPrior([{ k: 10, n: 100 }, { k: 10, n: 100 }, { k: 20, n: 200 }], { method: 'mle', maxStrength: 500 });
  assert.equal(flatMle.strength, 500);
  assert.match(flatMle.fallback ?? '', /strength set to its maximum/);
  const zero = fitBetaPrior([{ k: 0, n: 10 }, { k: 0, n: 30 }]);
  assertClose(zero.mean, 0.5 / 41, 'mean', 1e-12);
  assert.match(zero.fallback ?? '', /no offer accepted/);
  const one = fitBetaPrior([{ k: 3, n: 10 }, { k: 0, n: 0 }]);
  assert.deepEqual({ a: one.alpha, b: one.beta, g: one.groups }, { a: 1, b: 1, g: 1 });
  assert.match(one.fallback ?? '', /at least 2 groups/);
  for (const f of [flat, zero, one]) assert.ok(f.alpha > 0 && f.beta > 0);
});

test('shrinkRates: posterior means pull small groups to the whole; flags small samples', () => {
  const groups = [
    { label: 'tiny', k: 3, n: 5 },
    { label: 'email', k: 150, n: 1000 },
    { label: 'sales', k: 90, n: 800 },
    { label: 'in_app', k: 300, n: 1500 },
    { label: 'none', k: 0, n: 0 },
  ];
  const r = shrinkRates(groups);
  const prior = fitBetaPrior(groups);
  assert.deepEqual(r.prior, prior);
  assertClose(r.overallRate, 543 / 3305, 'overall', 1e-15);
  const tiny = r.groups[0];
  assert.ok(tiny);
  assertClose(tiny.shrunkenRate, (prior.alpha + 3) / (prior.strength + 5), 'tiny shrunken', 1e-12);
  assert.ok(tiny.shrunkenRate < 0.6 && tiny.shrunkenRate > (r.overallRate ?? 0));
  assert.equal(tiny.smallSample, true);
  assert.equal(r.groups[1]?.smallSample, false);
  const none = r.groups[4];
  assert.equal(none?.rate, null);
  assertClose(none?.shrunkenRate, prior.mean, 'empty group gets the prior mean', 1e-12);
  // The ranking on shrunken rates no longer puts 3 of 5 first.
  const ranked = [...r.groups].sort((x, y) => y.shrunkenRate - x.shrunkenRate).map((g) => g.label);
  assert.notEqual(ranked[0], 'tiny');
  const fixed = shrinkRates(groups, { prior: { alpha: 2, beta: 8 }, smallSample: 900 });
  assert.deepEqual(fixed.prior, { alpha: 2, beta: 8, mean: 0.2, strength: 10, fitted: false });
  assert.equal(fixed.groups[2]?.smallSample, true);
});

test('Nelder–Mead finds the minimum of a shifted quadratic', () => {
  const m = nelderMead((x) => ((x[0] ?? 0) - 1) ** 2 + 3 * ((x[1] ?? 0) + 2) ** 2, [0, 0]);
  assert.ok(m.converged);
  assertClose(m.x[0], 1, 'x', 0, 1e-6);
  assertClose(m.x[1], -2, 'y', 0, 1e-6);
});

test('the prior does not depend on the order the groups arrive in, to the last bit', () => {
  // Engines return groups in any order; 0.1-style rates make floating sums order-sensitive.
  const groups = Array.from({ length: 40 }, (_, i) => ({ k: (i * 37) % 101 + 3, n: 300 + ((i * 53) % 211) }));
  const reversed = [...groups].reverse();
  const shuffled = groups.map((g, i) => ({ g, key: (i * 17) % 40 })).sort((a, b) => a.key - b.key).map((x) => x.g);
  for (const method of ['moments', 'mle'] as const) {
    const a = fitBetaPrior(groups, { method });
    assert.deepEqual(fitBetaPrior(reversed, { method }), a);
    assert.deepEqual(fitBetaPrior(shuffled, { method }), a);
  }
});
