import { UprateError } from '../core/errors.js';
import { readCounts, type CountRow } from '../kpi/index.js';
import { MAX_LIMIT, type CubeFilterItem } from '../query/index.js';
import { kaplanMeier, type KaplanMeierCurve } from '../stats/kaplan-meier.js';
import { projectFinalRate, type AgeCount, type OpenPeriod } from '../stats/projected-rate.js';
import { dateToDay, dayToDate } from './days.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { bindingOf, kpiSource, selectionFilters } from './offer-counts.js';
import { segmentsFilter } from './top-segments.js';
import type { ApiProjection } from './api-types.js';

const DAY_MS = 86_400_000;
/**
 * The acceptance curve is learnt from the offers made in this many days before the as-of instant
 * (2W when longer), from the start of that UTC day: whole days, which a rollup by day answers (an
 * instant within the day reads that day's rows apart — at 10 M offers a scan of 0.05–0.25 s).
 */
export const LEARNING_DAYS = 365;

/** A period to project: inclusive UTC days. */
export interface ProjectionPeriod {
  readonly start: string;
  readonly end: string;
}

interface DayCounts {
  readonly offers: number;
  readonly accepted: number;
  readonly pending: number;
}

/**
 * The projected final rate of each period, as of `ctx.asOf`, for offers under the selection's
 * filters and offer type (its date range is not used: `periods` say which offers). `null` for a
 * period with nothing pending — no offers, or every offer accepted, declined or past its window:
 * its rate is final and there is nothing to project.
 *
 * **The curve** ({@link kaplanMeier}) is learnt from the offers made in the {@link LEARNING_DAYS}
 * days (or 2W, if longer) before the as-of instant — from the start of that UTC day — under the same filters: acceptances by `Offers.daysToAccept`
 * (an acceptance at exactly W days, the window's last instant, counts on day W − 1); the offers
 * of a day D whose window is still open and that have not been accepted (pending, or declined
 * within the window — see {@link projectFinalRate} on declines) are censored at the whole days
 * all of them have been watched, ⌊as-of − (D + 1 day)⌋; every other offer is a known
 * non-acceptor, at risk through day W − 1.
 *
 * **A period's open offers** of day D get the mid-point of the ages they can have — between
 * as-of − (D + 1 day) and as-of − D, within [0, W) — as a fractional age (the day's offers are
 * taken as spread over it; real data's office hours move that by well under a day).
 *
 * Offers made after the as-of instant (present when `asOf` lies in the past) are not counted:
 * they had not been made yet.
 *
 * Two queries through the semantic layer, whatever the number of periods: the curve's
 * acceptances by day-to-accept, and offers/accepted/pending by offered day over the periods
 * that have open offers and the open days.
 *
 * @throws UprateError BAD_ARGUMENT for a period that is not two days `YYYY-MM-DD`, start ≤ end
 */
export async function projectedRates(ctx: KpiContext, selection: Selection, periods: readonly ProjectionPeriod[]): Promise<(ApiProjection | null)[]> {
  return projectionsOf(ctx, await projectionInputs(ctx, selection, periods));
}

/** The projected rates from what {@link projectionInputs} read: null for a period with nothing pending. */
export function projectionsOf(ctx: Pick<KpiContext, 'level'>, inputs: ProjectionInputs): (ApiProjection | null)[] {
  return inputs.periods.map((period) => {
    if (!period || !inputs.curve) return null;
    const projection = projectFinalRate(period, inputs.curve, { level: ctx.level, learntFrom: inputs.learntFrom });
    return {
      rate: projection.rate,
      lower: projection.lower,
      upper: projection.upper,
      level: projection.level,
      method: projection.method,
      expectedAdditional: projection.expectedAdditional,
      pending: period.pendingByAge.reduce((s, a) => s + a.count, 0),
      basis: projection.basis,
    };
  });
}

/** What {@link projectedRates} reads: the acceptance curve and each period's open offers. */
export interface ProjectionInputs {
  /** The acceptance curve, or null when no period has open offers (nothing was read). */
  readonly curve: KaplanMeierCurve | null;
  /** Which offers the curve was learnt from, for the basis sentence. */
  readonly learntFrom: string;
  /** Per requested period: its offers, accepted and open offers by age, or null when nothing is pending. */
  readonly periods: readonly (OpenPeriod | null)[];
}

/** The two reads behind {@link projectedRates} (exported for tests and other views of the curve). */
export async function projectionInputs(ctx: KpiContext, selection: Selection, periods: readonly ProjectionPeriod[]): Promise<ProjectionInputs> {
  checkPeriods(periods);
  const plan = projectionPlan(ctx, selection);
  const open = openPeriods(plan, periods);
  if (open.length === 0 || !plan.daysToAccept) return { curve: null, learntFrom: plan.learntFrom, periods: periods.map(() => null) };
  const [eventRows, dayRows] = await readCurveAndDays(ctx, plan, plan.daysToAccept, [], open);
  return assemble(plan, periods, open, eventRows, dayRows);
}

