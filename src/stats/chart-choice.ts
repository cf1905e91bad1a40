import { pValue } from '../core/display.js';
import { chiSquareHomogeneity } from './chi-square-homogeneity.js';
import type { Counts } from './compare-proportions.js';
import { checkCounts, checkOpenProbability } from './counts.js';

/** d₂ for moving ranges of two: E|X₁ − X₂| = 1.128 σ. */
export const D2_MOVING_RANGE = 1.128;

/** Laney's σ_z for a series of periods, and how many periods had a z-score. */
export interface LaneySigma {
  /** Mean moving range of the z-scores / 1.128; 1 when fewer than two periods have a z-score. */
  readonly sigmaZ: number;
  /** Periods with a z-score (offers, and a centre strictly between 0 and 1). */
  readonly zScores: number;
}

/**
 * Laney's between-period inflation factor (Laney 2002): zᵢ = (pᵢ − p̄)/√(p̄(1 − p̄)/nᵢ) for the
 * periods with offers, σ_z = mean |zᵢ − zᵢ₋₁| / 1.128. Falls back to 1 (the p-chart) with fewer
 * than two z-scores. Periods with no offers are skipped by the moving ranges.
 */
export function laneySigmaZ(periods: readonly Counts[]): LaneySigma {
  const W = periods.reduce((s, p) => s + p.n, 0);
  const K = periods.reduce((s, p) => s + p.k, 0);
  if (W === 0) return { sigmaZ: 1, zScores: 0 };
  const centre = K / W;
  const zs: number[] = [];
  for (const p of periods) {
    if (p.n === 0) continue;
    const sigma = Math.sqrt((centre * (1 - centre)) / p.n);
    if (sigma === 0) continue;
    zs.push((p.k / p.n - centre) / sigma);
  }
  if (zs.length < 2) return { sigmaZ: 1, zScores: zs.length };
  let sum = 0;
  for (let i = 1; i < zs.length; i++) sum += Math.abs((zs[i] ?? 0) - (zs[i - 1] ?? 0));
  return { sigmaZ: sum / (zs.length - 1) / D2_MOVING_RANGE, zScores: zs.length };
}

/** Which chart {@link chooseChart} picked and on what evidence. */
export interface ChartChoice {
  readonly kind: 'p' | 'laney';
  readonly test: 'chi-square test of equal rates across periods';
  /** Pearson χ² of the periods × (accepted, not accepted) table; null with fewer than two periods with offers. */
  readonly statistic: number | null;
  readonly df: number | null;
  readonly pValue: number | null;
  /** Laney's σ_z of the same periods (1 when it cannot be estimated). */
  readonly sigmaZ: number;
  /** One sentence for users: what the test found and which limits follow. */
  readonly reason: string;
}

/**
 * Picks the control chart the data call for. Periods whose rates differ by more than binomial
 * noise (the binomial Pearson χ² test of equal rates across periods, {@link chiSquareHomogeneity}
 * on k and n alone — no Rao–Scott correction — with periods without offers left out, rejects at
 * `alpha`) are over-dispersed — offers cluster by
 * customer, so months vary more than their n says — and get Laney's p′ limits (Laney 2002); the
 * p-chart's binomial limits would flag ordinary months as out of control. Otherwise the p-chart.
 *
 * @example
 * chooseChart(monthly).reason
 * // 'periods vary more than chance (χ² = 81.2, df 22, p < 0.001; σz = 1.88): Laney p′ limits'
 */
export function chooseChart(periods: readonly Counts[], alpha = 0.05): ChartChoice {
  periods.forEach((p, i) => checkCounts(p.k, p.n, `chooseChart period ${i}`));
  checkOpenProbability(alpha, 'alpha');
  const test = 'chi-square test of equal rates across periods' as const;
  // The binomial χ² on purpose: the p-chart's limits are binomial, so variation beyond binomial
  // noise — whatever causes it, customer clustering included — is what makes them false-alarm.
  // (Counts that carry cluster moments would otherwise get a Rao–Scott-corrected statistic.)
  const chi = chiSquareHomogeneity(periods.map(({ k, n }) => ({ k, n })));
  const { sigmaZ } = laneySigmaZ(periods);
  if (chi.statistic === null || chi.df === null || chi.pValue === null) {
    return {
      kind: 'p', test, statistic: null, df: null, pValue: null, sigmaZ,
      reason: 'fewer than two periods with offers: nothing to test, p-chart limits',
    };
  }
  const evidence = `χ² = ${chi.statistic.toFixed(1)}, df ${chi.df}, ${pValue(chi.pValue)}`;
  const laney = chi.pValue < alpha;
  return {
    kind: laney ? 'laney' : 'p',
    test,
    statistic: chi.statistic,
    df: chi.df,
    pValue: chi.pValue,
    sigmaZ,
    reason: laney
      ? `periods vary more than chance (${evidence}; σz = ${sigmaZ.toFixed(2)}): Laney p′ limits`
      : `periods vary no more than chance (${evidence}): p-chart limits`,
  };
}
