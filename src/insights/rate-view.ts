import {
  band,
  bandWithInterval,
  rateEstimate,
  type BandThresholds,
  type ClusterMoments,
  noComparison,
  periodChange,
  type PeriodChange,
  type ProportionComparison,
} from '../stats/index.js';
import { statsCounts, type OfferCounts } from './offer-counts.js';
import { addDays, dayToDate } from './days.js';
import type { KpiContext } from './kpi-context.js';
import type { ApiBand, ApiBandJudgement, ApiDifference, ApiIntervalMethod, ApiRate } from './api-types.js';

/** Accepted, offers and pending of a population, with its customer sums when known. */
export interface RateCounts {
  readonly offers: number;
  readonly accepted: number;
  readonly pending: number;
  readonly clusters?: ClusterMoments | null;
}

export interface IntervalSettings {
  readonly level: number;
  readonly method: ApiIntervalMethod;
}

/**
 * A population's counts, rate and interval — the `ApiRate` every endpoint reports.
 *
 * @example
 * rateView({ offers: 100, accepted: 18, pending: 0 }, { level: 0.95, method: 'wilson' }).interval
 * // { lower: 0.1171…, upper: 0.2668…, method: 'wilson', level: 0.95 }
 */
export function rateView(c: RateCounts, settings: IntervalSettings): ApiRate {
  const r = rateEstimate(c.accepted, c.offers, { method: settings.method, level: settings.level, clusters: c.clusters ?? null });
  const d = r.designEffect;
  return {
    offers: c.offers,
    accepted: c.accepted,
    pending: c.pending,
    rate: r.rate,
    interval: {
      lower: r.lower,
      upper: r.upper,
      method: r.method,
      level: r.level,
      variance: d.variance,
      designEffect: d.designEffect,
      customers: d.customers,
      effectiveOffers: d.effectiveOffers,
    },
    provisional: c.pending > 0,
    pendingShare: c.offers > 0 ? c.pending / c.offers : 0,
  };
}

/** The band of the point rate, or null without a rate. */
export function pointBand(rate: number | null, thresholds: BandThresholds): ApiBand | null {
  return rate === null ? null : band(rate, thresholds);
}

/** The band of a rate judged with its interval (indeterminate when the interval spans bands). */
export function bandJudgement(view: ApiRate, thresholds: BandThresholds): ApiBandJudgement {
  const { lower, upper } = view.interval;
  if (view.rate === null || lower === null || upper === null) {
    return { band: null, judgement: null, spans: [], reason: null, thresholds: { ...thresholds } };
  }
  const judged = bandWithInterval(lower, upper, thresholds);
  return { band: band(view.rate, thresholds), judgement: judged.band, spans: [...judged.spans], reason: judged.reason, thresholds: { ...thresholds } };
}

/** The readable name of a two-proportion test. */
export function testName(test: 'z' | 'fisher' | null): string | null {
  return test === null ? null : test === 'z' ? 'pooled two-proportion z test' : "Fisher's exact test";
}

/**
 * A comparison as the API reports it. `significant` is p ≤ 1 − level unless a corrected
 * decision is passed in.
 */
export function differenceView(c: ProportionComparison, significant?: boolean): ApiDifference {
  return {
    difference: c.difference,
    differencePoints: c.differencePoints,
    lower: c.lower,
    upper: c.upper,
    level: c.level,
    test: c.test,
    testName: testName(c.test),
    statistic: c.statistic,
    pValue: c.pValue,
    significant: significant ?? (c.pValue !== null && c.pValue <= 1 - c.level),
    reason: c.reason,
    variance: c.variance,
    designEffects: c.designEffects,
  };
}

/** One side of a period comparison: what it is called, its counts, and whether it is still filling in. */
export interface PeriodSide {
  readonly label: string;
  readonly counts: Pick<OfferCounts, 'offers' | 'accepted' | 'pending' | 'clusters'>;
  readonly provisional: boolean;
}

/**
 * A period against another (the previous one, the same one a year earlier): the change with its
 * test — unless either period is still filling in, when the rates and the difference are shown
 * but no test is made (`significant` false, `reason` says which period and how much is pending).
 */
export function periodChangeView(current: PeriodSide, previous: PeriodSide, level: number): ApiDifference & { relativeChange: number | null } {
  const c: PeriodChange = periodChange(statsCounts(current.counts), statsCounts(previous.counts), { level });
  const filling = [current, previous].filter((x) => x.provisional);
  if (filling.length === 0) return { ...differenceView(c), relativeChange: c.relativeChange };
  const why = filling
    .map((x) => `${x.label} is still filling in (${Math.round((x.counts.offers ? x.counts.pending / x.counts.offers : 0) * 100)}% of its offers pending)`)
    .join('; ');
  const judged = noComparison(level, c.rateA, c.rateB, `not judged: ${why}`);
  return {
    ...differenceView({ ...judged, difference: c.difference, differencePoints: c.differencePoints, variance: c.variance, designEffects: c.designEffects }),
    relativeChange: c.relativeChange,
  };
}

/** Still filling in: offers inside their window, or a range that ends after the as-of instant. */
export function isProvisional(ctx: Pick<KpiContext, 'asOf'>, counts: Pick<OfferCounts, 'pending' | 'offers'>, lastDay: string | null): boolean {
  const over = lastDay === null || dayToDate(addDays(lastDay, 1)).getTime() <= ctx.asOf.getTime();
  return counts.pending > 0 || (!over && counts.offers > 0);
}

/** The significance level of a confidence level, as a person writes it (1 − 0.95 is 0.050000000000000044 in binary). */
export function alphaOf(level: number): number {
  return Number((1 - level).toPrecision(10));
}
