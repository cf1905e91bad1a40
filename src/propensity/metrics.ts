import { UprateError } from '../core/errors.js';
import { DEFAULT_LEVEL, wilsonInterval } from '../stats/index.js';
import { wilsonBounds } from '../stats/wilson-interval.js';
import { DEFAULT_SEED, percentileInterval, resampleCustomers, seededUniform } from './bootstrap.js';
import { rankedAuc, rankedTopLift, rankScores, resampledWeights } from './ranked-scores.js';
import type { CalibrationBin, Estimate, HoldoutMetrics } from './types.js';

/**
 * How well predicted probabilities did on holdout offers: discrimination (AUC, top-decile lift),
 * accuracy (Brier score, log loss) and calibration (deciles), with intervals from a bootstrap
 * that resamples customers, since one customer's offers are not independent of each other.
 * Weights are frequency weights (an offer of weight 3 counts as three offers).
 */

/** Bootstrap replicates when none is given: enough for a 95 % percentile interval's 2.5 % tails. */
export const DEFAULT_REPLICATES = 200;

/** Log loss clips probabilities to [ε, 1 − ε] so that one confident miss is large, not infinite. */
export const LOG_LOSS_EPSILON = 1e-15;

export interface BootstrapOptions {
  /** Default {@link DEFAULT_REPLICATES}. */
  readonly replicates?: number;
  /** Of the bootstrap and the calibration intervals; default 0.95. */
  readonly level?: number;
  /** Default {@link DEFAULT_SEED}: the same rows give the same intervals. */
  readonly seed?: number;
}

export interface MetricOptions extends BootstrapOptions {
  /** Frequency weight of each offer (default 1 each). */
  readonly weight?: ArrayLike<number>;
}

/**
 * AUC, Brier score, log loss, calibration deciles and top-decile lift of one predictor, the AUC
 * and the lift with percentile intervals from a customer-clustered bootstrap (customers drawn
 * with replacement, each bringing all their offers).
 *
 * @example
 * holdoutMetrics(predicted, outcome, customers).auc // { value: 0.71, lower: 0.66, upper: 0.75 }
 * @throws UprateError BAD_ARGUMENT on malformed rows, or when the holdout lacks accepted or not
 * accepted offers (no AUC exists: report no metrics)
 */
export function holdoutMetrics(
  predicted: ArrayLike<number>,
  outcome: ArrayLike<number>,
  customer: ArrayLike<string | number>,
  options: MetricOptions = {},
): HoldoutMetrics {
  const where = 'holdoutMetrics';
  const { weight, clusters } = checkRows({ outcome, weight: options.weight, customer }, [predicted], where, true);
  requireBothOutcomes(outcome, weight, where);
  const level = options.level ?? DEFAULT_LEVEL;
  const ranked = rankScores(predicted, outcome, weight, clusters);
  const auc = rankedAuc(ranked);
  const lift = rankedTopLift(ranked);
  const aucs: number[] = [];
  const lifts: number[] = [];
  const replicate = new Float64Array(weight.length);
  forEachReplicate(clusters, options, where, (counts) => {
    resampledWeights(ranked, counts, replicate);
    aucs.push(rankedAuc(ranked, replicate));
    lifts.push(rankedTopLift(ranked, replicate));
  });
  return {
    auc: estimate(auc, percentileInterval(aucs, level), { lower: 0, upper: 1 }),
    brier: brierOf(predicted, outcome, weight),
    logLoss: logLossOf(predicted, outcome, weight),
    calibration: calibrationOf(predicted, outcome, weight, level),
    topDecileLift: estimate(lift, percentileInterval(lifts, level), { lower: 0, upper: maxLift(outcome, weight) }),
  };
}

/**
 * AUC of `model` minus AUC of `baseline` on the same offers, with a **paired** customer-clustered
 * bootstrap interval: each replicate draws one set of customers and scores both predictors on it,
 * so the interval reflects the difference's own (smaller) variation, not each AUC's.
 *
 * @throws UprateError BAD_ARGUMENT as {@link holdoutMetrics}
 */
export function compareAuc(
  model: ArrayLike<number>,
  baseline: ArrayLike<number>,
  outcome: ArrayLike<number>,
  customer: ArrayLike<string | number>,
  options: MetricOptions = {},
): Estimate {
  const where = 'compareAuc';
  const { weight, clusters } = checkRows({ outcome, weight: options.weight, customer }, [model, baseline], where, false);
  requireBothOutcomes(outcome, weight, where);
  const rankedModel = rankScores(model, outcome, weight, clusters);
  const rankedBaseline = rankScores(baseline, outcome, weight, clusters);
  const replicateModel = new Float64Array(weight.length);
  const replicateBaseline = new Float64Array(weight.length);
  const gains: number[] = [];
  forEachReplicate(clusters, options, where, (counts) => {
    const a = rankedAuc(rankedModel, resampledWeights(rankedModel, counts, replicateModel));
    gains.push(a - rankedAuc(rankedBaseline, resampledWeights(rankedBaseline, counts, replicateBaseline)));
  });
  return estimate(rankedAuc(rankedModel) - rankedAuc(rankedBaseline), percentileInterval(gains, options.level ?? DEFAULT_LEVEL), { lower: -1, upper: 1 });
}

