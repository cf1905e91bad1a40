/**
 * The questions every engine must answer alike (test/cross-engine.test.ts): Cube queries covering
 * every public measure and dimension of the shipped model, each filter operator, each
 * granularity, segments, joins (and the fan-out they cause), time zones, paging and
 * compareDateRange; then uprate's own endpoints. The demo data set ends 2025-06-30; the clock is
 * 2025-07-10 12:00 UTC, so the last weeks still hold pending offers.
 */
import type { CubeQuery } from '../src/query/index.js';

export const DEMO_END = new Date('2025-06-30T23:59:59Z');
export const NOW = new Date('2025-07-10T12:00:00Z');

export interface CubeCase {
  readonly name: string;
  readonly query: CubeQuery;
  /** The rows' order is part of the answer (a total order was asked for). */
  readonly ordered?: boolean;
  /** The reference answer may be empty (otherwise an empty answer fails: it would prove nothing). */
  readonly mayBeEmpty?: boolean;
}

const OFFER_MEASURES = [
  'Offers.count',
  'Offers.accepted',
  'Offers.pending',
  'Offers.conversionRate',
  'Offers.upsellConversionRate',
  'Offers.crossSellConversionRate',
  'Offers.customersOffered',
  'Offers.customersConverted',
  'Offers.customerConversionRate',
  'Offers.expansionRevenue',
  'Offers.revenuePerOffer',
  'Offers.avgDaysToAccept',
];
const RATE = ['Offers.count', 'Offers.accepted', 'Offers.conversionRate'];
const f = (member: string, operator: string, values?: readonly (string | number)[]) => ({ member, operator, ...(values ? { values: values.map(String) } : {}) }) as NonNullable<CubeQuery['filters']>[number];
const by = (dimension: string, measures = RATE, extra: Partial<CubeQuery> = {}): CubeQuery => ({ measures, dimensions: [dimension], order: [[dimension, 'asc']], ...extra });

