import { checkCounts, checkLevel } from './counts.js';
import { designEffect, type ClusterMoments, type DesignEffect } from './design-effect.js';
import { DEFAULT_LEVEL, type IntervalMethod } from './interval.js';
import { AUTO_EXACT_BELOW, intervalFor, type RateInterval } from './rate-interval.js';

export interface RateEstimateOptions {
  /** Interval method for large samples (default Wilson); exact is used below 30 effective offers. */
  readonly method?: IntervalMethod;
  readonly level?: number;
  /** The population's per-customer sums; without them offers are treated as independent. */
  readonly clusters?: ClusterMoments | null;
}

/** A rate with its interval and how much its offers cluster by customer. */
export interface RateEstimate extends RateInterval {
  readonly designEffect: DesignEffect;
}

/**
 * The one way uprate turns a population's counts into a rate and its interval — every KPI cell
 * of the CLI, the API, the dashboard, the HTML report and the alerts comes from here.
 *
 * The interval is the requested method applied to the *effective* sample: k/d accepted of n/d
 * offers, d the customer-clustered design effect ({@link designEffect}); Kish's effective sample
 * size, as Korn & Graubard (1998) do for Clopper–Pearson. Below 30 effective offers the exact
 * (Clopper–Pearson) interval is used whatever the method. With d = 1 (no clustering) this is the
 * plain binomial interval of k of n.
 *
 * @example
 * rateEstimate(18, 100).lower                        // 0.1171… (Wilson, no customer sums)
 * rateEstimate(180, 1000, { clusters }).designEffect // { variance: 'customer-clustered', designEffect: 2.9, … }
 */
export function rateEstimate(k: number, n: number, options: RateEstimateOptions = {}): RateEstimate {
  checkCounts(k, n, 'rateEstimate');
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  const effect = designEffect(k, n, options.clusters);
  const method: IntervalMethod = effect.effectiveOffers < AUTO_EXACT_BELOW ? 'exact' : (options.method ?? 'wilson');
  if (n === 0) return { rate: null, lower: null, upper: null, method, level, designEffect: effect };
  const interval = intervalFor(method, effect.effectiveAccepted, effect.effectiveOffers, level);
  return { rate: k / n, lower: interval.lower, upper: interval.upper, method, level, designEffect: effect };
}
