/**
 * The structure planted in the demo data set, as data. Acceptance is a logistic model: an offer's
 * log-odds are its offer's base log-odds plus one term per attribute below; README.md lists the
 * rates these produce. Change a number here and the README and the planted-effects test with it.
 */
import type { AccountSize, LifecycleStage, OfferType } from '../core/schema.js';

export interface Level<T extends string = string> {
  readonly name: T;
  /** Share of customers (or offers) with this value. */
  readonly share: number;
  /** Added to the log-odds of acceptance. */
  readonly logOdds: number;
}

export const ACCOUNT_SIZE_LEVELS: readonly (Level<AccountSize> & { offerWeight: number; mrr: number; revenue: number })[] = [
  // offerWeight: larger accounts are offered more often; mrr: mean monthly revenue; revenue: deal-size multiplier.
  { name: 'smb', share: 0.6, logOdds: 0, offerWeight: 1, mrr: 320, revenue: 1 },
  { name: 'mid_market', share: 0.3, logOdds: 0.3, offerWeight: 1.6, mrr: 2_600, revenue: 2.2 },
  { name: 'enterprise', share: 0.1, logOdds: 0.65, offerWeight: 2.8, mrr: 16_000, revenue: 5 },
];

export const LIFECYCLE_LEVELS: readonly (Level<LifecycleStage> & { engagement: number })[] = [
  // engagement: mean engagement score of customers in the stage.
  { name: 'onboarding', share: 0.15, logOdds: -0.15, engagement: 52 },
  { name: 'adoption', share: 0.3, logOdds: 0, engagement: 56 },
  { name: 'expansion', share: 0.2, logOdds: 0.6, engagement: 66 },
  { name: 'renewal', share: 0.2, logOdds: 0.15, engagement: 58 },
  { name: 'at_risk', share: 0.15, logOdds: -0.9, engagement: 36 },
];

/** Engagement score (0–100) acts linearly on the log-odds: +0.035 per point around 55. */
export const ENGAGEMENT_SLOPE = 0.035;
export const ENGAGEMENT_CENTRE = 55;
/** Spread of scores around their stage's mean. */
export const ENGAGEMENT_SD = 18;

export const INDUSTRY_LEVELS: readonly Level[] = [
  { name: 'retail', share: 0.22, logOdds: -0.2 },
  { name: 'saas', share: 0.25, logOdds: 0.3 },
  { name: 'consumer_goods', share: 0.18, logOdds: 0 },
  { name: 'fintech', share: 0.13, logOdds: 0.12 },
  { name: 'healthcare', share: 0.12, logOdds: -0.35 },
  { name: 'media', share: 0.1, logOdds: -0.05 },
];

/**
 * north_america and europe are deliberately identical: their customers come in twins (same
 * attributes, one in each region) and every offer to one twin is mirrored to the other, so the
 * two regions have the same offers and the same rates at every grain, not merely the same
 * expected rate. A product must not call them different.
 */
export const TWIN_REGIONS = ['north_america', 'europe'] as const;
export const REGION_LEVELS: readonly Level[] = [
  { name: 'north_america', share: 0.38, logOdds: 0 },
  { name: 'europe', share: 0.38, logOdds: 0 },
  { name: 'apac', share: 0.15, logOdds: -0.35 },
  { name: 'latam', share: 0.09, logOdds: -0.15 },
];

/** Plans follow account size; a plan has no effect of its own. */
export const PLANS_BY_SIZE: Readonly<Record<AccountSize, readonly { name: string; share: number }[]>> = {
  smb: [
    { name: 'starter', share: 0.55 },
    { name: 'growth', share: 0.4 },
    { name: 'pro', share: 0.05 },
  ],
  mid_market: [
    { name: 'growth', share: 0.35 },
    { name: 'pro', share: 0.55 },
    { name: 'enterprise', share: 0.1 },
  ],
  enterprise: [
    { name: 'pro', share: 0.3 },
    { name: 'enterprise', share: 0.7 },
  ],
};

/** Channels: sales converts best, email worst. Sales is used more for larger accounts. */
export const CHANNEL_LEVELS: readonly (Level & { bySize: readonly [number, number, number] })[] = [
  // bySize: relative weight of the channel for smb, mid_market, enterprise.
  { name: 'in_app', share: 0.35, logOdds: 0, bySize: [0.4, 0.32, 0.22] },
  { name: 'email', share: 0.3, logOdds: -0.6, bySize: [0.33, 0.28, 0.2] },
  { name: 'sales', share: 0.2, logOdds: 0.75, bySize: [0.12, 0.28, 0.48] },
  { name: 'checkout', share: 0.15, logOdds: 0.2, bySize: [0.15, 0.12, 0.1] },
];
/** Share of offers with no channel recorded. */
export const CHANNEL_NULL = 0.02;