export const CUBE_CASES: readonly CubeCase[] = [
  // Every measure, over everything and per month.
  { name: 'every Offers measure, overall', query: { measures: OFFER_MEASURES } },
  { name: 'every Offers measure by month', query: { measures: OFFER_MEASURES, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] }, ordered: true },
  { name: 'Customers.count', query: { measures: ['Customers.count'] } },
  // Every dimension.
  { name: 'by offer type', query: by('Offers.offerType', OFFER_MEASURES) },
  { name: 'by offer name', query: by('Offers.offerName', ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.avgDaysToAccept']), ordered: true },
  { name: 'by channel (NULL channel included)', query: by('Offers.channel', ['Offers.count', 'Offers.conversionRate', 'Offers.upsellConversionRate', 'Offers.crossSellConversionRate']), ordered: true },
  { name: 'by campaign', query: by('Offers.campaign', ['Offers.count', 'Offers.accepted', 'Offers.pending']), ordered: true },
  { name: 'by status', query: by('Offers.status', ['Offers.count', 'Offers.expansionRevenue']), ordered: true },
  { name: 'by account size (join)', query: by('Customers.accountSize', ['Offers.conversionRate', 'Offers.customerConversionRate', 'Offers.expansionRevenue', 'Offers.revenuePerOffer', 'Offers.avgDaysToAccept']), ordered: true },
  { name: 'by lifecycle stage and offer type', query: { measures: RATE, dimensions: ['Customers.lifecycleStage', 'Offers.offerType'], order: [['Customers.lifecycleStage', 'asc'], ['Offers.offerType', 'asc']] }, ordered: true },
  { name: 'by engagement tier', query: by('Customers.engagementTier', RATE), ordered: true },
  { name: 'by engagement score (number dimension, gte)', query: by('Customers.engagementScore', ['Offers.count'], { filters: [f('Customers.engagementScore', 'gte', [90])] }), ordered: true },
  { name: 'by industry', query: by('Customers.industry', ['Offers.upsellConversionRate', 'Offers.crossSellConversionRate', 'Offers.customersOffered']), ordered: true },
  { name: 'by region and plan', query: { measures: RATE, dimensions: ['Customers.region', 'Customers.plan'], order: [['Customers.region', 'asc'], ['Customers.plan', 'asc']] }, ordered: true },
  { name: 'by mrr (decimal dimension, gt)', query: by('Customers.mrr', ['Offers.count'], { filters: [f('Customers.mrr', 'gt', [9000])] }), ordered: true },
  { name: 'top customers by offers (customerId)', query: { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.customerId'], order: [['Offers.count', 'desc'], ['Offers.customerId', 'asc']], limit: 40 }, ordered: true },
  { name: 'Customers.customerId with Customers.count', query: { measures: ['Customers.count'], dimensions: ['Customers.customerId', 'Customers.accountSize'], order: [['Customers.customerId', 'asc']], limit: 60 }, ordered: true },
  {
    name: 'offer rows: offerId, offeredAt, acceptedAt, status (ungrouped, startsWith)',
    query: { dimensions: ['Offers.offerId', 'Offers.offeredAt', 'Offers.acceptedAt', 'Offers.status', 'Offers.customerId'], filters: [f('Offers.offerId', 'startsWith', ['o-000001'])], order: [['Offers.offerId', 'asc']], ungrouped: true },
    ordered: true,
  },
  // Every granularity.
  { name: 'granularity second (one day)', query: { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'second', dateRange: ['2025-03-03', '2025-03-03'] }] }, ordered: true },
  { name: 'granularity minute', query: { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'minute', dateRange: ['2025-03-03', '2025-03-04'] }] }, ordered: true },
  { name: 'granularity hour', query: { measures: RATE, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'hour', dateRange: ['2025-03-01', '2025-03-07'] }] }, ordered: true },
  { name: 'granularity day', query: { measures: RATE, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: ['2025-05-01', '2025-06-30'] }] }, ordered: true },
  { name: 'granularity week (Monday start)', query: { measures: [...RATE, 'Offers.pending'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'week' }] }, ordered: true },
  { name: 'granularity quarter by offer type', query: { measures: RATE, dimensions: ['Offers.offerType'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'quarter' }], order: [['Offers.offeredAt', 'asc'], ['Offers.offerType', 'asc']] }, ordered: true },
  { name: 'granularity year', query: { measures: OFFER_MEASURES, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'year' }] }, ordered: true },
  { name: 'acceptedAt by month (set)', query: { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.acceptedAt', granularity: 'month' }], filters: [f('Offers.acceptedAt', 'set')] }, ordered: true },
  { name: 'time zone America/New_York, days around a DST change', query: { measures: RATE, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: ['2025-03-07', '2025-03-12'] }], timezone: 'America/New_York' }, ordered: true },
  { name: 'time zone Asia/Kolkata by month', query: { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-06-30'] }], timezone: 'Asia/Kolkata' }, ordered: true },
  // Every filter operator.
  { name: 'equals / notEquals (notEquals keeps NULL)', query: by('Offers.channel', ['Offers.count'], { filters: [f('Offers.channel', 'notEquals', ['email']), f('Offers.offerType', 'equals', ['upsell'])] }), ordered: true },
  { name: 'contains (case-insensitive) / notContains', query: by('Offers.offerName', ['Offers.count'], { filters: [f('Offers.offerName', 'contains', ['ADD-ON']), f('Offers.offerName', 'notContains', ['AI'])] }), ordered: true },
  { name: 'contains treats _ literally (only in_app has one)', query: by('Offers.channel', ['Offers.count'], { filters: [f('Offers.channel', 'contains', ['_'])] }), ordered: true },
  { name: 'startsWith / notStartsWith', query: by('Offers.campaign', ['Offers.count'], { filters: [f('Offers.campaign', 'startsWith', ['spring', 'year']), f('Offers.campaign', 'notStartsWith', ['year-end-push-2023'])] }), ordered: true },
  { name: 'endsWith / notEndsWith', query: by('Offers.campaign', ['Offers.count'], { filters: [f('Offers.campaign', 'endsWith', ['2024']), f('Offers.campaign', 'notEndsWith', ['r-2024'])] }), ordered: true },
  { name: 'gt / lt on engagement score, lte on mrr', query: by('Customers.engagementTier', RATE, { filters: [f('Customers.engagementScore', 'gt', [20]), f('Customers.engagementScore', 'lt', [80]), f('Customers.mrr', 'lte', [3000])] }), ordered: true },
  { name: 'in / notIn', query: by('Offers.offerName', ['Offers.count'], { filters: [f('Offers.offerName', 'in', ['Premium tier', 'Extra seats', 'Enterprise SSO']), f('Offers.channel', 'notIn', ['sales'])] }), ordered: true },
  { name: 'set / notSet', query: { measures: ['Offers.count', 'Offers.accepted'], filters: [f('Offers.campaign', 'notSet'), f('Offers.channel', 'set')] } },
  { name: 'inDateRange / notInDateRange', query: { measures: RATE, filters: [f('Offers.offeredAt', 'inDateRange', ['2024-01-01', '2024-12-31']), f('Offers.offeredAt', 'notInDateRange', ['2024-07-01', '2024-07-31'])] } },
  { name: 'onTheDate', query: { measures: RATE, filters: [f('Offers.offeredAt', 'onTheDate', ['2025-02-14'])] } },
  { name: 'beforeDate / afterDate (dates)', query: { measures: RATE, filters: [f('Offers.offeredAt', 'afterDate', ['2024-06-30']), f('Offers.offeredAt', 'beforeDate', ['2024-10-01'])] } },
  { name: 'beforeOrOnDate / afterOrOnDate (date-times)', query: { measures: RATE, filters: [f('Offers.offeredAt', 'afterOrOnDate', ['2024-03-01T12:00:00']), f('Offers.offeredAt', 'beforeOrOnDate', ['2024-03-31T12:00:00'])] } },
  { name: 'measureFilter (accepted offers only)', query: by('Offers.offerType', ['Offers.count', 'Offers.expansionRevenue'], { filters: [f('Offers.accepted', 'measureFilter')] }), ordered: true },
  { name: 'filter on a measure (HAVING)', query: by('Offers.offerName', ['Offers.count', 'Offers.conversionRate'], { filters: [f('Offers.conversionRate', 'gt', [0.2]), f('Offers.count', 'gte', [100])] }), ordered: true },
  {
    name: 'nested and / or',
    query: by('Offers.channel', RATE, {
      filters: [{ or: [f('Offers.channel', 'equals', ['email']), { and: [f('Offers.channel', 'equals', ['sales']), f('Customers.accountSize', 'equals', ['enterprise'])] }] }],
    }),
    ordered: true,
  },
  // Segments.
  { name: 'segment upsells', query: { measures: OFFER_MEASURES, segments: ['Offers.upsells'] } },
  { name: 'segment crossSells by channel', query: by('Offers.channel', RATE, { segments: ['Offers.crossSells'] }), ordered: true },
  { name: 'segment enterprise (joined cube)', query: by('Offers.offerType', RATE, { segments: ['Customers.enterprise'] }), ordered: true },
  // Joins, including the fan-out of counting customers by an offer dimension.
  { name: 'Customers.count by Offers.channel (fan-out)', query: by('Offers.channel', ['Customers.count', 'Offers.count']), ordered: true },
  { name: 'Offers and Customers measures by account size', query: by('Customers.accountSize', ['Customers.count', 'Offers.count', 'Offers.customersOffered']), ordered: true },
  // Groups where no row passes a distinct count's filter (the few offers without a channel, month by month: most convert no customer) count 0, not NULL.
  { name: 'distinct converted customers by channel and month, groups without one', query: { measures: ['Offers.customersConverted', 'Offers.customerConversionRate', 'Offers.count'], dimensions: ['Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }], order: [['Offers.offeredAt', 'asc'], ['Offers.channel', 'asc']] }, ordered: true },
  // An equality on a joined cube's string member: ClickHouse reads the joined table through it (sql/query-scope.ts narrowingOf).
  { name: 'equals on joined members, by another (the join read through them)', query: by('Customers.lifecycleStage', [...RATE, 'Offers.pending', 'Offers.customersOffered'], { filters: [f('Customers.accountSize', 'equals', ['enterprise', 'mid_market']), f('Customers.region', 'equals', ['north_america', 'europe']), f('Offers.offerType', 'equals', ['upsell'])] }), ordered: true },
  { name: 'equals on a joined member with the fan-out of counting customers', query: by('Offers.channel', ['Customers.count', 'Offers.count', 'Offers.accepted'], { filters: [f('Customers.industry', 'equals', ['retail'])] }), ordered: true },
  { name: 'equals on a joined member beside notEquals and set on others', query: by('Customers.plan', RATE, { filters: [f('Customers.engagementTier', 'equals', ['high']), f('Customers.lifecycleStage', 'notEquals', ['at_risk']), f('Customers.industry', 'set')] }), ordered: true },
  // compareDateRange, relative ranges, paging.
  {
    name: 'compareDateRange: two quarters by account size',
    query: { measures: RATE, dimensions: ['Customers.accountSize'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-03-31'], ['2024-01-01', '2024-03-31']] }], order: [['Customers.accountSize', 'asc']] },
    ordered: true,
  },
  { name: 'relative range: last 30 days by day', query: { measures: [...RATE, 'Offers.pending'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: 'last 30 days' }] }, ordered: true },
  { name: 'total with limit and offset', query: { measures: ['Offers.count'], dimensions: ['Offers.offerName'], order: [['Offers.count', 'desc'], ['Offers.offerName', 'asc']], limit: 5, offset: 2, total: true }, ordered: true },
];

/** uprate's own endpoints (GET), answered by the server on each engine. */
export const API_CASES: readonly { readonly name: string; readonly path: string }[] = [
  { name: 'report, monthly', path: '/api/v1/report?grain=month' },
  { name: 'report by account size and engagement tier', path: '/api/v1/report?by=account_size,engagement_tier' },
  { name: 'report, weekly upsells in a range', path: '/api/v1/report?grain=week&from=2025-01-01&to=2025-03-31&offerType=upsell' },
  { name: 'kpi', path: '/api/v1/kpi' },
  { name: 'kpi in a range, exact interval', path: '/api/v1/kpi?from=2025-01-01&to=2025-03-31&method=exact' },
  { name: 'timeseries by month (p-chart)', path: '/api/v1/timeseries?grain=month' },
  { name: 'timeseries by week (Laney)', path: '/api/v1/timeseries?grain=week&chart=laney&from=2024-10-01&to=2025-03-31' },
  { name: 'breakdown by account size', path: '/api/v1/breakdown?by=Customers.accountSize' },
  { name: 'breakdown by industry and channel (BH)', path: '/api/v1/breakdown?by=Customers.industry,Offers.channel&correction=bh' },
  { name: 'leaderboard of offers', path: '/api/v1/leaderboard' },
  { name: 'leaderboard by channel', path: '/api/v1/leaderboard?by=Offers.channel' },
  {
    name: 'compare enterprise with smb',
    path: `/api/v1/compare?a=${encodeURIComponent(JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]))}&b=${encodeURIComponent(JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }]))}`,
  },
  { name: 'insights', path: '/api/v1/insights' },
  { name: 'sample size', path: '/api/v1/sample-size?baseline=0.15&mde=0.02' },
  { name: 'health counts', path: '/health' },
];
