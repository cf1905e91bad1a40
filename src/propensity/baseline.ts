import { shrinkRates } from '../stats/index.js';
import { categoryOf } from './features.js';
import type { AttributeValue, FeatureMember } from './types.js';

/**
 * The predictor the model must beat: each offer's empirical-Bayes shrunken rate per segment of one
 * customer attribute (what the leaderboard shows, one level finer). The attribute is the one whose
 * segments fit the training offers best (log-loss), chosen on the training offers alone, so the
 * holdout judges the choice too.
 */
export interface SegmentRate {
  /** The attribute segmenting the offers (null: no categorical attribute, one rate for all). */
  readonly member: string | null;
  readonly title: string | null;
  /** Segment value → shrunken rate and its credible interval. */
  readonly rates: ReadonlyMap<string, { readonly rate: number; readonly lower: number; readonly upper: number }>;
  /** The rate of a segment the training offers did not hold: the prior's mean. */
  readonly fallback: { readonly rate: number; readonly lower: number; readonly upper: number };
  /** Σ accepted / Σ offers over the training offers. */
  readonly overallRate: number;
}

export interface LabelledRow {
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly y: number;
}

/** Accepted and offered per segment of `member` (one segment for all offers when null). */
function segmentCounts(member: FeatureMember | null, rows: readonly LabelledRow[]): Map<string, { k: number; n: number }> {
  const counts = new Map<string, { k: number; n: number }>();
  for (const r of rows) {
    const key = member ? categoryOf(r.attributes[member.member] ?? null) : ALL;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { k: 0, n: 0 }));
    c.k += r.y;
    c.n += 1;
  }
  return counts;
}

const ALL = 'all offers';

function fitOne(member: FeatureMember | null, counts: ReadonlyMap<string, { k: number; n: number }>, level: number): SegmentRate {
  const labels = [...counts.keys()].sort();
  const groups = labels.map((label) => ({ label, ...(counts.get(label) ?? { k: 0, n: 0 }) }));
  const K = groups.reduce((s, g) => s + g.k, 0);
  const N = groups.reduce((s, g) => s + g.n, 0);
  const overallRate = N > 0 ? K / N : 0;
  // One segment (or none): its own rate, with a uniform prior's interval.
  const shrunk = groups.length >= 2 ? shrinkRates(groups, { level }) : shrinkRates(groups, { level, prior: { alpha: 1, beta: 1 } });
  const rates = new Map(shrunk.groups.map((g) => [g.label, { rate: g.shrunkenRate, lower: g.lower, upper: g.upper }]));
  const prior = shrunk.prior;
  const fallbackRate = prior.alpha / (prior.alpha + prior.beta);
  return {
    member: member?.member ?? null,
    title: member?.title ?? null,
    rates,
    fallback: { rate: fallbackRate, lower: fallbackRate, upper: fallbackRate },
    overallRate,
  };
}

/**
 * One rate for every customer: an offer with too few outcomes to learn segments from, at its
 * shrunken rate among all offers (the leaderboard's), so 3 of 3 accepted never ranks first.
 */
export function constantRate(rate: { readonly rate: number; readonly lower: number; readonly upper: number }, observed: number): SegmentRate {
  return { member: null, title: null, rates: new Map([[ALL, rate]]), fallback: rate, overallRate: observed };
}

/** The segment rate predicted for one customer. */
export function segmentRateOf(baseline: SegmentRate, attributes: Readonly<Record<string, AttributeValue>>): { rate: number; lower: number; upper: number; segment: string } {
  const segment = baseline.member ? categoryOf(attributes[baseline.member] ?? null) : ALL;
  const r = baseline.rates.get(segment) ?? baseline.fallback;
  return { rate: r.rate, lower: r.lower, upper: r.upper, segment };
}

const clamp = (p: number) => Math.min(1 - 1e-12, Math.max(1e-12, p));

/** Mean log-loss of the segment rates on the offers counted: each segment's k of n at its rate. */
function logLoss(baseline: SegmentRate, counts: ReadonlyMap<string, { k: number; n: number }>): number {
  let s = 0;
  let total = 0;
  for (const [segment, c] of counts) {
    const p = clamp((baseline.rates.get(segment) ?? baseline.fallback).rate);
    s -= c.k * Math.log(p) + (c.n - c.k) * Math.log(1 - p);
    total += c.n;
  }
  return total ? s / total : 0;
}

/** The best single-attribute segment rate on `rows` (ties: the attribute listed first). */
export function fitSegmentRate(features: readonly FeatureMember[], rows: readonly LabelledRow[], level = 0.95): SegmentRate {
  const none = segmentCounts(null, rows);
  let best = fitOne(null, none, level);
  let bestLoss = logLoss(best, none);
  for (const f of features) {
    if (f.kind !== 'category') continue;
    const counts = segmentCounts(f, rows);
    const candidate = fitOne(f, counts, level);
    const loss = logLoss(candidate, counts);
    if (loss < bestLoss - 1e-12) {
      best = candidate;
      bestLoss = loss;
    }
  }
  return best;
}
