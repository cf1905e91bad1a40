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
    security: z.object({ filters: z.array(securityFilterSchema).default([]) }).strict().default({ filters: [] }),
    /** Channels and rules for `uprate alerts` (schema in src/alerts; model checks there too). */
    alerts: alertsSchema.optional(),
  })
  .strict();

export type UprateConfig = z.infer<typeof configSchema>;
export type SecurityFilter = z.infer<typeof securityFilterSchema>;
