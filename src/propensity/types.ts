/**
 * The contracts of the propensity part ("which customers are ready to grow"): what is read
 * through the semantic layer (offer events, customer snapshots), what the maths takes and gives
 * (a design matrix, a fitted logistic regression, holdout metrics), and what the API, CLI and
 * dashboard show (a validation report, opportunities).
 *
 * Propensity is not uplift: a high probability says a customer resembles those who accepted,
 * not that the offer causes the acceptance. Every report says so and carries the sample size of
 * a randomized holdout that would measure the offer's real effect.
 */

/** A customer attribute the model uses: a dimension of the bound model. */
export interface FeatureMember {
  /** `Cube.member`, e.g. `Customers.engagementScore`. */
  readonly member: string;
  /** The model's title ("Engagement Score"). */
  readonly title: string;
  /** Numbers enter as they are (standardised); strings as one indicator per value. */
  readonly kind: 'number' | 'category';
}

/** A customer attribute's value as read (numbers as numbers, NULL as null). */
export type AttributeValue = string | number | null;

/** One offer as the propensity model sees it: read through the semantic layer, as of a clock. */
export interface OfferEvent {
  readonly customer: string;
  /** When the offer was made (epoch ms, UTC). */
  readonly offeredAt: number;
  readonly offerName: string;
  readonly offerType: string | null;
  /** Accepted within the conversion window, by the clock (the KPI's `accepted`). */
  readonly accepted: boolean;
  /** Still inside its window, neither accepted nor declined, at the clock (the KPI's `pending`). */
  readonly pending: boolean;
  /** Whole days from offer to acceptance (floor) when accepted, else null: when the acceptance became known. */
  readonly daysToAccept: number | null;
  /** Revenue of the accepted offer (null when not accepted or not recorded). */
  readonly revenue: number | null;
}

/** What one read of offer events returned. */
export interface OfferEvents {
  /** Events sorted by customer, then offeredAt, then offerName (a deterministic order). */
  readonly events: readonly OfferEvent[];
  /** Each customer's attributes, keyed by customer then by `FeatureMember.member`. */
  readonly attributes: ReadonlyMap<string, Readonly<Record<string, AttributeValue>>>;
  /** Share of customers read (1 = all): customers are sampled whole, by a hash of their id. */
  readonly sampledFraction: number;
  /** Offers in the store the caller may see, before sampling. */
  readonly totalOffers: number;
}

/** A customer's history and attributes at the clock: what scoring needs (one row per customer). */
export interface CustomerSnapshot {
  readonly customer: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Per offer type (`upsell`, `cross_sell`; null type under ''): offers made before the clock. */
  readonly offers: Readonly<Record<string, number>>;
  /** Per offer type: of those, accepted within their window by the clock. */
  readonly accepted: Readonly<Record<string, number>>;
  /** Per offer type: windows closed by the clock without an acceptance. */
  readonly closedUnaccepted: Readonly<Record<string, number>>;
  /** Offers still pending at the clock (a customer holding an open offer is not an opportunity). */
  readonly pending: number;
  /** Offer names this customer accepted (within the window) by the clock. */
  readonly acceptedNames: readonly string[];
  /** The newest offer's time (epoch ms), null when none. */
  readonly lastOfferAt: number | null;
  /** When the newest offer that was accepted was made (epoch ms), null when none. */
  readonly lastAcceptedOfferAt: number | null;
}

/** A design matrix: rows × columns, row-major, with a binomial response. */
export interface DesignMatrix {
  /** Column names: `(intercept)`, `Customers.lifecycleStage = expansion`, `log(1 + upsells before)`, … */
  readonly columns: readonly string[];
  /** rows × columns values, row-major. */
  readonly x: Float64Array;
  readonly rows: number;
  /** 1 accepted, 0 not. */
  readonly y: Float64Array;
  /** Frequency weights (1 per offer unless rows were merged). */
  readonly weight: Float64Array;
}

export interface LogisticFit {
  readonly columns: readonly string[];
  readonly coefficients: Float64Array;
  /** Standard errors from the inverse of the penalised information matrix. */
  readonly standardErrors: Float64Array;
  /** L2 penalty used: λ/2 · Σ β_j² over every column but the intercept. */
  readonly lambda: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Penalised log-likelihood at the solution. */
  readonly logLikelihood: number;
}

