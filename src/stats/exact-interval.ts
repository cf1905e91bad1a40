import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { checkCounts, checkLevel } from './counts.js';
import { DEFAULT_LEVEL, type Interval } from './interval.js';
import { emptyInterval } from './wilson-interval.js';

/**
 * Exact Clopper–Pearson interval (Clopper & Pearson 1934) from beta quantiles:
 * lower = B⁻¹(α/2; k, n − k + 1), upper = B⁻¹(1 − α/2; k + 1, n − k), with lower = 0 when k = 0
 * and upper = 1 when k = n. Conservative: coverage is at least the level for every true rate.
 * Same as statsmodels `proportion_confint(method='beta')`.
 *
 * @example
 * exactInterval(2, 10) // { lower: 0.0252…, upper: 0.5561… }
 */
export function exactInterval(k: number, n: number, level: number = DEFAULT_LEVEL): Interval {
  checkCounts(k, n, 'exactInterval');
  checkLevel(level);
  if (n === 0) return emptyInterval('exactInterval');
  return exactBounds(k, n, level);
}

/** The same for real-valued counts (0 ≤ k ≤ n, n > 0) — effective counts under clustering; unchecked. */
export function exactBounds(k: number, n: number, level: number): Interval {
  const tail = (1 - level) / 2;
  return {
    lower: k === 0 ? 0 : betaQuantile(tail, k, n - k + 1),
    upper: k === n ? 1 : betaQuantile(1 - tail, k + 1, n - k),
  };
}
