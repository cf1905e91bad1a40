import { checkCounts } from './counts.js';
import { chiSquareSurvival } from './chi-square-tail.js';
import type { Counts } from './compare-proportions.js';
import { effectOf } from './design-effect.js';

export interface ChiSquareOptions {
  /**
   * Apply Yates' continuity correction when df = 1 (two groups), as `scipy.stats.chi2_contingency`
   * does by default. Default false: for two groups the statistic then equals z² of the pooled z
   * test, so the omnibus test and the pairwise test agree.
   */
  readonly yates?: boolean;
}

/** Result of {@link chiSquareHomogeneity}; statistic, df and p are null with fewer than 2 groups. */
export interface ChiSquareResult {
  readonly statistic: number | null;
  readonly df: number | null;
  readonly pValue: number | null;
  /** Groups with at least one offer — the rows of the table actually tested. */
  readonly groups: number;
  /** Smallest expected cell count; below 5 the χ² approximation is rough. */
  readonly minExpected: number | null;
  readonly yates: boolean;
  /**
   * Rao–Scott first-order correction: the statistic was divided by this mean design effect
   * (offer-weighted over the groups) because offers cluster by customer; 1 when they don't.
   */
  readonly designEffect: number;
}

/**
 * Pearson chi-square test that k groups share one conversion rate: the k × 2 table of accepted
 * and not-accepted offers, df = k − 1, as `scipy.stats.chi2_contingency(table, correction=False)`.
 * Groups with no offers are left out (they carry no information; scipy would reject their zero
 * expected counts). When no offer, or every offer, was accepted the rates are all equal and the
 * result is χ² = 0, p = 1 (scipy raises instead).
 *
 * @example
 * chiSquareHomogeneity([{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }])
 * // { statistic: 12.5, df: 2, pValue: 0.00193…, … }
 */
export function chiSquareHomogeneity(groups: readonly Counts[], options: ChiSquareOptions = {}): ChiSquareResult {
  groups.forEach((g, i) => checkCounts(g.k, g.n, `chiSquareHomogeneity group ${i}`));
  const rows = groups.filter((g) => g.n > 0);
  const total = rows.reduce((s, g) => s + g.n, 0);
  const accepted = rows.reduce((s, g) => s + g.k, 0);
  const df = rows.length - 1;
  const yates = (options.yates ?? false) && df === 1;
  if (rows.length < 2) return { statistic: null, df: null, pValue: null, groups: rows.length, minExpected: null, yates, designEffect: 1 };
  const rate = accepted / total;
  let minExpected = Infinity;
  let statistic = 0;
  for (const g of rows) {
    const cells: [number, number][] = [
      [g.k, g.n * rate],
      [g.n - g.k, g.n * (1 - rate)],
    ];
    for (const [observed, expected] of cells) {
      minExpected = Math.min(minExpected, expected);
      if (expected === 0) continue;
      let diff = Math.abs(observed - expected);
      if (yates) diff = Math.max(0, diff - Math.min(0.5, diff));
      statistic += (diff * diff) / expected;
    }
  }
  // Rao & Scott (1981, 1992): with clustered offers X² is inflated by about the mean design effect.
  const meanEffect = rows.reduce((sum, g) => sum + g.n * effectOf(g).designEffect, 0) / total;
  const corrected = statistic / meanEffect;
  return { statistic: corrected, df, pValue: chiSquareSurvival(corrected, df), groups: rows.length, minExpected, yates, designEffect: meanEffect };
}
