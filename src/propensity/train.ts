import { fitSegmentRate, segmentRateOf, type SegmentRate } from './baseline.js';
import { byCustomer, codeRow, historyBefore, historyColumnNames, historyColumns, learnCoding, offerTypes, type Coding, type RawRow } from './features.js';
import { expit, fitLogistic, linearPredictor, linearPredictorVariance, type FittedLogistic } from './logistic.js';
import { compareAuc, holdoutMetrics } from './metrics.js';
import type { AttributeValue, DesignMatrix, Estimate, FeatureMember, HoldoutMetrics, OfferEvent, OfferValidation, PredictorName } from './types.js';

/**
 * Training and honest validation of one propensity model per offer, as pure functions of the
 * offer events read: a time holdout (train on offers whose window closed before the cut-off, test
 * on the offers made after it whose window has closed by the clock), the segment-rate baseline
 * beside it, and the decision which of the two ranks the offer's customers. The predictor kept is
 * then refitted on every closed offer, so scoring uses the newest evidence the validation vouched for.
 */

const DAY_MS = 86_400_000;

/** L2 penalty on every coded column but the intercept (columns are standardised). */
export const LAMBDA = 1;
/** An offer is validated only with at least this many accepted and not accepted offers on each side of the cut-off. */
export const MIN_OUTCOMES = 20;

/** One offer made to a customer, with what was known at that instant, ready to code. */
export interface LabelledOffer extends RawRow {
  readonly customer: string;
  readonly offerName: string;
  readonly offeredAt: number;
  readonly y: number;
  readonly revenue: number | null;
}

/** A predictor for one offer, kept for scoring. */
export type Predictor =
  | { readonly kind: 'model'; readonly coding: Coding; readonly fit: FittedLogistic; readonly baseline: SegmentRate }
  | { readonly kind: 'segment rate'; readonly baseline: SegmentRate };

export interface TrainedOffer {
  readonly validation: OfferValidation;
  readonly predictor: Predictor;
  /** Mean revenue of this offer's accepted offers with revenue recorded (null when none). */
  readonly meanRevenue: number | null;
  /** Holdout predictions of the predictor used and of the baseline, with outcomes and customers (for pooled metrics). */
  readonly holdout: { readonly used: Float64Array; readonly baseline: Float64Array; readonly y: Float64Array; readonly customers: readonly string[] } | null;
}

/** Every closed offer (window ended by `asOf`) with its history, grouped by offer name (sorted). */
export function labelledOffers(events: readonly OfferEvent[], attributes: ReadonlyMap<string, Readonly<Record<string, AttributeValue>>>, asOf: number, windowDays: number): { byOffer: Map<string, LabelledOffer[]>; types: string[] } {
  const types = offerTypes(events);
  const byOffer = new Map<string, LabelledOffer[]>();
  const windowMs = windowDays * DAY_MS;
  for (const [customer, list] of byCustomer(events)) {
    const attrs = attributes.get(customer) ?? {};
    for (const e of list) {
      if (e.offeredAt + windowMs > asOf) continue;
      const history = historyColumns(historyBefore(list, e.offeredAt, windowDays), e.offeredAt, e.offerName, types);
      let rows = byOffer.get(e.offerName);
      if (!rows) byOffer.set(e.offerName, (rows = []));
      rows.push({ customer, offerName: e.offerName, offeredAt: e.offeredAt, y: e.accepted ? 1 : 0, revenue: e.revenue, attributes: attrs, history });
    }
  }
  return { byOffer: new Map([...byOffer.entries()].sort((a, b) => a[0].localeCompare(b[0]))), types };
}

function design(coding: Coding, rows: readonly LabelledOffer[]): DesignMatrix {
  const p = coding.columns.length;
  const x = new Float64Array(rows.length * p);
  const y = new Float64Array(rows.length);
  const weight = new Float64Array(rows.length).fill(1);
  rows.forEach((r, i) => {
    codeRow(coding, r, x.subarray(i * p, (i + 1) * p));
    y[i] = r.y;
  });
  return { columns: coding.columns, x, rows: rows.length, y, weight };
}

function fitModel(features: readonly FeatureMember[], historyNames: readonly string[], rows: readonly LabelledOffer[]): { coding: Coding; fit: FittedLogistic } {
  const coding = learnCoding(features, historyNames, rows);
  return { coding, fit: fitLogistic(design(coding, rows), { lambda: LAMBDA }) };
}

/** The model's probability for a raw row, with a delta-method interval on the log-odds. */
export function modelProbability(coding: Coding, fit: FittedLogistic, row: RawRow, z = 1.959963984540054): { rate: number; lower: number; upper: number; coded: Float64Array } {
  const coded = codeRow(coding, row);
  const eta = linearPredictor(fit, coded);
  const se = Math.sqrt(Math.max(0, linearPredictorVariance(fit, coded)));
  return { rate: expit(eta), lower: expit(eta - z * se), upper: expit(eta + z * se), coded };
}

function counts(rows: readonly LabelledOffer[]): { offers: number; accepted: number; from: string; to: string } {
  let accepted = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const r of rows) {
    accepted += r.y;
    from = Math.min(from, r.offeredAt);
    to = Math.max(to, r.offeredAt);
  }
  const day = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : '');
  return { offers: rows.length, accepted, from: day(from), to: day(to) };
}

const enoughOutcomes = (c: { offers: number; accepted: number }) => c.accepted >= MIN_OUTCOMES && c.offers - c.accepted >= MIN_OUTCOMES;

