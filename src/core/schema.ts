/**
 * The data model of PRODUCT.md as data: one column list per table, with the rule each value must
 * keep. Ingest validates against it, the store creates tables from it, the demo generator fills it.
 */
export const OFFER_TYPES = ['upsell', 'cross_sell'] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

export const ACCOUNT_SIZES = ['smb', 'mid_market', 'enterprise'] as const;
export type AccountSize = (typeof ACCOUNT_SIZES)[number];

export const LIFECYCLE_STAGES = ['onboarding', 'adoption', 'expansion', 'renewal', 'at_risk'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Engagement tiers: low < 40 ≤ medium < 70 ≤ high. */
export const ENGAGEMENT_TIERS = [
  { tier: 'low', from: 0, to: 40 },
  { tier: 'medium', from: 40, to: 70 },
  { tier: 'high', from: 70, to: Infinity },
] as const;
export type EngagementTier = (typeof ENGAGEMENT_TIERS)[number]['tier'];

export function engagementTier(score: number): EngagementTier {
  return score < 40 ? 'low' : score < 70 ? 'medium' : 'high';
}

export type ColumnKind = 'text' | 'timestamp' | 'decimal' | 'number';

export interface ColumnRule {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly required: boolean;
  /** Allowed values, for enumerated text. */
  readonly oneOf?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export type TableName = 'offers' | 'customers';

export interface TableSpec {
  readonly name: TableName;
  /** The idempotency key: re-loading a row with the same key replaces it. */
  readonly key: string;
  readonly columns: readonly ColumnRule[];
}

export const OFFERS: TableSpec = {
  name: 'offers',
  key: 'offer_id',
  columns: [
    { name: 'offer_id', kind: 'text', required: true },
    { name: 'customer_id', kind: 'text', required: true },
    { name: 'offered_at', kind: 'timestamp', required: true },
    { name: 'offer_type', kind: 'text', required: true, oneOf: OFFER_TYPES },
    { name: 'offer_name', kind: 'text', required: true },
    { name: 'channel', kind: 'text', required: false },
    { name: 'campaign', kind: 'text', required: false },
    { name: 'accepted_at', kind: 'timestamp', required: false },
    { name: 'declined_at', kind: 'timestamp', required: false },
    { name: 'revenue', kind: 'decimal', required: false, min: 0 },
  ],
};

export const CUSTOMERS: TableSpec = {
  name: 'customers',
  key: 'customer_id',
  columns: [
    { name: 'customer_id', kind: 'text', required: true },
    { name: 'account_size', kind: 'text', required: false, oneOf: ACCOUNT_SIZES },
    { name: 'lifecycle_stage', kind: 'text', required: false, oneOf: LIFECYCLE_STAGES },
    { name: 'engagement_score', kind: 'number', required: false, min: 0, max: 100 },
    { name: 'industry', kind: 'text', required: false },
    { name: 'region', kind: 'text', required: false },
    { name: 'plan', kind: 'text', required: false },
    { name: 'mrr', kind: 'decimal', required: false, min: 0 },
  ],
};

export const TABLES: Readonly<Record<TableName, TableSpec>> = { offers: OFFERS, customers: CUSTOMERS };

export function tableSpec(name: string): TableSpec {
  if (name === 'offers' || name === 'customers') return TABLES[name];
  throw new Error(`unknown table ${name}`);
}

/** An offer as the application sees it (timestamps in UTC). */
export interface Offer {
  offer_id: string;
  customer_id: string;
  offered_at: Date;
  offer_type: OfferType;
  offer_name: string;
  channel: string | null;
  campaign: string | null;
  accepted_at: Date | null;
  declined_at: Date | null;
  revenue: number | null;
}

export interface Customer {
  customer_id: string;
  account_size: AccountSize | null;
  lifecycle_stage: LifecycleStage | null;
  engagement_score: number | null;
  industry: string | null;
  region: string | null;
  plan: string | null;
  mrr: number | null;
}

/** Default conversion window: an offer accepted within 30 days of being made counts. */
export const DEFAULT_WINDOW_DAYS = 30;
