import { DEFAULT_LIMITS } from '../core/limits.js';
import { nextPeriod, periodsBetween } from '../kpi/grain.js';
import { correctFamily, monitor, type ControlChartKind } from '../stats/index.js';
import type { ApiDifference, ApiGrain, ApiProjection, TimeseriesPoint, TimeseriesResponse } from './api-types.js';
import { addDays, dateToDay, dayToDate } from './days.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, NO_OFFERS, resolveRange, type OfferCounts } from './offer-counts.js';
import { projectedRates, type ProjectionPeriod } from './projection.js';
import { alphaOf, isProvisional, periodChangeView, pointBand, rateView, type PeriodSide } from './rate-view.js';

export const GRAINS: readonly ApiGrain[] = ['day', 'week', 'month', 'quarter', 'year'];

export interface TimeseriesOptions {
  readonly grain: ApiGrain;
  /** `auto` (default: Laney p′ when the periods vary more than chance, else p), `p` or `laney`. */
  readonly chart?: ControlChartKind | 'auto';
  /** Put provisional periods on the chart and in the alarms (default false). */
  readonly includeProvisional?: boolean;
  /** Periods the trend test looks back over (default: 36 months, 12 quarters, else 12 periods). */
  readonly trendWindow?: number;
}

/** The same period a year earlier: 12 months, 4 quarters, 52 weeks or 364 days back (same weekday). */
export function yearEarlier(start: string, grain: ApiGrain): string | null {
  const d = dayToDate(start);
  switch (grain) {
    case 'month':
    case 'quarter':
      return dateToDay(new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), 1)));
    case 'week':
    case 'day':
      return addDays(start, -364);
    case 'year':
      return null;
  }
}

interface Base {
  readonly period: string;
  readonly periodEnd: string;
  readonly partial: boolean;
  readonly counts: OfferCounts;
  readonly view: ReturnType<typeof rateView>;
  readonly charted: boolean;
}

/**
 * GET /api/v1/timeseries: every period of the range (empty ones with n = 0), each with its rate
 * and customer-clustered interval, control limits, run flags, its change against the period before
 * and against the same period a year earlier (both families corrected, Holm by default), and — for
 * a period still filling in — its projected final rate instead of a verdict. The chart is Laney's
 * p′ when the periods vary more than chance; the trend a quasi-binomial GLM with season terms when
 * two cycles exist. Provisional periods — offers still inside their window, or a period not over
 * at `asOf` — stay off the chart, out of alarms and out of every significance test.
 */
export async function timeseries(ctx: KpiContext, requested: Selection, options: TimeseriesOptions): Promise<TimeseriesResponse> {
  const selection = await resolveRange(ctx, requested);
  const starts = seriesPeriods(ctx, selection, options.grain);
  const back = yearBackRange(selection, starts, options.grain);
  const [rows, earlier] = await Promise.all([
    countOffers(ctx, selection, { grain: options.grain }),
    back ? countOffers(ctx, { ...selection, ...back }, { grain: options.grain }) : [],
  ]);
  return seriesFrom(ctx, selection, options, starts, { rows, earlier, project: (periods) => projectedRates(ctx, selection, periods) });
}

/** The starts of the range's periods; a range too long for its grain is refused before the engine works. */
export function seriesPeriods(ctx: KpiContext, selection: Selection, grain: ApiGrain): Date[] {
  const maxPeriods = (ctx.limits ?? DEFAULT_LIMITS).maxPeriods;
  return selection.from && selection.to ? periodsBetween(dayToDate(selection.from), dayToDate(selection.to), grain, maxPeriods) : [];
}

/**
 * The periods a year before the range's, read for same-period-last-year comparisons (those not
 * listed), or null when there are none: from a year before the first period to the end of the
 * period a year before the last (or the day before the range, if sooner) — not the whole year
 * before the range, which for three months of weeks read four times the offers it needed.
 */
export function yearBackRange(selection: Selection, starts: readonly Date[], grain: ApiGrain): { from: string; to: string } | null {
  const firstStart = starts[0];
  const lastStart = starts.at(-1);
  const from = firstStart ? yearEarlier(dateToDay(firstStart), grain) : null;
  const lastBack = lastStart ? yearEarlier(dateToDay(lastStart), grain) : null;
  if (!from || !lastBack || !selection.from || from >= selection.from) return null;
  const dayBefore = addDays(selection.from, -1);
  const lastBackEnd = lastDayOf(dayToDate(lastBack), grain);
  return { from, to: lastBackEnd < dayBefore ? lastBackEnd : dayBefore };
}

/** What a series is computed from: its periods' counts, the year before's, and the projection of the periods still filling in. */
export interface SeriesReads {
  /** Counts per period of the range (periods without offers may be missing). */
  readonly rows: readonly OfferCounts[];
  /** Counts per period of the year before the range ({@link yearBackRange}). */
  readonly earlier: readonly OfferCounts[];
  /** The projected final rates of the given periods (those still filling in). */
  readonly project: (periods: readonly ProjectionPeriod[]) => Promise<readonly (ApiProjection | null)[]>;
}

/**
 * The series of one selection from its reads: pure apart from `project`, so a per-segment view
 * can read every segment's counts in one grouped pass and compute each series here.
 */
