import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, reference } from '../../test/reference/stats-reference.js';
import { betaPosterior, probabilityAbove, UNIFORM_PRIOR } from './beta-posterior.js';
import { isSmallSample } from './small-sample.js';
import { UprateError } from '../core/errors.js';

test('beta posterior mean, credible interval and tail probability match scipy.stats.beta', () => {
  assert.ok(reference.betaPosterior.length >= 20);
  for (const r of reference.betaPosterior) {
    const prior = { alpha: r.alpha, beta: r.beta };
    const post = betaPosterior(r.k, r.n, prior, r.level);
    const where = `${r.k}/${r.n} prior Beta(${r.alpha}, ${r.beta}) at ${r.level}`;
    assert.equal(post.alpha, r.alpha + r.k);
    assert.equal(post.beta, r.beta + r.n - r.k);
    assertClose(post.mean, r.mean, `mean ${where}`, 1e-12);
    assertClose(post.lower, r.lower, `lower ${where}`);
    assertClose(post.upper, r.upper, `upper ${where}`);
    for (const [ref, p] of r.above) {
      // scipy's beta.sf(x) near x = 1 is itself 1 − cdf; both agree to 1e-9 or 1e-15 absolute.
      assertClose(probabilityAbove(r.k, r.n, ref, prior), p, `P(θ > ${ref}) ${where}`, 1e-9, 1e-15);
    }
  }
  assert.ok(reference.betaPosterior.some((r) => r.above.some(([, p]) => p > 0 && p < 1e-30)), 'a tiny tail is covered');
});

test('n = 0: the posterior is the prior', () => {
  const post = betaPosterior(0, 0);
  assert.equal(post.alpha, UNIFORM_PRIOR.alpha);
  assert.equal(post.beta, UNIFORM_PRIOR.beta);
  assert.equal(post.mean, 0.5);
  assertClose(post.lower, 0.025, 'uniform lower', 1e-12);
  assertClose(post.upper, 0.975, 'uniform upper', 1e-12);
  assertClose(probabilityAbove(0, 0, 0.2), 0.8, 'uniform tail', 1e-12);
});

test('by hand: Beta(2, 1) after 1 of 1 with a uniform prior', () => {
  // density 2θ: P(θ > 0.5) = 1 − 0.25; quantile q solves q² = u.
  const post = betaPosterior(1, 1, UNIFORM_PRIOR, 0.9);
  assertClose(post.mean, 2 / 3, 'mean', 1e-15);
  assertClose(post.lower, Math.sqrt(0.05), 'lower', 1e-12);
  assertClose(post.upper, Math.sqrt(0.95), 'upper', 1e-12);
  assertClose(probabilityAbove(1, 1, 0.5), 0.75, 'tail', 1e-12);
});

test('bad priors and references are rejected', () => {
  const isBad = (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT';
  assert.throws(() => betaPosterior(1, 2, { alpha: 0, beta: 1 }), isBad);
  assert.throws(() => probabilityAbove(1, 2, 1.2), isBad);
});

test('small-sample flag: n < 30 by default, configurable', () => {
  assert.equal(isSmallSample(0), true);
  assert.equal(isSmallSample(29), true);
  assert.equal(isSmallSample(30), false);
  assert.equal(isSmallSample(80, 100), true);
});
