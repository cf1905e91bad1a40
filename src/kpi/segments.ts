import { UprateError } from '../core/errors.js';

/**
 * The dimensions a report can be cut by, in the user's words, with the member of the shipped
 * model that holds each (the report asks the semantic layer, so it runs on every engine).
 */
export const REPORT_DIMENSIONS = {
  account_size: 'Customers.accountSize',
  lifecycle_stage: 'Customers.lifecycleStage',
  engagement_tier: 'Customers.engagementTier',
  industry: 'Customers.industry',
  region: 'Customers.region',
  plan: 'Customers.plan',
  offer_type: 'Offers.offerType',
  offer_name: 'Offers.offerName',
  channel: 'Offers.channel',
  campaign: 'Offers.campaign',
} as const;

export type ReportDimension = keyof typeof REPORT_DIMENSIONS;

const CAMEL = (s: string) => s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** Accepts `account_size`, `accountSize` or `account-size`. */
export function parseDimension(name: string, where = '--by'): ReportDimension {
  const key = name.trim().replace(/-/g, '_').replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  if (Object.hasOwn(REPORT_DIMENSIONS, key)) return key as ReportDimension;
  throw new UprateError('BAD_ARGUMENT', `unknown dimension '${name}'`, {
    location: where,
    hint: `use one of ${Object.keys(REPORT_DIMENSIONS).join(', ')} (camelCase such as ${CAMEL('account_size')} works too)`,
  });
}
