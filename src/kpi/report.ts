import { UprateError } from '../core/errors.js';
import type { OfferType } from '../core/schema.js';
import { DEFAULT_WINDOW_DAYS } from '../core/schema.js';
import type { Store } from '../store/store.js';
import { band, rateInterval, type Band, type BandThresholds } from '../stats/index.js';
import { nextPeriod, periodsBetween, periodStart, type Grain } from './grain.js';
import { REPORT_DIMENSIONS, type ReportDimension } from './segments.js';

export interface ReportOptions {
  /** Omit for one row per segment over the whole range. */
  readonly grain?: Grain;
  readonly by?: readonly ReportDimension[];
  /** Inclusive start (UTC). Default: the first offer. */
  readonly from?: Date;
  /** Exclusive end (UTC). Default: just after the last offer. */
  readonly to?: Date;
  readonly offerType?: OfferType;
  /** Conversion window in days (default 30). */
  readonly windowDays?: number;
  /** The clock: what has happened by this instant counts; later acceptances are pending. */
  readonly asOf?: Date;
  /** Confidence level of the intervals (default 0.95). */
  readonly level?: number;
  readonly thresholds?: BandThresholds;
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
  /** Some offers are still inside their conversion window: the rate can still rise. */
  readonly provisional: boolean;
  /** pending / offers. */
  readonly pendingShare: number | null;
  readonly customersOffered: number;
  readonly customersConverted: number;
  /** customersConverted / customersOffered — the first seed's customer-level rate. */
  readonly customerRate: number | null;
  /** Revenue of accepted offers. */
  readonly revenue: number;
}

export interface ReportRow extends KpiCell {
  /** Start of the period (`YYYY-MM-DD`), when the report has a grain. */
  readonly period?: string;
  readonly segment: Readonly<Partial<Record<ReportDimension, string | null>>>;
}

export interface Report {
  readonly asOf: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly grain: Grain | null;
  readonly by: readonly ReportDimension[];
  readonly offerType: OfferType | null;
  readonly windowDays: number;
  readonly level: number;
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
  customersOffered: number;
  customersConverted: number;
  revenue: number;
}

const ZERO: Counts = { offers: 0, accepted: 0, pending: 0, customersOffered: 0, customersConverted: 0, revenue: 0 };

