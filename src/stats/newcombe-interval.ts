import { checkCounts, checkLevel } from './counts.js';
import { DEFAULT_LEVEL, type Interval } from './interval.js';
import { wilsonBounds } from './wilson-interval.js';

/**
 * Newcombe's hybrid score interval for the difference p1 − p2 (Newcombe 1998, method 10): it
 * combines the two Wilson intervals, so it stays sensible at 0 % and 100 % and at small n.
 * Same as statsmodels `confint_proportions_2indep(k1, n1, k2, n2, method='newcomb')`.
 * Fractions: multiply by 100 for percentage points.
 *
 * @example
 * newcombeInterval(30, 100, 18, 100) // { lower: 0.0013…, upper: 0.2347… }
 */
export function newcombeInterval(k1: number, n1: number, k2: number, n2: number, level: number = DEFAULT_LEVEL): Interval {
  checkCounts(k1, n1, 'newcombeInterval');
  checkCounts(k2, n2, 'newcombeInterval');
  checkLevel(level);
  return newcombeBounds(k1, n1, k2, n2, level);
}

/** The same for real-valued counts (0 ≤ k ≤ n, n > 0) — effective counts under clustering; unchecked. */
export function newcombeBounds(k1: number, n1: number, k2: number, n2: number, level: number): Interval {
  const w1 = wilsonBounds(k1, n1, level);
  const w2 = wilsonBounds(k2, n2, level);
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const d = p1 - p2;
  return {
    lower: d - Math.hypot(p1 - w1.lower, w2.upper - p2),
    upper: d + Math.hypot(w1.upper - p1, p2 - w2.lower),
  };
}
