import { UprateError } from '../core/errors.js';
import type { OfferType } from '../core/schema.js';
import { DEFAULT_WINDOW_DAYS } from '../core/schema.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { MAX_LIMIT, type Access, type CubeFilterItem } from '../query/index.js';
import type { Store } from '../store/store.js';
import { band, bandWithInterval, rateEstimate, type Band, type BandThresholds, type ClusterMoments, type IntervalMethod, type VarianceKind } from '../stats/index.js';
import { bindKpi, boundDimension, offerTypeFilter, type KpiBinding } from './binding.js';
import { isPartial, nextPeriod, periodsBetween, periodStart, type Grain } from './grain.js';
import { offerEdge, readCounts, type CountRow, type KpiSource } from './read-counts.js';

export interface ReportOptions {
  /** Omit for one row per segment over the whole range. */
  readonly grain?: Grain;
  /** Breakdown dimensions of the binding: keys (`account_size`), camelCase or `Cube.member`. */
  readonly by?: readonly string[];
  /** Inclusive start (UTC). Default: 00:00 UTC of the first offer's day. */
  readonly from?: Date;
  /** Exclusive end (UTC). Default: 00:00 UTC of the day after the last offer's day. */
  readonly to?: Date;
  readonly offerType?: OfferType;
  /** Conversion window in days (default 30). */
  readonly windowDays?: number;
  /** The clock: what has happened by this instant counts; later acceptances are pending. */
  readonly asOf?: Date;
  /** Confidence level of the intervals (default 0.95). */
  readonly level?: number;
  readonly thresholds?: BandThresholds;
  /** Cost limits (default DEFAULT_LIMITS): periods, query timeout. */
  readonly limits?: Limits;
  /** Aborted when the caller went away: running statements are cancelled. */
  readonly signal?: AbortSignal;
  /** The model and its KPI binding (default: the shipped model compiled for the window). */
  readonly model?: Model;
  readonly binding?: KpiBinding;
}

/** One cell of the KPI: counts, the rate with its interval, band and provisional flag. */
export interface KpiCell {
  readonly offers: number;
  readonly accepted: number;
  readonly pending: number;
  /** accepted / offers; null when there are no offers. */
  readonly rate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly band: Band | null;
  /** The band judged with the interval: a band only when the whole interval lies in it, else indeterminate. */
  readonly judgement: Band | 'indeterminate' | null;
  /** Interval method used: Wilson, or exact (Clopper–Pearson) below 30 effective offers. */
  readonly method: IntervalMethod;
  /** `customer-clustered` when one customer's offers move together (design effect > 1), else `binomial`. */
  readonly variance: VarianceKind;
  /** Cluster-robust over binomial variance (≥ 1): the interval is for offers / designEffect independent offers. */
  readonly designEffect: number;
  /** Some offers are still inside their conversion window: the rate can still rise. */
  readonly provisional: boolean;
  /** pending / offers. */
  readonly pendingShare: number | null;
  /** Null when the binding names no customer dimension. */
  readonly customersOffered: number | null;
  readonly customersConverted: number | null;
  /** customersConverted / customersOffered — the first seed's customer-level rate. */
  readonly customerRate: number | null;
  /** Revenue of accepted offers. */
  readonly revenue: number;
}

export interface ReportRow extends KpiCell {
  /** Start of the period (`YYYY-MM-DD`), when the report has a grain. */
  readonly period?: string;
  /**
   * With a grain: true when the report's range covers only part of the period (it starts after
   * the period starts or ends before it ends); its counts are of the covered part only. Not the
   * same as `provisional` (offers still inside their conversion window).
   */
  readonly partial?: boolean;
  /** Dimension key (`account_size`) → value. */
  readonly segment: Readonly<Record<string, string | null>>;
}

export interface Report {
  readonly asOf: string;
  /** Inclusive start of the range (default: 00:00 UTC of the first offer's day); null without offers. */
  readonly from: string | null;
  /** Exclusive end of the range (default: 00:00 UTC of the day after the last offer's day); null without offers. */
  readonly to: string | null;
  readonly grain: Grain | null;
  /** The breakdown dimensions' keys. */
  readonly by: readonly string[];
  readonly offerType: OfferType | null;
  /** The conversion window the shipped model was compiled for; null when a user's model defines acceptance. */
  readonly windowDays: number | null;
  readonly level: number;
  /** Wilson on the effective sample (offers / design effect), exact below 30 effective offers: as the API. */
  readonly interval: 'wilson';
  readonly thresholds: BandThresholds;
  readonly total: KpiCell;
  readonly rows: readonly ReportRow[];
}