export interface OfferDefinition {
  readonly name: string;
  readonly type: OfferType;
  /** Acceptance probability for the reference customer (smb, adoption, score 55, consumer_goods, north_america, in_app). */
  readonly base: number;
  /** Relative volume. */
  readonly weight: number;
  /** Mean revenue of an accepted offer from an smb customer. */
  readonly revenue: number;
}

export const OFFER_CATALOG: readonly OfferDefinition[] = [
  { name: 'Premium tier', type: 'upsell', base: 0.1, weight: 14, revenue: 1_200 },
  { name: 'Extra seats', type: 'upsell', base: 0.17, weight: 12, revenue: 450 },
  { name: 'Annual plan upgrade', type: 'upsell', base: 0.13, weight: 9, revenue: 2_400 },
  { name: 'Usage tier boost', type: 'upsell', base: 0.14, weight: 8, revenue: 600 },
  { name: 'Priority support', type: 'upsell', base: 0.08, weight: 6, revenue: 800 },
  { name: 'Enterprise SSO', type: 'upsell', base: 0.07, weight: 4, revenue: 3_000 },
  { name: 'Analytics add-on', type: 'cross_sell', base: 0.09, weight: 12, revenue: 700 },
  { name: 'AI assistant add-on', type: 'cross_sell', base: 0.11, weight: 10, revenue: 900 },
  { name: 'Data connectors pack', type: 'cross_sell', base: 0.06, weight: 8, revenue: 500 },
  { name: 'Security suite', type: 'cross_sell', base: 0.05, weight: 7, revenue: 1_500 },
  { name: 'Mobile app bundle', type: 'cross_sell', base: 0.065, weight: 5, revenue: 350 },
  { name: 'Training workshop', type: 'cross_sell', base: 0.04, weight: 5, revenue: 1_000 },
];

/** Offers with tiny samples and extreme observed rates (placed at fixed rows, not drawn). */
export const TINY_OFFERS = {
  allAccepted: { name: 'Concierge onboarding', type: 'upsell', count: 3, revenue: 5_000 },
  noneAccepted: { name: 'Legacy data migration', type: 'cross_sell', count: 5, revenue: 0 },
} as const;

/** Seasonal swing in conversion, log-odds by calendar month (January first): Q4 best, Q3 worst. */
export const MONTH_LOG_ODDS: readonly number[] = [-0.05, -0.05, -0.05, 0, 0, 0, -0.1, -0.1, -0.1, 0.12, 0.18, 0.15];
/** Seasonal volume by calendar month (January first). */
export const MONTH_VOLUME: readonly number[] = [0.92, 0.95, 1.02, 1, 1, 0.95, 0.85, 0.82, 1.05, 1.1, 1.2, 1.05];
/** Volume by weekday (Sunday first). */
export const WEEKDAY_VOLUME: readonly number[] = [0.4, 1.05, 1, 1, 1, 0.95, 0.45];
/** Volume at the end of the 24 months relative to the start (linear growth). */
export const VOLUME_GROWTH = 1.8;
/** Day-to-day noise in volume (log-scale sd). */
export const DAILY_NOISE = 0.08;
/** Hour-of-day profile (UTC), used to place offers within a day. */
export const HOUR_VOLUME: readonly number[] = [
  0.3, 0.25, 0.25, 0.25, 0.3, 0.35, 0.5, 0.7, 0.9, 1, 1, 1, 0.95, 1, 1, 1, 0.95, 0.85, 0.7, 0.6, 0.55, 0.5, 0.45, 0.35,
];

/** Per-customer propensity (log-odds sd): customers differ beyond their attributes. */
export const CUSTOMER_SD = 0.4;

/** Share of offers that belong to a campaign, and the campaign's effect. */
export const CAMPAIGN_SHARE = 0.4;
export const CAMPAIGN_LOG_ODDS = 0.1;
/** Campaign names by quarter, suffixed with the year (`year-end-push-2024`). */
export const CAMPAIGN_BY_QUARTER: readonly string[] = ['new-year-upgrade', 'spring-expansion', 'back-to-business', 'year-end-push'];

/** Of accepted offers, the share accepted after the 30-day window (31–60 days): they do not count. */
export const LATE_ACCEPT_SHARE = 0.08;
/** Median days to accept within the window (log-normal). */
export const ACCEPT_MEDIAN_DAYS = 2;
/** Share of not-accepted offers that are explicitly declined, and the median days to decline. */
export const DECLINE_SHARE = 0.45;
export const DECLINE_MEDIAN_DAYS = 3;
/** Share of accepted offers with no revenue recorded. */
export const REVENUE_NULL = 0.01;
/** Log-scale spread of revenue around its mean. */
export const REVENUE_SIGMA = 0.5;

/** Share of customers with each optional attribute unknown (null). */
export const NULL_SHARE = {
  account_size: 0.015,
  lifecycle_stage: 0.02,
  engagement_score: 0.03,
  industry: 0.03,
  region: 0.02,
  plan: 0.01,
  mrr: 0.02,
} as const;
