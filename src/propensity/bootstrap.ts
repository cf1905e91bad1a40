/**
 * The customer-clustered bootstrap's pieces: a seeded generator (so a report's intervals are the
 * same on every run), customers resampled with replacement, percentile intervals. Customers,
 * not offers, are resampled because one customer's offers share the customer: resampling offers
 * would treat them as independent and give intervals too narrow.
 */

import { Random } from '../core/random.js';

/** The seed used when none is given: intervals are reproducible by default. */
export const DEFAULT_SEED = 20240611;

/** A uniform generator on [0, 1) (the project's seeded sfc32, src/core/random.ts). */
export function seededUniform(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/** How often each of `customers` customers is drawn in one resample of that many, with replacement. */
export function resampleCustomers(uniform: () => number, customers: number, counts: Float64Array): Float64Array {
  counts.fill(0);
  for (let k = 0; k < customers; k++) {
    const c = Math.floor(uniform() * customers);
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}

/**
 * Percentile interval of replicate values: the (1 − level)/2 and (1 + level)/2 quantiles, linearly
 * interpolated (Hyndman & Fan type 7, numpy's default). NaN replicates (a resample without an
 * accepted or without a not-accepted offer has no AUC) are left out; NaN bounds when none is left.
 */
export function percentileInterval(values: ArrayLike<number>, level: number): { lower: number; upper: number } {
  const finite = Float64Array.from(values).filter(Number.isFinite).sort();
  return { lower: quantile(finite, (1 - level) / 2), upper: quantile(finite, (1 + level) / 2) };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return below + (h - lo) * (above - below);
}
