import { UprateError } from '../core/errors.js';
import type { Counts } from './compare-proportions.js';
import { checkCounts } from './counts.js';
import { twoSidedNormalP } from './critical-value.js';

/** Periods the trend test looks back over by default. */
export const DEFAULT_TREND_WINDOW = 12;

export interface TrendOptions {
  /** Test only the last `window` periods (default 12). */
  readonly window?: number;
}

/** Result of {@link trendTest}; z, pValue and slope are null when no trend can be tested. */
export interface TrendResult {
  /** Periods tested (the last `window`, fewer if the series is shorter). */
  readonly periods: number;
  /** Cochran–Armitage z statistic: positive for a rising rate. */
  readonly z: number | null;
  /** Two-sided p-value. */
  readonly pValue: number | null;
  /** Weighted least-squares slope of the rate per period (fraction per period). */
  readonly slope: number | null;
  readonly direction: 'rising' | 'falling' | 'flat' | null;
  /** Why no test was possible, else null. */
  readonly note: string | null;
}

/**
 * Cochran–Armitage test for trend in proportions (Armitage 1955; Agresti, *Categorical Data
 * Analysis*, §5.3.5) over the last 12 periods, scored 0, 1, …, m − 1:
 * T = Σ tᵢ(kᵢ − nᵢp̄), Var T = p̄(1 − p̄)[Σ nᵢtᵢ² − (Σ nᵢtᵢ)²/N], z = T/√Var T, two-sided normal p.
 * `slope` is the n-weighted least-squares slope T / Σ nᵢ(tᵢ − t̄)², the rate's change per period.
 * It is the score test of a linear-probability trend; statsmodels'
 * `Table.test_ordinal_association` computes the same z times √((N − 1)/N) (permutation variance).
 * `direction` is rising/falling only when p < 0.05, else flat.
 *
 * @example
 * trendTest(monthly).direction // 'falling'
 */
export function trendTest(periods: readonly Counts[], options: TrendOptions = {}): TrendResult {
  const window = options.window ?? DEFAULT_TREND_WINDOW;
  if (!Number.isInteger(window) || window < 2) {
    throw new UprateError('BAD_ARGUMENT', `the trend window must be a whole number of periods ≥ 2, not ${window}`, { location: 'window' });
  }
  periods.forEach((p, i) => checkCounts(p.k, p.n, `trendTest period ${i}`));
  const last = periods.slice(-window);
  const m = last.length;
  let N = 0;
  let K = 0;
  let St = 0;
  let Stt = 0;
  let Skt = 0;
  last.forEach((p, t) => {
    N += p.n;
    K += p.k;
    St += p.n * t;
    Stt += p.n * t * t;
    Skt += p.k * t;
  });
  const none = (note: string): TrendResult => ({ periods: m, z: null, pValue: null, slope: null, direction: null, note });
  if (last.filter((p) => p.n > 0).length < 2) return none('needs at least two periods with offers');
  const pbar = K / N;
  const sxx = Stt - (St * St) / N;
  const T = Skt - (K * St) / N;
  const slope = T / sxx;
  if (pbar === 0 || pbar === 1) {
    return { periods: m, z: 0, pValue: 1, slope, direction: 'flat', note: 'every period has the same rate (0 % or 100 %)' };
  }
  const z = T / Math.sqrt(pbar * (1 - pbar) * sxx);
  const pValue = twoSidedNormalP(z);
  return { periods: m, z, pValue, slope, direction: pValue < 0.05 ? (z > 0 ? 'rising' : 'falling') : 'flat', note: null };
}