export async function seriesFrom(ctx: KpiContext, selection: Selection, options: TimeseriesOptions, starts: readonly Date[], reads: SeriesReads): Promise<TimeseriesResponse> {
  const grain = options.grain;
  const includeProvisional = options.includeProvisional ?? false;
  const byPeriod = new Map(reads.rows.map((r) => [r.period ?? '', r]));
  const yearBefore = new Map(reads.earlier.map((r) => [r.period ?? '', r]));

  const base = starts.map((start): Base => {
    const period = dateToDay(start);
    const fullEnd = lastDayOf(start, grain);
    const counts: OfferCounts = byPeriod.get(period) ?? NO_OFFERS;
    const view = rateView(counts, ctx);
    const provisional = isProvisional(ctx, counts, fullEnd);
    const periodEnd = selection.to && fullEnd > selection.to ? selection.to : fullEnd;
    const partial = (selection.from !== null && period < selection.from) || (selection.to !== null && fullEnd > selection.to);
    return { period, periodEnd, partial, counts, view: { ...view, provisional }, charted: counts.offers > 0 && (includeProvisional || !provisional) };
  });

  const chartedIndex = base.flatMap((p, i) => (p.charted ? [i] : []));
  // The chart and the trend judge binomial noise plus whatever else moves the periods (customers,
  // seasons): Laney's σz and the GLM's dispersion measure it, so they take plain counts.
  const chartCounts = chartedIndex.map((i) => ({ k: base[i]?.counts.accepted ?? 0, n: base[i]?.counts.offers ?? 0, start: base[i]?.period ?? '' }));
  const m = monitor(chartCounts, {
    kind: options.chart ?? 'auto',
    level: ctx.level,
    grain,
    ...(options.trendWindow ? { window: options.trendWindow } : {}),
  });
  const chartAt = new Map(chartedIndex.map((baseIndex, chartIndex) => [baseIndex, chartIndex]));

  // Period-over-period and year-over-year changes; a provisional period gets no verdict.
  const side = (p: Base): PeriodSide => ({ label: p.period, counts: p.counts, provisional: p.view.provisional });
  const compare = (a: PeriodSide, b: PeriodSide): ApiDifference => {
    const { relativeChange: _, ...difference } = periodChangeView(a, b, ctx.level);
    return difference;
  };
  const changes = base.map((p, i) => {
    const prev = base[i - 1];
    return prev ? compare(side(p), side(prev)) : null;
  });
  const yearAgo = base.map((p) => {
    const back = yearEarlier(p.period, grain);
    const listed = back === null ? undefined : base.find((b) => b.period === back);
    const counts = listed?.counts ?? (back === null ? undefined : yearBefore.get(back));
    if (back === null || !counts || counts.offers === 0 || p.counts.offers === 0) return null;
    const before: PeriodSide = listed ? side(listed) : { label: back, counts, provisional: counts.pending > 0 };
    return { ...compare(side(p), before), period: back };
  });

  const method = ctx.correction ?? 'holm';
  const alpha = alphaOf(ctx.level);
  const corrected = (diffs: readonly (ApiDifference | null)[], what: string) =>
    correctFamily(
      diffs.map((d, i) => ({ label: `${base[i]?.period ?? ''} ${what}`, pValue: d?.pValue ?? null })),
      { method, alpha },
    );
  const changeFamily = corrected(changes, 'vs the period before');
  const yearFamily = corrected(yearAgo, 'vs a year earlier');
  const decide = <T extends ApiDifference>(d: T | null, h: { adjustedPValue: number | null; significant: boolean } | undefined) =>
    d === null ? null : { ...d, significant: d.pValue !== null && (h?.significant ?? false), adjustedPValue: h?.adjustedPValue ?? null };

  // Projections only for the periods still filling in (one life table for all of them).
  const open = base.flatMap((p, i) => (p.view.provisional ? [i] : []));
  const projected = await reads.project(open.map((i) => ({ start: base[i]?.period ?? '', end: base[i]?.periodEnd ?? '' })));
  const projectionAt = new Map(open.map((baseIndex, j) => [baseIndex, projected[j] ?? null]));

  const points = base.map((p, i): TimeseriesPoint => {
    const c = chartAt.get(i);
    const cp = c === undefined ? undefined : m.chart.points[c];
    const flag = c === undefined ? null : m.runFlags[c];
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
      change: decide(changes[i] ?? null, changeFamily.hypotheses[i]),
      yearOverYear: decide(yearAgo[i] ?? null, yearFamily.hypotheses[i]),
      projected: projectionAt.get(i) ?? null,
      charted: p.charted,
    };
  });

  const trendPoints = chartedIndex.slice(-m.trend.periods);
  const last = chartedIndex.at(-1);
  const beforeLast = chartedIndex.at(-2);
  const latest = last !== undefined ? points[last]?.change : null;
  const lastChange =
    latest && last !== undefined && beforeLast === last - 1 ? { ...latest, period: base[last]?.period ?? '', previousPeriod: base[beforeLast]?.period ?? '' } : null;
  const choice = m.chart.choice;
  return {
    query: queryEcho(ctx, selection),
    grain,
    points,
    controlChart: {
      kind: m.chart.kind,
      choice: choice ? { test: choice.test, statistic: choice.statistic, df: choice.df, pValue: choice.pValue, reason: choice.reason } : null,
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
      test: m.trend.test,
      seasonal: m.trend.seasonal,
      dispersion: m.trend.dispersion,
    },
    changeFamily: {
      method,
      members: changeFamily.family.size,
      description:
        changeFamily.family.size === 0
          ? 'no complete pair of periods to compare'
          : `${changeFamily.family.description.split(':')[0]}: every change between two complete periods in this answer`,
    },
    latestChange: lastChange,
  };
}

function lastDayOf(start: Date, grain: ApiGrain): string {
  return addDays(dateToDay(nextPeriod(start, grain)), -1);
}
