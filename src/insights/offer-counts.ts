import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';
import { bindKpi, CountReads, offerEdge, offerTypeFilter, readCounts, readCountsTogether, type CountRequest, type CountRow, type KpiBinding, type KpiSource } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import { MAX_LIMIT, type AnswerOptions, type CubeFilterItem } from '../query/index.js';
import type { ClusterMoments, Counts } from '../stats/index.js';
import { utc } from '../query/wall-time.js';
import { dateToDay, dayToDate } from './days.js';
import type { ApiFilter } from './api-types.js';
import type { KpiContext, Selection } from './kpi-context.js';

const shippedBindings = new WeakMap<Model, KpiBinding>();

/** The context's KPI binding: the configured one, else the shipped model's members. */
export function bindingOf(ctx: Pick<KpiContext, 'model' | 'binding'>): KpiBinding {
  if (ctx.binding) return ctx.binding;
  let binding = shippedBindings.get(ctx.model);
  if (!binding) {
    binding = bindKpi(ctx.model, undefined);
    shippedBindings.set(ctx.model, binding);
  }
  return binding;
}

/** Where the context's KPI reads go: its store and model through the binding, as of its clock, as its caller. */
export function kpiSource(ctx: KpiContext): KpiSource {
  return { store: ctx.store, model: ctx.model, binding: bindingOf(ctx), read: readOptions(ctx), ...(ctx.reads ? { reads: ctx.reads } : {}) };
}

/**
 * The context with a memo of its count reads (unless it has one, or null for none): give it to
 * every view of one request — an HTTP request, a CLI command — so each distinct read runs once.
 */
export function withCountReads(ctx: KpiContext): KpiContext {
  return ctx.reads === undefined ? { ...ctx, reads: new CountReads() } : ctx;
}

/** Time grains the KPI endpoints use (a subset of Cube's). */
export type KpiGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Counts of one group of offers as the model answers them. */
export interface OfferCounts {
  /** Dimension member → value (string, or null for a missing attribute). */
  readonly values: Readonly<Record<string, string | null>>;
  /** First day of the period (YYYY-MM-DD) when a grain was asked for, else null. */
  readonly period: string | null;
  readonly offers: number;
  readonly accepted: number;
  readonly pending: number;
  /** Null when the binding names no customer dimension. */
  readonly customersOffered: number | null;
  readonly customersConverted: number | null;
  readonly revenue: number;
  /** Per-customer sums of the group's offers, for customer-clustered intervals and tests. */
  readonly clusters: ClusterMoments | null;
}

/** A group's counts as the statistics take them: k of n, with its customer sums. */
export function statsCounts(c: Pick<OfferCounts, 'accepted' | 'offers' | 'clusters'>): Counts {
  return { k: c.accepted, n: c.offers, clusters: c.clusters };
}

/** The counts of a rate already reported (an `ApiRate`), with the design effect it was measured with. */
export function measuredCounts(view: { readonly accepted: number; readonly offers: number; readonly interval: { readonly designEffect: number } }): Counts {
  return { k: view.accepted, n: view.offers, designEffect: view.interval.designEffect };
}

export interface CountOptions {
  readonly dimensions?: readonly string[];
  readonly grain?: KpiGrain;
  /** Also read customers offered/converted and expansion revenue. */
  readonly extended?: boolean;
  /** Ignore the selection's date range (used to learn which segment values exist). */
  readonly allTime?: boolean;
  /**
   * Read the customers' sums too (default true, when the binding names a customer). A read that
   * only learns which values exist needs none: without them it is a plain count, which a rollup
   * can answer.
   */
  readonly clustered?: boolean;
}

