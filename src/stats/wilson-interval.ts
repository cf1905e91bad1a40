import { checkCounts, checkLevel } from './counts.js';
import { zCritical } from './critical-value.js';
import { DEFAULT_LEVEL, type Interval } from './interval.js';

/**
 * Wilson score interval for k successes of n trials (Wilson 1927), the default interval of
 * uprate: good coverage at small n and never outside [0, 1]. Same formula as statsmodels
 * `proportion_confint(k, n, method='wilson')`; the endpoints are set to exactly 0 when k = 0
 * and 1 when k = n (the formula gives them up to rounding).
 *
 * @example
 * wilsonInterval(18, 100) // { lower: 0.1170…, upper: 0.2667… }
 * @throws UprateError BAD_ARGUMENT when n = 0 (use {@link rateInterval}, which returns nulls)
 */
export function wilsonInterval(k: number, n: number, level: number = DEFAULT_LEVEL): Interval {
  checkCounts(k, n, 'wilsonInterval');
  checkLevel(level);
  if (n === 0) return emptyInterval('wilsonInterval');
  return wilsonBounds(k, n, level);
}

/** n = 0 has no interval; the functions returning a bare {@link Interval} refuse it. */
export function emptyInterval(where: string): never {
  throw new RangeError(`${where}: no interval exists for n = 0 offers; rateInterval returns null for it`);
}

/** The same for real-valued counts (0 ≤ k ≤ n, n > 0) — effective counts under clustering; unchecked. */
export function wilsonBounds(k: number, n: number, level: number): Interval {
  const z = zCritical(level);
  const z2 = z * z;
  const p = k / n;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return {
    lower: k === 0 ? 0 : Math.max(0, centre - half),
    upper: k === n ? 1 : Math.min(1, centre + half),
  };
}
