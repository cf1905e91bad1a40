import { UprateError } from '../core/errors.js';
import { minimumDetectableEffect, sampleSizePerArm } from '../stats/index.js';
import type { SampleSizeResponse } from './api-types.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, resolveRange } from './offer-counts.js';
import { rateView } from './rate-view.js';
import { count, percent, points } from '../core/display.js';

export interface SampleSizeRequest {
  /** Current conversion rate (fraction, strictly between 0 and 1). */
  readonly baseline: number;
  /** Absolute change to detect (fraction: 0.02 = 2 points); needs baseline + mde ≤ 1. */
  readonly mde?: number;
  /** Offers per arm available: answer the minimum detectable effect for it. */
  readonly n?: number;
  readonly alpha?: number;
  readonly power?: number;
  /**
   * How the offers cluster by customer, measured from the data: the plan then counts effective
   * offers (offers / designEffect) and says how many customers that takes.
   */
  readonly clustering?: PlanClustering;
}

/** The design effect and offers per customer the plan is made for, and where they come from. */
export interface PlanClustering {
  readonly designEffect: number;
  readonly offersPerCustomer: number;
  /** One sentence: the data they were measured on. */
  readonly basis: string;
}

const METHOD =
  "two-sided two-sample test of proportions, equal arms, arcsine (Cohen's h) normal approximation as statsmodels NormalIndPower";

/**
 * GET /api/v1/sample-size — planning an offer test: offers per arm to detect `baseline → baseline
 * + mde`, and/or the smallest change detectable with `n` offers per arm.
 *
 * @example
 * sampleSizePlan({ baseline: 0.15, mde: 0.03 }).nPerArm // 2399
 */
export function sampleSizePlan(request: SampleSizeRequest): SampleSizeResponse {
  const alpha = request.alpha ?? 0.05;
  const power = request.power ?? 0.8;
  const { baseline, mde, n } = request;
  if (mde === undefined && n === undefined) {
    throw new UprateError('BAD_ARGUMENT', 'give mde (the change to detect) or n (offers per arm), or both', { location: 'mde' });
  }
  const clustering = request.clustering;
  const d = clustering?.designEffect ?? 1;
  if (!(d >= 1) || !Number.isFinite(d)) {
    throw new UprateError('BAD_ARGUMENT', `the design effect must be a number ≥ 1, not ${d}`, { location: 'designEffect' });
  }
  let nPerArm: number | null = null;
  let independentPerArm: number | null = null;
  let customersPerArm: number | null = null;
  let h: number | null = null;
  const sentences: string[] = [];
  if (mde !== undefined) {
    if (baseline + mde > 1) {
      throw new UprateError('BAD_ARGUMENT', `baseline ${baseline} + mde ${mde} exceeds 100 %`, { location: 'mde', hint: 'mde is an absolute change as a fraction: 0.02 means 2 points' });
    }
    const s = sampleSizePerArm(baseline, baseline + mde, { alpha, power });
    independentPerArm = s.nPerArm;
    // Clustered offers are worth fewer independent ones: d times as many offers carry the same information.
    nPerArm = Math.ceil(s.nPerArm * d - 1e-9);
    customersPerArm = clustering ? Math.ceil(nPerArm / clustering.offersPerCustomer - 1e-9) : null;
    h = s.h;
    sentences.push(
      `To detect ${percent(baseline)} → ${percent(baseline + mde)} (${points(mde * 100)}) with ${Math.round(power * 100)}% power at α = ${alpha}, ` +
        `offer each variant to ${count(nPerArm)} offers (${count(2 * nPerArm)} in all)` +
        (clustering && customersPerArm !== null
          ? ` — about ${count(customersPerArm)} customers per variant at ${clustering.offersPerCustomer.toFixed(1)} offers each; ` +
            `that is ${count(s.nPerArm)} independent offers times the design effect ${d.toFixed(2)}, since one customer's offers move together.`
          : '.'),
    );
  }
  let detectable: SampleSizeResponse['detectable'] = null;
  if (n !== undefined) {
    const e = minimumDetectableEffect(baseline, n / d, { alpha, power });
    detectable = { nPerArm: n, upperRate: e.upperRate, lowerRate: e.lowerRate, upPoints: e.upPoints, downPoints: e.downPoints, h: e.h };
    sentences.push(
      `With ${count(n)} offers per variant${d > 1 ? ` (worth ${count(Math.round(n / d))} independent offers at design effect ${d.toFixed(2)})` : ''} the smallest detectable change from ${percent(baseline)} is ` +
        `${e.upperRate === null ? 'none upwards' : `up to ${percent(e.upperRate)} (${points(e.upPoints)})`} or ` +
        `${e.lowerRate === null ? 'none downwards' : `down to ${percent(e.lowerRate)} (${points(e.downPoints === null ? null : -e.downPoints)})`}.`,
    );
  }
  return {
    baseline,
    mde: mde ?? null,
    mdePoints: mde === undefined ? null : mde * 100,
    alpha,
    power,
    nPerArm,
    totalOffers: nPerArm === null ? null : 2 * nPerArm,
    h,
    detectable,
    independentPerArm,
    customersPerArm,
    designEffect: d,
    offersPerCustomer: clustering?.offersPerCustomer ?? null,
    clustering: clustering?.basis ?? null,
    method: d > 1 ? `${METHOD}; offers inflated by the customer-clustered design effect (Donner & Klar 2000)` : METHOD,
    summary: sentences.join(' '),
  };
}

/**
 * The selection's rate and how its offers cluster — what a plan is made for when the caller gives
 * no baseline or design effect. Null clustering when it has no offers.
 */
export async function measuredClustering(ctx: KpiContext, requested: Selection): Promise<{ rate: number | null; clustering: PlanClustering | null }> {
  const selection = await resolveRange(ctx, requested);
  const [counts] = await countOffers(ctx, selection);
  if (!counts || counts.offers === 0) return { rate: null, clustering: null };
  const interval = rateView(counts, ctx).interval;
  const customers = interval.customers ?? 0;
  return {
    rate: counts.accepted / counts.offers,
    clustering:
      customers > 0
        ? {
            designEffect: interval.designEffect,
            offersPerCustomer: counts.offers / customers,
            basis: `measured on ${count(counts.offers)} offers to ${count(customers)} customers from ${selection.from} to ${selection.to}`,
          }
        : null,
  };
}
