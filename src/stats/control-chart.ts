import { UprateError } from '../core/errors.js';
import type { Counts } from './compare-proportions.js';
import { checkCounts } from './counts.js';
import { chooseChart, D2_MOVING_RANGE, laneySigmaZ, type ChartChoice } from './chart-choice.js';

/** Which control chart: Shewhart's p-chart or Laney's p′-chart. */
export type ControlChartKind = 'p' | 'laney';

/** The chart a caller asks for: a kind, or `'auto'` to let {@link chooseChart} decide from the data. */
export type ControlChartRequest = ControlChartKind | 'auto';

/** Side of the limits a point fell on. */
export type LimitSignal = 'above' | 'below';

/** One period on a control chart; every number is null for a period with no offers. */
export interface ControlPoint {
  readonly k: number;
  readonly n: number;
  readonly rate: number | null;
  /** Binomial standard error at the centre line, √(p̄(1 − p̄)/n). */
  readonly sigma: number | null;
  /** Control limits, clipped to [0, 1]. */
  readonly lower: number | null;
  readonly upper: number | null;
  /** (rate − p̄)/sigma; null when sigma is 0. */
  readonly z: number | null;
  /** Set when the rate lies strictly outside the limits. */
  readonly outside: LimitSignal | null;
}

export interface ControlChart {
  /** The chart drawn (with `kind: 'auto'`, the one chosen). */
  readonly kind: ControlChartKind;
  /** With `kind: 'auto'`: the test that chose the chart and why; null when the caller named the kind. */
  readonly choice: ChartChoice | null;
  /** Centre line p̄ = Σk / Σn; null when no period has offers. */
  readonly centre: number | null;
  /** Limits are centre ± sigmas · sigma · sigmaZ (default 3 sigmas). */
  readonly sigmas: number;
  /** Laney's between-period inflation factor σ_z; 1 for the p-chart. */
  readonly sigmaZ: number;
  /** Why σ_z fell back to 1 on a Laney chart, else null. */
  readonly note: string | null;
  readonly points: readonly ControlPoint[];
}

export interface ControlChartOptions {
  /**
   * `'p'` (default), `'laney'`, or `'auto'`: Laney when the χ² test of equal rates across periods
   * rejects at 0.05 (the periods are over-dispersed), else p — see {@link chooseChart}.
   */
  readonly kind?: ControlChartRequest;
  /** Width of the limits in standard errors (default 3). */
  readonly sigmas?: number;
}

export { D2_MOVING_RANGE };

/**
 * A p-chart of the conversion rate per period (Montgomery, *Introduction to Statistical Quality
 * Control*, §7.2): centre p̄ = Σk/Σn, limits p̄ ± 3√(p̄(1 − p̄)/nᵢ) that follow each period's n,
 * clipped to [0, 1]. With `kind: 'laney'` it is Laney's p′-chart (Laney 2002, "Improved control
 * charts for attributes"): the limits are widened by σ_z, the mean moving range of the periods'
 * z-scores divided by 1.128, which keeps over-dispersed data (many customers, few periods) from
 * raising false alarms. Periods with no offers keep their place with null values and are skipped
 * by the moving ranges. σ_z falls back to 1 (the p-chart) when fewer than two periods have a
 * z-score. With `kind: 'auto'` the data choose ({@link chooseChart}): Laney when the periods' rates
 * differ by more than chance (Pearson χ² test of homogeneity at 0.05), else p; the decision is
 * returned as `choice`.
 *
 * @example
 * controlChart([{ k: 1, n: 10 }, { k: 2, n: 10 }, { k: 3, n: 20 }])
 * // centre 0.15; period 1: sigma √(0.15·0.85/10) = 0.1129, limits [0, 0.4887]
 */
export function controlChart(periods: readonly Counts[], options: ControlChartOptions = {}): ControlChart {
  periods.forEach((p, i) => checkCounts(p.k, p.n, `controlChart period ${i}`));
  const requested = options.kind ?? 'p';
  const choice = requested === 'auto' ? chooseChart(periods) : null;
  const kind: ControlChartKind = requested === 'auto' ? (choice?.kind ?? 'p') : requested;
  const sigmas = options.sigmas ?? 3;
  if (!(sigmas > 0)) throw new UprateError('BAD_ARGUMENT', `sigmas must be positive, not ${sigmas}`, { location: 'sigmas' });
  const W = periods.reduce((s, p) => s + p.n, 0);
  const K = periods.reduce((s, p) => s + p.k, 0);
  const centre = W > 0 ? K / W : null;
  const sigmaOf = (n: number) => (centre === null || n === 0 ? null : Math.sqrt((centre * (1 - centre)) / n));
  const zOf = (p: Counts) => {
    const s = sigmaOf(p.n);
    return s === null || s === 0 || centre === null ? null : (p.k / p.n - centre) / s;
  };
  let sigmaZ = 1;
  let note: string | null = null;
  if (kind === 'laney') {
    const laney = laneySigmaZ(periods);
    if (laney.zScores < 2) note = 'fewer than two periods with a z-score: sigma_z = 1 (p-chart limits)';
    else if (choice && laney.sigmaZ < 1) {
      // Chosen because the rates differ, yet their moving ranges are small (a shift, not scatter):
      // limits narrower than the p-chart's would raise more alarms, not fewer.
      note = `sigma_z ${laney.sigmaZ.toFixed(2)} < 1 (a shift rather than scatter): kept at 1, the p-chart's limits`;
    } else sigmaZ = laney.sigmaZ;
  }
  const points = periods.map((p): ControlPoint => {
    const sigma = sigmaOf(p.n);
    if (sigma === null || centre === null) {
      return { k: p.k, n: p.n, rate: null, sigma: null, lower: null, upper: null, z: null, outside: null };
    }
    const rate = p.k / p.n;
    const width = sigmas * sigma * sigmaZ;
    const lower = Math.max(0, centre - width);
    const upper = Math.min(1, centre + width);
    return { k: p.k, n: p.n, rate, sigma, lower, upper, z: zOf(p), outside: rate > upper ? 'above' : rate < lower ? 'below' : null };
  });
  return { kind, choice, centre, sigmas, sigmaZ, note, points };
}
