import { InternalError, UprateError } from '../core/errors.js';
import { waitShared, type SharedWork } from '../core/shared-work.js';
import type { Model } from '../model/index.js';
import { answerClustered, answerQuery, type AnswerOptions, type ClusteredRow, type ClusterRequest, type CubeFilterItem, type CubeQuery, type DataRow } from '../query/index.js';
import { answerClusteredSets } from '../query/cluster-moments.js';
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
  /** The reads already made for the same request (a view, a command): an identical read is answered from it. */
  readonly reads?: CountReads | undefined;
}

/**
 * The count reads of one request — an HTTP request, a CLI command, one alert check — or of every
 * request the server answers against one version of the data: a read asked again (or while the
 * first is still running) is answered by the first, so a view made of views (insights: headline,
 * a breakdown per dimension, leaderboard, time series) and a dashboard made of several requests
 * ask the engine once per distinct read. Keyed by everything that decides the answer: the Cube
 * query (top-level filters in a canonical order — they are ANDed), clustered or not, the clock
 * and the caller's access. It keeps answers, not data that changes under them: hold one per
 * request, or one per data version (the server's {@link CountReads} is replaced when the data
 * changes).
 *
 * A read shared by several askers runs with a signal of its own, aborted only when every asker
 * that can go away went away (an asker without a signal keeps it running): one client leaving
 * never cancels another's answer.
 */
export class CountReads {
  private readonly answers = new Map<string, SharedRead>();
  private owner: Pick<KpiSource, 'store' | 'model' | 'binding'> | undefined;
  private rowsKept = 0;
  /** Reads asked of the engine, and reads answered from an earlier one. */
  readonly stats = { run: 0, reused: 0 };

  /**
   * The answer of `key`: the earlier one, or `read()`'s, given the source with the shared read's
   * signal (a failed or cancelled read is not kept, so it can be asked again).
   */
  once<T>(source: KpiSource, key: string, read: (source: KpiSource) => Promise<T>): Promise<T> {
    this.checkOwner(source);
    const known = this.live(key);
    if (known) {
      this.stats.reused++;
      return join(known, source.read.signal) as Promise<T>;
    }
    this.stats.run++;
    const controller = new AbortController();
    const entry: SharedRead = { done: read({ ...source, read: { ...source.read, signal: controller.signal } }), controller, askers: 0, pinned: false };
    this.answers.set(key, entry);
    entry.done.then(
      (value) => {
        if (this.answers.get(key) === entry) this.rowsKept += Array.isArray(value) ? Math.max(1, value.length) : 1;
      },
      () => {
        if (this.answers.get(key) === entry) this.answers.delete(key);
      },
    );
    return join(entry, source.read.signal) as Promise<T>;
  }

  /** The earlier answer of `key`, if it was asked already (counted as reused), without reading. */
  find<T>(source: KpiSource, key: string): Promise<T> | undefined {
    this.checkOwner(source);
    const known = this.live(key);
    if (!known) return undefined;
    this.stats.reused++;
    return join(known, source.read.signal) as Promise<T>;
  }

  has(source: KpiSource, key: string): boolean {
    this.checkOwner(source);
    return this.live(key) !== undefined;
  }

  /** Reads kept (answered or running). */
  get size(): number {
    return this.answers.size;
  }

  /** Rows of the answers kept (an answer that is not a list counts as one): what the memo holds in memory. */
  get rows(): number {
    return this.rowsKept;
  }

  /** A kept read that has not been cancelled (a cancelled one is on its way out: asked again, it runs again). */
  private live(key: string): SharedRead | undefined {
    const entry = this.answers.get(key);
    return entry && !entry.controller.signal.aborted ? entry : undefined;
  }

  /** One memo answers for one store, model and binding: keys do not name them. */
  private checkOwner(source: KpiSource): void {
    const owner = (this.owner ??= { store: source.store, model: source.model, binding: source.binding });
    if (owner.store !== source.store || owner.model !== source.model || owner.binding !== source.binding) {
      throw new InternalError('one CountReads memo was used with two stores, models or bindings');
    }
  }
}

/** A read and who waits for it. */
type SharedRead = SharedWork<unknown>;

const clientGone = () => new UprateError('QUERY_CANCELLED', 'the query was cancelled: the client went away');

/** One asker's wait for a shared read: its signal rejects its own wait, and the last to leave cancels the read. */
function join(entry: SharedRead, signal: AbortSignal | undefined): Promise<unknown> {
  return waitShared(entry, signal, () => entry.controller.abort(), clientGone);
}

