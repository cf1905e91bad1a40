import { checkCounts } from './counts.js';

/** Result of {@link fisherExactTest}. */
export interface FisherResult {
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Sample odds ratio (k1·(n2−k2)) / ((n1−k1)·k2); null when a zero cell makes it 0/0 or infinite. */
  readonly oddsRatio: number | null;
}

/** Relative tolerance for "as extreme as observed" (R's `fisher.test` uses the same 1e-7). */
const TIE_TOLERANCE = 1e-7;
/** Tables below e^-760 of the most likely one cannot change a double-precision sum. */
const NEGLIGIBLE_LOG = -760;

/**
 * Fisher's exact test for the 2×2 table [[k1, n1 − k1], [k2, n2 − k2]], two-sided: the
 * probability, under fixed margins (hypergeometric), of every table no more likely than the one
 * observed — the definition `scipy.stats.fisher_exact` uses. scipy compares probabilities with a
 * relative tolerance of 1e-14, this one with 1e-7 (as R does) so that exact ties computed through
 * different rounding are still counted; the two agree except for tables within 1e-7 of a tie.
 *
 * Probabilities are built from the ratio P(x+1)/P(x) in log space outward from the mode and
 * normalised by their sum, so p-values keep full relative precision down to ~1e-300 and
 * margins of ten million cost only the tables within reach of the observed one.
 * A table with an empty row or column has p = 1.
 *
 * @example
 * fisherExactTest(8, 9, 2, 7).pValue // 0.0349…  (scipy: fisher_exact([[8, 1], [2, 5]]))
 */
export function fisherExactTest(k1: number, n1: number, k2: number, n2: number): FisherResult {
  checkCounts(k1, n1, 'fisherExactTest');
  checkCounts(k2, n2, 'fisherExactTest');
  const oddsRatio = sampleOddsRatio(k1, n1 - k1, k2, n2 - k2);
  const successes = k1 + k2;
  const total = n1 + n2;
  if (n1 === 0 || n2 === 0 || successes === 0 || successes === total) return { pValue: 1, oddsRatio };

  const lo = Math.max(0, successes - n2);
  const hi = Math.min(n1, successes);
  // log P(x+1) − log P(x) for x successes in the first group.
  const step = (x: number) => Math.log(n1 - x) + Math.log(successes - x) - Math.log(x + 1) - Math.log(n2 - successes + x + 1);
  const mode = Math.min(hi, Math.max(lo, Math.floor(((successes + 1) * (n1 + 1)) / (total + 2))));

  // Walk from the mode: log weights relative to it, until negligible and past the observed table.
  const up: number[] = [];
  for (let x = mode, w = 0; x < hi; x++) {
    w += step(x);
    up.push(w);
    if (w < NEGLIGIBLE_LOG && x + 1 > k1) break;
  }
  const down: number[] = [];
  for (let x = mode, w = 0; x > lo; x--) {
    w -= step(x - 1);
    down.push(w);
    if (w < NEGLIGIBLE_LOG && x - 1 < k1) break;
  }
  const observed = k1 === mode ? 0 : k1 > mode ? (up[k1 - mode - 1] ?? -Infinity) : (down[mode - k1 - 1] ?? -Infinity);
  const cut = observed + Math.log1p(TIE_TOLERANCE);

  let all = 1;
  let extreme = observed >= -Math.log1p(TIE_TOLERANCE) ? 1 : 0;
  for (const w of [...up, ...down]) {
    const p = Math.exp(w);
    all += p;
    if (w <= cut) extreme += p;
  }
  return { pValue: Math.min(1, extreme / all), oddsRatio };
}

function sampleOddsRatio(a: number, b: number, c: number, d: number): number | null {
  const num = a * d;
  const den = b * c;
  return den === 0 ? null : num / den;
}