/** How every KPI read runs: as of the context's clock, as the caller, within the limits. */
export function readOptions(ctx: KpiContext): AnswerOptions {
  return {
    now: ctx.asOf,
    access: ctx.access,
    ...(ctx.limits ? { limits: ctx.limits } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}

/**
 * Offers made after the as-of instant did not exist then: every KPI read stops at it, so a report
 * as of a past instant shows what was known at that instant (acceptances after it are already
 * not acceptances: the model judges them by its clock).
 */
export function asOfFilter(ctx: Pick<KpiContext, 'asOf' | 'model' | 'binding'>): CubeFilterItem {
  return { member: bindingOf(ctx).time, operator: 'beforeOrOnDate', values: [ctx.asOf.toISOString().slice(0, 23)] };
}

/** The selection's filters as Cube filters: the user's, plus the offer type. */
export function selectionFilters(ctx: Pick<KpiContext, 'model' | 'binding'>, selection: Selection): CubeFilterItem[] {
  const filters: CubeFilterItem[] = [...(selection.filters as CubeFilterItem[])];
  if (selection.offerType) filters.push(offerTypeFilter(bindingOf(ctx), selection.offerType, 'offerType'));
  return filters;
}

/** The read behind `countOffers`: the selection's range (unless `allTime`), filters and as-of instant. */
function countRequest(ctx: KpiContext, selection: Selection, options: CountOptions): CountRequest {
  const dimensions = options.dimensions ?? [];
  const maxGroups = (ctx.limits ?? DEFAULT_LIMITS).maxGroups;
  return {
    dimensions,
    ...(options.grain ? { grain: options.grain } : {}),
    ...(!options.allTime && selection.from && selection.to ? { dateRange: [selection.from, selection.to] as const } : {}),
    filters: [...selectionFilters(ctx, selection), asOfFilter(ctx)],
    extended: options.extended ?? false,
    limit: enumerates(options) ? Math.min(MAX_LIMIT, maxGroups + 1) : MAX_LIMIT,
    ...(options.clustered === false ? { clustered: false } : {}),
  };
}

/** Groups of a dimension (not periods): an id-like dimension would enumerate every customer. */
function enumerates(options: CountOptions): boolean {
  return (options.dimensions ?? []).length > 0 && !options.grain;
}

/** No read at all: a selection without a range (there are no offers) reads nothing unless `allTime`. */
function readsNothing(selection: Selection, options: CountOptions): boolean {
  return !options.allTime && (selection.from === null || selection.to === null);
}

/** The rows of a read as counts, refused when a dimension has too many groups to compare. */
function offerCounts(ctx: KpiContext, options: CountOptions, grouped: readonly CountRow[]): OfferCounts[] {
  const dimensions = options.dimensions ?? [];
  const maxGroups = (ctx.limits ?? DEFAULT_LIMITS).maxGroups;
  if (enumerates(options) && grouped.length > maxGroups) {
    throw new UprateError('QUERY_TOO_LARGE', `${dimensions.join(', ')} has more than ${maxGroups} groups of offers to compare`, {
      location: 'by',
      hint: raiseLimitHint('maxGroups', 'break down by a dimension with fewer values, or filter first'),
    });
  }
  if (grouped.length >= MAX_LIMIT) {
    throw new UprateError('BAD_ARGUMENT', `more than ${MAX_LIMIT} groups of offers: ${dimensions.join(', ')} has too many values to compare`, {
      location: 'by',
      hint: 'break down by a dimension with fewer values, or filter first',
    });
  }
  return grouped.map(
    (row): OfferCounts => ({
      values: row.values,
      period: row.period,
      offers: row.offers,
      accepted: row.accepted,
      pending: row.pending,
      customersOffered: options.extended ? row.customersOffered : null,
      customersConverted: options.extended ? row.customersConverted : null,
      revenue: row.revenue,
      clusters: row.clusters,
    }),
  );
}

/**
 * Offers, accepted and pending (and optionally customers and revenue) per group, through the
 * semantic layer — so it runs on any engine the model runs on, with the caller's security filters.
 * One row per group, summed over its customers in the engine with the customers' moments.
 */
export async function countOffers(ctx: KpiContext, selection: Selection, options: CountOptions = {}): Promise<OfferCounts[]> {
  if (readsNothing(selection, options)) return [];
  return offerCounts(ctx, options, await readCounts(kpiSource(ctx), countRequest(ctx, selection, options)));
}

/**
 * Several `countOffers` of one selection, each answered as `countOffers` answers it, read together:
 * groupings by customer attributes and the total share one pass over the offers (`readCountsTogether`).
 */
export async function countOffersTogether(ctx: KpiContext, selection: Selection, list: readonly CountOptions[]): Promise<OfferCounts[][]> {
  const reading = list.filter((options) => !readsNothing(selection, options));
  const rows = await readCountsTogether(kpiSource(ctx), reading.map((options) => countRequest(ctx, selection, options)));
  const read = new Map(reading.map((options, i) => [options, rows[i] ?? []]));
  // Checked in the order asked, as separate calls would have been.
  return list.map((options) => {
    const grouped = read.get(options);
    return grouped ? offerCounts(ctx, options, grouped) : [];
  });
}

/**
 * Reads what several views of one selection will ask for, together, into the context's memo
 * (nothing without one): the views then find their reads answered. Nothing is checked here — each
 * view checks its own answer when it asks, so errors arise where and as they would have.
 */
export async function readAhead(ctx: KpiContext, selection: Selection, list: readonly CountOptions[]): Promise<void> {
  if (!ctx.reads) return;
  const reading = list.filter((options) => !readsNothing(selection, options));
  await readCountsTogether(kpiSource(ctx), reading.map((options) => countRequest(ctx, selection, options)));
}

/** No offers. */
export const NO_OFFERS: OfferCounts = Object.freeze({
  values: {},
  period: null,
  offers: 0,
  accepted: 0,
  pending: 0,
  customersOffered: 0,
  customersConverted: 0,
  revenue: 0,
  clusters: null,
});

/**
 * The first and last day with offers made by the as-of instant under the selection's filters
 * (its date range ignored), or nulls when there are none.
 */
export async function offerDays(ctx: KpiContext, selection: Selection): Promise<{ first: string | null; last: string | null }> {
  return { first: await offerDay(ctx, selection, 'asc'), last: await offerDay(ctx, selection, 'desc') };
}

/**
 * The first (last) day with offers the selection sees by its as-of instant: the day of the first
 * (last) offer — the engine finds one row's instant (top 1) instead of counting every day's
 * offers. In UTC, as countOffers reads days.
 */
async function offerDay(ctx: KpiContext, selection: Selection, direction: 'asc' | 'desc'): Promise<string | null> {
  const instant = await offerEdge(kpiSource(ctx), [...selectionFilters(ctx, selection), asOfFilter(ctx)], direction);
  return instant === null ? null : instant.slice(0, 10);
}

/**
 * The last day of a range when it is compared with the period before it: the last day of its
 * month when no offer the selection sees lies after it — the data end there, so the range holds
 * that month whole ("the last 3 months" to the last day with offers is three calendar months,
 * compared with the three before, whose reads a rollup by month answers) — else its own.
 */
export async function comparedEnd(ctx: KpiContext, selection: Selection & { readonly to: string }): Promise<string> {
  const to = dayToDate(selection.to);
  const monthEnd = dateToDay(new Date(utc(to.getUTCFullYear(), to.getUTCMonth() + 1, 1) - 86_400_000));
  if (Number.isNaN(to.getTime()) || monthEnd === selection.to) return selection.to;
  // Without the selection's filters every offer it sees is still seen: when none of them lies after
  // the range, none of the selection's does — a read a rollup answers, where a filter on a
  // customer's attribute joins every offer to its customer (0.35–0.5 s at 10 M).
  const everyOffer = unfiltered(selection);
  if (everyOffer !== selection && nothingAfter(await offerDay(ctx, everyOffer, 'desc'), to)) return monthEnd;
  return nothingAfter(await offerDay(ctx, selection, 'desc'), to) ? monthEnd : selection.to;
}

/** True when no offer lies after the day `to` (none at all, or the last one on or before it). */
const nothingAfter = (last: string | null, to: Date): boolean => last === null || dayToDate(last) <= to;

/** The selection without its filters and offer type (itself when it has none): it sees every offer the selection sees, and more. */
export function unfiltered(selection: Selection): Selection {
  return selection.filters.length === 0 && selection.offerType === null ? selection : { ...selection, filters: [], offerType: null };
}

/** A group's values of the dimensions `by`, as one comparable key (a missing value is null). */
export const valuesKey =
  (by: readonly string[]) =>
  (values: Readonly<Record<string, string | null>>): string =>
    JSON.stringify(by.map((d) => values[d] ?? null));

/**
 * The values (combinations, for several dimensions) of offers made at any time by the as-of
 * instant under the selection's filters, given the range's own (`found`). Those seen without the
 * filters (a read the rollups answer) hold them all: when each is among `found`, that is the
 * answer; by one dimension, only the others are looked for under the filters. A read under a
 * filter on a customer's attribute joins every offer ever made to its customer (0.3–0.5 s at 10 M);
 * one for a few values reads few offers, or few customers.
 */
export async function valuesSeen(ctx: KpiContext, selection: Selection, by: readonly string[], found: readonly OfferCounts[]): Promise<readonly OfferCounts[]> {
  const options: CountOptions = { dimensions: by, allTime: true, clustered: false };
  const everyOffer = unfiltered(selection);
  if (everyOffer === selection) return countOffers(ctx, selection, options);
  const key = valuesKey(by);
  const have = new Set(found.map((r) => key(r.values)));
  const loose = await readCounts(kpiSource(ctx), countRequest(ctx, everyOffer, options));
  // More groups than a breakdown may list: not a question for this shortcut, the filtered read decides.
  if (loose.length > (ctx.limits ?? DEFAULT_LIMITS).maxGroups) return countOffers(ctx, selection, options);
  const others = loose.filter((r) => !have.has(key(r.values)));
  const [dimension] = by;
  if (others.length === 0) return found;
  if (by.length !== 1 || dimension === undefined) return countOffers(ctx, selection, options);
  const values = others.map((r) => r.values[dimension] ?? null);
  const named = values.filter((v): v is string => v !== null);
  const parts: ApiFilter[] = [...(named.length > 0 ? [{ member: dimension, operator: 'equals', values: named }] : []), ...(named.length < values.length ? [{ member: dimension, operator: 'notSet' }] : [])];
  const among: ApiFilter = parts.length === 1 && parts[0] ? parts[0] : { or: parts };
  return [...found, ...(await countOffers(ctx, { ...selection, filters: [...selection.filters, among] }, options))];
}

/**
 * Selections whose range was taken from the data at both ends, with the context that found them:
 * from the first to the last day with offers made by its as-of instant under their filters, as its
 * caller sees them — so the range holds every such offer, and a read "at any time" (the values a
 * breakdown lists) is the same read as one over the range.
 */
const wholeRanges = new WeakMap<Selection, Pick<KpiContext, 'store' | 'model' | 'binding' | 'asOf' | 'access'>>();

/** True when the selection's range holds every offer the context can see by its as-of instant under the selection's filters (see `resolveRange`). */
export function holdsEveryOffer(ctx: KpiContext, selection: Selection): boolean {
  const found = wholeRanges.get(selection);
  return (
    found !== undefined &&
    found.store === ctx.store &&
    found.model === ctx.model &&
    bindingOf(found) === bindingOf(ctx) &&
    found.asOf.getTime() === ctx.asOf.getTime() &&
    JSON.stringify(found.access) === JSON.stringify(ctx.access)
  );
}

/** The range to answer for: the selection's, with missing ends taken from the data. */
export async function resolveRange(ctx: KpiContext, selection: Selection): Promise<Selection> {
  if (selection.from !== null && selection.to !== null) return selection;
  const days = await offerDays(ctx, selection);
  const from = selection.from ?? days.first;
  const to = selection.to ?? days.last;
  if (from === null || to === null) {
    // No offers at all: an asked-for range still stands (its periods show 0 offers).
    return { ...selection, from: selection.from ?? selection.to, to: selection.to ?? selection.from };
  }
  if (selection.from === null && selection.to === null) {
    // Both ends are the data's: days.first ≤ days.last, and the range holds every offer (UTC days, as countOffers reads them).
    const whole = { ...selection, from, to };
    wholeRanges.set(whole, { store: ctx.store, model: ctx.model, ...(ctx.binding ? { binding: ctx.binding } : {}), asOf: ctx.asOf, access: ctx.access });
    return whole;
  }
  // A range given at one end only, beyond the data: keep it non-empty and in order.
  return from <= to ? { ...selection, from, to } : selection.from !== null ? { ...selection, from, to: from } : { ...selection, from: to, to };
}
