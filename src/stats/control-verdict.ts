import { percent } from '../core/display.js';
import type { ChartChoice } from './chart-choice.js';
import type { Counts } from './compare-proportions.js';
import { controlChart, type ControlChartKind, type ControlChartRequest, type LimitSignal } from './control-chart.js';

/** Periods a control verdict charts by default: the judged one and the eleven before it. */
export const DEFAULT_CONTROL_PERIODS = 12;

export interface ControlVerdictOptions {
  /** `auto` (default): Laney p′ when the periods vary more than chance, else p. */
  readonly kind?: ControlChartRequest;
  /** Limit width in standard errors (default 3). */
  readonly sigmas?: number;
  /** Which side raises an alarm: `below` (default, a drop) or `both`. */
  readonly side?: 'below' | 'both';
  /** What a period is called in the sentence (default "period"): month, week, … */
  readonly unit?: string;
}

/** The latest period judged on a control chart of the periods up to it — for alerts and findings alike. */
export interface ControlVerdict {
  readonly kind: ControlChartKind;
  readonly choice: ChartChoice | null;
  /** e.g. "Laney p′-chart (3σ limits, 12 months)". */
  readonly chartName: string;
  readonly periods: number;
  readonly centre: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly rate: number | null;
  readonly z: number | null;
  readonly sigmaZ: number;
  readonly sigmas: number;
  readonly outside: LimitSignal | null;
  /** Outside on a side that raises an alarm. */
  readonly alarm: boolean;
  /** One sentence: where the rate lies against the limits, and whether that is an alarm. */
  readonly sentence: string;
  /** How the limits were computed, in words. */
  readonly method: string;
}

/**
 * Charts `window` (oldest first, the judged period last) and judges its last period: the one
 * function the alert rule `control-limit`, the findings and the report use, so the same month
 * gets the same limits and the same words everywhere.
 *
 * @example
 * controlVerdict(last12Months).sentence
 * // "17.1% is inside the Laney p′-chart (3σ limits, 12 periods): limits 16.2%–19.3% around the centre 17.8%"
 */
export function controlVerdict(window: readonly Counts[], options: ControlVerdictOptions = {}): ControlVerdict {
  const sigmas = options.sigmas ?? 3;
  const side = options.side ?? 'below';
  const chart = controlChart(
    window.map((p) => ({ k: p.k, n: p.n })),
    { kind: options.kind ?? 'auto', sigmas },
  );
  const point = chart.points.at(-1);
  const outside = point?.outside ?? null;
  const alarm = outside === 'below' || (outside === 'above' && side === 'both');
  const unit = options.unit ?? 'period';
  const chartName = `${chart.kind === 'p' ? 'p-chart' : 'Laney p′-chart'} (${sigmas}σ limits, ${window.length} ${unit}${window.length === 1 ? '' : 's'})`;
  const limits = `limits ${percent(point?.lower ?? null)}–${percent(point?.upper ?? null)} around the centre ${percent(chart.centre)}`;
  const where =
    outside === null
      ? `inside the ${chartName}`
      : `${outside} the ${outside === 'below' ? 'lower' : 'upper'} control limit of the ${chartName}${alarm ? '' : ' — a rise, which this check does not alarm on'}`;
  const method =
    chart.note ??
    `limits follow each period's offers: centre ± ${sigmas}·√(p̄(1 − p̄)/n)${chart.kind === 'laney' ? ` × σz ${chart.sigmaZ.toFixed(2)}` : ''}` +
      (chart.choice ? `; ${chart.choice.reason}` : '');
  return {
    kind: chart.kind,
    choice: chart.choice,
    chartName,
    periods: window.length,
    centre: chart.centre,
    lower: point?.lower ?? null,
    upper: point?.upper ?? null,
    rate: point?.rate ?? null,
    z: point?.z ?? null,
    sigmaZ: chart.sigmaZ,
    sigmas,
    outside,
    alarm,
    sentence: `${percent(point?.rate ?? null)} is ${where}: ${limits}`,
    method,
  };
}