/** Weighted AUC (Mann–Whitney, ties counted ½). @throws UprateError BAD_ARGUMENT without both outcomes */
export function auc(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const checked = checkRows({ outcome, weight }, [predicted], 'auc', false);
  requireBothOutcomes(outcome, checked.weight, 'auc');
  return rankedAuc(rankScores(predicted, outcome, checked.weight, checked.clusters));
}

/** Weighted mean squared difference between prediction and outcome. */
export function brier(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const checked = checkRows({ outcome, weight }, [predicted], 'brier', true);
  return brierOf(predicted, outcome, checked.weight);
}

/** Weighted mean of −[y log p + (1 − y) log(1 − p)], p clipped to [1e-15, 1 − 1e-15] (sklearn's). */
export function logLoss(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const checked = checkRows({ outcome, weight }, [predicted], 'logLoss', true);
  return logLossOf(predicted, outcome, checked.weight);
}

/**
 * Ten bins of equal weight by ascending prediction (bin 1 lowest): offers sorted by prediction,
 * equal predictions in row order, each offer in the bin where the middle of its weight falls.
 * Each bin's observed rate has a Wilson interval. Empty bins (fewer than ten offers) are left out.
 */
export function calibrationDeciles(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight?: ArrayLike<number>, level = DEFAULT_LEVEL): CalibrationBin[] {
  const checked = checkRows({ outcome, weight }, [predicted], 'calibrationDeciles', true);
  return calibrationOf(predicted, outcome, checked.weight, level);
}

/**
 * Observed rate of the top 10 % of offers by prediction ÷ the overall rate; a run of equal
 * predictions straddling the cut counts pro rata. @throws UprateError BAD_ARGUMENT without both outcomes
 */
export function topDecileLift(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const checked = checkRows({ outcome, weight }, [predicted], 'topDecileLift', false);
  requireBothOutcomes(outcome, checked.weight, 'topDecileLift');
  return rankedTopLift(rankScores(predicted, outcome, checked.weight, checked.clusters));
}

/** True when the rows hold accepted and not accepted offers with weight: what AUC and lift need. */
export function hasBothOutcomes(outcome: ArrayLike<number>, weight?: ArrayLike<number>): boolean {
  let accepted = 0;
  let declined = 0;
  for (let i = 0; i < outcome.length; i++) {
    const w = weight ? (weight[i] as number) : 1;
    if (outcome[i] === 1) accepted += w;
    else declined += w;
  }
  return accepted > 0 && declined > 0;
}

function brierOf(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < outcome.length; i++) {
    const w = weight[i] as number;
    sum += w * ((predicted[i] as number) - (outcome[i] as number)) ** 2;
    total += w;
  }
  return sum / total;
}

function logLossOf(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < outcome.length; i++) {
    const w = weight[i] as number;
    const p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, predicted[i] as number));
    sum -= w * (outcome[i] === 1 ? Math.log(p) : Math.log(1 - p));
    total += w;
  }
  return sum / total;
}

function calibrationOf(predicted: ArrayLike<number>, outcome: ArrayLike<number>, weight: Float64Array, level: number): CalibrationBin[] {
  const order = Int32Array.from({ length: predicted.length }, (_, i) => i);
  order.sort((a, b) => (predicted[a] as number) - (predicted[b] as number) || a - b);
  let total = 0;
  for (const w of weight) total += w;
  const offers = new Float64Array(10);
  const accepted = new Float64Array(10);
  const predictedSum = new Float64Array(10);
  let before = 0;
  for (const i of order) {
    const w = weight[i] as number;
    const bin = Math.min(9, Math.floor((10 * (before + w / 2)) / total));
    before += w;
    offers[bin] = (offers[bin] as number) + w;
    accepted[bin] = (accepted[bin] as number) + (outcome[i] === 1 ? w : 0);
    predictedSum[bin] = (predictedSum[bin] as number) + w * (predicted[i] as number);
  }
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < 10; b++) {
    const n = offers[b] as number;
    const k = accepted[b] as number;
    if (!(n > 0)) continue;
    // Whole counts (unit or whole frequency weights) take the library's Wilson interval; other
    // weights the same formula on real-valued counts.
    const interval = Number.isSafeInteger(n) && Number.isSafeInteger(k) ? wilsonInterval(k, n, level) : wilsonBounds(k, n, level);
    bins.push({ bin: b + 1, offers: n, accepted: k, meanPredicted: (predictedSum[b] as number) / n, observed: k / n, lower: interval.lower, upper: interval.upper });
  }
  return bins;
}