/** JSON with object keys sorted: the same value is always the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What decides a read's answer besides the query: the clock and the caller's access. */
function readKey(source: KpiSource, kind: string, query: CubeQuery, clustered: boolean): string {
  // Top-level filters are ANDed: their order does not change the answer.
  const filters = (query.filters ?? []).map(canonical).sort();
  return canonical({ kind, query: { ...query, filters }, clustered, now: source.read.now.toISOString(), access: source.read.access });
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
export function readCounts(source: KpiSource, request: CountRequest): Promise<CountRow[]> {
  const { reads, binding } = source;
  if (!reads) return readCountsNow(source, request);
  const key = countKey(source, request);
  if (!request.extended && binding.revenue && !reads.has(source, key)) {
    // Revenue is one more sum beside the same counts: the read with it answers the read without it.
    const wider = reads.find<CountRow[]>(source, countKey(source, { ...request, extended: true }));
    if (wider) return wider.then((rows) => rows.map((row) => withoutRevenue(row, binding)));
  }
  return reads.once(source, key, (shared) => (clusteredRead(binding, request) ? gathered(shared, request) : readCountsNow(shared, request)));
}

/** A clustered read waiting for the others of its selection asked before the next timer tick. */
interface Waiting {
  readonly source: KpiSource;
  readonly request: CountRequest;
  readonly resolve: (rows: CountRow[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Per memo, the clustered reads gathering, by what they share (all but their dimensions, limits and revenue). */
const gathering = new WeakMap<CountReads, Map<string, Waiting[]>>();

/**
 * A clustered read new to the memo, read with the other new reads of the same selection asked
 * before the next timer tick — a view's own (a breakdown and its total, the headline and its
 * industries) and other requests' (a dashboard's panels, each a request of its own, ask theirs as
 * soon as the same first and last day with offers are known): where no rollup answers, one
 * statement over the rows for every customer attribute (answerClusteredSets) where each would
 * have joined the offers to their customers again. A read a rollup answers is still read from it
 * alone. Measured on 10 M offers under a filter on account size: the headline's industries and
 * the breakdowns by lifecycle stage and engagement in one statement instead of three.
 */
function gathered(source: KpiSource, request: CountRequest): Promise<CountRow[]> {
  const reads = source.reads as CountReads;
  const groups = gathering.get(reads) ?? new Map<string, Waiting[]>();
  gathering.set(reads, groups);
  const { dimensions: _d, limit: _l, offset: _o, extended: _e, ...shared } = request;
  const key = readKey(source, 'gathered', countQuery(source.binding, shared), true);
  let group = groups.get(key);
  if (!group) {
    const waiting: Waiting[] = [];
    group = waiting;
    groups.set(key, waiting);
    setTimeout(() => {
      if (groups.get(key) === waiting) groups.delete(key);
      void readGathered(waiting);
    }, 0);
  }
  const into = group;
  return new Promise<CountRow[]>((resolve, reject) => into.push({ source, request, resolve, reject }));
}

async function readGathered(group: readonly Waiting[]): Promise<void> {
  const [first] = group;
  if (!first) return;
  try {
    if (group.length === 1) {
      first.resolve(await readCountsNow(first.source, first.request));
      return;
    }
    // The statement is cancelled only when every read waiting for it is.
    const signal = whenEveryAborted(group.map((w) => w.source.read.signal));
    const all = await readSetsAlike({ ...first.source, read: { ...first.source.read, signal } }, group.map((w) => w.request));
    group.forEach((w, i) => w.resolve(all[i] ?? []));
  } catch (e) {
    // A read the caller got wrong (an unknown member, past a limit) fails alone: each is asked on
    // its own, so no other request's read shares its error. An engine's failure is everyone's.
    if (group.length > 1 && e instanceof UprateError && CALLERS_FAULT.has(e.code)) {
      for (const w of group) readCountsNow(w.source, w.request).then(w.resolve, w.reject);
      return;
    }
    for (const w of group) w.reject(e);
  }
}

const CALLERS_FAULT: ReadonlySet<string> = new Set(['QUERY_INVALID', 'QUERY_TOO_LARGE', 'BAD_ARGUMENT', 'FORBIDDEN', 'NOT_FOUND']);

/** A signal aborted once every one of `signals` is (never, when one of them is missing). */
function whenEveryAborted(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  if (signals.some((s) => s === undefined)) return undefined;
  const controller = new AbortController();
  const abortIfAll = () => {
    if (signals.every((s) => s?.aborted)) controller.abort();
  };
  for (const s of signals) s?.addEventListener('abort', abortIfAll, { once: true });
  abortIfAll();
  return controller.signal;
}

/**
 * Several count reads that differ only in their dimensions (and limits), answered as `readCounts`
 * answers each, from one pass over the rows where the engine can share it (customer attributes
 * of one selection and its total: `answerClusteredSets`); the others one by one. With a memo, the
 * reads it already has are not asked again and the new ones are kept for later.
 */
export async function readCountsTogether(source: KpiSource, requests: readonly CountRequest[]): Promise<CountRow[][]> {
  const { reads, binding } = source;
  // With a memo, the new reads gather with those other views ask at the same moment (gathered).
  if (reads) return Promise.all(requests.map((r) => readCounts(source, r)));
  const asked = requests.filter((r) => clusteredRead(binding, r));
  if (asked.length < 2) return Promise.all(requests.map((r) => readCounts(source, r)));
  const together = readSetsAlike(source, asked);
  const answered = new Map<CountRequest, Promise<CountRow[]>>();
  asked.forEach((r, i) => answered.set(r, together.then((all) => all[i] ?? [])));
  return Promise.all(requests.map((r) => answered.get(r) ?? readCounts(source, r)));
}

/** Clustered reads alike but for their dimensions, limits and revenue, in one go: revenue read for all when one wants it, then taken off the others. */
async function readSetsAlike(source: KpiSource, requests: readonly CountRequest[]): Promise<CountRow[][]> {
  const extended = requests.some((r) => r.extended === true);
  const all = await readClusteredSets(source, requests.map((r) => ({ ...r, extended })));
  return requests.map((r, i) => (all[i] ?? []).map((row) => (r.extended || !extended ? row : withoutRevenue(row, source.binding))));
}

/** The memo key of a count read. */
function countKey(source: KpiSource, request: CountRequest): string {
  return readKey(source, 'counts', countQuery(source.binding, request), clusteredRead(source.binding, request));
}

function clusteredRead(binding: KpiBinding, request: CountRequest): boolean {
  return binding.customer !== null && request.clustered !== false;
}

/** A row read with revenue as the same read without it gives it: no revenue member, revenue 0. */
function withoutRevenue(row: CountRow, binding: KpiBinding): CountRow {
  if (!binding.revenue) return row;
  const { [binding.revenue]: _, ...data } = row.data;
  return { ...row, data, revenue: 0 };
}

/** A row of the engine's answer as a count row of `request`. */
function countRow(binding: KpiBinding, request: CountRequest, data: DataRow, clusters: ClusterMoments | null, customersAccepting: number | null): CountRow {
  const values: Record<string, string | null> = {};
  for (const d of request.dimensions ?? []) values[d] = data[d] === null || data[d] === undefined ? null : String(data[d]);
  const periodKey = request.grain ? `${binding.time}.${request.grain}` : null;
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
}

/** The customer sums a clustered read asks for: Σn², Σk², Σk·n and the customers with an acceptance. */
function clusterRequest(binding: KpiBinding, customer: string): ClusterRequest {
  const { offers, accepted } = binding;
  return { cluster: customer, products: [[offers, offers], [accepted, accepted], [accepted, offers]], positive: [accepted] };
}

function clusteredCountRow(binding: KpiBinding, request: CountRequest, { data, clusters, products, positive }: ClusteredRow): CountRow {
  const moments = { customers: clusters, offersSquared: products[0] ?? 0, acceptedSquared: products[1] ?? 0, acceptedOffers: products[2] ?? 0 };
  return countRow(binding, request, data, moments, positive[0] ?? 0);
}

async function readCountsNow(source: KpiSource, request: CountRequest): Promise<CountRow[]> {
  const { store, model, binding, read } = source;
  const query = countQuery(binding, request);
  if (!binding.customer || request.clustered === false) {
    const answer = await answerQuery(store, model, query, read);
    return (answer.results[0]?.data ?? []).map((row) => countRow(binding, request, row, null, null));
  }
  const rows = await answerClustered(store, model, query, clusterRequest(binding, binding.customer), read);
  return rows.map((row) => clusteredCountRow(binding, request, row));
}

async function readClusteredSets(source: KpiSource, requests: readonly CountRequest[]): Promise<CountRow[][]> {
  const { store, model, binding, read } = source;
  if (!binding.customer) throw new InternalError('a clustered read without a customer dimension');
  const queries = requests.map((r) => countQuery(binding, r));
  const answers = await answerClusteredSets(store, model, queries, clusterRequest(binding, binding.customer), read);
  return answers.map((rows, i) => rows.map((row) => clusteredCountRow(binding, requests[i] ?? {}, row)));
}

/**
 * The first or last instant with offers under the filters (Cube's local time text), or null when
 * there are none: the edge of a range a caller left open.
 */
export async function offerEdge(source: KpiSource, filters: readonly (CubeFilterItem | CubeFilter)[], direction: 'asc' | 'desc', grain?: Grain): Promise<string | null> {
  const { binding, reads } = source;
  const query: CubeQuery = grain
    ? { measures: [binding.offers], timeDimensions: [{ dimension: binding.time, granularity: grain }], filters: [...filters] as CubeFilter[], order: [[binding.time, direction]], limit: 1 }
    : { dimensions: [binding.time], ungrouped: true, filters: [...filters] as CubeFilter[], order: [[binding.time, direction]], limit: 1 };
  const ask = (s: KpiSource) => answerQuery(s.store, s.model, query, s.read);
  const answer = await (reads ? reads.once(source, readKey(source, 'edge', query, false), ask) : ask(source));
  const row = answer.results[0]?.data[0];
  const value = row?.[grain ? `${binding.time}.${grain}` : binding.time];
  return value === null || value === undefined ? null : String(value);
}
