import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { UprateError } from '../core/errors.js';
import { chiSquareSurvival } from './chi-square-tail.js';
import type { Counts } from './compare-proportions.js';
import { checkCounts, checkOpenProbability } from './counts.js';
import { DEFAULT_TREND_WINDOW, type TrendResult } from './trend-test.js';

/** Length of the periods a series is counted in. */
export type TrendGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** One period of a series: k accepted of n offers, and the period's first day (`YYYY-MM-DD`). */
export interface TrendPeriod extends Counts {
  /** First day of the period; needed for season terms (month- or quarter-of-year). */
  readonly start?: string;
}

export interface SeasonalTrendOptions {
  /** The series' grain; season terms exist for `month` (12) and `quarter` (4). Null: unknown, no season terms. */
  readonly grain: TrendGrain | null;
  /** Test only the last `window` periods (default: 36 months, 12 quarters, otherwise 12 periods). */
  readonly window?: number;
  /** Significance level of the slope test (default 0.05). */
  readonly alpha?: number;
}

export type TrendModel = 'seasonal quasi-binomial GLM' | 'quasi-binomial GLM';

/**
 * Result of {@link seasonalTrend}: the {@link TrendResult} fields (z is the slope's t statistic,
 * `slope` the change of the rate per period) and the model behind them.
 */
export interface SeasonalTrendResult extends TrendResult {
  readonly model: TrendModel;
  /** Whether season (month- or quarter-of-year) terms were fitted. */
  readonly seasonal: boolean;
  /** Number of season dummies fitted (11 for months, 3 for quarters, 0 without). */
  readonly seasonTerms: number;
  /** Pearson X² / (m − p) of the fitted model; null when no model was fitted. */
  readonly dispersion: number | null;
  /** The dispersion the test used: `dispersion` floored at 1. */
  readonly dispersionUsed: number | null;
  /** Residual degrees of freedom m − p of the t test. */
  readonly degreesOfFreedom: number | null;
  /** The period coefficient β on the log-odds scale. */
  readonly logOddsSlope: number | null;
  /** One sentence for users naming the model and the test. */
  readonly test: string;
}

/** Periods per seasonal cycle for the grains that get season terms. */
export const SEASON_LENGTH: Readonly<Partial<Record<TrendGrain, number>>> = { month: 12, quarter: 4 };

/** Default look-back: 36 months, 12 quarters, otherwise the last 12 periods. */
export function defaultTrendWindow(grain: TrendGrain | null): number {
  if (grain === 'month') return 36;
  if (grain === 'quarter') return 12;
  return DEFAULT_TREND_WINDOW;
}

/** Level of the Pearson X² test that decides a series without season terms is over-dispersed. */
export const OVERDISPERSION_ALPHA = 0.05;

/** One row of a binomial GLM: k of n and the covariates (intercept included). */
export interface GlmRow {
  readonly k: number;
  readonly n: number;
  readonly x: readonly number[];
}

/** A binomial logistic GLM fitted by IRLS (scale 1: binomial standard errors). */
export interface BinomialGlmFit {
  readonly params: readonly number[];
  /** Binomial (scale 1) standard errors √diag((XᵀWX)⁻¹). */
  readonly standardErrors: readonly number[];
  /** (XᵀWX)⁻¹ at the fitted means. */
  readonly covariance: readonly (readonly number[])[];
  readonly fitted: readonly number[];
  /** Σ (k − nμ)² / (nμ(1 − μ)). */
  readonly pearsonChi2: number;
  readonly deviance: number;
  /** Rows − parameters. */
  readonly dfResid: number;
  readonly iterations: number;
}

const MAX_IRLS_ITERATIONS = 100;

function expit(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/** Lower-triangular L with A = LLᵀ, or null when A is not (numerically) positive definite. */
function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const p = a.length;
  const l = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    const lj = l[j] as number[];
    let d = (a[j] as readonly number[])[j] as number;
    for (let r = 0; r < j; r++) d -= (lj[r] as number) ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const pivot = Math.sqrt(d);
    lj[j] = pivot;
    for (let i = j + 1; i < p; i++) {
      const li = l[i] as number[];
      let s = (a[i] as readonly number[])[j] as number;
      for (let r = 0; r < j; r++) s -= (li[r] as number) * (lj[r] as number);
      li[j] = s / pivot;
    }
  }
  return l;
}