export const DEFAULT_THRESHOLDS: BandThresholds = { strong: 0.2, poor: 0.1 };

interface Counts {
  offers: number;
  accepted: number;
  pending: number;
  customersOffered: number | null;
  customersConverted: number | null;
  revenue: number;
  clusters: ClusterMoments | null;
}

const ZERO: Counts = { offers: 0, accepted: 0, pending: 0, customersOffered: 0, customersConverted: 0, revenue: 0, clusters: null };

/**
 * Turns counts into a KPI cell: ratio of sums, its interval from {@link rateEstimate} (the API's:
 * customer-clustered Wilson, exact below 30 effective offers), band and band judgement, provisional flag.
 */
export function kpiCell(c: Counts, level: number, thresholds: BandThresholds): KpiCell {
  const { clusters, ...counts } = c;
  const interval = rateEstimate(c.accepted, c.offers, { method: 'wilson', level, clusters });
  const judged = interval.lower === null || interval.upper === null ? null : bandWithInterval(interval.lower, interval.upper, thresholds).band;
  return {
    ...counts,
    rate: interval.rate,
    lower: interval.lower,
    upper: interval.upper,
    band: interval.rate === null ? null : band(interval.rate, thresholds),
    judgement: judged,
    method: interval.method,
    variance: interval.designEffect.variance,
    designEffect: interval.designEffect.designEffect,
    provisional: c.pending > 0,
    pendingShare: c.offers > 0 ? c.pending / c.offers : null,
    customerRate: c.customersOffered && c.customersConverted !== null ? c.customersConverted / c.customersOffered : null,
  };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The shipped model compiled for one conversion window (the report's window is a parameter). */
const models = new Map<number, Promise<Model>>();
function reportModel(windowDays: number): Promise<Model> {
  let model = models.get(windowDays);
  if (!model) {
    model = loadModel(shippedModelDir(), { conversionWindowDays: windowDays });
    models.set(windowDays, model);
    model.catch(() => models.delete(windowDays));
  }
  return model;
}

/** Cube's local-time text (`2025-01-01T00:00:00.000`, UTC here) as an instant. */
const instant = (v: string | null): Date | undefined => (v === null ? undefined : new Date(`${v}Z`));

/**
 * The KPI report: offers, accepted within the conversion window, pending, rate and interval, per
 * period and segment. Empty cells are kept (n = 0, rate null), so a quiet month is visible.
 *
 * The numbers come from the shipped model's measures through the semantic layer, so the report
 * has one definition of accepted and pending and runs on every engine the model runs on.
 */
export async function buildReport(store: Store, access: Access, options: ReportOptions = {}): Promise<Report> {
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 0 || windowDays > 3650) {
    throw new UprateError('BAD_ARGUMENT', `conversion window must be a whole number of days from 0 to 3650, not ${windowDays}`, { location: '--window' });
  }
  const level = options.level ?? 0.95;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const asOf = options.asOf ?? new Date();
  const model = options.model ?? (await reportModel(windowDays));
  const binding = options.binding ?? bindKpi(model, undefined);
  const dims = (options.by ?? []).map((d) => boundDimension(binding, d));
  const by = dims.map((d) => d.key);
  const grain = options.grain;

  // Half-open [from, to): with a date-time value these operators compare with the instant.
  const time = binding.time;
  const filters: CubeFilterItem[] = [
    ...(options.from ? [{ member: time, operator: 'afterOrOnDate' as const, values: [options.from.toISOString()] }] : []),
    ...(options.to ? [{ member: time, operator: 'beforeDate' as const, values: [options.to.toISOString()] }] : []),
    ...(options.offerType ? [offerTypeFilter(binding, options.offerType, '--offer-type')] : []),
    // As of a past instant, the offers made after it did not exist yet.
    { member: time, operator: 'beforeOrOnDate' as const, values: [asOf.toISOString().slice(0, 23)] },
  ];
  const source: KpiSource = {
    store,
    model,
    binding,
    read: { now: asOf, access, ...(options.limits ? { limits: options.limits } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  };
  const dimensions = dims.map((d) => d.member);

  // The total and the cells are independent questions: ask them together.
  const readCells = async (): Promise<CountRow[]> => {
    const cells: CountRow[] = [];
    if (!grain && by.length === 0) return cells;
    // Page through the cells: a daily report by offer can pass the row limit of one answer.
    for (let offset = 0; ; offset += MAX_LIMIT) {
      const page = await readCounts(source, { dimensions, ...(grain ? { grain } : {}), filters, extended: true, limit: MAX_LIMIT, offset });
      cells.push(...page);
      if (page.length < MAX_LIMIT) return cells;
    }
  };
  const [[totalRow], cells] = await Promise.all([readCounts(source, { filters, extended: true }), readCells()]);
  // The range, when the caller left an end open: the whole UTC days of the first and last offer (rows, not groups).
  const hasOffers = (totalRow?.offers ?? 0) > 0;
  const firstOffer = !options.from && hasOffers ? instant(await offerEdge(source, filters, 'asc')) : undefined;
  const lastOffer = !options.to && hasOffers ? instant(await offerEdge(source, filters, 'desc')) : undefined;

  const counts = (r: CountRow): Counts => ({
    offers: r.offers,
    accepted: r.accepted,
    pending: r.pending,
    customersOffered: r.customersOffered,
    customersConverted: r.customersConverted,
    revenue: r.revenue,
    clusters: r.clusters,
  });
  // No offers at all: zero counts, and no customer counts without a customer dimension.
  const empty: Counts = binding.customer === null ? { ...ZERO, customersOffered: null, customersConverted: null } : ZERO;
  const total = kpiCell(totalRow ? counts(totalRow) : empty, level, thresholds);
  const from = options.from ?? (firstOffer ? periodStart(firstOffer, 'day') : undefined);
  const to = options.to ?? (lastOffer ? nextPeriod(periodStart(lastOffer, 'day'), 'day') : undefined);

  const segmentOf = (r: CountRow) => Object.fromEntries(dims.map((d) => [d.key, r.values[d.member] ?? null]));
  const segmentKey = (r: CountRow) => JSON.stringify(dimensions.map((d) => r.values[d] ?? null));
  const found = new Map<string, CountRow>();
  for (const r of cells) found.set(`${r.period ?? ''}|${segmentKey(r)}`, r);
  // Every observed segment in every period of the range: the empty cells are information.
  const segments = new Map<string, CountRow>();
  for (const r of cells) segments.set(segmentKey(r), r);
  // With a grain but no range (no offers, no from/to) there are no periods to show.
  const periods = !grain ? [null] : from && to ? periodsBetween(from, new Date(to.getTime() - 1), grain, (options.limits ?? DEFAULT_LIMITS).maxPeriods) : [];
  const rows: ReportRow[] = [];
  for (const start of periods) {
    const period = start ? day(start) : '';
    const placed = grain && start && from && to ? { period, partial: isPartial(start, grain, from, to) } : {};
    for (const [key, sample] of [...segments.entries()].sort(([a], [b]) => compareKeys(a, b))) {
      const r = found.get(`${period}|${key}`);
      rows.push({ ...placed, segment: segmentOf(sample), ...kpiCell(r ? counts(r) : empty, level, thresholds) });
    }
  }
  return {
    asOf: asOf.toISOString(),
    from: from ? from.toISOString() : null,
    to: to ? to.toISOString() : null,
    grain: grain ?? null,
    by,
    offerType: options.offerType ?? null,
    windowDays: binding.shipped ? windowDays : null,
    level,
    interval: 'wilson',
    thresholds,
    total,
    rows,
  };
}

function compareKeys(a: string, b: string): number {
  // Segments with a missing value (customers without the attribute) sort last. The keys are JSON
  // arrays: a value that merely contains the text "null" (an offer "Annulled plan rescue") is not one.
  const missing = (key: string) => (JSON.parse(key) as unknown[]).includes(null);
  const na = missing(a);
  const nb = missing(b);
  if (na !== nb) return na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export { periodStart, nextPeriod };
