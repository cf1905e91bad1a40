import type { CompareOptions } from './compare-proportions.js';
import { controlChart, type ControlChart, type ControlChartOptions } from './control-chart.js';
import { periodChange, type PeriodChange } from './period-change.js';
import { DEFAULT_RUN_LENGTH, findRuns, runFlags, type Run } from './run-rule.js';
import { seasonalTrend, type SeasonalTrendResult, type TrendGrain, type TrendPeriod } from './seasonal-trend.js';
import type { TrendOptions } from './trend-test.js';

export interface MonitorOptions extends ControlChartOptions, TrendOptions, CompareOptions {
  /** Run length that signals a shift (default 8). */
  readonly runLength?: number;
  /**
   * Grain of the periods. With `month` or `quarter` (and each period's `start`) the trend model
   * gets season terms once the window spans two years, and the default window is 36 months or 12
   * quarters; unknown (the default): no season terms, the last 12 periods.
   */
  readonly grain?: TrendGrain;
  /** Significance level of the trend test (default 0.05). */
  readonly trendAlpha?: number;
}

/** Everything the monitoring view and the alert rules need about a series of periods. */
export interface Monitoring {
  readonly chart: ControlChart;
  readonly runs: readonly Run[];
  /** Per period: the side of a run of ≥ runLength it belongs to, or null. */
  readonly runFlags: readonly ('above' | 'below' | null)[];
  /** The seasonal quasi-binomial trend ({@link seasonalTrend}); a {@link TrendResult} with the model's details. */
  readonly trend: SeasonalTrendResult;
  /** Last period against the one before it; null with fewer than two periods. */
  readonly lastChange: PeriodChange | null;
}

/**
 * Control chart (p, Laney p′, or `'auto'`: chosen by a χ² test of equal rates), out-of-limit and
 * run signals, the trend (quasi-binomial GLM with season terms when the grain and the span allow,
 * {@link seasonalTrend}) and the latest period-over-period change, for periods in time order.
 * Leave provisional periods out before calling, as the KPI layer does by default.
 *
 * @example
 * monitor(monthly, { kind: 'auto', grain: 'month' }).chart.points.filter((p) => p.outside)
 */
export function monitor(periods: readonly TrendPeriod[], options: MonitorOptions = {}): Monitoring {
  const chart = controlChart(periods, options);
  const runs = findRuns(chart.points, chart.centre, options.runLength ?? DEFAULT_RUN_LENGTH);
  const current = periods.at(-1);
  const previous = periods.at(-2);
  return {
    chart,
    runs,
    runFlags: runFlags(chart.points, runs),
    trend: seasonalTrend(periods, {
      grain: options.grain ?? null,
      ...(options.window !== undefined ? { window: options.window } : {}),
      ...(options.trendAlpha !== undefined ? { alpha: options.trendAlpha } : {}),
    }),
    lastChange: current && previous ? periodChange(current, previous, options) : null,
  };
}