/** Solves LLᵀx = b. */
function choleskySolve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const p = l.length;
  const y = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    const li = l[i] as readonly number[];
    let s = b[i] as number;
    for (let r = 0; r < i; r++) s -= (li[r] as number) * (y[r] as number);
    y[i] = s / (li[i] as number);
  }
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let r = i + 1; r < p; r++) s -= ((l[r] as readonly number[])[i] as number) * (x[r] as number);
    x[i] = s / ((l[i] as readonly number[])[i] as number);
  }
  return x;
}

function weightedCrossProducts(rows: readonly GlmRow[], mu: readonly number[], eta: readonly number[] | null) {
  const p = (rows[0] as GlmRow).x.length;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  rows.forEach((row, i) => {
    const m = mu[i] as number;
    const v = m * (1 - m);
    const w = row.n * v;
    // Working response z = η + (y − μ)/(μ(1 − μ)); only needed while iterating.
    const z = eta ? (eta[i] as number) + (row.k / row.n - m) / v : 0;
    for (let r = 0; r < p; r++) {
      const xr = row.x[r] as number;
      if (xr === 0) continue;
      b[r] = (b[r] as number) + w * xr * z;
      const ar = a[r] as number[];
      for (let c = 0; c <= r; c++) ar[c] = (ar[c] as number) + w * xr * (row.x[c] as number);
    }
  });
  for (let r = 0; r < p; r++) for (let c = r + 1; c < p; c++) (a[r] as number[])[c] = (a[c] as number[])[r] as number;
  return { a, b };
}

function binomialDeviance(rows: readonly GlmRow[], mu: readonly number[]): number {
  let d = 0;
  rows.forEach((row, i) => {
    const m = mu[i] as number;
    if (row.k > 0) d += row.k * Math.log(row.k / (row.n * m));
    if (row.n - row.k > 0) d += (row.n - row.k) * Math.log((row.n - row.k) / (row.n * (1 - m)));
  });
  return 2 * d;
}

/**
 * Logistic regression of k of n on the rows' covariates by iteratively reweighted least squares
 * (McCullagh & Nelder 1989, §2.5): start at μ = (k + ½)/(n + 1), solve XᵀWXβ = XᵀWz with
 * W = nμ(1 − μ) and z = η + (y − μ)/(μ(1 − μ)) by Cholesky, until β moves by less than 1e-11
 * relative (or, when a coefficient runs off to ±∞ as with a season with no accepted offers, the
 * deviance stops changing). The covariance (XᵀWX)⁻¹ is taken at the final means. Null when XᵀWX
 * is singular (collinear covariates). Matches statsmodels `GLM(..., family=Binomial())`.
 */
