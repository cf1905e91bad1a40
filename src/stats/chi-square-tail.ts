import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import gammaln from '@stdlib/math-base-special-gammaln';

/** Above this p the complement of the stdlib CDF is already accurate to ~1e-13 relative. */
const COMPLEMENT_SAFE = 1e-3;

/**
 * Upper tail P(χ²_df > x), the p-value of a chi-square statistic.
 *
 * `1 − chisquare.cdf` loses every digit once p falls below ~1e-16, so small tails with a whole
 * number of degrees of freedom use the exact finite sums (Abramowitz & Stegun 26.4.4–26.4.5):
 * even df = 2m: e^(−x/2) Σ_{j<m} (x/2)^j / j!; odd df = 2m + 1: 2Φ(−√x) + Σ_{j=1..m}
 * e^(−x/2) (x/2)^(j−½) / Γ(j + ½) — positive terms only, so p-values down to ~1e-300 keep their
 * relative precision.
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareSurvival: degrees of freedom must be positive, not ${df}`);
  if (!(x > 0)) return 1;
  const complement = 1 - chisquareCdf(x, df);
  if (complement > COMPLEMENT_SAFE || !Number.isInteger(df)) return complement;
  const half = x / 2;
  const logHalf = Math.log(half);
  let sum = 0;
  if (df % 2 === 0) {
    for (let j = 0; j < df / 2; j++) sum += Math.exp(-half + j * logHalf - gammaln(j + 1));
  } else {
    sum = 2 * normalCdf(-Math.sqrt(x), 0, 1);
    for (let j = 1; j <= (df - 1) / 2; j++) sum += Math.exp(-half + (j - 0.5) * logHalf - gammaln(j + 0.5));
  }
  return Math.min(1, sum);
}