/**
 * Runs `replicates` customer resamples, handing each one's draw counts per customer to `each`
 * (the callers turn them into per-offer weights in their ranking's order): O(customers) here.
 */
function forEachReplicate(clusters: Int32Array, options: BootstrapOptions, where: string, each: (customerCounts: Float64Array) => void): void {
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const level = options.level ?? DEFAULT_LEVEL;
  if (!(Number.isSafeInteger(replicates) && replicates >= 1)) {
    throw new UprateError('BAD_ARGUMENT', `replicates must be a whole number ≥ 1, not ${replicates}`, { location: where });
  }
  if (!(level > 0 && level < 1)) throw new UprateError('BAD_ARGUMENT', `level must lie strictly between 0 and 1, not ${level}`, { location: where });
  let customers = 0;
  for (const c of clusters) customers = Math.max(customers, c + 1);
  const uniform = seededUniform(options.seed ?? DEFAULT_SEED);
  const counts = new Float64Array(customers);
  for (let r = 0; r < replicates; r++) each(resampleCustomers(uniform, customers, counts));
}

/** The estimate with its interval; `unknown` when no replicate had a value (a degenerate holdout). */
function estimate(value: number, interval: { lower: number; upper: number }, unknown: { lower: number; upper: number }): Estimate {
  if (!Number.isFinite(interval.lower) || !Number.isFinite(interval.upper)) return { value, ...unknown };
  return { value, lower: interval.lower, upper: interval.upper };
}

/** The largest lift possible: the top decile all accepted (1 ÷ base rate, at most 10). */
function maxLift(outcome: ArrayLike<number>, weight: Float64Array): number {
  let accepted = 0;
  let total = 0;
  for (let i = 0; i < outcome.length; i++) {
    total += weight[i] as number;
    if (outcome[i] === 1) accepted += weight[i] as number;
  }
  return Math.min(10, total / accepted);
}

function requireBothOutcomes(outcome: ArrayLike<number>, weight: Float64Array, where: string): void {
  if (!hasBothOutcomes(outcome, weight)) {
    throw new UprateError('BAD_ARGUMENT', `these ${outcome.length} offers need both accepted and not accepted ones for an AUC or a lift`, {
      location: where,
      hint: 'report no holdout metrics for an offer whose holdout has only one outcome (see hasBothOutcomes)',
    });
  }
}

/**
 * Checks the rows (lengths, outcomes 0/1, weights finite ≥ 0 with a positive total, scores
 * finite, probabilities in [0, 1] when `probabilities`), and returns the weights (1 when none)
 * and each offer's customer as a dense index (in order of first appearance; without customers
 * each offer is its own).
 */
function checkRows(
  rows: { readonly outcome: ArrayLike<number>; readonly weight?: ArrayLike<number> | undefined; readonly customer?: ArrayLike<string | number> },
  scores: readonly ArrayLike<number>[],
  where: string,
  probabilities: boolean,
): { weight: Float64Array; clusters: Int32Array } {
  const n = rows.outcome.length;
  const bad = (message: string): never => {
    throw new UprateError('BAD_ARGUMENT', message, { location: where });
  };
  if (n === 0) bad('there are no offers to measure');
  for (const s of scores) if (s.length !== n) bad(`predictions (${s.length}) and outcomes (${n}) must be as many`);
  if (rows.customer && rows.customer.length !== n) bad(`customers (${rows.customer.length}) and outcomes (${n}) must be as many`);
  if (rows.weight && rows.weight.length !== n) bad(`weights (${rows.weight.length}) and outcomes (${n}) must be as many`);
  const weight = rows.weight ? Float64Array.from(rows.weight) : new Float64Array(n).fill(1);
  const clusters = new Int32Array(n);
  const index = new Map<string | number, number>();
  let total = 0;
  for (let i = 0; i < n; i++) {
    const y = rows.outcome[i];
    if (y !== 0 && y !== 1) bad(`the outcome of offer ${i} must be 0 or 1, not ${y}`);
    const w = weight[i] as number;
    if (!(Number.isFinite(w) && w >= 0)) bad(`the weight of offer ${i} must be a finite number ≥ 0, not ${w}`);
    total += w;
    for (const s of scores) {
      const v = s[i] as number;
      if (!Number.isFinite(v) || (probabilities && !(v >= 0 && v <= 1))) bad(`the prediction of offer ${i} must be ${probabilities ? 'a probability in [0, 1]' : 'finite'}, not ${v}`);
    }
    const customer = rows.customer ? (rows.customer[i] as string | number) : i;
    let c = index.get(customer);
    if (c === undefined) {
      c = index.size;
      index.set(customer, c);
    }
    clusters[i] = c;
  }
  if (!(total > 0)) bad('the offers\' weights add up to 0');
  return { weight, clusters };
}
