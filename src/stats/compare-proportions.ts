import { checkCounts, checkLevel } from './counts.js';
import { effectOf, type ClusterMoments, type VarianceKind } from './design-effect.js';
import { fisherExactTest } from './fisher-exact-test.js';
import { DEFAULT_LEVEL } from './interval.js';
import { newcombeBounds } from './newcombe-interval.js';
import { pooledZ } from './two-proportion-z-test.js';

/**
 * Accepted offers `k` of `n` offers, and optionally the population's per-customer sums: with
 * them every interval and test accounts for offers clustering by customer.
 */
export interface Counts {
  readonly k: number;
  readonly n: number;
  readonly clusters?: ClusterMoments | null;
  /** Or the design effect already measured from them (≥ 1). */
  readonly designEffect?: number;
}

/** The test a comparison used. */
export type ProportionTest = 'z' | 'fisher';

/** Below this expected cell count a comparison switches from the z test to Fisher's exact test. */
export const MIN_EXPECTED_FOR_Z = 5;

export interface CompareOptions {
  /** Confidence level of the difference interval (default 0.95). */
  readonly level?: number;
  /** `'auto'` (default): Fisher when any expected count < 5, else the pooled z test. */
  readonly test?: ProportionTest | 'auto';
}

/**
 * Group A against group B. Every field is null when either group has no offers.
 * `difference` is rateA − rateB as a fraction; `differencePoints` the same in percentage points.
 */
export interface ProportionComparison {
  readonly rateA: number | null;
  readonly rateB: number | null;
  readonly difference: number | null;
  readonly differencePoints: number | null;
  /** Newcombe hybrid score interval of the difference (fractions). */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly level: number;
  readonly test: ProportionTest | null;
  /** z for the z test; null for Fisher. */
  readonly statistic: number | null;
  /** Two-sided p-value of the test used. */
  readonly pValue: number | null;
  /** Smallest expected count of the 2×2 table (accepted / not accepted × A / B). */
  readonly minExpected: number | null;
  /** Why this test (or none) was used, in words. */
  readonly reason: string;
  /** `customer-clustered` when either side's design effect exceeds 1, else `binomial`. */
  readonly variance: VarianceKind;
  /** Design effects of A and B (1 = independent offers). */
  readonly designEffects: readonly [number, number];
}

/** A comparison that could not be made (a group without offers), with the reason. */
export function noComparison(level: number, rateA: number | null, rateB: number | null, reason: string): ProportionComparison {
  return {
    rateA,
    rateB,
    difference: null,
    differencePoints: null,
    lower: null,
    upper: null,
    level,
    test: null,
    statistic: null,
    pValue: null,
    minExpected: null,
    reason,
    variance: 'binomial',
    designEffects: [1, 1],
  };
}

/**
 * Compares two conversion rates — a segment with the rest, a period with the previous one:
 * the difference with a Newcombe interval and a two-sided test. With `test: 'auto'` the pooled z
 * test is used when every expected cell count is at least 5, else Fisher's exact test.
 *
 * @example
 * compareProportions({ k: 30, n: 100 }, { k: 18, n: 100 })
 * // { difference: 0.12, differencePoints: 12, test: 'z', pValue: 0.0469…, lower: 0.0013…, … }
 */
export function compareProportions(a: Counts, b: Counts, options: CompareOptions = {}): ProportionComparison {
  checkCounts(a.k, a.n, 'compareProportions (A)');
  checkCounts(b.k, b.n, 'compareProportions (B)');
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  if (a.n === 0 || b.n === 0) {
    return noComparison(level, a.n === 0 ? null : a.k / a.n, b.n === 0 ? null : b.k / b.n, `no comparison: group ${a.n === 0 ? 'A' : 'B'} has no offers`);
  }
  // Rao & Scott (1992): the tests and the interval run on each side's effective counts k/d, n/d,
  // d its customer-clustered design effect; with d = 1 on both sides they are the usual ones.
  const da = effectOf(a);
  const db = effectOf(b);
  const ea = { k: da.effectiveAccepted, n: da.effectiveOffers };
  const eb = { k: db.effectiveAccepted, n: db.effectiveOffers };
  const clustered = da.designEffect > 1 || db.designEffect > 1;
  const minExpected = minimumExpected(ea, eb);
  const requested = options.test ?? 'auto';
  const test: ProportionTest = requested === 'auto' ? (minExpected < MIN_EXPECTED_FOR_Z ? 'fisher' : 'z') : requested;
  const interval = newcombeBounds(ea.k, ea.n, eb.k, eb.n, level);
  const rateA = a.k / a.n;
  const rateB = b.k / b.n;
  let statistic: number | null = null;
  let pValue: number;
  if (test === 'z') {
    const z = pooledZ(ea.k, ea.n, eb.k, eb.n);
    statistic = z.z;
    pValue = z.pValue;
  } else {
    const fa = wholeCounts(ea);
    const fb = wholeCounts(eb);
    pValue = fisherExactTest(fa.k, fa.n, fb.k, fb.n).pValue;
  }
  const expected = `smallest expected count ${round(minExpected)}`;
  const why =
    requested !== 'auto'
      ? `${testName(test)} (requested); ${expected}`
      : test === 'z'
        ? `${testName(test)}: every expected count ≥ ${MIN_EXPECTED_FOR_Z} (${expected})`
        : `${testName(test)}: ${expected} < ${MIN_EXPECTED_FOR_Z}`;
  const reason = clustered
    ? `${why}, on effective counts for offers clustered by customer (Rao–Scott; design effects ${round(da.designEffect)} and ${round(db.designEffect)})`
    : why;
  return {
    rateA,
    rateB,
    difference: rateA - rateB,
    differencePoints: (rateA - rateB) * 100,
    lower: interval.lower,
    upper: interval.upper,
    level,
    test,
    statistic,
    pValue,
    minExpected,
    reason,
    variance: clustered ? 'customer-clustered' : 'binomial',
    designEffects: [da.designEffect, db.designEffect],
  };
}

/** Effective counts rounded to the whole numbers Fisher's test needs (at least one offer). */
function wholeCounts(c: { k: number; n: number }): { k: number; n: number } {
  const n = Math.max(1, Math.round(c.n));
  return { k: Math.min(n, Math.round(c.k)), n };
}

/** Smallest expected cell count of the 2×2 table under independence. */
export function minimumExpected(a: Pick<Counts, 'k' | 'n'>, b: Pick<Counts, 'k' | 'n'>): number {
  const total = a.n + b.n;
  const accepted = a.k + b.k;
  const smallerColumn = Math.min(accepted, total - accepted);
  return (Math.min(a.n, b.n) * smallerColumn) / total;
}

function testName(test: ProportionTest): string {
  return test === 'z' ? 'pooled two-proportion z test' : "Fisher's exact test";
}

function round(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
