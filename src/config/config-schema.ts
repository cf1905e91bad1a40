import { z } from 'zod';
import { alertsSchema } from '../alerts/rules-schema.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { reportsSchema, smtpSchema } from '../reports-delivery/delivery-schema.js';

/** A security rule: restrict every query to rows whose member equals a claim of the caller's token. */
export const securityFilterSchema = z
  .object({
    member: z.string().regex(/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/, 'must be Cube.member, e.g. Offers.tenantId'),
    claim: z.string().min(1),
    /** Refuse tokens without the claim (default true: a missing claim must not mean "see all"). */
    required: z.boolean().default(true),
  })
  .strict();

/** `claim=value` (or just `claim`, meaning the claim is true): who may write and see everything. */
const claimRule = z.string().regex(/^[A-Za-z_][\w.-]*(=.+)?$/, 'must be claim=value, e.g. role=admin');

const limit = (key: keyof Limits, min: number, max: number) => z.number().int().min(min).max(max).default(DEFAULT_LIMITS[key]);

/** What one request may cost (defaults and meanings: src/core/limits.ts). */
export const limitsSchema = z
  .object({
    maxMembers: limit('maxMembers', 1, 10_000),
    maxFilterValues: limit('maxFilterValues', 1, 1_000_000),
    maxFilterDepth: limit('maxFilterDepth', 1, 1_000),
    maxCells: limit('maxCells', 1, 1e9),
    maxGroups: limit('maxGroups', 1, 1_000_000),
    maxPeriods: limit('maxPeriods', 1, 1_000_000),
    queryTimeoutMs: limit('queryTimeoutMs', 100, 86_400_000),
    maxConcurrentQueries: limit('maxConcurrentQueries', 1, 1_000),
    maxQueuedQueries: limit('maxQueuedQueries', 0, 100_000),
    maxFieldLength: limit('maxFieldLength', 1, 100_000_000),
  })
  .strict();

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * An ISO 4217 currency code the runtime can format (USD, EUR, GBP, JPY …): revenue is shown in it
 * on the dashboard and in every report. Upper case, three letters.
 */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code of three capital letters, e.g. USD, EUR or GBP')
  .refine((code) => KNOWN_CURRENCIES.has(code), { message: 'is not an ISO 4217 currency code known to Intl (e.g. USD, EUR, GBP, JPY)' });

/** The currency revenue is shown in when the config names none. */
export const DEFAULT_CURRENCY = 'USD';

const memberName = z.string().regex(/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/, 'must be Cube.member, e.g. Offers.count');

/**
 * Which members of the model are the KPI's inputs (src/kpi/binding.ts checks them against the
 * model). Left out: the shipped model's members. Only offers, accepted and time are required; each
 * optional one turns on what needs it (pending → provisional periods, customer → clustered
 * intervals and customer-level rates, revenue, offerType, daysToAccept → projected rates).
 */
export const kpiBindingSchema = z
  .object({
    /** Offers made: a count or sum measure. */
    offers: memberName,
    /** Offers accepted: a count or sum measure. */
    accepted: memberName,
    /** The time dimension offers are dated by. */
    time: memberName,
    /** Offers still inside their conversion window, unanswered: a count or sum measure. */
    pending: memberName.optional(),
    /** Revenue of accepted offers: a sum measure. */
    revenue: memberName.optional(),
    /** Who an offer went to: a dimension (one customer's offers are not independent). */
    customer: memberName.optional(),
    /** Upsell or cross-sell: a dimension with the values `upsell` and `cross_sell`. */
    offerType: memberName.optional(),
    /** Days from offer to acceptance: a dimension (projected rates of young periods). */
    daysToAccept: memberName.optional(),
    /** The offer's name: a dimension (the leaderboard). */
    offerName: memberName.optional(),
    /** The customer's industry: a dimension whose values name the seed's benchmark industries (retail, saas, consumer_goods). */
    industry: memberName.optional(),
    /** The channel an offer was made through: a dimension (the best/worst channel finding). */
    channel: memberName.optional(),
    /** The dimensions offered for breakdowns, in this order (titles from the model). */
    dimensions: z.array(memberName).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Conversion window in days. */
    conversionWindowDays: z.number().int().min(0).max(3650).default(30),
    bands: z
      .object({ strong: z.number().min(0).max(1), poor: z.number().min(0).max(1) })
      .strict()
      .refine((b) => b.poor <= b.strong, { message: 'poor must not be above strong' })
      .default({ strong: 0.2, poor: 0.1 }),
    /** The currency of revenue (ISO 4217): how revenue is shown on the dashboard and in reports. */
    currency: currencySchema.default(DEFAULT_CURRENCY),
    /** The user's own target rate (a fraction). */
    target: z.number().min(0).max(1).optional(),
    /** How judgements are made. */
    stats: z
      .object({
        /** Correction of a family of period-over-period changes: Holm (default) or Benjamini–Hochberg. */
        correction: z.enum(['holm', 'bh']).default('holm'),
      })
      .strict()
      .default({ correction: 'holm' }),
    /** Folder of Cube model files (default: the shipped model). */
    model: z.string().optional(),
    /** The embedded DuckDB file, relative to the config file (default ./uprate.duckdb); `--db`, `--url` or UPRATE_DATABASE_URL override it. */
    db: z.string().min(1).optional(),
    /** Which model members are the KPI's inputs (default: the shipped model's). */
    kpi: kpiBindingSchema.optional(),
    /**
     * DuckDB only: folders a model's `sql` may read files from in place (`read_parquet('…')`,
     * `read_csv('…')`), relative to the config file. Default: the model folder.
     */
    files: z.object({ roots: z.array(z.string().min(1)).min(1) }).strict().optional(),
    security: z
      .object({
        filters: z.array(securityFilterSchema).default([]),
        /** A token with this claim may ingest any rows (with filters configured, others write only their own tenant's rows). */
        ingestClaim: claimRule.optional(),
        /** A token with this claim sees every alert and may run checks (default: ingestClaim). */
        adminClaim: claimRule.optional(),
      })
      .strict()
      .default({ filters: [] }),
    limits: limitsSchema.default({ ...DEFAULT_LIMITS }),
    /** Channels and rules for `uprate alerts` (schema in src/alerts; model checks there too). */
    alerts: alertsSchema.optional(),
    /** Reports sent on a schedule by `uprate serve` (and `uprate report send`): schema in src/reports-delivery. */
    reports: reportsSchema.optional(),
    /** The mail server for email recipients of `reports`. */
    smtp: smtpSchema.optional(),
  })
  .strict();

export type UprateConfig = z.infer<typeof configSchema>;
export type KpiBindingConfig = z.infer<typeof kpiBindingSchema>;
export type SecurityFilter = z.infer<typeof securityFilterSchema>;
export { DEFAULT_LIMITS, type Limits };