/** A value with its interval. */
export interface Estimate {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/** One decile of predictions: what was predicted, what happened. */
export interface CalibrationBin {
  readonly bin: number;
  readonly offers: number;
  readonly accepted: number;
  readonly meanPredicted: number;
  readonly observed: number;
  /** Wilson interval of the observed rate. */
  readonly lower: number;
  readonly upper: number;
}

/** How well one predictor did on the holdout. */
export interface HoldoutMetrics {
  /** Area under the ROC curve, with a customer-clustered bootstrap interval. */
  readonly auc: Estimate;
  readonly brier: number;
  readonly logLoss: number;
  readonly calibration: readonly CalibrationBin[];
  /** Observed rate of the top-decile offers ÷ the offer's base rate in the holdout. */
  readonly topDecileLift: Estimate;
}

export type PredictorName = 'model' | 'segment rate';

/** Holdout validation of one offer's model beside the segment-rate baseline. */
export interface OfferValidation {
  readonly offerName: string;
  readonly train: { readonly offers: number; readonly accepted: number; readonly from: string; readonly to: string };
  readonly holdout: { readonly offers: number; readonly accepted: number; readonly from: string; readonly to: string };
  readonly model: HoldoutMetrics | null;
  readonly baseline: HoldoutMetrics | null;
  /** The segment the baseline uses (`Customers.lifecycleStage`), chosen on the training offers. */
  readonly baselineSegment: string | null;
  /** AUC of the model minus the baseline's, with a paired customer-clustered bootstrap interval. */
  readonly aucGain: Estimate | null;
  /** Which predictor ranks this offer's customers, and why in one sentence. */
  readonly used: PredictorName;
  readonly verdict: string;
}

/** One attribute's push on a customer's log-odds (coefficient × standardised value). */
export interface Driver {
  readonly feature: string;
  readonly contribution: number;
}

/** A customer not holding an open offer, ranked for one offer. */
export interface Opportunity {
  readonly rank: number;
  readonly customer: string;
  readonly offerName: string;
  readonly probability: number;
  /** Interval of the probability (delta method on the linear predictor; the baseline's Beta interval). */
  readonly lower: number;
  readonly upper: number;
  /** probability × the offer's mean accepted revenue (null when the offer has no revenue recorded). */
  readonly expectedRevenue: number | null;
  /** The two or three features that push this customer's probability most (largest |contribution|). */
  readonly drivers: readonly Driver[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly predictor: PredictorName;
}

/** What training saw and decided, printed with every answer (`GET /api/v1/propensity`, `uprate propensity`). */
export interface PropensityReport {
  /** The clock the model was trained and scored as of (ISO). */
  readonly asOf: string;
  readonly windowDays: number;
  /** Offers made before this instant trained the holdout model; offers from it to `holdoutEnd` tested it (ISO). */
  readonly cutoff: string;
  readonly holdoutEnd: string;
  /** Share of customers sampled for training (1 = all) and why, in one sentence. */
  readonly sample: { readonly fraction: number; readonly customers: number; readonly offers: number; readonly totalOffers: number; readonly note: string };
  readonly features: readonly FeatureMember[];
  /** History features computed for each offer from the customer's earlier offers. */
  readonly historyFeatures: readonly string[];
  readonly offers: readonly OfferValidation[];
  /** Every holdout offer pooled across offers (each scored by the predictor its offer uses). */
  readonly overall: { readonly model: HoldoutMetrics | null; readonly baseline: HoldoutMetrics | null };
  /** Propensity is not uplift: one paragraph, shown wherever the numbers are. */
  readonly caveat: string;
  /** The randomized holdout that would measure an offer's effect: per arm, to detect `lift` on the base rate. */
  readonly upliftPlan: { readonly baseRate: number; readonly detectableLift: number; readonly offersPerArm: number; readonly text: string };
  readonly trainingMs: number;
}

export interface OpportunitiesResponse {
  readonly report: PropensityReport;
  /** Customers scored (those holding an open offer are left out), and how many were left out. */
  readonly customersScored: number;
  readonly customersWithOpenOffers: number;
  readonly sort: 'probability' | 'revenue';
  readonly rows: readonly Opportunity[];
}
