import { UprateError } from '../core/errors.js';
import { readCounts } from '../kpi/index.js';
import { MAX_LIMIT, type CubeFilterItem } from '../query/index.js';
import { cumulativeAcceptance, kaplanMeier } from '../stats/index.js';
import type { TimeToAcceptResponse, TimeToAcceptSegment } from './api-types.js';
import { segmentLabel } from './breakdown.js';
import { dateToDay, dayToDate } from './days.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { asOfFilter, bindingOf, countOffers, kpiSource, resolveRange, selectionFilters } from './offer-counts.js';
import { rateView } from './rate-view.js';
import { segmentsFilter, topSegments } from './top-segments.js';

const DAY_MS = 86_400_000;

export interface TimeToAcceptOptions {
  /** The dimension whose segments get a curve each (default: the binding's offer type). */
  readonly by?: string;
}

/** How the curve is computed, in words (every answer carries it). */
export const TIME_TO_ACCEPT_METHOD =
  'Kaplan–Meier on whole days to accept: offers still open at the as-of instant count while they were followed (censored at their age), declined and expired offers stay at risk to the end of the window; Greenwood variance as an effective sample ÷ the segment’s customer design effect, Wilson (exact below 30 effective offers).';

/**
 * GET /api/v1/time-to-accept: for each segment of `by` (the {@link MAX_SEGMENTS} with the most
 * offers), the share of its offers accepted within 0 … W days of being made (W the conversion
 * window), with an interval. Offers of the range made in the last W days before the as-of instant
 * and not accepted yet are still open: they are censored at the whole days they have been
 * followed (the same life table as the projected rates, {@link projectionInputs}), so the curve is
 * not pulled down by offers that have had no time to convert. With no offer still open the share at
 * day d is plainly the offers accepted within d days ÷ the offers.
 *
 * Three reads through the semantic layer: the segments' counts (with the customers' sums, for the
 * design effect), acceptances by segment and days to accept, and the open days' offers by segment.
 *
 * @throws UprateError BAD_ARGUMENT when the binding names no days-to-accept dimension, or no `by`
 * is given and it names no offer type
 */
export async function timeToAccept(ctx: KpiContext, requested: Selection, options: TimeToAcceptOptions = {}): Promise<TimeToAcceptResponse> {
  const binding = bindingOf(ctx);
  const daysToAccept = binding.daysToAccept;
  if (!daysToAccept) {
    throw new UprateError('BAD_ARGUMENT', 'time to accept needs the days from each offer to its acceptance: the KPI binding names no daysToAccept dimension', {
      location: 'kpi.daysToAccept',
      hint: 'bind kpi.daysToAccept to a dimension holding whole days from offer to acceptance (event-grain offers) in uprate.config.yaml',
    });
  }
  const by = options.by ?? binding.offerType;
  if (!by) throw new UprateError('BAD_ARGUMENT', 'by is required: the KPI binding names no offer type to default to', { location: 'by', hint: 'e.g. by=Customers.region' });
  const selection = await resolveRange(ctx, requested);
  const w = ctx.windowDays;
  const echo = queryEcho(ctx, selection);
  const groups = await countOffers(ctx, selection, { dimensions: [by] });
  const top = topSegments(groups, by);
  const base = { query: echo, by, windowDays: w, method: TIME_TO_ACCEPT_METHOD, segmentsOmitted: top.omitted, segmentsNote: top.note };
  if (!selection.from || !selection.to || top.shown.length === 0) return { ...base, segments: [] };

  const values = top.shown.map((g) => g.values[by] ?? null);
  const filters: CubeFilterItem[] = [...selectionFilters(ctx, { ...selection, filters: [...selection.filters, segmentsFilter(by, values)] }), asOfFilter(ctx)];
  const source = kpiSource(ctx);
  const asOfMs = ctx.asOf.getTime();
  // Offers of day D can still be open when as-of − (D + 1 day) < W.
  const firstOpenDay = dateToDay(new Date(Math.floor((asOfMs - w * DAY_MS) / DAY_MS) * DAY_MS));
  const asOfDay = dateToDay(ctx.asOf);
  const openFrom = selection.from > firstOpenDay ? selection.from : firstOpenDay;
  const openTo = selection.to < asOfDay ? selection.to : asOfDay;
  const [eventRows, dayRows] = await Promise.all([
    readCounts(source, { dimensions: [by, daysToAccept], dateRange: [selection.from, selection.to], filters, limit: MAX_LIMIT, clustered: false }),
    openFrom <= openTo ? readCounts(source, { dimensions: [by], grain: 'day', dateRange: [openFrom, openTo], filters, limit: MAX_LIMIT, clustered: false }) : Promise.resolve([]),
  ]);
  if (eventRows.length >= MAX_LIMIT || dayRows.length >= MAX_LIMIT) {
    throw new UprateError('QUERY_TOO_LARGE', `more than ${MAX_LIMIT} groups of offers to follow`, { location: 'by', hint: 'choose a dimension with fewer values, or a shorter range' });
  }
  const key = (v: string | null | undefined) => JSON.stringify(v ?? null);
  const events = new Map(values.map((v) => [key(v), new Array<number>(w).fill(0)]));
  for (const row of eventRows) {
    const d = row.values[daysToAccept];
    const list = events.get(key(row.values[by]));
    if (d === null || d === undefined || !list) continue;
    // An acceptance at exactly W days (the window's last instant) counts on day W − 1.
    const day = Math.min(w - 1, Math.max(0, Math.floor(Number(d))));
    list[day] = (list[day] ?? 0) + row.offers;
  }
  const censored = new Map(values.map((v) => [key(v), new Array<number>(w).fill(0)]));
  for (const row of dayRows) {
    const list = censored.get(key(row.values[by]));
    if (!list || !row.period) continue;
    // Every offer of day D has been followed at least ⌊as-of − (D + 1 day)⌋ whole days.
    const lo = Math.max(0, (asOfMs - dayToDate(row.period).getTime() - DAY_MS) / DAY_MS);
    if (lo >= w) continue;
    const age = Math.floor(lo);
    list[age] = (list[age] ?? 0) + Math.max(0, row.offers - row.accepted);
  }
  const segments = top.shown.map((g): TimeToAcceptSegment => {
    const value = g.values[by] ?? null;
    const ev = events.get(key(value)) ?? [];
    // Read apart from the totals: a load landing between the reads could overcount; capped, never an error.
    let room = g.offers - ev.reduce((s, e) => s + e, 0);
    const cens = (censored.get(key(value)) ?? []).map((c) => {
      const take = Math.max(0, Math.min(c, room));
      room -= take;
      return take;
    });
    const curve = kaplanMeier({ events: ev, censored: cens, offers: Math.max(g.offers, ev.reduce((s, e) => s + e, 0)) });
    const view = rateView(g, ctx);
    const points = cumulativeAcceptance(curve, { level: ctx.level, method: ctx.method, designEffect: Math.max(1, view.interval.designEffect) });
    return {
      segment: { [by]: value },
      label: segmentLabel({ [by]: value }, [by]),
      offers: g.offers,
      accepted: g.accepted,
      open: cens.reduce((s, c) => s + c, 0),
      designEffect: view.interval.designEffect,
      points: points.map((p) => ({ days: p.days, observed: p.observed, accepted: p.accepted, share: p.share, lower: p.lower, upper: p.upper })),
    };
  });
  return { ...base, segments };
}
