import { UprateError } from '../core/errors.js';
import { checkLevel } from './counts.js';
import type { IntervalMethod } from './interval.js';
import type { KaplanMeierCurve } from './kaplan-meier.js';
import { AUTO_EXACT_BELOW, intervalFor } from './rate-interval.js';

/** The share of offers accepted within `days` days of being made, with its interval. */
export interface CumulativeAcceptance {
  /** Whole days since the offer: 0 … W. */
  readonly days: number;
  /** Offers followed for at least `days` days (or accepted before): all offers minus those still open at a younger age. */
  readonly observed: number;
  /** Acceptances within `days` days (acceptances on days 0 … days − 1). */
  readonly accepted: number;
  /** F: the Kaplan–Meier share accepted within `days` days (accepted ÷ offers when no offer is still open). */
  readonly share: number;
  readonly lower: number;
  readonly upper: number;
  /** Offers the interval counts as (Greenwood's variance as an effective sample, ÷ the design effect). */
  readonly effectiveOffers: number;
  /** The interval method used (exact below 30 effective offers). */
  readonly method: IntervalMethod;
}

export interface CumulativeOptions {
  readonly level: number;
  /** Interval method above 30 effective offers (default Wilson). */
  readonly method?: IntervalMethod;
  /** How much the offers cluster by customer (≥ 1; 1 = independent offers). */
  readonly designEffect?: number;
}

/**
 * The cumulative acceptance curve of a life table, day 0 … W: F(days) = 1 − S(days − 1), 0 at 0 days.
 *
 * **Interval.** Greenwood's variance turned into an effective sample, n* = F(1 − F) / Var F (the
 * offers a plain proportion with that variance would have), divided by the design effect, and the
 * interval method applied to F·n* of n* — as every rate of uprate is (`rateEstimate`: Wilson on
 * effective counts, exact below 30). With no offer still open Greenwood's variance is F(1 − F)/N,
 * so the interval is exactly the rate's interval of accepted of N. Where the variance is 0
 * (F = 0 or 1), n* is the offers followed that long (`observed`): with no offer still open, all N.
 *
 * @example
 * cumulativeAcceptance(kaplanMeier({ events: [10, 5], censored: [0, 0], offers: 100 }), { level: 0.95 })[2]
 * // { days: 2, accepted: 15, share: 0.15, lower: 0.093…, upper: 0.233…, … } — Wilson of 15 of 100
 * @throws UprateError BAD_ARGUMENT for a design effect below 1 or a level outside (0, 1)
 */
export function cumulativeAcceptance(curve: KaplanMeierCurve, options: CumulativeOptions): CumulativeAcceptance[] {
  checkLevel(options.level);
  const deff = options.designEffect ?? 1;
  if (!(deff >= 1) || !Number.isFinite(deff)) {
    throw new UprateError('BAD_ARGUMENT', `the design effect must be a number ≥ 1, not ${deff}`, { location: 'designEffect' });
  }
  const out: CumulativeAcceptance[] = [];
  let accepted = 0;
  let censoredBefore = 0;
  for (let t = 0; t <= curve.windowDays; t++) {
    const day = t > 0 ? curve.days[t - 1] : undefined;
    if (day) {
      accepted += day.events;
      censoredBefore += day.censored;
    }
    const observed = curve.offers - censoredBefore;
    const share = day ? day.cumulative : 0;
    const variance = day ? day.variance : 0;
    // Offers the share is known from: Greenwood as an effective sample, else those followed this
    // long (with F = 0, the offers at risk that day; with F = 1, the accepted ones too).
    const raw = variance > 0 ? (share * (1 - share)) / variance : observed;
    const effectiveOffers = raw / deff;
    const method: IntervalMethod = effectiveOffers < AUTO_EXACT_BELOW ? 'exact' : (options.method ?? 'wilson');
    const interval = effectiveOffers > 0 ? intervalFor(method, share * effectiveOffers, effectiveOffers, options.level) : { lower: 0, upper: 1 };
    out.push({ days: t, observed, accepted, share, lower: interval.lower, upper: interval.upper, effectiveOffers, method });
  }
  return out;
}
