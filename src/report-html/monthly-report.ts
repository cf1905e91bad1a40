/**
 * The monthly report's numbers: the month's headline (its change against the previous calendar
 * month, not the 30 days before), a 13-month trend ending with it, the
 * breakdowns by the KPI binding's panel dimensions, the offer leaderboard (when the binding names
 * the offer), the findings, the time to accept (cumulative acceptance by days since the offer) and
 * the segments over the trend's months — the same functions that answer /api/v1, so the report and
 * the dashboard agree to the digit.
 */
import { UprateError } from '../core/errors.js';
import {
  bindingOf,
  breakdown,
  findInsights,
  kpiHeadline,
  leaderboard,
  offerDays,
  segmentTimeseries,
  timeseries,
  timeToAccept,
  withCountReads,
  type ApiFilter,
  type BreakdownResponse,
  type InsightsResponse,
  type KpiContext,
  type KpiResponse,
  type LeaderboardResponse,
  type Selection,
  type TimeseriesResponse,
  type TimeToAcceptResponse,
} from '../insights/index.js';
import { panelDimensions } from '../kpi/index.js';
import { breakdownPanels, type BreakdownPanel } from './breakdown-panels.js';
import { coverageOf, type ModelCoverage } from './coverage.js';

export interface MonthlyReportOptions {
  /** `YYYY-MM`; default: the last month that ended before the clock, or the month of the last offer. */
  readonly month?: string;
  readonly offerType?: 'upsell' | 'cross_sell' | null;
  readonly filters?: readonly ApiFilter[];
  /** Months of trend up to and including the report's month (default 13: a year and its month). */
  readonly trendMonths?: number;
  /** The currency of revenue (config `currency`, ISO 4217; default USD). */
  readonly currency?: string | undefined;
}

export interface MonthlyReport {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  /** The month's headline; `previous` and `change` are against the previous calendar month. */
  readonly kpi: KpiResponse;
  readonly trend: TimeseriesResponse;
  /** One per panel dimension of the binding (none when it lists no dimensions). */
  readonly breakdowns: readonly (BreakdownPanel & { readonly data: BreakdownResponse })[];
  /** Null when the binding names no offer dimension to rank. */
  readonly leaderboard: LeaderboardResponse | null;
  readonly insights: InsightsResponse;
  /** What the bound model can tell: the report says nothing about what it lacks. */
  readonly coverage: ModelCoverage;
  /** The currency revenue is shown in (ISO 4217); absent from servers before it was sent: USD. */
  readonly currency?: string;
  /**
   * The month's offers: the share accepted within so many days (GET /api/v1/time-to-accept), by
   * the first panel dimension (else the offer type). Null when the binding names no days to accept
   * or nothing to group by; absent from servers before it was sent.
   */
  readonly timeToAccept?: (TimeToAcceptResponse & { readonly title: string }) | null;
  /**
   * The trend's months for each segment of the first panel dimension with the most offers (GET
   * /api/v1/timeseries?grain=month&by=). Null without a panel dimension; absent from older servers.
   */
  readonly segmentsOverTime?: (TimeseriesResponse & { readonly title: string }) | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** First and last day of a `YYYY-MM` month. */
export function monthRange(month: string, location = '--month'): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m) {
    const example = location.startsWith('--') ? `${location} 2025-06` : `${location}=2025-06`;
    throw new UprateError('BAD_ARGUMENT', `${location} must be YYYY-MM, not '${month}'`, { location, hint: `e.g. ${example}` });
  }
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { from: day(new Date(Date.UTC(y, mo, 1))), to: day(new Date(Date.UTC(y, mo + 1, 0))) };
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * Which month to report when none is named: the last one that ended before the clock, unless the
 * data stop earlier, then the month of the last offer.
 */
export function defaultMonth(asOf: Date, lastOfferDay: string | null): string {
  const previous = shiftMonth(asOf.toISOString().slice(0, 7), -1);
  if (lastOfferDay === null) return previous;
  const lastMonth = lastOfferDay.slice(0, 7);
  return lastMonth < previous ? lastMonth : previous;
}

export async function collectMonthlyReport(context: KpiContext, options: MonthlyReportOptions = {}): Promise<MonthlyReport> {
  // One memo for every section (a server's context has one already): the trend and the segments'
  // series read the same months, the findings the breakdowns' and the leaderboard's counts.
  const ctx = withCountReads(context);
  const base: Selection = { from: null, to: null, offerType: options.offerType ?? null, filters: options.filters ?? [] };
  const month = options.month ?? defaultMonth(ctx.asOf, (await offerDays(ctx, base)).last);
  const { from, to } = monthRange(month);
  const selection: Selection = { ...base, from, to };
  const trendFrom = monthRange(shiftMonth(month, -((options.trendMonths ?? 13) - 1))).from;
  const binding = bindingOf(ctx);
  const panels = breakdownPanels(panelDimensions(binding), binding.offers);
  const first = panels[0];
  const acceptBy = first ? { member: first.member, title: first.title } : binding.offerType ? { member: binding.offerType, title: binding.offerType.split('.').at(-1) ?? binding.offerType } : null;
  const [kpi, trend, board, insights, accept, overTime, ...breakdowns] = await Promise.all([
    // A whole month's headline changes against the calendar month before (insights/days.ts previousPeriod).
    kpiHeadline(ctx, { ...base, ...monthRange(month) }),
    timeseries(ctx, { ...selection, from: trendFrom }, { grain: 'month' }),
    binding.offerName ? leaderboard(ctx, selection) : null,
    findInsights(ctx, selection),
    binding.daysToAccept && acceptBy ? timeToAccept(ctx, selection, { by: acceptBy.member }).then((r) => ({ ...r, title: acceptBy.title })) : null,
    first ? segmentTimeseries(ctx, { ...selection, from: trendFrom }, { grain: 'month', by: first.member }).then((r) => ({ ...r, title: first.title })) : null,
    ...panels.map((b) => breakdown(ctx, selection, { by: [b.member] })),
  ]);
  return {
    month,
    from,
    to,
    generatedAt: new Date().toISOString(),
    kpi,
    trend,
    breakdowns: panels.map((b, i) => ({ ...b, data: breakdowns[i] as BreakdownResponse })),
    leaderboard: board,
    insights,
    coverage: coverageOf(binding, binding.shipped),
    currency: options.currency ?? 'USD',
    timeToAccept: accept,
    segmentsOverTime: overTime,
  };
}
