import type { CompareOptions, Counts } from './compare-proportions.js';
import { controlChart, type ControlChart, type ControlChartOptions } from './control-chart.js';
import { periodChange, type PeriodChange } from './period-change.js';
import { DEFAULT_RUN_LENGTH, findRuns, runFlags, type Run } from './run-rule.js';
import { trendTest, type TrendOptions, type TrendResult } from './trend-test.js';

export interface MonitorOptions extends ControlChartOptions, TrendOptions, CompareOptions {
  /** Run length that signals a shift (default 8). */
  readonly runLength?: number;
}

/** Everything the monitoring view and the alert rules need about a series of periods. */
export interface Monitoring {
  readonly chart: ControlChart;
  readonly runs: readonly Run[];
  /** Per period: the side of a run of ≥ runLength it belongs to, or null. */
  readonly runFlags: readonly ('above' | 'below' | null)[];
  readonly trend: TrendResult;
  /** Last period against the one before it; null with fewer than two periods. */
  readonly lastChange: PeriodChange | null;
}

/**
 * Control chart (p or Laney p′), out-of-limit and run signals, the trend over the last 12
 * periods and the latest period-over-period change, for periods in time order.
 * Leave provisional periods out before calling, as the KPI layer does by default.
 *
 * @example
 * monitor(monthly, { kind: 'laney' }).chart.points.filter((p) => p.outside)
 */
export function monitor(periods: readonly Counts[], options: MonitorOptions = {}): Monitoring {
  const chart = controlChart(periods, options);
  const runs = findRuns(chart.points, chart.centre, options.runLength ?? DEFAULT_RUN_LENGTH);
  const current = periods.at(-1);
  const previous = periods.at(-2);
  return {
    chart,
    runs,
    runFlags: runFlags(chart.points, runs),
    trend: trendTest(periods, options),
    lastChange: current && previous ? periodChange(current, previous, options) : null,
  };
}