export function fitBinomialGlm(rows: readonly GlmRow[]): BinomialGlmFit | null {
  const first = rows[0];
  if (!first) return null;
  const p = first.x.length;
  let mu = rows.map((r) => (r.k + 0.5) / (r.n + 1));
  let eta = mu.map((m) => Math.log(m / (1 - m)));
  let beta: number[] = new Array<number>(p).fill(0);
  let deviance = Infinity;
  let iterations = 0;
  for (; iterations < MAX_IRLS_ITERATIONS; ) {
    iterations++;
    const { a, b } = weightedCrossProducts(rows, mu, eta);
    const l = cholesky(a);
    if (!l) return null;
    const next = choleskySolve(l, b);
    const moved = next.every((v, j) => Math.abs(v - (beta[j] as number)) <= 1e-11 * (1 + Math.abs(v)));
    beta = next;
    eta = rows.map((r) => r.x.reduce((s, x, j) => s + x * (beta[j] as number), 0));
    mu = eta.map(expit);
    const dev = binomialDeviance(rows, mu);
    const settled = Math.abs(dev - deviance) <= 1e-14 * (Math.abs(dev) + 1);
    deviance = dev;
    if ((moved && iterations > 1) || settled) break;
  }
  if (!beta.every(Number.isFinite) || mu.some((m) => !(m > 0 && m < 1))) return null;
  const { a } = weightedCrossProducts(rows, mu, null);
  const l = cholesky(a);
  if (!l) return null;
  const covariance = Array.from({ length: p }, (_, j) => choleskySolve(l, Array.from({ length: p }, (_, i) => (i === j ? 1 : 0))));
  let pearsonChi2 = 0;
  rows.forEach((row, i) => {
    const m = mu[i] as number;
    pearsonChi2 += (row.k - row.n * m) ** 2 / (row.n * m * (1 - m));
  });
  return {
    params: beta,
    standardErrors: covariance.map((c, j) => Math.sqrt(c[j] as number)),
    covariance,
    fitted: mu,
    pearsonChi2,
    deviance,
    dfResid: rows.length - p,
    iterations,
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function seasonOf(grain: TrendGrain, start: string, where: string): number | null {
  const match = DATE.exec(start);
  const month = match ? Number(match[2]) : NaN;
  if (!match || !(month >= 1 && month <= 12) || !(Number(match[3]) >= 1 && Number(match[3]) <= 31)) {
    throw new UprateError('BAD_ARGUMENT', `a period start must be a date YYYY-MM-DD, not ${JSON.stringify(start)}`, { location: where });
  }
  if (grain === 'month') return month;
  if (grain === 'quarter') return Math.floor((month - 1) / 3) + 1;
  return null;
}

const UNIT: Record<TrendGrain, [string, string]> = {
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  quarter: ['quarter', 'quarters'],
  year: ['year', 'years'],
};

function unitOf(grain: TrendGrain | null, count: number): string {
  if (grain === null) return count === 1 ? 'period' : 'periods';
  const [one, many] = UNIT[grain];
  return count === 1 ? one : many;
}

function twoSidedTP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/**
 * Is the conversion rate rising or falling, once the season and the extra-binomial variation
 * are allowed for? A **quasi-binomial logistic GLM** (Wedderburn 1974; McCullagh & Nelder 1989,
 * §4.5) of kᵢ of nᵢ on an intercept, the period index t = 0…m − 1 and — when the window spans two
 * seasonal cycles (≥ 24 months, ≥ 8 quarters) and every period has its `start` — treatment-coded
 * month-of-year (11) or quarter-of-year (3) dummies, the lowest season as reference. Fitted by
 * IRLS ({@link fitBinomialGlm}); periods without offers are skipped but keep their t.
 *
 * The dispersion φ = Pearson X²/(m − p) (what `statsmodels` GLM's Pearson scale is for counts,
 * R's quasibinomial) is estimated from the data and floored at 1 for the test; the slope's
 * standard error is √φ times the binomial one and its Wald statistic is tested against a t
 * distribution on m − p degrees of freedom (two-sided). `slope` is β·p̄(1 − p̄), the change of the
 * rate per period near the mean rate p̄ = Σk/Σn; `z` is the t statistic.
 *
 * Honesty rule: for monthly or quarterly data too short for season terms, an over-dispersed
 * series (Pearson X² test of the linear fit, p < 0.05) gets `direction: null` and a note —
 * a seasonal swing cannot be told from a trend. Otherwise the direction is rising/falling when
 * p < alpha, else flat. Fewer than three periods with offers, or no residual degrees of
 * freedom, is no test (nulls and a note).
 *
 * @example
 * seasonalTrend(months, { grain: 'month' }).direction // 'flat': the Q4 peak is season, not trend
 */
export function seasonalTrend(periods: readonly TrendPeriod[], options: SeasonalTrendOptions): SeasonalTrendResult {
  const grain = options.grain;
  if (grain !== null && !(grain in UNIT)) {
    throw new UprateError('BAD_ARGUMENT', `grain must be day, week, month, quarter or year, not ${String(grain)}`, { location: 'grain' });
  }
  const window = options.window ?? defaultTrendWindow(grain);
  if (!Number.isInteger(window) || window < 2) {
    throw new UprateError('BAD_ARGUMENT', `the trend window must be a whole number of periods ≥ 2, not ${window}`, { location: 'window' });
  }
  const alpha = options.alpha ?? 0.05;
  checkOpenProbability(alpha, 'alpha');
  periods.forEach((p, i) => checkCounts(p.k, p.n, `seasonalTrend period ${i}`));
  const last = periods.slice(-window);
  const m = last.length;
  const offset = periods.length - m;
  const rows = last.flatMap((p, t) => (p.n > 0 ? [{ p, t }] : []));
  const s = grain === null ? undefined : SEASON_LENGTH[grain];
  const seasons = rows.map(({ p, t }) => (grain !== null && p.start !== undefined ? seasonOf(grain, p.start, `seasonalTrend period ${offset + t} start`) : null));
  const datesKnown = seasons.every((x) => x !== null);
  const seasonal = s !== undefined && m >= 2 * s && datesKnown;
  const unit = unitOf(grain, m);
  const span = `the last ${m} ${unit}`;

  const base = { periods: m, seasonal: false, seasonTerms: 0, model: 'quasi-binomial GLM' as TrendModel };
  const none = (note: string): SeasonalTrendResult => ({
    ...base, z: null, pValue: null, slope: null, direction: null, note,
    dispersion: null, dispersionUsed: null, degreesOfFreedom: null, logOddsSlope: null,
    test: `logistic trend over ${span} (quasi-binomial GLM, t test of the slope): not run, ${note}`,
  });
  if (rows.length < 3) return none(`needs at least three ${unitOf(grain, 3)} with offers`);
  const N = rows.reduce((sum, r) => sum + r.p.n, 0);
  const K = rows.reduce((sum, r) => sum + r.p.k, 0);
  const pbar = K / N;
  if (K === 0 || K === N) {
    const note = `every ${unitOf(grain, 1)} has the same rate (${K === 0 ? '0 %' : '100 %'}): no trend`;
    return {
      ...base, z: 0, pValue: 1, slope: 0, direction: 'flat', note,
      dispersion: null, dispersionUsed: null, degreesOfFreedom: null, logOddsSlope: null,
      test: `logistic trend over ${span} (quasi-binomial GLM): not needed, ${note}`,
    };
  }

  const levels = seasonal ? [...new Set(seasons as number[])].sort((a, b) => a - b) : [];
  const dummies = levels.slice(1);
  const glmRows: GlmRow[] = rows.map(({ p, t }, i) => ({
    k: p.k,
    n: p.n,
    x: [1, t, ...dummies.map((level) => (seasons[i] === level ? 1 : 0))],
  }));
  const parameters = 2 + dummies.length;
  const df = rows.length - parameters;
  const model: TrendModel = seasonal ? 'seasonal quasi-binomial GLM' : 'quasi-binomial GLM';
  const fittedBase = { ...base, seasonal, seasonTerms: dummies.length, model };
  if (df < 1) return { ...none(`${rows.length} ${unitOf(grain, rows.length)} with offers leave no degrees of freedom for ${parameters} parameters`), ...fittedBase };
  const fit = fitBinomialGlm(glmRows);
  if (!fit) {
    return {
      ...none('the model could not be fitted (a season, or the whole window, without accepted or without declined offers)'),
      ...fittedBase,
    };
  }

  const beta = fit.params[1] as number;
  const dispersion = fit.pearsonChi2 / df;
  const dispersionUsed = Math.max(1, dispersion);
  const z = beta / (Math.sqrt(dispersionUsed) * (fit.standardErrors[1] as number));
  const pValue = twoSidedTP(z, df);
  const slope = beta * pbar * (1 - pbar);

  // Without season terms the fitted model is the linear one: its X² tests over-dispersion.
  const shortOfSeasons = s !== undefined && !seasonal;
  const overDispersed = shortOfSeasons && chiSquareSurvival(fit.pearsonChi2, df) < OVERDISPERSION_ALPHA;
  let note: string | null = null;
  let direction: SeasonalTrendResult['direction'] = pValue < alpha ? (z > 0 ? 'rising' : 'falling') : 'flat';
  if (overDispersed) {
    direction = null;
    note = datesKnown
      ? `fewer than ${2 * (s ?? 0)} ${unitOf(grain, 2)}: a seasonal swing cannot be told from a trend`
      : `period start dates are missing, so no ${grain}-of-year terms: a seasonal swing cannot be told from a trend`;
  }
  const seasonWords = seasonal ? ` with ${grain}-of-year terms` : '';
  const floor = dispersion < 1 ? ', floored at 1' : '';
  const test =
    `slope of a logistic regression on time${seasonWords} over ${span} (${model}, dispersion ` +
    `${dispersion.toFixed(2)} estimated from the data${floor}), t test on ${df} degrees of freedom`;
  return {
    ...fittedBase, z, pValue, slope, direction, note,
    dispersion, dispersionUsed, degreesOfFreedom: df, logOddsSlope: beta, test,
  };
}