function meanRevenue(rows: readonly LabelledOffer[]): number | null {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    if (r.y === 1 && r.revenue !== null && Number.isFinite(r.revenue)) {
      sum += r.revenue;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
/** A number as the CLI prints it: a real minus sign. */
const num = (x: number, digits: number) => x.toFixed(digits).replace(/^-/, '−');
const fmtEstimate = (e: Estimate, digits = 3) => `${num(e.value, digits)} [${num(e.lower, digits)}, ${num(e.upper, digits)}]`;

export interface TrainOfferOptions {
  readonly features: readonly FeatureMember[];
  readonly historyNames: readonly string[];
  readonly cutoff: number;
  readonly windowDays: number;
  readonly level: number;
  readonly seed: number;
}

/**
 * Validates one offer's model against the baseline on the time holdout and keeps the predictor
 * that earned it: the model only when its AUC beats the baseline's with the paired,
 * customer-clustered interval of the gain above 0 and its Brier score is no worse.
 */
export function trainOffer(offerName: string, rows: readonly LabelledOffer[], options: TrainOfferOptions): TrainedOffer {
  const windowMs = options.windowDays * DAY_MS;
  const train = rows.filter((r) => r.offeredAt + windowMs <= options.cutoff);
  const test = rows.filter((r) => r.offeredAt >= options.cutoff);
  const trainCounts = counts(train);
  const testCounts = counts(test);
  const revenue = meanRevenue(rows);
  const deployBaseline = fitSegmentRate(options.features, rows, options.level);
  const base: Omit<OfferValidation, 'model' | 'baseline' | 'aucGain' | 'used' | 'verdict' | 'baselineSegment'> = { offerName, train: trainCounts, holdout: testCounts };
  if (!enoughOutcomes(trainCounts) || !enoughOutcomes(testCounts)) {
    return {
      validation: {
        ...base,
        model: null,
        baseline: null,
        baselineSegment: deployBaseline.member,
        aucGain: null,
        used: 'segment rate',
        verdict: `Too few outcomes to validate a model (${MIN_OUTCOMES} accepted and ${MIN_OUTCOMES} not accepted offers needed on each side of the cut-off; training has ${trainCounts.accepted} of ${trainCounts.offers}, holdout ${testCounts.accepted} of ${testCounts.offers}): every customer gets the offer’s rate shrunk towards all offers’ (as the leaderboard ranks it), and the offer is left out of each customer’s best offer unless asked for by name.`,
      },
      predictor: { kind: 'segment rate', baseline: deployBaseline },
      meanRevenue: revenue,
      holdout: null,
    };
  }
  const { coding, fit } = fitModel(options.features, options.historyNames, train);
  const baseline = fitSegmentRate(options.features, train, options.level);
  const y = Float64Array.from(test, (r) => r.y);
  const customers = test.map((r) => r.customer);
  const modelP = Float64Array.from(test, (r) => modelProbability(coding, fit, r).rate);
  const baseP = Float64Array.from(test, (r) => segmentRateOf(baseline, r.attributes).rate);
  const metricOptions = { seed: options.seed, level: options.level };
  const model = holdoutMetrics(modelP, y, customers, metricOptions);
  const baselineMetrics = holdoutMetrics(baseP, y, customers, metricOptions);
  const gain = compareAuc(modelP, baseP, y, customers, metricOptions);
  const earns = gain.lower > 0 && model.brier <= baselineMetrics.brier;
  const used: PredictorName = earns ? 'model' : 'segment rate';
  const segment = baseline.title ?? 'one rate for all customers';
  const verdict = earns
    ? `The model ranks this offer's customers better than the segment rate by ${segment}: holdout AUC ${fmtEstimate(model.auc)} against ${fmtEstimate(baselineMetrics.auc)}, a gain of ${fmtEstimate(gain)}; its top decile accepts at ${model.topDecileLift.value.toFixed(2)}× the offer's rate.`
    : gain.value > 0 && gain.lower <= 0
      ? `The model does not clearly beat the segment rate by ${segment} on the holdout (AUC gain ${fmtEstimate(gain)}: the interval includes 0): customers are ranked by the segment rate.`
      : `The model does not beat the segment rate by ${segment} on the holdout (AUC ${fmtEstimate(model.auc)} against ${fmtEstimate(baselineMetrics.auc)}; Brier ${model.brier.toFixed(4)} against ${baselineMetrics.brier.toFixed(4)}): customers are ranked by the segment rate.`;
  // The predictor kept is refitted on every closed offer (training and holdout).
  const predictor: Predictor = earns ? { kind: 'model', ...fitModel(options.features, options.historyNames, rows), baseline: deployBaseline } : { kind: 'segment rate', baseline: deployBaseline };
  return {
    validation: { ...base, model, baseline: baselineMetrics, baselineSegment: baseline.member, aucGain: gain, used, verdict },
    predictor,
    meanRevenue: revenue,
    holdout: { used: earns ? modelP : baseP, baseline: baseP, y, customers },
  };
}

/** Pooled holdout metrics over offers (each offer's rows scored by the predictor it uses). */
export function pooledMetrics(trained: readonly TrainedOffer[], options: { seed: number; level: number }): { model: HoldoutMetrics | null; baseline: HoldoutMetrics | null } {
  const parts = trained.flatMap((t) => (t.holdout ? [t.holdout] : []));
  if (parts.length === 0) return { model: null, baseline: null };
  const join = (pick: (h: NonNullable<TrainedOffer['holdout']>) => Float64Array) => {
    const out = new Float64Array(parts.reduce((s, h) => s + h.y.length, 0));
    let at = 0;
    for (const h of parts) {
      out.set(pick(h), at);
      at += h.y.length;
    }
    return out;
  };
  const y = join((h) => h.y);
  const customers = parts.flatMap((h) => h.customers);
  return { model: holdoutMetrics(join((h) => h.used), y, customers, options), baseline: holdoutMetrics(join((h) => h.baseline), y, customers, options) };
}

export { historyColumnNames, pct };
