import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { checkCounts, checkLevel } from './counts.js';
import { DEFAULT_LEVEL, type Interval } from './interval.js';
import { emptyInterval } from './wilson-interval.js';

/**
 * Jeffreys interval: the equal-tailed quantiles of the Beta(k + ½, n − k + ½) posterior under
 * the Jeffreys prior (Brown, Cai & DasGupta 2001), with their endpoint convention: lower = 0 when
 * k = 0 and upper = 1 when k = n. statsmodels `proportion_confint(method='jeffreys')` gives the
 * same quantiles without that convention.
 *
 * @example
 * jeffreysInterval(0, 10) // { lower: 0, upper: 0.2172… }
 */
export function jeffreysInterval(k: number, n: number, level: number = DEFAULT_LEVEL): Interval {
  checkCounts(k, n, 'jeffreysInterval');
  checkLevel(level);
  if (n === 0) return emptyInterval('jeffreysInterval');
  return jeffreysBounds(k, n, level);
}

/** The same for real-valued counts (0 ≤ k ≤ n, n > 0) — effective counts under clustering; unchecked. */
export function jeffreysBounds(k: number, n: number, level: number): Interval {
  const tail = (1 - level) / 2;
  const a = k + 0.5;
  const b = n - k + 0.5;
  return {
    lower: k === 0 ? 0 : betaQuantile(tail, a, b),
    upper: k === n ? 1 : betaQuantile(1 - tail, a, b),
  };
}
