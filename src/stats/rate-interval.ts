import { UprateError } from '../core/errors.js';
import { checkCounts, checkLevel } from './counts.js';
import { exactBounds } from './exact-interval.js';
import { DEFAULT_LEVEL, type Interval, type IntervalMethod } from './interval.js';
import { jeffreysBounds } from './jeffreys-interval.js';
import { wilsonBounds } from './wilson-interval.js';

/** Below this many offers `method: 'auto'` uses the exact interval, from it on Wilson. */
export const AUTO_EXACT_BELOW = 30;

export interface RateIntervalOptions {
  /** Interval method (default `'wilson'`); `'auto'` = exact for n < 30, else Wilson. */
  readonly method?: IntervalMethod | 'auto';
  /** Confidence level (default 0.95). */
  readonly level?: number;
}

/**
 * A conversion rate with its interval. For n = 0 the rate and both endpoints are `null` (never
 * NaN): no offers, no rate. `method` is the method actually used (`'auto'` resolved).
 */
export interface RateInterval {
  readonly rate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly method: IntervalMethod;
  readonly level: number;
}

/**
 * The rate k / n and its confidence interval.
 *
 * @example
 * rateInterval(18, 100)                      // { rate: 0.18, lower: 0.117…, upper: 0.267…, method: 'wilson', level: 0.95 }
 * rateInterval(3, 12, { method: 'auto' })    // exact interval, since n < 30
 * rateInterval(0, 0)                         // { rate: null, lower: null, upper: null, … }
 */
export function rateInterval(k: number, n: number, options: RateIntervalOptions = {}): RateInterval {
  checkCounts(k, n, 'rateInterval');
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  const requested = options.method ?? 'wilson';
  const method: IntervalMethod = requested === 'auto' ? (n < AUTO_EXACT_BELOW ? 'exact' : 'wilson') : requested;
  if (n === 0) return { rate: null, lower: null, upper: null, method, level };
  const interval = intervalFor(method, k, n, level);
  return { rate: k / n, lower: interval.lower, upper: interval.upper, method, level };
}

/** Dispatches to the interval function for a method; 0 ≤ k ≤ n, n > 0 (fractional effective counts too). */
export function intervalFor(method: IntervalMethod, k: number, n: number, level: number): Interval {
  switch (method) {
    case 'wilson':
      return wilsonBounds(k, n, level);
    case 'jeffreys':
      return jeffreysBounds(k, n, level);
    case 'exact':
      return exactBounds(k, n, level);
    default:
      throw new UprateError('BAD_ARGUMENT', `unknown interval method ${String(method)}`, {
        location: 'method',
        hint: "use 'wilson', 'jeffreys', 'exact' or 'auto'",
      });
  }
}