/** One segment's periods to project: the segment's value of `by` (null: not recorded) and its periods. */
export interface SegmentPeriods {
  readonly value: string | null;
  readonly periods: readonly ProjectionPeriod[];
}

/**
 * {@link projectionInputs} for several segments of `by` at once, each as if its selection were
 * narrowed to it (the selection's filters plus `by` = value): the same two reads, grouped by
 * `by` too, so a per-segment view reads once whatever its number of segments.
 */
export async function projectionInputsBySegment(ctx: KpiContext, selection: Selection, by: string, segments: readonly SegmentPeriods[]): Promise<ProjectionInputs[]> {
  for (const s of segments) checkPeriods(s.periods);
  const narrowed = { ...selection, filters: [...selection.filters, segmentsFilter(by, segments.map((s) => s.value))] };
  const plan = projectionPlan(ctx, narrowed);
  const opens = segments.map((s) => openPeriods(plan, s.periods));
  const allOpen = opens.flat();
  if (allOpen.length === 0 || !plan.daysToAccept) return segments.map((s) => ({ curve: null, learntFrom: plan.learntFrom, periods: s.periods.map(() => null) }));
  const [eventRows, dayRows] = await readCurveAndDays(ctx, plan, plan.daysToAccept, [by], allOpen);
  const of = (rows: readonly CountRow[], value: string | null) => rows.filter((r) => (r.values[by] ?? null) === value);
  return segments.map((s, i) => {
    const open = opens[i] ?? [];
    if (open.length === 0) return { curve: null, learntFrom: plan.learntFrom, periods: s.periods.map(() => null) };
    return assemble(plan, s.periods, open, of(eventRows, s.value), of(dayRows, s.value));
  });
}

function checkPeriods(periods: readonly ProjectionPeriod[]): void {
  for (const [i, p] of periods.entries()) {
    if (Number.isNaN(dayToDate(p.start).getTime()) || Number.isNaN(dayToDate(p.end).getTime()) || p.start > p.end) {
      throw new UprateError('BAD_ARGUMENT', `period ${i + 1} must be two days YYYY-MM-DD with start ≤ end, not ${p.start} … ${p.end}`, { location: `periods[${i}]` });
    }
  }
}

/** What the reads and the assembly share: the window, the clock's days, the learning span and the filters. */
interface ProjectionPlan {
  readonly w: number;
  readonly asOfMs: number;
  readonly firstOpenDay: string;
  readonly asOfDay: string;
  readonly learningFrom: Date;
  readonly learntFrom: string;
  readonly filters: readonly CubeFilterItem[];
  readonly time: string;
  /** Null when the binding cannot project (no days-to-accept or pending measure). */
  readonly daysToAccept: string | null;
}

function projectionPlan(ctx: KpiContext, selection: Selection): ProjectionPlan {
  const w = ctx.windowDays;
  const asOfMs = ctx.asOf.getTime();
  const learningDays = Math.max(LEARNING_DAYS, 2 * w);
  const learningDay = dateToDay(new Date(asOfMs - learningDays * DAY_MS));
  const filters = selectionFilters(ctx, selection);
  const binding = bindingOf(ctx);
  return {
    w,
    asOfMs,
    // Offers of day D are open (window not over at as-of for some of them) when as-of − (D + 1) < W.
    firstOpenDay: dateToDay(new Date(Math.floor((asOfMs - w * DAY_MS) / DAY_MS) * DAY_MS)),
    asOfDay: dateToDay(ctx.asOf),
    learningFrom: dayToDate(learningDay),
    learntFrom: `made from ${learningDay} to ${ctx.asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC${filters.length > 0 ? ' under the same filters' : ''}`,
    filters,
    time: binding.time,
    // A projection needs event-grain offers: when each was accepted, and which are still open.
    daysToAccept: binding.daysToAccept && binding.pending ? binding.daysToAccept : null,
  };
}

function openPeriods(plan: ProjectionPlan, periods: readonly ProjectionPeriod[]): ProjectionPeriod[] {
  return periods.filter((p) => p.end >= plan.firstOpenDay && p.start <= plan.asOfDay);
}

/**
 * (1) the curve's acceptances, by whole days to accept; (2) offers, accepted and pending by
 * offered day over the periods with open offers and the open days — each also by `dimensions`.
 */
