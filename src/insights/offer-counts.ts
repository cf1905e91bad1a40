import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';
import { countWithCustomerSums } from '../kpi/customer-sums.js';
import { answerQuery, MAX_LIMIT, type AnswerOptions, type CubeFilterItem, type CubeQuery } from '../query/index.js';
import type { ClusterMoments, Counts } from '../stats/index.js';
import type { KpiContext, Selection } from './kpi-context.js';

/** The members every count query reads (public names of the shipped model). */
export const OFFERED_AT = 'Offers.offeredAt';
const COUNT = 'Offers.count';
const ACCEPTED = 'Offers.accepted';
const PENDING = 'Offers.pending';
const REVENUE = 'Offers.expansionRevenue';
/** The member offers cluster by: one customer's offers are not independent of each other. */
export const CUSTOMER = 'Offers.customerId';

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
  readonly customersOffered: number;
  readonly customersConverted: number;
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
export function asOfFilter(ctx: Pick<KpiContext, 'asOf'>): CubeFilterItem {
  return { member: OFFERED_AT, operator: 'beforeOrOnDate', values: [ctx.asOf.toISOString().slice(0, 23)] };
}

/** The selection's filters as Cube filters: the user's, plus the offer type. */
export function selectionFilters(selection: Selection): CubeFilterItem[] {
  const filters: CubeFilterItem[] = [...(selection.filters as CubeFilterItem[])];
  if (selection.offerType) filters.push({ member: 'Offers.offerType', operator: 'equals', values: [selection.offerType] });
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
  // Customers offered and converted come with the customer sums (a distinct count per customer would be slow).
  const measures = [COUNT, ACCEPTED, PENDING, ...(options.extended ? [REVENUE] : [])];
  const timeDimension: NonNullable<CubeQuery['timeDimensions']>[number] = {
    dimension: OFFERED_AT,
    ...(options.grain ? { granularity: options.grain } : {}),
    ...(!options.allTime && selection.from && selection.to ? { dateRange: [selection.from, selection.to] } : {}),
  };
  const query: CubeQuery = {
    measures,
    dimensions: [...dimensions],
    timeDimensions: [timeDimension],
    filters: [...selectionFilters(selection), asOfFilter(ctx)],
    order: [],
    limit: enumerates ? Math.min(MAX_LIMIT, maxGroups + 1) : MAX_LIMIT,
  };
  // One row per group, summed over its customers in the engine with the customers' moments.
  const grouped = await countWithCustomerSums(ctx.store, ctx.model, query, { offers: COUNT, accepted: ACCEPTED, customer: CUSTOMER }, readOptions(ctx));
  const data = grouped.map((g) => g.data);
  if (enumerates && data.length > maxGroups) {
    throw new UprateError('QUERY_TOO_LARGE', `${dimensions.join(', ')} has more than ${maxGroups} groups of offers to compare`, {
      location: 'by',
      hint: raiseLimitHint('maxGroups', 'break down by a dimension with fewer values, or filter first'),
    });
  }
  if (data.length >= MAX_LIMIT) {
    throw new UprateError('BAD_ARGUMENT', `more than ${MAX_LIMIT} groups of offers: ${dimensions.join(', ')} has too many values to compare`, {
      location: 'by',
      hint: 'break down by a dimension with fewer values, or filter first',
    });
  }
  const periodKey = options.grain ? `${OFFERED_AT}.${options.grain}` : null;
  return grouped.map(({ data: row, clusters, customersAccepting }): OfferCounts => {
    const values: Record<string, string | null> = {};
    for (const d of dimensions) values[d] = row[d] === null || row[d] === undefined ? null : String(row[d]);
    const period = periodKey ? String(row[periodKey] ?? '').slice(0, 10) : null;
    return {
      values,
      period,
      offers: num(row[COUNT]),
      accepted: num(row[ACCEPTED]),
      pending: num(row[PENDING]),
      customersOffered: options.extended ? clusters.customers : 0,
      customersConverted: options.extended ? customersAccepting : 0,
      revenue: num(row[REVENUE]),
      clusters,
    };
  });
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
  const ask = async (direction: 'asc' | 'desc') => {
    const query: CubeQuery = {
      measures: [COUNT],
      timeDimensions: [{ dimension: OFFERED_AT, granularity: 'day' }],
      filters: [...selectionFilters(selection), asOfFilter(ctx)],
      order: [[OFFERED_AT, direction]],
      limit: 1,
    };
    const answer = await answerQuery(ctx.store, ctx.model, query, readOptions(ctx));
    const value = answer.results[0]?.data[0]?.[`${OFFERED_AT}.day`];
    return value === null || value === undefined ? null : String(value).slice(0, 10);
  };
  return { first: await ask('asc'), last: await ask('desc') };
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

function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}
