import { checkCounts } from './counts.js';
import { twoSidedNormalP } from './critical-value.js';

/** Result of {@link twoProportionZTest}. */
export interface ZTestResult {
  /** (k1/n1 − k2/n2) / SE under the pooled null. */
  readonly z: number;
  /** Two-sided p-value, 2·Φ(−|z|). */
  readonly pValue: number;
}

/**
 * Pooled two-proportion z test of H₀: p1 = p2 (two-sided), as statsmodels
 * `proportions_ztest([k1, k2], [n1, n2])`: SE = √(p̂(1 − p̂)(1/n1 + 1/n2)) with the pooled
 * p̂ = (k1 + k2)/(n1 + n2). Its z² equals the chi-square statistic of the 2×2 table without Yates.
 *
 * When p̂ is 0 or 1 (no accepted offers anywhere, or all accepted) the two rates are equal and
 * there is no variance: this returns z = 0, p = 1 where statsmodels returns NaN.
 *
 * @example
 * twoProportionZTest(30, 100, 18, 100) // { z: 1.987…, pValue: 0.0469… }
 * @throws UprateError BAD_ARGUMENT when n1 or n2 is 0
 */
export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number): ZTestResult {
  checkCounts(k1, n1, 'twoProportionZTest');
  checkCounts(k2, n2, 'twoProportionZTest');
  if (n1 === 0 || n2 === 0) {
    throw new RangeError('twoProportionZTest: both groups need at least one offer');
  }
  return pooledZ(k1, n1, k2, n2);
}

/** The same for real-valued counts (0 ≤ k ≤ n, n > 0) — effective counts under clustering; unchecked. */
export function pooledZ(k1: number, n1: number, k2: number, n2: number): ZTestResult {
  const pooled = (k1 + k2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return { z: 0, pValue: 1 };
  const z = (k1 / n1 - k2 / n2) / Math.sqrt(variance);
  return { z, pValue: twoSidedNormalP(z) };
}
