/**
 * A rollup of moments (`clusteredBy` with `moments: true`: per group and pair of months, the
 * sums of products of the customers' counts, and where customers start or resume) answers a
 * customer-clustered read exactly as the rows do. On DuckDB and PostgreSQL the demo data are
 * loaded, the shipped model (among its rollups of moments: no dimension; offer type × channel) plus
 * one more (account size × region) are built, and clustered reads — the headline, per month, breakdowns by
 * a customer attribute and by an offer's channel, filtered — are answered with the rollups and
 * from the rows alone: identical rows (sums, clusters, Σ of products, clusters above 0). Reads a
 * rollup of moments cannot answer exactly (summed over an offer's type it does not fix, a filter
 * on the customer, a range that cuts a month, a clock before the data's last instant) must be
 * served by something else, and the reads it serves must be served by it. Reads by period whose
 * range cuts a period take those periods from the rows and the others from the rollup; reads by
 * week come from the rollups of each week's own moments (`moments: 'perPeriod'`). Then loads of
 * new, moved and re-keyed offers of a fifth of the customers replace those customers' moments (each
 * rollup's refresh watched: a load past half the rows would refill them whole, and the replacing
 * go untested), one reaching before the first month refills them whole, and a load of customers
 * rewrites them: fresh and exact again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import type { Model } from '../src/model/index.js';
import { allAccess, type CubeQuery } from '../src/query/index.js';
import { answerClustered, answerClusteredSets, type ClusterRequest } from '../src/query/cluster-moments.js';
import { buildRollups, dropRollups, modelRollups, rollupStatus } from '../src/rollups/index.js';
import { planRefresh, rollupRefreshed, type LoadedTable } from '../src/rollups/maintain.js';
import { inTransaction } from '../src/rollups/transaction.js';
import { openStore, type SqlValue, type Store } from '../src/store/index.js';
import { UprateError } from '../src/core/errors.js';
import { skipUnlessReady } from './engines.js';
import { momentsRefreshed, rowsCopied } from '../src/engines/clickhouse/clickhouse-rollups.js';
import type { ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { changedOffers, modelWithRollups, shiftDays, rollupEngines, shiftedOffers, watching } from './rollup-reads.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-rollups-moments-'));
const isolation = `uprate_rollups_moments_${process.pid}`;
const { pgSlot, chSlot, dropServers } = await rollupEngines(join(dir, 'moments.duckdb'), isolation);
const END = new Date('2025-06-30T23:59:59Z');
/** The reads' clock: after the data's last instant (also after offers moved 3 days past it), as a live store's clock is. */
const NOW = new Date('2025-07-10T09:00:00Z');
let files: { customers: string; offers: string };
let model: Model;

const moments = (name: string, dimensions: string) =>
  `${name}: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [${dimensions}], timeDimension: offeredAt, granularity: 'month' },`;
/**
 * The shipped model (its rollup by customer, `perCustomer`, and its rollups of moments: the total,
 * by each customer attribute, by offer type and each attribute, by channel, offer and campaign,
 * and by offer type with each of those three) with one more rollup of moments: by account size ×
 * region (one more member of the family with no dimension that splits a customer's offers: built
 * and maintained from one pass, each member summed over the attributes it leaves out).
 */
const DECLARED = moments('momentsBySizeRegion', 'Customers.accountSize, Customers.region');

before(async () => {
  // Enough customers (~4,000) that a rollup of moments is smaller than a row per customer, as it is at scale.
  files = await writeDemoFiles({ dir, format: 'csv', rows: 40_000, seed: 515151, end: END });
  // The plain rollups one per line (by each attribute, the time to accept) left out: no clustered read reads them.
  model = await modelWithRollups(join(dir, 'model'), DECLARED, { withoutPlain: true });
  serverModel = await modelWithRollups(join(dir, 'model-servers'), DECLARED, { withoutPlain: true, without: LEFT_OUT_ON_SERVERS });
});

after(async () => {
  await dropServers();
  rmSync(dir, { recursive: true, force: true });
});

const REQUEST: ClusterRequest = {
  cluster: 'Offers.customerId',
  products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']],
  positive: ['Offers.accepted'],
};
const MEASURES = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.expansionRevenue'];
const asOf = (at: Date) => ({ member: 'Offers.offeredAt', operator: 'beforeOrOnDate' as const, values: [at.toISOString().slice(0, 23)] });
const range = (from: string, to: string, granularity?: 'month' | 'week') => [{ dimension: 'Offers.offeredAt', dateRange: [from, to] as [string, string], ...(granularity ? { granularity } : {}) }];
const TOTAL = 'uprate_rollup_offers_moments_total';
const BY_SIZE = 'uprate_rollup_offers_moments_by_size';
const BY_SIZE_REGION = 'uprate_rollup_offers_moments_by_size_region';
const BY_TYPE_CHANNEL = 'uprate_rollup_offers_moments_by_type_channel';
const BY_CHANNEL = 'uprate_rollup_offers_moments_by_channel';
const BY_STAGE = 'uprate_rollup_offers_moments_by_stage';
const BY_INDUSTRY = 'uprate_rollup_offers_moments_by_industry';
const PER_CUSTOMER = 'uprate_rollup_offers_per_customer';
const WEEKLY = 'uprate_rollup_offers_weekly_total';
const WEEKLY_BY_TYPE_SIZE = 'uprate_rollup_offers_weekly_by_type_size';
const WEEKLY_BY_REGION = 'uprate_rollup_offers_weekly_by_region';
const upsells = { member: 'Offers.offerType', operator: 'equals' as const, values: ['upsell'] };

/** Each read, the rollup that must serve it (null: the rows), and the clock it is read at. */
/**
 * `servedBy` on DuckDB (every member); `onPostgres`: what serves it on PostgreSQL, whose model leaves
 * some members out (else `servedBy`); `onClickHouse`: there (null: the rows), where moreover no rollup
 * by customer is kept (else: `servedBy`, the rows for the rollup by customer).
 */
