/**
 * What the bound model can tell, read from the KPI binding, so the report and the dashboard claim
 * nothing it cannot: no revenue tile without a revenue measure, no "upsell and cross-sell" without
 * an offer type, no "accepted within 30 days" when the user's own model decides what accepted
 * means. Pure; shared by the report (from a `KpiBinding`) and the dashboard (from GET /api/v1/binding).
 */
import { ENGLISH, type Messages } from './messages.js';

export interface ModelCoverage {
  /** An offer-type dimension (upsell / cross_sell): the split and the words "upsell and cross-sell". */
  readonly offerTypes: boolean;
  /** A customer dimension: the customer-level rate and intervals clustered by customer. */
  readonly customers: boolean;
  /** An expansion-revenue measure. */
  readonly revenue: boolean;
  /** A pending measure: provisional periods. */
  readonly pending: boolean;
  /** An offer-name dimension: the leaderboard. */
  readonly offerNames: boolean;
  /** An industry dimension: benchmarks. */
  readonly industries: boolean;
  /** The conversion window is uprate's setting (the shipped model): "accepted within 30 days" holds. */
  readonly window: boolean;
}

/** The shipped model: everything. */
export const FULL_COVERAGE: ModelCoverage = { offerTypes: true, customers: true, revenue: true, pending: true, offerNames: true, industries: true, window: true };

/** The optional members of a binding (a `KpiBinding`, or the `members` of GET /api/v1/binding). */
export interface OptionalMembers {
  readonly offerType: string | null;
  readonly customer: string | null;
  readonly revenue: string | null;
  readonly pending: string | null;
  readonly offerName: string | null;
  readonly industry: string | null;
}

/**
 * What a binding covers; `window`: whether the conversion window is uprate's setting (a
 * `KpiBinding`'s `shipped`).
 *
 *   coverageOf(bindingOf(ctx), bindingOf(ctx).shipped)
 */
export function coverageOf(members: OptionalMembers, window: boolean): ModelCoverage {
  return {
    offerTypes: members.offerType !== null,
    customers: members.customer !== null,
    revenue: members.revenue !== null,
    pending: members.pending !== null,
    offerNames: members.offerName !== null,
    industries: members.industry !== null,
    window,
  };
}

/** "Upsell & cross-sell conversion" when the model knows offer types, else "Offer conversion". */
export function reportHeading(coverage: Pick<ModelCoverage, 'offerTypes'>, words: Pick<Messages, 'heading'> = ENGLISH): string {
  return coverage.offerTypes ? words.heading.offerTypes : words.heading.offers;
}
