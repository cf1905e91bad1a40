import { posteriorOf, probabilityAboveOf, type BetaPrior } from './beta-posterior.js';
import { checkCounts, checkLevel } from './counts.js';
import { effectOf } from './design-effect.js';
import { fitBetaPrior, type FittedPrior, type PriorFitOptions } from './empirical-bayes-prior.js';
import { DEFAULT_LEVEL } from './interval.js';
import type { LabelledCounts } from './segment-comparison.js';
import { DEFAULT_SMALL_SAMPLE, isSmallSample } from './small-sample.js';

export interface ShrinkOptions extends PriorFitOptions {
  /** Use this prior instead of fitting one from the groups. */
  readonly prior?: BetaPrior;
  /** Credible level (default 0.95). */
  readonly level?: number;
  /** Groups with fewer offers are flagged `smallSample` (default 30). */
  readonly smallSample?: number;
}

/** One group's raw and shrunken rate. */
export interface ShrunkenRate {
  readonly label: string;
  readonly k: number;
  readonly n: number;
  /** k / n; null when n = 0. */
  readonly rate: number | null;
  /** Posterior mean (alpha + k/d) / (alpha + beta + n/d), d the design effect: the rate to rank on. */
  readonly shrunkenRate: number;
  /** Equal-tailed credible interval of the posterior. */
  readonly lower: number;
  readonly upper: number;
  /** Posterior probability that this group's rate exceeds the pooled rate of all groups. */
  readonly probabilityAboveOverall: number | null;
  readonly smallSample: boolean;
  /** The group's design effect: its evidence counts as k/d of n/d offers (1 = independent offers). */
  readonly designEffect: number;
}

export interface ShrinkResult {
  readonly prior: FittedPrior | (BetaPrior & { readonly mean: number; readonly strength: number; readonly fitted: false });
  /** Σk / Σn over all groups; null when there are no offers. */
  readonly overallRate: number | null;
  readonly groups: readonly ShrunkenRate[];
}

/**
 * Empirical-Bayes shrinkage: each group's rate pulled towards the whole by the prior fitted from
 * all groups ({@link fitBetaPrior}), so a segment with 3 of 5 accepted does not top the ranking.
 *
 * @example
 * shrinkRates([{ label: 'a', k: 3, n: 5 }, { label: 'b', k: 150, n: 1000 }, { label: 'c', k: 90, n: 800 }])
 */
export function shrinkRates(groups: readonly LabelledCounts[], options: ShrinkOptions = {}): ShrinkResult {
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  const threshold = options.smallSample ?? DEFAULT_SMALL_SAMPLE;
  const prior: ShrinkResult['prior'] = options.prior
    ? { ...options.prior, mean: options.prior.alpha / (options.prior.alpha + options.prior.beta), strength: options.prior.alpha + options.prior.beta, fitted: false }
    : fitBetaPrior(groups, options);
  groups.forEach((g, i) => checkCounts(g.k, g.n, `shrinkRates group ${i}`));
  const K = groups.reduce((s, g) => s + g.k, 0);
  const W = groups.reduce((s, g) => s + g.n, 0);
  const overallRate = W > 0 ? K / W : null;
  return {
    prior,
    overallRate,
    groups: groups.map((g) => {
      // A group's own evidence counts as its effective offers when they cluster by customer.
      const e = effectOf(g);
      const post = posteriorOf(e.effectiveAccepted, e.effectiveOffers, prior, level);
      return {
        label: g.label,
        k: g.k,
        n: g.n,
        rate: g.n > 0 ? g.k / g.n : null,
        shrunkenRate: post.mean,
        lower: post.lower,
        upper: post.upper,
        probabilityAboveOverall: overallRate === null ? null : probabilityAboveOf(e.effectiveAccepted, e.effectiveOffers, overallRate, prior),
        designEffect: e.designEffect,
        smallSample: isSmallSample(g.n, threshold),
      };
    }),
  };
}
