import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { UprateError } from '../core/errors.js';
import { checkCounts, checkLevel, checkProbability } from './counts.js';
import { DEFAULT_LEVEL } from './interval.js';

/** A Beta(alpha, beta) prior on a conversion rate; alpha + beta is its weight in pseudo-offers. */
export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

/** The uniform prior Beta(1, 1), used when none is given. */
export const UNIFORM_PRIOR: BetaPrior = Object.freeze({ alpha: 1, beta: 1 });

/** A beta posterior with its mean and equal-tailed credible interval. */
export interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
  /** Posterior mean (alpha / (alpha + beta)). */
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
}

/**
 * The beta-binomial posterior of a segment's rate after k accepted of n offers:
 * Beta(a + k, b + n − k), its mean and equal-tailed credible interval (quantiles (1 ∓ level)/2).
 * With n = 0 the posterior is the prior.
 *
 * @example
 * betaPosterior(18, 100)                          // Beta(19, 83), mean 0.1863, …
 * betaPosterior(3, 10, { alpha: 15, beta: 85 })   // Beta(18, 92)
 */
export function betaPosterior(k: number, n: number, prior: BetaPrior = UNIFORM_PRIOR, level: number = DEFAULT_LEVEL): BetaPosterior {
  checkCounts(k, n, 'betaPosterior');
  checkPrior(prior);
  checkLevel(level);
  return posteriorOf(k, n, prior, level);
}

/** The same for real-valued (effective) counts, 0 ≤ k ≤ n; unchecked. */
export function posteriorOf(k: number, n: number, prior: BetaPrior, level: number): BetaPosterior {
  const a = prior.alpha + k;
  const b = prior.beta + n - k;
  const tail = (1 - level) / 2;
  return {
    alpha: a,
    beta: b,
    mean: a / (a + b),
    lower: betaQuantile(tail, a, b),
    upper: betaQuantile(1 - tail, a, b),
    level,
  };
}

/**
 * Posterior probability that the segment's true rate exceeds `reference` (an overall rate, a
 * benchmark or a target): P(θ > reference | k, n) = 1 − I_reference(a + k, b + n − k), computed as
 * I_{1−reference}(b + n − k, a + k) so tiny tails stay precise.
 *
 * @example
 * probabilityAbove(30, 100, 0.2) // 0.9929…
 */
export function probabilityAbove(k: number, n: number, reference: number, prior: BetaPrior = UNIFORM_PRIOR): number {
  checkCounts(k, n, 'probabilityAbove');
  checkProbability(reference, 'reference');
  checkPrior(prior);
  return probabilityAboveOf(k, n, reference, prior);
}

/** The same for real-valued (effective) counts, 0 ≤ k ≤ n; unchecked. */
export function probabilityAboveOf(k: number, n: number, reference: number, prior: BetaPrior): number {
  return betaCdf(1 - reference, prior.beta + n - k, prior.alpha + k);
}

export function checkPrior(prior: BetaPrior): void {
  if (!(prior.alpha > 0 && prior.beta > 0 && Number.isFinite(prior.alpha) && Number.isFinite(prior.beta))) {
    throw new UprateError('BAD_ARGUMENT', `a beta prior needs alpha > 0 and beta > 0, not ${prior.alpha}, ${prior.beta}`, {
      location: 'prior',
    });
  }
}
