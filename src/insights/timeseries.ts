import { DEFAULT_LIMITS } from '../core/limits.js';
import { nextPeriod, periodsBetween } from '../kpi/grain.js';
import { monitor, periodChange, type ControlChartKind, type Counts } from '../stats/index.js';
import type { ApiGrain, TimeseriesPoint, TimeseriesResponse } from './api-types.js';
import { addDays, dateToDay, dayToDate } from './days.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, NO_OFFERS, resolveRange, type OfferCounts } from './offer-counts.js';
import { differenceView, pointBand, rateView } from './rate-view.js';

export const GRAINS: readonly ApiGrain[] = ['day', 'week', 'month', 'quarter', 'year'];

export interface TimeseriesOptions {
  readonly grain: ApiGrain;
  /** `p` (default) or Laney's `laney` p′ chart for over-dispersed data. */
  readonly chart?: ControlChartKind;
  /** Put provisional periods on the chart and in the alarms (default false). */
  readonly includeProvisional?: boolean;
  /** Periods the trend test looks back over (default 12). */
  readonly trendWindow?: number;
}

/**
 * GET /api/v1/timeseries: every period of the range (empty ones with n = 0), each with its rate,
 * interval, p-chart limits for its own n, run flags and change against the period before; the
 * trend over the last 12 complete periods. Provisional periods — offers still inside their
 * window, or a period not over at `asOf` — stay off the chart and out of alarms by default.
 */
export async function timeseries(ctx: KpiContext, requested: Selection, options: TimeseriesOptions): Promise<TimeseriesResponse> {
  const selection = await resolveRange(ctx, requested);
  const grain = options.grain;
  const includeProvisional = options.includeProvisional ?? false;
  // Periods first: a range too long for its grain is refused before the engine works.
  const maxPeriods = (ctx.limits ?? DEFAULT_LIMITS).maxPeriods;
  const starts = selection.from && selection.to ? periodsBetween(dayToDate(selection.from), dayToDate(selection.to), grain, maxPeriods) : [];
  const rows = await countOffers(ctx, selection, { grain });
  const byPeriod = new Map(rows.map((r) => [r.period ?? '', r]));

  const base = starts.map((start) => {
    const period = dateToDay(start);
    const fullEnd = addDays(dateToDay(nextPeriod(start, grain)), -1);
    const counts: OfferCounts = byPeriod.get(period) ?? NO_OFFERS;
    const view = rateView(counts, ctx);
    const notOver = nextPeriod(start, grain).getTime() > ctx.asOf.getTime();
    const provisional = view.provisional || (notOver && counts.offers > 0);
    const periodEnd = selection.to && fullEnd > selection.to ? selection.to : fullEnd;
    const partial = (selection.from !== null && period < selection.from) || (selection.to !== null && fullEnd > selection.to);
    return { period, periodEnd, partial, counts, view: { ...view, provisional }, charted: counts.offers > 0 && (includeProvisional || !provisional) };
  });

  const chartedIndex = base.flatMap((p, i) => (p.charted ? [i] : []));
  const chartCounts: Counts[] = chartedIndex.map((i) => ({ k: base[i]?.counts.accepted ?? 0, n: base[i]?.counts.offers ?? 0 }));
  const m = monitor(chartCounts, { kind: options.chart ?? 'p', level: ctx.level, ...(options.trendWindow ? { window: options.trendWindow } : {}) });
  const chartAt = new Map(chartedIndex.map((baseIndex, chartIndex) => [baseIndex, chartIndex]));

  const points = base.map((p, i): TimeseriesPoint => {
    const c = chartAt.get(i);
    const cp = c === undefined ? undefined : m.chart.points[c];
    const flag = c === undefined ? null : m.runFlags[c];
    const prev = base[i - 1];
    const change = prev
      ? differenceView(periodChange({ k: p.counts.accepted, n: p.counts.offers }, { k: prev.counts.accepted, n: prev.counts.offers }, { level: ctx.level }))
      : null;
    return {
      period: p.period,
      periodEnd: p.periodEnd,
      partial: p.partial,
      ...p.view,
      lower: p.view.interval.lower,
      upper: p.view.interval.upper,
      band: pointBand(p.view.rate, ctx.thresholds),
      centreLine: cp ? m.chart.centre : null,
      lcl: cp?.lower ?? null,
      ucl: cp?.upper ?? null,
      outOfControl: cp?.outside ?? null,
      runFlags: flag ? [flag === 'above' ? 'run_above' : 'run_below'] : [],
      change,
      charted: p.charted,
    };
  });

  const trendPoints = chartedIndex.slice(-m.trend.periods);
  const last = chartedIndex.at(-1);
  const beforeLast = chartedIndex.at(-2);
  const lastChange =
    m.lastChange && last !== undefined && beforeLast !== undefined
      ? { ...differenceView(m.lastChange), period: base[last]?.period ?? '', previousPeriod: base[beforeLast]?.period ?? '' }
      : null;
  return {
    query: queryEcho(ctx, selection),
    grain,
    points,
    controlChart: {
      kind: m.chart.kind,
      centreLine: m.chart.centre,
      sigmas: m.chart.sigmas,
      sigmaZ: m.chart.sigmaZ,
      includesProvisional: includeProvisional,
      note: m.chart.note,
    },
    trend: {
      periods: m.trend.periods,
      from: trendPoints.length ? (base[trendPoints[0] ?? 0]?.period ?? null) : null,
      to: trendPoints.length ? (base[trendPoints.at(-1) ?? 0]?.period ?? null) : null,
      z: m.trend.z,
      pValue: m.trend.pValue,
      slope: m.trend.slope,
      slopePoints: m.trend.slope === null ? null : m.trend.slope * 100,
      direction: m.trend.direction,
      note: m.trend.note,
    },
    latestChange: lastChange,
  };
}
