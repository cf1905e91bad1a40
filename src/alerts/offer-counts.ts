/**
 * Offers, accepted and pending offers per period (and per segment), asked of the model with a Cube
 * query through the KPI binding's one read (`readCounts`): the numbers come from the same semantic
 * layer as the API, on every engine and any bound model. Each cell also carries its customers' sums
 * when the binding names a customer, so every interval and test an alert makes is customer-clustered
 * like the API's.
 */
import type { Model } from '../model/index.js';
import { countQuery as kpiCountQuery, readCounts, type CountRequest as KpiCountRequest, type CountRow, type Grain, type KpiBinding } from '../kpi/index.js';
import type { CubeFilter, CubeQuery } from '../query/cube-query.js';
import { addMoments, type ClusterMoments } from '../stats/index.js';
import type { Store } from '../store/index.js';
import { periodAt, periodStarts, wallTime, type Period } from './periods.js';
import { allAccess } from '../query/index.js';

export interface PeriodCounts extends Period {
  /** Offers made in the period. */
  readonly n: number;
  /** Of those, accepted within the conversion window. */
  readonly k: number;
  /** Of those, still inside their window and unanswered: the period is provisional when > 0. */
  readonly pending: number;
  /**
   * The offers' per-customer sums (customers, Σn², Σk², Σk·n) for customer-clustered intervals and
   * tests; null for a period without offers.
   */
  readonly clusters: ClusterMoments | null;
}

/**
 * Cells of one period added up over segments: offers, acceptances, pending, and the customers'
 * sums with `addMoments`. Exact when the segments hold different customers (values of a customer
 * attribute such as `Customers.accountSize`); an approximation when one customer has offers in
 * several (values of an offer attribute such as `Offers.channel`): that customer then counts as
 * several, so the clustering of the sum is somewhat underestimated (as `sumCounts` in
 * src/insights does).
 */
export function addCounts(period: Period, cells: readonly (PeriodCounts | undefined)[]): PeriodCounts {
  let n = 0;
  let k = 0;
  let pending = 0;
  let clusters: ClusterMoments | null = null;
  for (const c of cells) {
    if (!c) continue;
    n += c.n;
    k += c.k;
    pending += c.pending;
    if (c.clusters) clusters = clusters ? addMoments(clusters, c.clusters) : c.clusters;
  }
  return { start: period.start, end: period.end, label: period.label, n, k, pending, clusters };
}

/** One segment's series: `values` holds the value of each grouping dimension (null = not set). */
export interface CountSeries {
  readonly values: readonly (string | null)[];
  readonly periods: readonly PeriodCounts[];
}

export interface CountRequest {
  readonly grain: Grain;
  /** First period start and the instant after the last period (both period boundaries). */
  readonly from: Date;
  readonly until: Date;
  readonly dimensions: readonly string[];
  readonly filters: readonly CubeFilter[];
  /** The clock: acceptance and pending are judged as of this instant. */
  readonly at: Date;
}

/** The Cube query for a count request (also the query a rule is checked with against the model). */
export function countQuery(binding: KpiBinding, request: CountRequest): CubeQuery {
  return kpiCountQuery(binding, kpiRequest(request));
}

/** Most rows one read returns. */
const ROW_LIMIT = 50_000;

/** Every period of the range, in UTC, per segment. */
function kpiRequest(request: CountRequest): KpiCountRequest {
  return {
    grain: request.grain,
    dimensions: request.dimensions,
    dateRange: [wallTime(request.from), wallTime(new Date(request.until.getTime() - 1))],
    filters: request.filters,
    timezone: 'UTC',
    limit: ROW_LIMIT,
  };
}

type Cell = Pick<PeriodCounts, 'n' | 'k' | 'pending' | 'clusters'>;
const EMPTY: Cell = { n: 0, k: 0, pending: 0, clusters: null };

/** Reads a count request's rows (one row per segment and period that has offers). */
export type PeriodRowReader = (request: CountRequest) => Promise<CountRow[]>;

/** The rows of one request, read on their own. */
export function readPeriodRows(store: Store, model: Model, binding: KpiBinding, request: CountRequest): Promise<CountRow[]> {
  return readCounts({ store, model, binding, read: { now: request.at, access: allAccess('system') } }, kpiRequest(request));
}

/** What decides a request's rows but its first period. */
function sharedKey(request: CountRequest): string {
  return JSON.stringify([request.grain, request.until.toISOString(), request.at.toISOString(), request.dimensions, request.filters]);
}

/**
 * A reader for several requests that differ only in how far back they start (the rules of one
 * check: the default rules read 7, 18 and 19 months of the same offers): each group of them is
 * read once, from the earliest start, and each request keeps the rows of its own periods. Exact:
 * a row is one segment's one period, and whole periods are what a request's range holds, so the
 * rows of its periods are the rows its own read would give, in the same order. A wider read cut
 * short by the row limit is not trusted: that request is read on its own.
 */
export function sharedPeriodReader(store: Store, model: Model, binding: KpiBinding, requests: readonly CountRequest[]): PeriodRowReader {
  const earliest = new Map<string, Date>();
  for (const r of requests) {
    const key = sharedKey(r);
    const known = earliest.get(key);
    if (!known || r.from < known) earliest.set(key, r.from);
  }
  const reads = new Map<string, Promise<CountRow[]>>();
  return async (request) => {
    const key = sharedKey(request);
    const from = earliest.get(key);
    // A request it was not made for (or starting earlier) is read on its own.
    if (!from || request.from < from) return readPeriodRows(store, model, binding, request);
    let wide = reads.get(key);
    if (!wide) {
      wide = readPeriodRows(store, model, binding, { ...request, from });
      reads.set(key, wide);
    }
    const rows = await wide;
    if (request.from.getTime() === from.getTime()) return rows;
    if (rows.length >= ROW_LIMIT) return readPeriodRows(store, model, binding, request);
    const first = request.from.toISOString().slice(0, 10);
    return rows.filter((row) => (row.period ?? '') >= first);
  };
}

/**
 * Every period from `from` to `until` for every segment that has offers, periods without offers
 * included with n = 0 (empty cells are information). Each cell's customer sums are summed over
 * its customers in the engine (one row per cell, not per customer).
 */
export async function fetchCounts(store: Store, model: Model, binding: KpiBinding, request: CountRequest, read?: PeriodRowReader): Promise<CountSeries[]> {
  const rows = await (read ? read(request) : readPeriodRows(store, model, binding, request));
  const starts = periodStarts(request.from, request.until, request.grain);
  const bySegment = new Map<string, { values: (string | null)[]; cells: Map<string, Cell> }>();
  for (const row of rows) {
    const values = request.dimensions.map((d) => row.values[d] ?? null);
    const key = JSON.stringify(values);
    const segment = bySegment.get(key) ?? { values, cells: new Map() };
    bySegment.set(key, segment);
    segment.cells.set(row.period ?? '', { n: row.offers, k: row.accepted, pending: row.pending, clusters: row.offers > 0 ? row.clusters : null });
  }
  if (request.dimensions.length === 0 && bySegment.size === 0) bySegment.set('[]', { values: [], cells: new Map() });
  return [...bySegment.values()].map((segment) => ({
    values: segment.values,
    periods: starts.map((start): PeriodCounts => ({ ...periodAt(start, request.grain), ...(segment.cells.get(start.toISOString().slice(0, 10)) ?? EMPTY) })),
  }));
}