/** Turns counts into a KPI cell: ratio of sums, Wilson interval, band, provisional flag. */
export function kpiCell(c: Counts, level: number, thresholds: BandThresholds): KpiCell {
  const interval = rateInterval(c.accepted, c.offers, { method: 'wilson', level });
  return {
    ...c,
    rate: interval.rate,
    lower: interval.lower,
    upper: interval.upper,
    band: interval.rate === null ? null : band(interval.rate, thresholds),
    provisional: c.pending > 0,
    pendingShare: c.offers > 0 ? c.pending / c.offers : null,
    customerRate: c.customersOffered > 0 ? c.customersConverted / c.customersOffered : null,
  };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The KPI report: offers, accepted within the conversion window, pending, rate and interval, per
 * period and segment. Empty cells are kept (n = 0, rate null), so a quiet month is visible.
 */
export async function buildReport(store: Store, options: ReportOptions = {}): Promise<Report> {
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 0 || windowDays > 3650) {
    throw new UprateError('BAD_ARGUMENT', `conversion window must be a whole number of days from 0 to 3650, not ${windowDays}`, { location: '--window' });
  }
  const level = options.level ?? 0.95;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const asOf = options.asOf ?? new Date();
  const by = options.by ?? [];
  const grain = options.grain;

  const params: (string | number)[] = [asOf.toISOString(), windowDays];
  const where: string[] = [];
  if (options.from) where.push(`o.offered_at >= CAST($${params.push(options.from.toISOString())} AS TIMESTAMP)`);
  if (options.to) where.push(`o.offered_at < CAST($${params.push(options.to.toISOString())} AS TIMESTAMP)`);
  if (options.offerType) where.push(`o.offer_type = $${params.push(options.offerType)}`);

  const asOfSql = 'CAST($1 AS TIMESTAMP)';
  const accepted = `(o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + to_days(CAST($2 AS INTEGER)) AND o.accepted_at <= ${asOfSql})`;
  const pending = `(NOT ${accepted} AND o.offered_at + to_days(CAST($2 AS INTEGER)) > ${asOfSql} AND (o.declined_at IS NULL OR o.declined_at > ${asOfSql}))`;
  const keys = [
    ...(grain ? [`date_trunc('${grain}', o.offered_at) AS period`] : []),
    ...by.map((d) => `${REPORT_DIMENSIONS[d]} AS ${d}`),
  ];
  const keyNames = [...(grain ? ['period'] : []), ...by];
  const joinCustomers = by.some((d) => REPORT_DIMENSIONS[d].includes('c.'));
  const groupBy = keyNames.length ? `GROUP BY GROUPING SETS ((${keyNames.join(', ')}), ())` : '';
  const sql = `SELECT ${keys.map((k) => `${k}, `).join('')}
      ${keyNames.length ? `GROUPING(${keyNames.join(', ')}) AS grouping_id,` : '0 AS grouping_id,'}
      count(*) AS offers,
      count(*) FILTER (WHERE ${accepted}) AS accepted,
      count(*) FILTER (WHERE ${pending}) AS pending,
      count(DISTINCT o.customer_id) AS customers_offered,
      count(DISTINCT o.customer_id) FILTER (WHERE ${accepted}) AS customers_converted,
      COALESCE(sum(o.revenue) FILTER (WHERE ${accepted}), 0) AS revenue,
      min(o.offered_at) AS first_offer, max(o.offered_at) AS last_offer
    FROM offers o ${joinCustomers ? 'LEFT JOIN customers c ON c.customer_id = o.customer_id' : ''}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ${groupBy}`;
  const result = await store.query(sql, params);

  const counts = (r: Record<string, unknown>): Counts => ({
    offers: Number(r['offers'] ?? 0),
    accepted: Number(r['accepted'] ?? 0),
    pending: Number(r['pending'] ?? 0),
    customersOffered: Number(r['customers_offered'] ?? 0),
    customersConverted: Number(r['customers_converted'] ?? 0),
    revenue: Number(r['revenue'] ?? 0),
  });
  const totalRow = result.find((r) => Number(r['grouping_id']) !== 0 || keyNames.length === 0) ?? {};
  const cells = result.filter((r) => keyNames.length > 0 && Number(r['grouping_id']) === 0);
  const total = kpiCell(counts(totalRow), level, thresholds);

  const firstOffer = totalRow['first_offer'] instanceof Date ? totalRow['first_offer'] : undefined;
  const lastOffer = totalRow['last_offer'] instanceof Date ? totalRow['last_offer'] : undefined;
  const from = options.from ?? firstOffer;
  const to = options.to ?? (lastOffer ? new Date(lastOffer.getTime() + 1) : undefined);

  const segmentKey = (r: Record<string, unknown>) => JSON.stringify(by.map((d) => r[d] ?? null));
  const found = new Map<string, Record<string, unknown>>();
  for (const r of cells) {
    const period = r['period'] instanceof Date ? day(r['period']) : '';
    found.set(`${period}|${segmentKey(r)}`, r);
  }
  // Every observed segment in every period of the range: the empty cells are information.
  const segments = new Map<string, Record<string, unknown>>();
  for (const r of cells) segments.set(segmentKey(r), r);
  const periods = grain && from && to ? periodsBetween(from, new Date(to.getTime() - 1), grain).map(day) : [''];
  const rows: ReportRow[] = [];
  for (const period of periods) {
    for (const [key, sample] of [...segments.entries()].sort(([a], [b]) => compareKeys(a, b))) {
      const r = found.get(`${period}|${key}`);
      const segment = Object.fromEntries(by.map((d) => [d, (sample[d] as string | null) ?? null]));
      rows.push({ ...(grain ? { period } : {}), segment, ...kpiCell(r ? counts(r) : ZERO, level, thresholds) });
    }
  }
  return {
    asOf: asOf.toISOString(),
    from: from ? from.toISOString() : null,
    to: to ? to.toISOString() : null,
    grain: grain ?? null,
    by,
    offerType: options.offerType ?? null,
    windowDays,
    level,
    interval: 'wilson',
    thresholds,
    total,
    rows,
  };
}

function compareKeys(a: string, b: string): number {
  // Nulls (customers without the attribute) sort last.
  const na = a.includes('null');
  const nb = b.includes('null');
  if (na !== nb) return na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export { periodStart, nextPeriod };
