import type { Model } from '../model/index.js';
import { answerClustered, answerQuery, type AnswerOptions, type CubeFilterItem, type CubeQuery, type DataRow } from '../query/index.js';
import type { CubeFilter } from '../query/cube-query.js';
import type { ClusterMoments } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { KpiBinding } from './binding.js';
import type { Grain } from './grain.js';

/**
 * The one read of the KPI's inputs. Report, /api/v1, insights, leaderboard, alerts, dashboard and
 * HTML report all count offers through here, with the members the binding names, so the product
 * reads any Cube model the same way — and every interval is customer-clustered the same way when
 * the binding names a customer.
 */

/** Where and how to read: the store, the model and its binding, as whom and as of when. */
export interface KpiSource {
  readonly store: Store;
  readonly model: Model;
  readonly binding: KpiBinding;
  readonly read: AnswerOptions;
}

export interface CountRequest {
  /** Dimensions to group by (model members). */
  readonly dimensions?: readonly string[];
  /** Group by period of the bound time dimension too. */
  readonly grain?: Grain;
  /** Inclusive range of the time dimension (Cube's dateRange: days or local date-times). */
  readonly dateRange?: readonly [string, string];
  readonly filters?: readonly (CubeFilterItem | CubeFilter)[];
  /** Also read revenue. */
  readonly extended?: boolean;
  readonly limit?: number;
  readonly offset?: number;
  readonly timezone?: string;
  /** Read the customers' sums when the binding names a customer (default true). */
  readonly clustered?: boolean;
}

/** One group's inputs: counts, and its customers' sums when the binding names a customer. */
export interface CountRow {
  /** The row as `/load` gives it. */
  readonly data: DataRow;
  /** Dimension member → value (string, or null for a missing attribute). */
  readonly values: Readonly<Record<string, string | null>>;
  /** First day of the period (YYYY-MM-DD) when a grain was asked for, else null. */
  readonly period: string | null;
  /** The period's start as Cube's local time text, when a grain was asked for. */
  readonly periodStart: string | null;
  readonly offers: number;
  readonly accepted: number;
  /** 0 when the binding has no pending measure. */
  readonly pending: number;
  readonly revenue: number;
  /** Customers offered and customers with an accepted offer; null without a customer dimension. */
  readonly customersOffered: number | null;
  readonly customersConverted: number | null;
  /** The group's per-customer sums (customers, Σn², Σk², Σk·n); null without a customer dimension. */
  readonly clusters: ClusterMoments | null;
}

/** The measures a count read asks for. */
function measuresOf(binding: KpiBinding, extended: boolean): string[] {
  return [binding.offers, binding.accepted, ...(binding.pending ? [binding.pending] : []), ...(extended && binding.revenue ? [binding.revenue] : [])];
}

/** The Cube query of a count request (also what an alert rule is checked with against the model). */
export function countQuery(binding: KpiBinding, request: CountRequest): CubeQuery {
  const timeDimension = {
    dimension: binding.time,
    ...(request.grain ? { granularity: request.grain } : {}),
    ...(request.dateRange ? { dateRange: [...request.dateRange] as [string, string] } : {}),
  };
  return {
    measures: measuresOf(binding, request.extended ?? false),
    dimensions: [...(request.dimensions ?? [])],
    ...(request.grain || request.dateRange ? { timeDimensions: [timeDimension] } : {}),
    filters: [...(request.filters ?? [])] as CubeFilter[],
    order: [],
    ...(request.limit !== undefined ? { limit: request.limit } : {}),
    ...(request.offset !== undefined ? { offset: request.offset } : {}),
    ...(request.timezone ? { timezone: request.timezone } : {}),
  };
}

const num = (v: unknown): number => {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/**
 * Offers, accepted, pending (and revenue) per group. With a customer dimension bound, one read
 * per group summed over its customers in the engine gives the customer sums a cluster-robust
 * variance needs (without one row per customer); without one, a plain `/load` read.
 */
export async function readCounts(source: KpiSource, request: CountRequest): Promise<CountRow[]> {
  const { store, model, binding, read } = source;
  const query = countQuery(binding, request);
  const dimensions = request.dimensions ?? [];
  const periodKey = request.grain ? `${binding.time}.${request.grain}` : null;
  const shape = (data: DataRow, clusters: ClusterMoments | null, customersAccepting: number | null): CountRow => {
    const values: Record<string, string | null> = {};
    for (const d of dimensions) values[d] = data[d] === null || data[d] === undefined ? null : String(data[d]);
    const start = periodKey && data[periodKey] !== null && data[periodKey] !== undefined ? String(data[periodKey]) : null;
    return {
      data,
      values,
      period: start ? start.slice(0, 10) : null,
      periodStart: start,
      offers: num(data[binding.offers]),
      accepted: num(data[binding.accepted]),
      pending: binding.pending ? num(data[binding.pending]) : 0,
      revenue: binding.revenue ? num(data[binding.revenue]) : 0,
      customersOffered: clusters ? clusters.customers : null,
      customersConverted: customersAccepting,
      clusters,
    };
  };
  if (!binding.customer || request.clustered === false) {
    const answer = await answerQuery(store, model, query, read);
    return (answer.results[0]?.data ?? []).map((row) => shape(row, null, null));
  }
  const { offers, accepted } = binding;
  const rows = await answerClustered(
    store,
    model,
    query,
    { cluster: binding.customer, products: [[offers, offers], [accepted, accepted], [accepted, offers]], positive: [accepted] },
    read,
  );
  return rows.map(({ data, clusters, products, positive }) =>
    shape(
      data,
      { customers: clusters, offersSquared: products[0] ?? 0, acceptedSquared: products[1] ?? 0, acceptedOffers: products[2] ?? 0 },
      positive[0] ?? 0,
    ),
  );
}

/**
 * The first or last instant with offers under the filters (Cube's local time text), or null when
 * there are none: the edge of a range a caller left open.
 */
export async function offerEdge(source: KpiSource, filters: readonly (CubeFilterItem | CubeFilter)[], direction: 'asc' | 'desc', grain?: Grain): Promise<string | null> {
  const { binding } = source;
  const query: CubeQuery = grain
    ? { measures: [binding.offers], timeDimensions: [{ dimension: binding.time, granularity: grain }], filters: [...filters] as CubeFilter[], order: [[binding.time, direction]], limit: 1 }
    : { dimensions: [binding.time], ungrouped: true, filters: [...filters] as CubeFilter[], order: [[binding.time, direction]], limit: 1 };
  const answer = await answerQuery(source.store, source.model, query, source.read);
  const row = answer.results[0]?.data[0];
  const value = row?.[grain ? `${binding.time}.${grain}` : binding.time];
  return value === null || value === undefined ? null : String(value);
}
