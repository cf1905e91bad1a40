import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';
import { bindKpi, offerEdge, offerTypeFilter, readCounts, type KpiBinding, type KpiSource } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import { MAX_LIMIT, type AnswerOptions, type CubeFilterItem } from '../query/index.js';
import type { ClusterMoments, Counts } from '../stats/index.js';
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
  return { store: ctx.store, model: ctx.model, binding: bindingOf(ctx), read: readOptions(ctx) };
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

/**
 * Offers, accepted and pending (and optionally customers and revenue) per group, through the
 * semantic layer — so it runs on any engine the model runs on, with the caller's security filters.
 */
export async function countOffers(ctx: KpiContext, selection: Selection, options: CountOptions = {}): Promise<OfferCounts[]> {
  if (!options.allTime && (selection.from === null || selection.to === null)) return [];
  const dimensions = options.dimensions ?? [];
  // Groups of a dimension (not periods): an id-like dimension would enumerate every customer.
  const enumerates = dimensions.length > 0 && !options.grain;
  const maxGroups = (ctx.limits ?? DEFAULT_LIMITS).maxGroups;
  // One row per group, summed over its customers in the engine with the customers' moments.
  const grouped = await readCounts(kpiSource(ctx), {
    dimensions,
    ...(options.grain ? { grain: options.grain } : {}),
    ...(!options.allTime && selection.from && selection.to ? { dateRange: [selection.from, selection.to] as const } : {}),
    filters: [...selectionFilters(ctx, selection), asOfFilter(ctx)],
    extended: options.extended ?? false,
    limit: enumerates ? Math.min(MAX_LIMIT, maxGroups + 1) : MAX_LIMIT,
  });
  if (enumerates && grouped.length > maxGroups) {
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
  const filters = [...selectionFilters(ctx, selection), asOfFilter(ctx)];
  const day = (v: string | null) => (v === null ? null : v.slice(0, 10));
  return { first: day(await offerEdge(kpiSource(ctx), filters, 'asc', 'day')), last: day(await offerEdge(kpiSource(ctx), filters, 'desc', 'day')) };
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
  // A range given at one end only, beyond the data: keep it non-empty and in order.
  return from <= to ? { ...selection, from, to } : selection.from !== null ? { ...selection, from, to: from } : { ...selection, from: to, to };
}
