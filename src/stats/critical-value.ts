import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * The two-sided standard-normal critical value for a confidence level: z such that
 * P(|Z| ≤ z) = level. `zCritical(0.95)` ≈ 1.959964.
 */
export function zCritical(level: number): number {
  return -normalQuantile((1 - level) / 2, 0, 1);
}

/**
 * Two-sided p-value of a standard-normal statistic, 2·Φ(−|z|), computed from the lower tail so
 * that tiny p-values (down to ~1e-300) keep their precision.
 */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}
