import { z } from 'zod';
import { alertsSchema } from '../alerts/rules-schema.js';

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

/**
 * What one request may cost. Every limit names itself in the 400 it causes, so a user who needs
 * more knows which key to raise.
 */
export const limitsSchema = z
  .object({
    /** Distinct measures + dimensions + time dimensions + segments in one query. */
    maxMembers: z.number().int().min(1).max(10_000).default(64),
    /** Values across all filters of one query (an `in` list of 90,000 ids is refused). */
    maxFilterValues: z.number().int().min(1).max(1_000_000).default(10_000),
    /** How deep `and`/`or` filters may nest. */
    maxFilterDepth: z.number().int().min(1).max(1_000).default(16),
    /** Rows × columns one answer may hold. */
    maxCells: z.number().int().min(1).max(1e9).default(2_000_000),
    /** Groups an endpoint that enumerates a dimension (insights, breakdown, leaderboard) may see. */
    maxGroups: z.number().int().min(1).max(1_000_000).default(5_000),
    /** Periods in one time series. */
    maxPeriods: z.number().int().min(1).max(1_000_000).default(5_000),
    /** A statement running longer is cancelled in the engine. */
    queryTimeoutMs: z.number().int().min(100).max(86_400_000).default(30_000),
    /** Heavy queries (data reads) running at once; more wait in a queue. */
    maxConcurrentQueries: z.number().int().min(1).max(1_000).default(4),
    /** Queries waiting for a slot; beyond that the answer is 503 with Retry-After. */
    maxQueuedQueries: z.number().int().min(0).max(100_000).default(64),
    /** Characters in one ingested field (text); longer fields are rejected with file:line. */
    maxFieldLength: z.number().int().min(1).max(100_000_000).default(10_000),
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
    /** The user's own target rate (a fraction). */
    target: z.number().min(0).max(1).optional(),
    /** Folder of Cube model files (default: the shipped model). */
    model: z.string().optional(),
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
    limits: limitsSchema.default(limitsSchema.parse({})),
    /** Channels and rules for `uprate alerts` (schema in src/alerts; model checks there too). */
    alerts: alertsSchema.optional(),
  })
  .strict();

export type UprateConfig = z.infer<typeof configSchema>;
export type SecurityFilter = z.infer<typeof securityFilterSchema>;
export type Limits = z.infer<typeof limitsSchema>;
/** The limits a server without a config file keeps. */
export const DEFAULT_LIMITS: Limits = limitsSchema.parse({});
