import { UprateError } from '../core/errors.js';

/**
 * The dimensions a report can be cut by, in the user's words, with the SQL that reads each from
 * an offer joined to its customer (`o`, `c`).
 */
export const REPORT_DIMENSIONS = {
  account_size: 'c.account_size',
  lifecycle_stage: 'c.lifecycle_stage',
  engagement_tier: `CASE WHEN c.engagement_score IS NULL THEN NULL WHEN c.engagement_score < 40 THEN 'low' WHEN c.engagement_score < 70 THEN 'medium' ELSE 'high' END`,
  industry: 'c.industry',
  region: 'c.region',
  plan: 'c.plan',
  offer_type: 'o.offer_type',
  offer_name: 'o.offer_name',
  channel: 'o.channel',
  campaign: 'o.campaign',
} as const;

export type ReportDimension = keyof typeof REPORT_DIMENSIONS;

const CAMEL = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** Accepts `account_size`, `accountSize` or `account-size`. */
export function parseDimension(name: string, where = '--by'): ReportDimension {
  const key = name.trim().replace(/-/g, '_').replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  if (key in REPORT_DIMENSIONS) return key as ReportDimension;
  throw new UprateError('BAD_ARGUMENT', `unknown dimension '${name}'`, {
    location: where,
    hint: `use one of ${Object.keys(REPORT_DIMENSIONS).join(', ')} (camelCase such as ${CAMEL('account_size')} works too)`,
  });
}