async function readCurveAndDays(ctx: KpiContext, plan: ProjectionPlan, daysToAccept: string, dimensions: readonly string[], open: readonly ProjectionPeriod[]): Promise<[CountRow[], CountRow[]]> {
  const before = (d: Date): CubeFilterItem => ({ member: plan.time, operator: 'lt', values: [d.toISOString()] });
  const from = (d: Date): CubeFilterItem => ({ member: plan.time, operator: 'gte', values: [d.toISOString()] });
  const source = kpiSource(ctx);
  const rangeStart = open.reduce((s, p) => (p.start < s ? p.start : s), plan.firstOpenDay);
  const [eventRows, dayRows] = await Promise.all([
    readCounts(source, { dimensions: [daysToAccept, ...dimensions], filters: [...plan.filters, from(plan.learningFrom), before(ctx.asOf)], limit: MAX_LIMIT, clustered: false }),
    readCounts(source, { dimensions, grain: 'day', dateRange: [rangeStart, plan.asOfDay], filters: [...plan.filters, before(ctx.asOf)], limit: MAX_LIMIT, clustered: false }),
  ]);
  if (dayRows.length >= MAX_LIMIT) {
    throw new UprateError('BAD_ARGUMENT', `the periods to project span more than ${MAX_LIMIT} days with offers`, {
      location: 'periods',
      hint: 'project shorter periods: only the last days before as-of can still be filling in',
    });
  }
  return [eventRows, dayRows];
}

/** The curve and each period's open offers from the two reads' rows (one population's). */
function assemble(plan: ProjectionPlan, periods: readonly ProjectionPeriod[], open: readonly ProjectionPeriod[], eventRows: readonly CountRow[], dayRows: readonly CountRow[]): ProjectionInputs {
  const { w, asOfMs } = plan;
  const daysToAccept = plan.daysToAccept ?? '';
  const events = new Array<number>(w).fill(0);
  let learnt = 0;
  for (const row of eventRows) {
    const n = row.offers;
    learnt += n;
    const d = row.values[daysToAccept];
    if (d === null || d === undefined) continue;
    const day = Math.min(w - 1, Math.max(0, Math.floor(Number(d))));
    events[day] = (events[day] ?? 0) + n;
  }
  // In day order: sums of fractions must not depend on the order the engine returned the rows in.
  const byDay: [string, DayCounts][] = dayRows
    .map((row): [string, DayCounts] => [row.period ?? '', { offers: row.offers, accepted: row.accepted, pending: row.pending }])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  // Ages of an open day D at as-of: all its offers watched ≥ lo days, none more than hi.
  const ages = (day: string): { lo: number; mid: number } | null => {
    const start = dayToDate(day).getTime();
    const lo = Math.max(0, (asOfMs - start - DAY_MS) / DAY_MS);
    const hi = Math.min(w, (asOfMs - start) / DAY_MS);
    return lo < w && hi > 0 ? { lo, mid: (lo + hi) / 2 } : null;
  };
  const censored = new Array<number>(w).fill(0);
  for (const [day, c] of byDay) {
    const age = ages(day);
    if (!age) continue;
    const a = Math.min(w - 1, Math.floor(age.lo));
    censored[a] = (censored[a] ?? 0) + Math.max(0, c.offers - c.accepted);
  }
  const curve = safeCurve(events, censored, learnt);

  const openPeriods = periods.map((p): OpenPeriod | null => {
    if (!open.includes(p)) return null;
    let offers = 0;
    let accepted = 0;
    let pending = 0;
    const pendingByAge: AgeCount[] = [];
    const declinedByAge: AgeCount[] = [];
    for (const [day, c] of byDay) {
      if (day < p.start || day > p.end) continue;
      offers += c.offers;
      accepted += c.accepted;
      pending += c.pending;
      const age = ages(day);
      if (!age) continue;
      if (c.pending > 0) pendingByAge.push({ age: age.mid, count: c.pending });
      const declined = c.offers - c.accepted - c.pending;
      if (declined > 0) declinedByAge.push({ age: age.mid, count: declined });
    }
    return pending === 0 || offers === 0 ? null : { offers, accepted, pendingByAge, declinedByAge };
  });
  return { curve, learntFrom: plan.learntFrom, periods: openPeriods };
}

/**
 * The curve from the two answers. They are read separately, so a load landing between them could
 * make the censored offers outnumber the rest; the censored counts are then capped (never an error
 * for the user).
 */
function safeCurve(events: number[], censored: number[], offers: number): KaplanMeierCurve {
  let room = offers - events.reduce((s, e) => s + e, 0);
  const capped = censored.map((c) => {
    const take = Math.max(0, Math.min(c, room));
    room -= take;
    return take;
  });
  return kaplanMeier({ events, censored: capped, offers });
}