const READS: { name: string; query: CubeQuery; servedBy: string | null; onPostgres?: string | null; onClickHouse?: string | null; now?: Date }[] = [
  { name: 'the headline over whole months up to the data end', query: { measures: MEASURES, timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: TOTAL },
  { name: 'the headline over a run of months inside the data', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-10-01', '2025-03-31') }, servedBy: TOTAL },
  { name: 'per month, counts only', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-07-01', '2025-06-30', 'month') }, servedBy: TOTAL },
  { name: 'by account size', query: { measures: MEASURES, dimensions: ['Customers.accountSize'], timeDimensions: range('2024-10-01', '2025-07-31'), filters: [asOf(NOW)] }, servedBy: BY_SIZE },
  { name: 'by region per month, filtered on two sizes', query: { measures: MEASURES, dimensions: ['Customers.region'], timeDimensions: range('2025-01-01', '2025-06-30', 'month'), filters: [asOf(NOW), { member: 'Customers.accountSize', operator: 'equals', values: ['smb', 'enterprise'] }] }, servedBy: BY_SIZE_REGION },
  { name: 'the headline without one size (summed over regions and sizes)', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Customers.accountSize', operator: 'notEquals', values: ['smb'] }] }, servedBy: BY_SIZE },
  { name: 'by lifecycle stage per month', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.lifecycleStage'], timeDimensions: range('2024-10-01', '2025-06-30', 'month') }, servedBy: BY_STAGE },
  { name: 'by channel, upsells only (the offer type fixed)', query: { measures: MEASURES, dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), upsells] }, servedBy: BY_TYPE_CHANNEL },
  { name: 'by offer type × channel per month', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.offerType', 'Offers.channel'], timeDimensions: range('2025-02-01', '2025-05-31', 'month') }, servedBy: BY_TYPE_CHANNEL },
  { name: 'by channel, two channels only', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [upsells, { member: 'Offers.channel', operator: 'equals', values: ['email', 'sales'] }] }, servedBy: BY_TYPE_CHANNEL },
  { name: 'by channel, every offer type', query: { measures: MEASURES, dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: BY_CHANNEL },
  // A customer's upsells and cross-sells in one channel: the products across offer types are kept only by the rollup by channel, which has no offer type.
  { name: 'by channel, two offer types (summed over offer types: not kept)', query: { measures: MEASURES, dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Offers.offerType', operator: 'notEquals', values: ['none'] }] }, servedBy: null },
  { name: 'by channel, two offer types (not one value)', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell', 'cross_sell'] }] }, servedBy: null },
  { name: 'a filter on the customer (moments keep no customer)', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Offers.customerId', operator: 'notEquals', values: ['c-1'] }] }, servedBy: PER_CUSTOMER },
  { name: 'by industry', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.industry'], timeDimensions: range('2024-07-01', '2025-06-30') }, servedBy: BY_INDUSTRY },
  // Under a filter on one customer attribute, broken down by another: a member by four attributes
  // holds both — here, with 4,000 customers, a row per customer is cheaper to read (at 10 M offers
  // the members by four attributes have 140–210 K rows against a million customers); ClickHouse
  // keeps no rollup by customer.
  { name: 'by industry, one stage', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.industry'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Customers.lifecycleStage', operator: 'equals', values: ['adoption'] }] }, servedBy: PER_CUSTOMER, onClickHouse: 'uprate_rollup_offers_moments_by_attributes_a' },
  { name: 'by plan, industry not retail', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.plan'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Customers.industry', operator: 'notEquals', values: ['retail'] }] }, servedBy: PER_CUSTOMER, onClickHouse: null },
  { name: 'by region, upsells only, two account sizes', query: { measures: MEASURES, dimensions: ['Customers.region'], timeDimensions: range('2024-10-01', '2025-06-30'), filters: [asOf(NOW), upsells, { member: 'Customers.accountSize', operator: 'equals', values: ['enterprise', 'smb'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_attributes_b' },
  { name: 'by channel, one engagement tier', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Customers.engagementTier', operator: 'equals', values: ['high'] }] }, servedBy: 'uprate_rollup_offers_moments_by_channel_tier_industry', onPostgres: null, onClickHouse: null },
  { name: 'by campaign, upsells only, one region', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.campaign'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [upsells, { member: 'Customers.region', operator: 'equals', values: ['europe'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_campaign_region_plan', onPostgres: null, onClickHouse: null },
  // Under a filter on the channel: the offers and the campaigns of upsells (families by the offer type, the channel and each).
  { name: 'by offer name, upsells in one channel', query: { measures: MEASURES, dimensions: ['Offers.offerName'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), upsells, { member: 'Offers.channel', operator: 'equals', values: ['in_app'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_channel_offer', onPostgres: null, onClickHouse: null },
  { name: 'by campaign per month, upsells in one channel', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.campaign'], timeDimensions: range('2024-07-01', '2025-06-30', 'month'), filters: [upsells, { member: 'Offers.channel', operator: 'equals', values: ['email'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_channel_campaign', onPostgres: null, onClickHouse: null },
  // Under a filter on an offer's name: its campaigns; on a campaign: its offers (one family by the offer type, the offer and the campaign).
  { name: 'by campaign, upsells of one offer', query: { measures: MEASURES, dimensions: ['Offers.campaign'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), upsells, { member: 'Offers.offerName', operator: 'equals', values: ['Extra seats'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_offer_campaign', onPostgres: null, onClickHouse: null },
  { name: 'by offer name per month, upsells in one campaign', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.offerName'], timeDimensions: range('2025-01-01', '2025-06-30', 'month'), filters: [upsells, { member: 'Offers.campaign', operator: 'equals', values: ['spring-expansion-2025'] }] }, servedBy: 'uprate_rollup_offers_moments_by_type_offer_campaign', onPostgres: null, onClickHouse: null },
  // The same pairs over every offer type (the dashboard's default view under such a filter).
  { name: 'by offer name, every offer type in one channel', query: { measures: MEASURES, dimensions: ['Offers.offerName'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Offers.channel', operator: 'equals', values: ['in_app'] }] }, servedBy: 'uprate_rollup_offers_moments_by_channel_offer', onPostgres: null, onClickHouse: null },
  { name: 'by channel per month, one campaign of every offer type', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2025-01-01', '2025-06-30', 'month'), filters: [{ member: 'Offers.campaign', operator: 'equals', values: ['spring-expansion-2025'] }] }, servedBy: 'uprate_rollup_offers_moments_by_channel_campaign', onPostgres: null, onClickHouse: null },
  { name: 'by campaign, one offer of every type', query: { measures: MEASURES, dimensions: ['Offers.campaign'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [asOf(NOW), { member: 'Offers.offerName', operator: 'equals', values: ['Extra seats'] }] }, servedBy: 'uprate_rollup_offers_moments_by_offer_campaign', onPostgres: null, onClickHouse: null },
  // Two channels are summed within a customer (products across channels): not kept.
  { name: 'by campaign, upsells in two channels', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.campaign'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [upsells, { member: 'Offers.channel', operator: 'equals', values: ['email', 'sales'] }] }, servedBy: null },
  { name: 'by channel under filters on two attributes no member by channel holds together', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2024-07-01', '2025-06-30'), filters: [{ member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }, { member: 'Customers.region', operator: 'equals', values: ['europe'] }] }, servedBy: null },
  { name: 'months with no data', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2030-01-01', '2030-03-31') }, servedBy: TOTAL },
  { name: 'months with no data, per month', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2030-01-01', '2030-03-31', 'month') }, servedBy: TOTAL },
  { name: 'months with no data, by account size', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], timeDimensions: range('2030-01-01', '2030-03-31') }, servedBy: BY_SIZE },
  { name: 'a range that cuts a month', query: { measures: MEASURES, timeDimensions: range('2025-01-15', '2025-06-30'), filters: [asOf(NOW)] }, servedBy: null },
  // Per month, a cut month is a group of its own: read from the rows, the others from the rollup.
  { name: 'per month, a range that cuts its first and last month', query: { measures: MEASURES, timeDimensions: range('2024-08-17', '2025-05-09', 'month'), filters: [asOf(NOW)] }, servedBy: TOTAL },
  { name: 'per month by account size, upsells only, a range that cuts its first month', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], timeDimensions: range('2024-11-20', '2025-06-30', 'month'), filters: [upsells] }, servedBy: 'uprate_rollup_offers_moments_by_type_size' },
  // By week: the rollups of each week's own moments (moments: 'perPeriod').
  { name: 'per week over whole weeks (Monday to Sunday)', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2024-07-01', '2025-06-29', 'week') }, servedBy: WEEKLY },
  { name: 'per week, a range that cuts its first and last week, with revenue and pending read apart', query: { measures: MEASURES, timeDimensions: range('2024-07-03', '2025-06-25', 'week'), filters: [asOf(NOW)] }, servedBy: WEEKLY },
  { name: 'per week to after the data end (its last week whole)', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2025-03-03', '2025-07-31', 'week') }, servedBy: WEEKLY },
  { name: 'per week by account size, upsells only', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], timeDimensions: range('2025-01-01', '2025-06-30', 'week'), filters: [upsells] }, servedBy: WEEKLY_BY_TYPE_SIZE },
  { name: 'per week by region (summed over the other attributes)', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.region'], timeDimensions: range('2024-12-30', '2025-06-29', 'week') }, servedBy: WEEKLY_BY_REGION },
  { name: 'per week, every offer type by channel', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2025-01-06', '2025-03-30', 'week') }, servedBy: 'uprate_rollup_offers_weekly_by_channel', onPostgres: null, onClickHouse: null },
  { name: 'per week, upsells in one channel', query: { measures: MEASURES, timeDimensions: range('2024-10-07', '2025-06-29', 'week'), filters: [asOf(NOW), upsells, { member: 'Offers.channel', operator: 'equals', values: ['email'] }] }, servedBy: 'uprate_rollup_offers_weekly_by_type_channel', onPostgres: null, onClickHouse: null },
  // Under a filter on an offer's name or campaign: each week's own moments by either, with and without the offer type.
  { name: 'per week, upsells of one offer', query: { measures: MEASURES, timeDimensions: range('2024-10-07', '2025-06-29', 'week'), filters: [asOf(NOW), upsells, { member: 'Offers.offerName', operator: 'equals', values: ['Extra seats'] }] }, servedBy: 'uprate_rollup_offers_weekly_by_type_offer', onPostgres: null, onClickHouse: null },
  { name: 'per week, one offer of every type', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2025-01-06', '2025-03-30', 'week'), filters: [{ member: 'Offers.offerName', operator: 'equals', values: ['Priority support'] }] }, servedBy: 'uprate_rollup_offers_weekly_by_offer', onPostgres: null, onClickHouse: null },
  { name: 'per week by campaign', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.campaign'], timeDimensions: range('2025-01-06', '2025-03-30', 'week') }, servedBy: 'uprate_rollup_offers_weekly_by_campaign', onPostgres: null, onClickHouse: null },
  { name: 'per week, upsells in one campaign', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2025-01-06', '2025-06-29', 'week'), filters: [upsells, { member: 'Offers.campaign', operator: 'equals', values: ['spring-expansion-2025'] }] }, servedBy: 'uprate_rollup_offers_weekly_by_type_campaign', onPostgres: null, onClickHouse: null },
  { name: 'per week by channel, summed over the attributes (no weekly rollup keeps both)', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: range('2025-01-06', '2025-03-30', 'week'), filters: [{ member: 'Customers.region', operator: 'equals', values: ['europe'] }] }, servedBy: null },
  { name: 'per week summed over offer types it does not fix', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2025-01-06', '2025-03-30', 'week'), filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell', 'cross_sell'] }] }, servedBy: null },
  { name: 'not by week (a week\'s own moments do not add up over weeks): the months\' pairs', query: { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: range('2025-01-01', '2025-03-31') }, servedBy: TOTAL },
  { name: 'a clock before the data ends (an as-of in the past)', query: { measures: MEASURES, timeDimensions: range('2024-07-01', '2025-03-31'), filters: [asOf(new Date('2025-04-10T00:00:00Z'))] }, servedBy: null, now: new Date('2025-04-10T00:00:00Z') },
];

const TABLES = /uprate_rollup_offers_(?:per|moments|weekly)_\w+/;
/** The model's rollups of moments: the total and each customer attribute, with and without the offer type (and by week). */
const BY_ATTRIBUTE = ['Total', 'BySize', 'ByStage', 'ByEngagement', 'ByIndustry', 'ByRegion', 'ByPlan', 'ByType', 'ByTypeSize', 'ByTypeStage', 'ByTypeEngagement', 'ByTypeIndustry', 'ByTypeRegion', 'ByTypePlan'];
/** Under a filter on one customer attribute: by four attributes at once, and each offer dimension by two. */
const UNDER_A_FILTER = [
  ...['', 'Type'].flatMap((t) => ['A', 'B', 'C'].map((x) => `By${t}Attributes${x}`)),
  ...['', 'Type'].flatMap((t) => ['Channel', 'Offer', 'Campaign'].flatMap((d) => ['SizeStage', 'TierIndustry', 'RegionPlan'].map((p) => `By${t}${d}${p}`))),
];
/** Under a filter on the channel: families of their own, none with a customer's attribute. */
const UNDER_A_CHANNEL = ['momentsByTypeChannelOffer', 'momentsByTypeChannelCampaign', 'weeklyByChannel', 'weeklyByTypeChannel'];
/** Under a filter on an offer's name or campaign, and two offer dimensions over every offer type: families of their own, as under a channel. */
const UNDER_AN_OFFER = ['momentsByChannelOffer', 'momentsByChannelCampaign', 'momentsByOfferCampaign', 'momentsByTypeOfferCampaign', 'weeklyByOffer', 'weeklyByTypeOffer', 'weeklyByCampaign', 'weeklyByTypeCampaign'];
const MOMENTS = [
  ...[...BY_ATTRIBUTE, 'ByChannel', 'ByOffer', 'ByCampaign', 'ByTypeChannel', 'ByTypeOffer', 'ByTypeCampaign', ...UNDER_A_FILTER, 'BySizeRegion'].map((n) => `Offers.moments${n}`),
  ...BY_ATTRIBUTE.map((n) => `Offers.weekly${n}`),
  ...[...UNDER_A_CHANNEL, ...UNDER_AN_OFFER].map((n) => `Offers.${n}`),
];
/**
 * On the servers (ClickHouse refreshes each member as a generation of its own, a few requests per
 * shard; PostgreSQL groups the parts once per set) the suite keeps three of the members under a
 * filter — by four attributes in the total's family and in the offer type's, by two in the
 * channel's (which then reads the customers) — the shapes the others repeat, and leaves the rest
 * out of its model; DuckDB checks them all (the statements are the same but for the engine's grouping).
 */
const LEFT_OUT_ON_SERVERS = [
  ...UNDER_A_FILTER.filter((n) => !['ByAttributesA', 'ByTypeAttributesB', 'ByChannelRegionPlan'].includes(n)).map((n) => `moments${n}`),
  // Of each week's own moments, the total and the offer type with the attributes the reads ask for (the others repeat their shape).
  ...BY_ATTRIBUTE.filter((n) => !['Total', 'BySize', 'ByRegion', 'ByType', 'ByTypeSize'].includes(n)).map((n) => `weekly${n}`),
  // The families under a filter on the channel, an offer or a campaign are the statements of the others with one more offer dimension.
  ...UNDER_A_CHANNEL,
  ...UNDER_AN_OFFER,
];
const SERVER_MOMENTS = MOMENTS.filter((n) => !LEFT_OUT_ON_SERVERS.includes(n.replace('Offers.', '')));
let serverModel: Model;

/**
 * Of `names`, the rollups of moments whose family (the same dimensions of the offer, grain and kind)
 * holds a member by a customer's attributes: a load of customers touches those, and no other.
 */
function familiesWithAttributes(m: Model, names: readonly string[]): string[] {
  const rollups = modelRollups(m).filter((r) => names.includes(r.path));
  const family = (r: (typeof rollups)[number]) => JSON.stringify([r.dimensions.filter((d) => !d.startsWith('Customers.')).sort(), r.granularity, r.moments, r.perPeriod]);
  const reading = new Set(rollups.filter((r) => r.dimensions.some((d) => d.startsWith('Customers.'))).map(family));
  return rollups.filter((r) => reading.has(family(r))).map((r) => r.path);
}
/** The model a store's suite built, and its rollups of moments. */
const suiteOf = (store: Store) => (store.engine === 'duckdb' ? { model, names: MOMENTS } : { model: serverModel, names: SERVER_MOMENTS });

/** The rollups of moments: each fresh. */
async function everyMomentsFresh(store: Store, label: string): Promise<void> {
  const { model, names } = suiteOf(store);
  const states = (await rollupStatus(store, model)).filter((s) => names.includes(s.name));
  assert.equal(states.length, names.length, label);
  assert.deepEqual(states.filter((s) => s.state !== 'fresh').map((s) => `${s.name}: ${s.state} (${s.why})`), [], label);
}

/**
 * An answer with each decimal (a sum of amounts, never a count) to 12 significant digits: a
 * ClickHouse cluster adds the shards' partial sums in whatever order they arrive, so two reads of
 * the same rows may differ in the last bits (1239017 from one read, 1239016.9999999998 from
 * another). Counts are whole numbers far below 10¹², so they stay exact; moments are numbers, compared as they are.
 */
const roundedSums = (answer: unknown): unknown =>
  JSON.parse(JSON.stringify(answer), (_, v: unknown) => (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v) ? Number(v).toPrecision(12) : v));

/**
 * Every read equals the rows' answer; and is served by the rollup the read names. On ClickHouse
 * a rollup's table is a generation (`…_<number>`), and the row per customer is not built (its
 * reads read the rows).
 */
async function everyReadExact(store: Store, label: string): Promise<void> {
  const clickhouse = store.engine === 'clickhouse';
  const { model } = suiteOf(store);
  for (const r of READS) {
    const now = r.now ?? NOW;
    const rows = await answerClustered(store, model, r.query, { ...REQUEST, clustersFirst: 'never' }, { now, access: allAccess('local'), useRollups: false });
    const watched = await watching(store, TABLES, () => answerClustered(store, model, r.query, REQUEST, { now, access: allAccess('local') }));
    const { value } = watched;
    const read = clickhouse ? watched.read.map((t) => t.replace(/_\d+$/, '')) : watched.read;
    const servedBy = clickhouse ? (r.onClickHouse !== undefined ? r.onClickHouse : r.servedBy === PER_CUSTOMER ? null : r.servedBy) : store.engine === 'postgres' && r.onPostgres !== undefined ? r.onPostgres : r.servedBy;
    assert.deepEqual(roundedSums(value), roundedSums(rows), `${label}: ${r.name}`);
    if (servedBy) assert.equal(read[0], servedBy, `${label}: ${r.name} is read from ${servedBy} (read: ${read.join(', ')})`);
    else assert.ok(!read.some((t) => t.startsWith('uprate_rollup_offers_')), `${label}: ${r.name} reads the rows (read: ${read.join(', ')})`);
  }
  // Several reads at once: each from the rollup that answers it, the others from one pass over the rows.
  const queries = READS.filter((r) => !r.now).map((r) => r.query);
  const together = await answerClusteredSets(store, model, queries, REQUEST, { now: NOW, access: allAccess('local') });
  const alone = await answerClusteredSets(store, model, queries, { ...REQUEST, clustersFirst: 'never' }, { now: NOW, access: allAccess('local'), useRollups: false });
  assert.deepEqual(roundedSums(together), roundedSums(alone), `${label}: several reads at once`);
  // The dashboard under a filter on one customer attribute, upsells only: the total, the other
  // attributes and the channel, asked together, as each asked alone of the rows.
  const filters = [asOf(NOW), upsells, { member: 'Customers.accountSize', operator: 'equals' as const, values: ['enterprise', 'smb'] }];
  const filtered = [[], ['Customers.lifecycleStage'], ['Customers.region'], ['Offers.channel'], ['Customers.industry', 'Customers.plan']].map(
    (dimensions): CubeQuery => ({ measures: MEASURES, dimensions, timeDimensions: range('2024-10-01', '2025-06-30'), filters }),
  );
  const oneByOne: unknown[] = [];
  for (const q of filtered) oneByOne.push(await answerClustered(store, model, q, { ...REQUEST, clustersFirst: 'never' }, { now: NOW, access: allAccess('local'), useRollups: false }));
  const atOnce = await answerClusteredSets(store, model, filtered, REQUEST, { now: NOW, access: allAccess('local') });
  assert.deepEqual(roundedSums(atOnce), roundedSums(oneByOne), `${label}: several reads at once under a filter on a customer attribute`);
  assert.ok(atOnce.every((rows) => rows.length > 0) && (atOnce[4]?.length ?? 0) > 4, `${label}: every read has groups`);
}

type Change = (cells: string[], header: string[], i: number) => void;

/** A CSV file's lines that `keep` keeps (with the header), every `every`-th of them changed by `change` (its index among those changed), written to `name` in the test's folder. */
function changedLines(from: string, name: string, every: number, change: Change, keepOf: (rows: readonly string[], header: readonly string[]) => (line: string) => boolean = () => () => true): string {
  const lines = readFileSync(from, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const rows = lines.slice(1);
  const kept = rows
    .filter(keepOf(rows, header))
    .filter((_, i) => i % every === 0)
    .map((line, i) => {
      const cells = line.split(',');
      change(cells, header, i);
      return cells.join(',');
    });
  const file = join(dir, name);
  writeFileSync(file, `${[lines[0], ...kept].join('\n')}\n`);
  return file;
}

/** The customers file with every `every`-th customer changed by `change`, written to `name` in the test's folder. */
const changedCustomers = (name: string, every: number, change: Change): string => changedLines(files.customers, name, every, change);

/**
 * The offers file's lines of a fifth of the customers (every fifth in the order they first appear),
 * every `every`-th of them changed by `change` (its index among those changed), written to `name`
 * in the test's folder. Those customers hold about a fifth of the rows, so a load of them replaces
 * their moments; past half the rows a load refills the rollups whole, and the replacing would go untested.
 */
function changedOfAFifth(name: string, every: number, change: Change): string {
  const ofAFifth = (rows: readonly string[], header: readonly string[]) => {
    const customer = header.indexOf('customer_id');
    const order = new Map<string, number>();
    for (const row of rows) {
      const c = row.split(',')[customer] ?? '';
      if (!order.has(c)) order.set(c, order.size);
    }
    return (line: string) => (order.get(line.split(',')[customer] ?? '') ?? 1) % 5 === 0;
  };
  return changedLines(files.offers, name, every, change, ofAFifth);
}

/** The offers file with every `every`-th offer changed, or moved `days`, written to `name` in the test's folder. */
const changed = (name: string, every: number, change: (cells: string[], header: string[]) => void) => changedOffers(files.offers, join(dir, name), every, change);
const shifted = (name: string, every: number, days: number) => shiftedOffers(files.offers, join(dir, name), every, days);

for (const engine of ['duckdb', 'postgres'] as const) {
  const skip = engine === 'postgres' ? skipUnlessReady(pgSlot) : false;
  describe(`${engine}: rollups of moments answer clustered reads exactly`, { skip }, () => {
    let store: Store;
    before(async () => {
      store = engine === 'duckdb' ? await openStore({ db: join(dir, 'moments.duckdb') }) : await openStore({ db: ':memory:', url: pgSlot.ready?.where ?? '', engine: 'postgres' });
      await ingestFiles(store, { table: 'customers', files: [files.customers] });
      await ingestFiles(store, { table: 'offers', files: [files.offers] });
      // The rollups by customer and of moments only: the clustered reads here read no other, and
      // each load below maintains only the rollups built (the plain ones made every load slower).
      const { model: suiteModel } = suiteOf(store);
      await buildRollups(store, suiteModel, modelRollups(suiteModel).filter((r) => r.clusteredBy).map((r) => r.path));
    });
    after(async () => {
      await store.close();
    });

    const freshMoments = (label: string) => everyMomentsFresh(store, label);

    test('built and fresh, far smaller than a row per customer, then every read equals the rows', async () => {
      await freshMoments('built');
      const [row] = await store.query(`SELECT (SELECT count(*) FROM ${TOTAL}) AS total, (SELECT count(*) FROM ${PER_CUSTOMER}) AS customers, (SELECT count(DISTINCT date_trunc('month', offered_at)) FROM offers) AS months`);
      const counts = { total: Number(row?.['total']), customers: Number(row?.['customers']), months: Number(row?.['months']) };
      const months = counts.months;
      // One row per pair of months (a ≥ b) plus one per month for customers starting then: at most m(m+1)/2 + m.
      assert.ok(counts.total <= (months * (months + 1)) / 2 + months, JSON.stringify(counts));
      assert.ok(counts.total < counts.customers / 2, JSON.stringify(counts));
      await everyReadExact(store, 'built');
    });

    /** Plans a load into `table` and throws the transaction away: the refresh each rollup of moments would get. */
    async function planned(load: Pick<LoadedTable, 'table' | 'rowsSql' | 'key'>): Promise<string[]> {
      const done = new Error('planned');
      let kinds: string[] = [];
      await inTransaction(store, async (exec) => {
        const plan = await planRefresh(exec, engine, [{ replace: false, rows: 5, ...load }]);
        kinds = plan.rollups.filter((r) => r.stored.layout?.moments).map((r) => `${r.stored.name}: ${r.refresh.kind}`);
        throw done;
      }).catch((e: unknown) => {
        if (e !== done) throw e;
      });
      return kinds;
    }

    test("a load replaces the moments of the customers it touches; one reaching a month before the rollup's first refills it whole", async () => {
      const offers = (select: string) => ({ table: 'offers', key: 'offer_id', rowsSql: `SELECT ${select} FROM offers ORDER BY offer_id LIMIT 5` });
      const columns = 'customer_id, offered_at, offer_type, offer_name, channel, campaign, accepted_at, declined_at, revenue';
      const { names } = suiteOf(store);
      const each = (kind: string) => names.map((n) => `${n}: ${kind}`).sort();
      assert.deepEqual((await planned(offers(`'new-' || offer_id AS offer_id, ${columns}`))).sort(), each('clusters'));
      assert.deepEqual((await planned(offers(`offer_id, ${columns.replace('offered_at', "offered_at + INTERVAL '3 years' AS offered_at")}`))).sort(), each('clusters'));
      assert.deepEqual((await planned(offers(`offer_id, ${columns.replace('offered_at', "offered_at - INTERVAL '3 years' AS offered_at")}`))).sort(), each('all'));
      // A new offer for every customer: their rows are all the rows, read once whole rather than before and after the write.
      const everyCustomer = `SELECT 'new-' || offer_id AS offer_id, ${columns} FROM offers WHERE offer_id IN (SELECT min(offer_id) FROM offers GROUP BY customer_id)`;
      assert.deepEqual((await planned({ table: 'offers', key: 'offer_id', rowsSql: everyCustomer })).sort(), each('all'));
      // Only the families holding customer attributes read customers (the total and by offer type too: they read their family's statement).
      // Only the families holding a member by customer attributes, the others not at all (with the whole
      // model that is every family but those under a filter on the channel, an offer or a campaign: the
      // offer dimensions' hold those under a filter on an attribute; on the servers' the offer's and campaign's hold none).
      const touched = familiesWithAttributes(suiteOf(store).model, names);
      if (engine === 'duckdb') assert.deepEqual(touched.sort(), names.filter((n) => ![...UNDER_A_CHANNEL, ...UNDER_AN_OFFER].includes(n.replace('Offers.', ''))).sort());
      else assert.ok(touched.includes('Offers.momentsByChannel') && !touched.includes('Offers.momentsByOffer'), touched.join(', '));
      assert.deepEqual((await planned({ table: 'customers', key: 'customer_id', rowsSql: 'SELECT * FROM customers LIMIT 5' })).sort(), names.map((n) => `${n}: ${touched.includes(n) ? 'clusters' : 'none'}`).sort());
    });

    /** A rollup table's rows as sorted text (the order of rows is no part of a table). */
    const tableRows = async (table: string) => (await store.query(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(Object.entries(r).sort(), (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).sort();

    test('a family built together (one pass over the rows, grouped by each member’s dimensions) equals each member built alone from the rows', async () => {
      const family = ['Offers.momentsTotal', 'Offers.momentsBySizeRegion', 'Offers.momentsByStage'];
      const tables = [TOTAL, BY_SIZE_REGION, BY_STAGE];
      await buildRollups(store, suiteOf(store).model, family);
      const together = await Promise.all(tables.map(tableRows));
      for (const name of family) await buildRollups(store, suiteOf(store).model, [name]);
      const alone = await Promise.all(tables.map(tableRows));
      tables.forEach((t, i) => {
        assert.ok((together[i]?.length ?? 0) > 0, t);
        assert.deepEqual(together[i], alone[i], t);
      });
      await freshMoments('rebuilt');
    });

    /** Loads the file, each rollup of moments refreshed as `how` says (its customers' moments replaced, or refilled whole); then each is fresh and every read exact. */
    async function loadedExact(file: string, label: string, how: 'clusters' | 'all'): Promise<void> {
      const seen = new Map<string, string>();
      const watch = (m: unknown) => {
        const { rollup, how: way } = m as { rollup: string; how: string };
        seen.set(rollup, way);
      };
      rollupRefreshed.subscribe(watch);
      try {
        await ingestFiles(store, { table: 'offers', files: [file] });
      } finally {
        rollupRefreshed.unsubscribe(watch);
      }
      const { names } = suiteOf(store);
      assert.deepEqual(names.filter((n) => seen.get(n) !== how).map((n) => `${n}: ${seen.get(n) ?? 'not refreshed'}`), [], `${label}: every rollup of moments refreshed by ${how}`);
      await freshMoments(label);
      await everyReadExact(store, label);
    }

    test('a load of new offers (of a fifth of the customers) replaces their moments: fresh and exact', async () => {
      const added = changedOfAFifth('new-offers.csv', 2, (cells, header) => {
        const id = header.indexOf('offer_id');
        cells[id] = `new-${cells[id] ?? ''}`;
      });
      await loadedExact(added, 'after new offers', 'clusters');
    });

    test('a load that moves offers 3 days later (across months, some past the last), then one giving offers another channel and customer: the customers they leave and reach replaced, fresh and exact', async () => {
      const nudged = changedOfAFifth('nudged-offers.csv', 3, (cells, header) => {
        for (const column of ['offered_at', 'accepted_at', 'declined_at']) cells[header.indexOf(column)] = shiftDays(cells[header.indexOf(column)] ?? '', 3);
      });
      await loadedExact(nudged, 'after offers moved 3 days later', 'clusters');
      const channels = ['email', 'in_app', 'sales', 'checkout'];
      const customers = [...new Set(readFileSync(files.offers, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(',')[1] ?? ''))];
      let n = 0;
      // Each given to another customer, most of them outside the fifth (the customers they reach hold their moments too).
      const rekeyed = changedOfAFifth('rekeyed-offers.csv', 8, (cells, header) => {
        const channel = header.indexOf('channel');
        const customer = header.indexOf('customer_id');
        n += 1;
        cells[channel] = channels[(channels.indexOf(cells[channel] ?? '') + 1) % channels.length] ?? 'email';
        cells[customer] = customers[(customers.indexOf(cells[customer] ?? '') + n) % customers.length] ?? '';
      });
      await loadedExact(rekeyed, 'after offers given another channel and customer', 'clusters');
    });

    test('a load that changes offers of two months in the middle (moved 20 days, given another customer): those months\' moments read again, fresh and exact', async () => {
      // Customers with offers in later months too: a change in a month moves the products of its
      // pairs with every later month, and where the next month resumes.
      const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
      const header = (lines[0] ?? '').split(',');
      const [at, customer] = [header.indexOf('offered_at'), header.indexOf('customer_id')];
      const monthOf = (line: string) => (line.split(',')[at] ?? '').slice(0, 7);
      const months = [...new Set(lines.slice(1).map(monthOf))].filter((m) => m !== '').sort();
      const [a, b] = [months[Math.floor(months.length / 3)] ?? '', months[Math.floor(months.length / 2)] ?? ''];
      const customers = [...new Set(lines.slice(1).map((line) => line.split(',')[customer] ?? ''))];
      let n = 0;
      // Of a fifth of the customers (all of them hold more than half the rows: the rollups would be refilled whole).
      const fifth = new Set(customers.filter((_, i) => i % 5 === 0));
      const rows = lines
        .slice(1)
        .filter((line) => monthOf(line) === a || monthOf(line) === b)
        .filter((line) => fifth.has(line.split(',')[customer] ?? ''))
        .filter((_, i) => i % 2 === 0)
        .map((line) => {
          const cells = line.split(',');
          if (monthOf(line) === a) {
            for (const column of ['offered_at', 'accepted_at', 'declined_at']) {
              const i = header.indexOf(column);
              cells[i] = shiftDays(cells[i] ?? '', 20);
            }
          } else {
            n += 1;
            cells[customer] = customers[(customers.indexOf(cells[customer] ?? '') + n) % customers.length] ?? '';
          }
          return cells.join(',');
        });
      assert.ok(rows.length > 50, `${rows.length} offers changed in ${a} and ${b}`);
      const file = join(dir, 'middle-months.csv');
      writeFileSync(file, `${[lines[0], ...rows].join('\n')}\n`);
      await loadedExact(file, `after offers of ${a} and ${b} changed`, 'clusters');
    });

    test("a load of ten days' offers (some moved a day, some new, some given another customer): each week's own moments read again from those weeks' rows only, fresh and exact", async () => {
      const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
      const header = (lines[0] ?? '').split(',');
      const [at, id, customer] = [header.indexOf('offered_at'), header.indexOf('offer_id'), header.indexOf('customer_id')];
      const customers = [...new Set(lines.slice(1).map((line) => line.split(',')[customer] ?? ''))];
      const rows = lines
        .slice(1)
        .filter((line) => (line.split(',')[at] ?? '') >= '2025-03-05' && (line.split(',')[at] ?? '') < '2025-03-15')
        .filter((_, i) => i % 2 === 0)
        .map((line, i) => {
          const cells = line.split(',');
          if (i % 3 === 0) for (const column of ['offered_at', 'accepted_at', 'declined_at']) cells[header.indexOf(column)] = shiftDays(cells[header.indexOf(column)] ?? '', 1);
          else if (i % 3 === 1) cells[id] = `new-${cells[id] ?? ''}`;
          else cells[customer] = customers[(customers.indexOf(cells[customer] ?? '') + i) % customers.length] ?? '';
          return cells.join(',');
        });
      assert.ok(rows.length > 50, `${rows.length} offers changed`);
      const file = join(dir, 'ten-days.csv');
      writeFileSync(file, `${[lines[0], ...rows].join('\n')}\n`);
      await loadedExact(file, "after ten days' offers changed", 'clusters');
    });

    test('a load that moves offers 40 days earlier (some before the first month) refills them whole: fresh and exact', async () => {
      await loadedExact(shifted('moved-offers.csv', 5, -40), 'after moved offers', 'all');
    });

    test('a load of customers with other attributes refills them: fresh and exact', async () => {
      const sizes = ['smb', 'mid_market', 'enterprise'];
      const file = changedCustomers('changed-customers.csv', 3, (cells, header, i) => {
        const [size, region] = [header.indexOf('account_size'), header.indexOf('region')];
        cells[size] = i % 7 === 0 ? '' : (sizes[(sizes.indexOf(cells[size] ?? '') + 1) % sizes.length] ?? 'smb');
        cells[region] = i % 2 === 0 ? 'emea' : (cells[region] ?? '');
      });
      await ingestFiles(store, { table: 'customers', files: [file] });
      await freshMoments('after a load of customers');
      await everyReadExact(store, 'after a load of customers');
    });
  });
}

/** A table's rows as sorted text, numbers as numbers (ClickHouse answers 64-bit integers as text, DuckDB as BigInt). */
const sortedRows = async (store: Store, table: string): Promise<string[]> =>
  (await store.query(`SELECT * FROM ${table}`))
    .map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+$/.test(v)) ? Number(v) : v]).sort()))
    .sort();

/**
 * ClickHouse 18.16 has no window functions: its rollups of moments are formed from each customer's
 * months as arrays (engines/clickhouse/clickhouse-moments.ts). Each table must hold exactly what
 * DuckDB's window-function statement fills on the same rows, every read must equal the rows' answer
 * there too, and after loads (each rebuilds them as a new generation) they stay fresh and exact.
 */
describe('clickhouse: rollups of moments answer clustered reads exactly', { skip: skipUnlessReady(chSlot) }, () => {
  let store: Store;
  let reference: Store;
  let refused = 0;
  /** Each family's table, the number of parts of each part it was filled with, in order. */
  const familyParts = new Map<string, number[]>();
  const filteredFirst: boolean[] = [];
  before(async () => {
    // A family's moments formed a share of the customers at a time (as at 10 M offers): three parts of ~14,000 offers.
    process.env['UPRATE_CLICKHOUSE_MOMENTS_PART_ROWS'] = '14000';
    // Loads replace the moments of the customers they touch even in a table this small.
    process.env['UPRATE_CLICKHOUSE_TOUCHED_MIN_ROWS'] = '0';
    store = await openStore({ db: ':memory:', url: chSlot.ready?.where ?? '', engine: 'clickhouse' });
    reference = await openStore({ db: join(dir, 'reference.duckdb') });
    for (const s of [store, reference]) {
      await ingestFiles(s, { table: 'customers', files: [files.customers] });
      await ingestFiles(s, { table: 'offers', files: [files.offers] });
    }
    // The first family's second part refused as the server refuses a query past its memory limit
    // (MEMORY_LIMIT_EXCEEDED, 241: at 10 M offers a family by offer dimensions did not fit in a
    // fifth of its customers): the family is formed again in four times as many parts.
    const target = store as unknown as { fillFrom(table: string, select: string, params: readonly SqlValue[]): Promise<void> };
    const fill = target.fillFrom.bind(store);
    target.fillFrom = async (table, select, params) => {
      const part = /cityHash64\([^)]*\) % (\d+) = (\d+)/.exec(select);
      if (table.includes('moments_family') && part) {
        familyParts.set(table, [...(familyParts.get(table) ?? []), Number(part[1])]);
        // The part is taken as the copy of the offers is read, before the statement groups them.
        filteredFirst.push(new RegExp(`\\(SELECT \\* FROM \`[^\`]+\`\\.offers WHERE cityHash64\\(\`customer_id\`\\) % ${part[1]} = ${part[2]}\\) AS "offers"`).test(select));
      }
      if (table.includes('moments_family') && part?.[2] === '1' && refused === 0) {
        refused++;
        throw new UprateError('DB_ERROR', `ClickHouse (filling ${table}): Memory limit (for query) exceeded: would use 3.73 GiB, maximum: 3.73 GiB`, { location: 'clickhouse', details: { engine: 'clickhouse', clickhouseCode: 241, sql: select } });
      }
      return fill(table, select, params);
    };
    await buildRollups(store, serverModel);
  });
  after(async () => {
    delete process.env['UPRATE_CLICKHOUSE_MOMENTS_PART_ROWS'];
    delete process.env['UPRATE_CLICKHOUSE_TOUCHED_MIN_ROWS'];
    await store?.close();
    await reference?.close();
  });

  const freshMoments = (label: string) => everyMomentsFresh(store, label);

  test("every rollup of moments holds DuckDB's rows for the same data (a family from one pass), and every read equals the rows", async () => {
    // The refused family formed again in 12 parts where 3 were planned; the others in 3 (families are formed a few at once).
    assert.equal(refused, 1);
    const sequences = [...familyParts.values()].map((parts) => parts.join(' '));
    assert.deepEqual(sequences.filter((p) => p !== '3 3 3'), [`3 3 ${Array(12).fill(12).join(' ')}`], sequences.join(' / '));
    assert.ok(sequences.length > 2, sequences.join(' / '));
    assert.ok(filteredFirst.length === [...familyParts.values()].flat().length && filteredFirst.every(Boolean), 'every part read from the rows of its customers only');
    await freshMoments('built');
    await sameAsDuckDb('built');
    await everyReadExact(store, 'built');
  });

  /** Every rollup of moments holds what DuckDB's statement fills from the same rows, built afresh there. */
  const sameAsDuckDb = async (label: string) => {
    await buildRollups(reference, serverModel, SERVER_MOMENTS);
    const [states, theirs] = [await rollupStatus(store, serverModel), await rollupStatus(reference, serverModel)];
    for (const name of SERVER_MOMENTS) {
      const [mine, table] = [states.find((s) => s.name === name)?.stored?.table ?? '', theirs.find((s) => s.name === name)?.stored?.table ?? ''];
      assert.match(mine, /_\d+$/, `${label}: ${name} is a generation`);
      const [a, b] = [await sortedRows(store, mine), await sortedRows(reference, table)];
      assert.ok(b.length > 0, `${label}: ${name} has rows`);
      assert.deepEqual(a, b, `${label}: ${name}`);
    }
    // Built afresh at each comparison: kept, the reference's loads would maintain them for nothing (5–10 s a load).
    await dropRollups(reference, serverModel, SERVER_MOMENTS);
  };
  /**
   * The copy of the rows the last refresh listed holds, on every shard, exactly what that shard's
   * views show (each key's newest committed version) — whether it was taken from the views or from
   * the copy before it and the keys loaded since.
   */
  const copyIsTheRows = async (label: string) => {
    const ch = store as unknown as ClickHouseStore;
    const [listed] = await ch.query<{ database: string }>(`SELECT database FROM ${ch.shardDb}.rows_snapshots ORDER BY data_version DESC, taken_at DESC LIMIT 1`);
    assert.ok(listed, `${label}: a copy is listed`);
    const shardCopy = listed.database.replace(`${ch.database}_snapshot_`, `${ch.shardDb}_snapshot_`);
    for (const [table, key] of [['offers', 'offer_id'], ['customers', 'customer_id']] as const) {
      for (const [i, shard] of ch.shards.entries()) {
        const read = async (from: string) => JSON.stringify((await shard.select(`SELECT * FROM ${from}.${table} ORDER BY ${key}`)).data);
        const [copy, views] = [await read(`\`${shardCopy}\``), await read(ch.shardDb)];
        assert.ok(views.length > 2, `${label}: shard ${i} has ${table}`);
        assert.ok(copy === views, `${label}: shard ${i}'s copy of ${table} is not its rows`);
      }
    }
  };
  /** Loads a file into both stores, answering how each family of moments was refreshed on ClickHouse and whether the copy of the rows was taken from the previous one. */
  const loadBoth = async (table: 'offers' | 'customers', file: string, replace = false): Promise<Map<string, string>> => {
    const how = new Map<string, string>();
    const seen = (m: unknown) => {
      const { rollups, how: way, months } = m as { rollups: string[]; how: string; months: number[] | null };
      for (const r of rollups) how.set(r, months ? `${way} in months ${months.join(' ')}` : way);
    };
    const copied = (m: unknown) => how.set('copy', (m as { since: readonly string[] }).since.length > 0 ? 'since the previous copy' : 'whole');
    momentsRefreshed.subscribe(seen);
    rowsCopied.subscribe(copied);
    try {
      await ingestFiles(store, { table, files: [file], replace });
    } finally {
      momentsRefreshed.unsubscribe(seen);
      rowsCopied.unsubscribe(copied);
    }
    await ingestFiles(reference, { table, files: [file], replace });
    await copyIsTheRows(`after loading ${file}`);
    return how;
  };
  const everyFamily = (how: Map<string, string>, way: string, label: string) => assert.deepEqual(SERVER_MOMENTS.filter((n) => how.get(n)?.replace(/ in months .*$/, '') !== way), [], `${label}: every rollup of moments refreshed by ${way}`);

  test("loads of new offers, of moved and re-keyed offers and of customers: each replaces the moments of the customers it touches (one reaching before the first month rebuilds them whole) — fresh, exact and DuckDB's rows", async () => {
    // New offers in two months, a few hundred customers of ~4,000 (a load touching more than half
    // the rows rebuilds them whole): the monthly families form only the entries those months move
    // (pairs with one of them, resumptions across them), the weekly ones every week of the customers.
    const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
    const header = (lines[0] ?? '').split(',');
    const [id, at] = [header.indexOf('offer_id'), header.indexOf('offered_at')];
    const [middle, last] = ['2024-12', '2025-06'];
    const newOffers = lines.slice(1).filter((line) => [middle, last].includes((line.split(',')[at] ?? '').slice(0, 7))).filter((_, i) => i % 11 === 0);
    assert.ok(newOffers.length > 100, `${newOffers.length} new offers`);
    const added = join(dir, 'ch-new-offers.csv');
    writeFileSync(added, `${[lines[0], ...newOffers.map((line) => line.split(',').map((cell, i) => (i === id ? `new-${cell}` : cell)).join(','))].join('\n')}\n`);
    const addedHow = await loadBoth('offers', added);
    // Months are numbered from the data's first (2023-07: two years to 2025-06).
    const firstMonth = (await rollupStatus(store, serverModel)).find((s) => s.name === 'Offers.momentsTotal')?.stored?.layout?.periods[0] ?? '';
    const number = (month: string) => (Number(month.slice(0, 4)) - Number(firstMonth.slice(0, 4))) * 12 + Number(month.slice(5, 7)) - Number(firstMonth.slice(5, 7));
    const monthly = SERVER_MOMENTS.filter((n) => !n.includes('weekly'));
    assert.deepEqual(monthly.filter((n) => addedHow.get(n) !== `clusters in months ${number(middle)} ${number(last)}`), [], `new offers in ${middle} and ${last}: ${[...addedHow].join(', ')}`);
    assert.deepEqual(SERVER_MOMENTS.filter((n) => n.includes('weekly') && addedHow.get(n) !== 'clusters'), [], 'new offers: each weekly family by the customers it touched, every week of theirs');
    assert.equal(addedHow.get('copy'), 'since the previous copy');
    // Each table as DuckDB fills it from the same rows: every read equals the rows as it did when built.
    await freshMoments('after new offers');
    await sameAsDuckDb('after new offers');
    // Moved a few days (some into a month after the last), every other one given another customer (the customers they leave and reach).
    const [head = '', row = ''] = readFileSync(files.offers, 'utf8').split('\n');
    const someone = row.split(',')[head.split(',').indexOf('customer_id')] ?? '';
    let n = 0;
    const later = changed('ch-later-offers.csv', 89, (cells, header) => {
      for (const column of ['offered_at', 'accepted_at', 'declined_at']) cells[header.indexOf(column)] = shiftDays(cells[header.indexOf(column)] ?? '', 3);
      if (n++ % 2 === 0) cells[header.indexOf('customer_id')] = someone;
    });
    const laterHow = await loadBoth('offers', later);
    everyFamily(laterHow, 'clusters', 'offers moved 3 days later, some to another customer');
    assert.equal(laterHow.get('copy'), 'since the previous copy', 'offers given to a customer of another shard: a tombstone on the old one');
    await freshMoments('after offers moved later');
    await sameAsDuckDb('after offers moved later');
    everyFamily(await loadBoth('offers', shifted('ch-moved-offers.csv', 5, -40)), 'whole', 'offers moved before the first month');
    await freshMoments('after moved offers');
    await everyReadExact(store, 'after moved offers');
    const file = changedCustomers('ch-changed-customers.csv', 9, (cells, header) => {
      const size = header.indexOf('account_size');
      cells[size] = cells[size] === 'smb' ? 'enterprise' : 'smb';
    });
    const how = await loadBoth('customers', file);
    assert.equal(how.get('copy'), 'since the previous copy');
    // Those with a customer's attributes read the customers: the others are not refreshed at all.
    const touched = familiesWithAttributes(serverModel, SERVER_MOMENTS);
    assert.ok(touched.includes('Offers.momentsByChannel') && !touched.includes('Offers.momentsByOffer'), 'the channel’s family holds a member by customer attributes here, the offer’s none');
    assert.deepEqual(touched.filter((n) => how.get(n) !== 'clusters'), [], 'a load of customers: the families with members by their attributes by the customers it loads');
    await freshMoments('after a load of customers');
    await everyReadExact(store, 'after a load of customers');
    await sameAsDuckDb('after a load of customers');
    // A replacing load hides every earlier version of its table: the copy is taken from the views again.
    const replacedHow = await loadBoth('customers', file, true);
    assert.equal(replacedHow.get('copy'), 'whole');
    await everyReadExact(store, 'after a replacing load of customers');
  });
});

describe('clickhouse: reads use the copy of the rows a refresh left, only at its data version', { skip: skipUnlessReady(chSlot) }, () => {
  test('a read reads the copy while it holds the newest load, the views once another commit lands (or with UPRATE_ROLLUPS=off)', async () => {
    const { openClickHouseStore } = await import('../src/engines/clickhouse/index.js');
    const store = await openClickHouseStore(chSlot.ready?.where ?? '');
    try {
      const [listed] = await store.query<{ database: string; v: string }>(`SELECT database, toString(data_version) AS v FROM ${store.shardDb}.rows_snapshots ORDER BY data_version DESC, taken_at DESC LIMIT 1`);
      assert.ok(listed, 'the rollups suite above left a copy');
      assert.equal(Number(listed.v), await store.dataVersion());
      const count = async () => Number((await store.query<{ n: string }>('SELECT count() AS n FROM offers AS "offers"'))[0]?.n);
      const views = await withRollupsOff(count);
      assert.equal(await count(), views, 'the copy holds the committed rows');
      // Marked: one more row in the copy only, so a read of it shows.
      const [shard] = store.shards;
      const shardCopy = listed.database.replace(`${store.database}_snapshot_`, `${store.shardDb}_snapshot_`);
      await shard?.request(`INSERT INTO \`${shardCopy}\`.offers (offer_id, customer_id, offered_at, offer_type, offer_name) VALUES ('marked', 'c-1', toDateTime('2025-01-01 00:00:00', 'UTC'), 'upsell', 'x')`);
      assert.equal(await count(), views + 1, 'read from the copy');
      assert.equal(await withRollupsOff(count), views, 'UPRATE_ROLLUPS=off reads the views');
      // A commit no refresh followed: the copy is a load behind, never read.
      const marker = JSON.stringify({ load_id: Date.now() * 1000 + 998, table_name: 'offers', source: 'test: a commit without a refresh', rows_read: 0, rows_inserted: 0, rows_updated: 0, rows_rejected: 0, is_replace: 0, loaded_at: '2025-07-10 12:00:00' });
      for (const s of store.shards) await s.request(`INSERT INTO ${store.shardDb}.loads FORMAT JSONEachRow`, { body: marker });
      assert.equal(await count(), views, 'a copy behind the newest load is not read');
    } finally {
      await store.close();
    }
  });
});

async function withRollupsOff<T>(fn: () => Promise<T>): Promise<T> {
  process.env['UPRATE_ROLLUPS'] = 'off';
  try {
    return await fn();
  } finally {
    delete process.env['UPRATE_ROLLUPS'];
  }
}
