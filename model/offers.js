// Offers: one row per upsell or cross-sell offer presented to an existing customer.
//
// The conversion window (default 30 days) comes from uprate.conversionWindowDays, set with
// COMPILE_CONTEXT.uprate.conversionWindowDays or the server's --window option. Time arithmetic
// and the clock go through uprate's portable macros (uprate.now, uprate.addDays,
// uprate.daysBetween), so this file runs unchanged on DuckDB, PostgreSQL and ClickHouse.
// uprate.now() is the query's clock: "pending" and "accepted" are judged as of that instant.

const windowDays = uprate.conversionWindowDays;
const windowEnd = uprate.addDays(`${CUBE}.offered_at`, windowDays);
const now = uprate.now();

// Row conditions (named is* so that they do not shadow the measures of the same name).
// Accepted within the conversion window, and by now.
const isAccepted = `${CUBE}.accepted_at IS NOT NULL AND ${CUBE}.accepted_at <= ${windowEnd} AND ${CUBE}.accepted_at <= ${now}`;
const isDeclined = `${CUBE}.declined_at IS NOT NULL AND ${CUBE}.declined_at <= ${now}`;
// Not accepted, not declined, and the window is still open: the rate can still rise.
const isPending = `NOT (${isAccepted}) AND NOT (${isDeclined}) AND ${windowEnd} > ${now}`;
const isUpsell = `${CUBE}.offer_type = 'upsell'`;
const isCrossSell = `${CUBE}.offer_type = 'cross_sell'`;

cube('Offers', {
  sql_table: 'offers',
  title: 'Offers',
  description: 'Upsell and cross-sell offers presented to existing customers.',

  joins: {
    Customers: {
      relationship: 'many_to_one',
      sql: `${CUBE}.customer_id = ${Customers}.customer_id`,
    },
  },

  measures: {
    count: {
      type: 'count',
      description: 'Offers presented.',
      drillMembers: [offerId, customerId, offerName, offeredAt, status],
    },
    accepted: {
      type: 'count',
      filters: [{ sql: isAccepted }],
      title: 'Accepted',
      description: `Offers accepted within ${windowDays} days of being made.`,
    },
    pending: {
      type: 'count',
      filters: [{ sql: isPending }],
      title: 'Pending',
      description: 'Offers neither accepted nor declined whose conversion window is still open.',
    },
    conversionRate: {
      type: 'number',
      sql: `${accepted} * 1.0 / NULLIF(${count}, 0)`,
      format: 'percent',
      title: 'Conversion Rate',
      description: 'Accepted offers / offers (a ratio of sums; null when there are no offers).',
    },
    upsellOffers: { type: 'count', filters: [{ sql: isUpsell }], public: false },
    upsellsAccepted: { type: 'count', filters: [{ sql: isUpsell }, { sql: isAccepted }], public: false },
    upsellConversionRate: {
      type: 'number',
      sql: `${upsellsAccepted} * 1.0 / NULLIF(${upsellOffers}, 0)`,
      format: 'percent',
      title: 'Upsell Conversion Rate',
      description: 'Accepted upsell offers / upsell offers.',
    },
    crossSellOffers: { type: 'count', filters: [{ sql: isCrossSell }], public: false },
    crossSellsAccepted: { type: 'count', filters: [{ sql: isCrossSell }, { sql: isAccepted }], public: false },
    crossSellConversionRate: {
      type: 'number',
      sql: `${crossSellsAccepted} * 1.0 / NULLIF(${crossSellOffers}, 0)`,
      format: 'percent',
      title: 'Cross-Sell Conversion Rate',
      description: 'Accepted cross-sell offers / cross-sell offers.',
    },
    customersOffered: {
      type: 'count_distinct',
      sql: `${CUBE}.customer_id`,
      title: 'Customers Offered',
      description: 'Distinct customers who were presented an offer.',
    },
    customersConverted: {
      type: 'count_distinct',
      sql: `${CUBE}.customer_id`,
      filters: [{ sql: isAccepted }],
      title: 'Customers Converted',
      description: 'Distinct customers who accepted an offer within the window.',
    },
    customerConversionRate: {
      type: 'number',
      sql: `${customersConverted} * 1.0 / NULLIF(${customersOffered}, 0)`,
      format: 'percent',
      title: 'Customer Conversion Rate',
      description: 'Customers converted / customers offered.',
    },
    expansionRevenue: {
      type: 'sum',
      sql: `${CUBE}.revenue`,
      filters: [{ sql: isAccepted }],
      format: 'currency',
      title: 'Expansion Revenue',
      description: 'Incremental revenue of accepted offers.',
    },
    revenuePerOffer: {
      type: 'number',
      sql: `COALESCE(${expansionRevenue}, 0) * 1.0 / NULLIF(${count}, 0)`,
      format: 'currency',
      title: 'Revenue per Offer',
      description: 'Expansion revenue / offers.',
    },
    avgDaysToAccept: {
      type: 'avg',
      sql: uprate.daysBetween(`${CUBE}.offered_at`, `${CUBE}.accepted_at`),
      filters: [{ sql: isAccepted }],
      title: 'Avg Days to Accept',
      description: 'Mean days from offer to acceptance, over accepted offers.',
    },
  },

  dimensions: {
    offerId: { sql: `${CUBE}.offer_id`, type: 'string', primary_key: true, public: true, title: 'Offer ID' },
    customerId: { sql: `${CUBE}.customer_id`, type: 'string', title: 'Customer ID' },
    offeredAt: { sql: `${CUBE}.offered_at`, type: 'time', title: 'Offered At' },
    acceptedAt: { sql: `${CUBE}.accepted_at`, type: 'time', title: 'Accepted At' },
    offerType: { sql: `${CUBE}.offer_type`, type: 'string', description: 'upsell or cross_sell' },
    offerName: { sql: `${CUBE}.offer_name`, type: 'string', description: 'The product, tier or add-on offered.' },
    channel: { sql: `${CUBE}.channel`, type: 'string' },
    campaign: { sql: `${CUBE}.campaign`, type: 'string' },
    daysToAccept: {
      type: 'number',
      // floor() of the fractional days the macro gives on every engine (epoch seconds / 86400.0 on
      // DuckDB, PostgreSQL and ClickHouse alike): a whole number, never negative.
      sql: `CASE WHEN ${isAccepted} THEN floor(${uprate.daysBetween(`${CUBE}.offered_at`, `${CUBE}.accepted_at`)}) ELSE NULL END`,
      title: 'Days to Accept',
      description: `Whole days from the offer to its acceptance (0 = within the first 24 hours, 1 = between 24 and 48 hours, …; at most ${windowDays}), for offers accepted within ${windowDays} days of being made and by now; null for every other offer. Group by it to see how acceptances accumulate over the window.`,
    },
    status: {
      type: 'string',
      sql: `CASE WHEN ${isAccepted} THEN 'accepted' WHEN ${isDeclined} THEN 'declined' WHEN ${windowEnd} > ${now} THEN 'pending' ELSE 'expired' END`,
      description: 'accepted (within the window), declined, pending (window still open) or expired (window closed, no answer or a late acceptance).',
    },
  },

  // Rollups (Cube's pre-aggregations): the counts summed per day and per month in a table of the
  // store's own engine, built by `uprate rollups build` and refreshed by every ingest in the same
  // commit. A query reads a rollup only where its answer is exactly the rows' answer: periods
  // settled at the query's clock (a conversion window after they ended) come from the rollup, the
  // rest from the rows. Ratios are computed from the summed parts; distinct customers come from
  // customersMonthly for the queries grouped as it is, else from the rows; the customer-clustered
  // intervals from the rollups by customer and of moments below.
  preAggregations: {
    // The KPI, the trend and the offer leaderboard: offers' own columns, no join.
    daily: {
      type: 'rollup',
      measures: [count, accepted, pending, expansionRevenue],
      dimensions: [offerType, channel, offerName, campaign],
      timeDimension: offeredAt,
      granularity: 'day',
      partitionGranularity: 'month',
      settledAfterDays: windowDays,
    },
    // The dashboard's breakdowns by customer attributes, per month (a day grain would be nearly
    // as large as the table at a million customers).
    segments: {
      type: 'rollup',
      measures: [count, accepted, pending, expansionRevenue],
      dimensions: [offerType, channel, Customers.accountSize, Customers.lifecycleStage, Customers.engagementTier, Customers.industry],
      timeDimension: offeredAt,
      granularity: 'month',
      partitionGranularity: 'month',
      settledAfterDays: windowDays,
    },
    // The customer-clustered intervals (a customer's offers are one cluster): each customer's
    // months side by side, so a customer's sums over any run of months are a few columns of one
    // row rather than a grouping of the offers by customer — the headline, the trend by month and
    // every breakdown by a customer attribute. One row per customer.
    perCustomer: {
      type: 'rollup',
      clusteredBy: customerId,
      measures: [count, accepted, expansionRevenue],
      dimensions: [Customers.accountSize, Customers.lifecycleStage, Customers.engagementTier, Customers.industry, Customers.region, Customers.plan],
      timeDimension: offeredAt,
      granularity: 'month',
    },
    // Rollups of moments: per group and pair of months, the sums of products of the customers'
    // counts and where customers start or resume — what a customer-clustered interval needs, in a
    // table that does not grow with the customers (a few hundred rows per group; the read adds up
    // a few of them). A dimension of an offer (type, channel, name, campaign) must be grouped by
    // or fixed to one value, so each breakdown has its own; a customer's attributes may be summed
    // over. Rollups of moments with the same dimensions of the offer are one family: built and
    // maintained from one pass over the rows.
    momentsTotal: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [], timeDimension: offeredAt, granularity: 'month' },
    momentsBySize: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.accountSize], timeDimension: offeredAt, granularity: 'month' },
    momentsByStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByEngagement: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.engagementTier], timeDimension: offeredAt, granularity: 'month' },
    momentsByIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByRegion: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.region], timeDimension: offeredAt, granularity: 'month' },
    momentsByPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    // The same per offer type: the breakdowns and the headline with the offer type fixed (upsells only).
    momentsByType: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeSize: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.accountSize], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeEngagement: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.engagementTier], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeRegion: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.region], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypePlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    // Under a filter on one customer attribute, broken down by another: every pair of attributes
    // lies in one of three members by four attributes (A: size, stage, engagement, industry; B: size,
    // stage, region, plan; C: engagement, industry, region, plan), summed over the two it leaves.
    momentsByAttributesA: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.accountSize, Customers.lifecycleStage, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByAttributesB: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.accountSize, Customers.lifecycleStage, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByAttributesC: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [Customers.engagementTier, Customers.industry, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeAttributesA: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.accountSize, Customers.lifecycleStage, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeAttributesB: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.accountSize, Customers.lifecycleStage, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeAttributesC: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, Customers.engagementTier, Customers.industry, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    // The breakdowns by the offer's other dimensions (each its own family).
    momentsByChannel: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel], timeDimension: offeredAt, granularity: 'month' },
    momentsByOffer: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerName], timeDimension: offeredAt, granularity: 'month' },
    momentsByCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [campaign], timeDimension: offeredAt, granularity: 'month' },
    // … and the same with the offer type fixed ("upsells only": the channel breakdown, the
    // leaderboard, insights' findings by channel and campaign).
    momentsByTypeChannel: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeOffer: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, offerName], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, campaign], timeDimension: offeredAt, granularity: 'month' },
    // … and the offers and campaigns under a filter on the channel (each a family of its own: both split a customer's offers).
    momentsByTypeChannelOffer: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel, offerName], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeChannelCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel, campaign], timeDimension: offeredAt, granularity: 'month' },
    // … and the same pairs over every offer type (the dashboard's default: a filter on a channel,
    // an offer or a campaign, its leaderboard and insights by the others).
    momentsByChannelOffer: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel, offerName], timeDimension: offeredAt, granularity: 'month' },
    momentsByChannelCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel, campaign], timeDimension: offeredAt, granularity: 'month' },
    momentsByOfferCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerName, campaign], timeDimension: offeredAt, granularity: 'month' },
    // The campaigns of upsells of one offer, and the offers of one campaign.
    momentsByTypeOfferCampaign: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, offerName, campaign], timeDimension: offeredAt, granularity: 'month' },
    // … and by each of those under a filter on one customer attribute (three members per family, two attributes each).
    momentsByChannelSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByChannelTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByChannelRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [channel, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByOfferSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerName, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByOfferTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerName, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByOfferRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerName, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByCampaignSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [campaign, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByCampaignTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [campaign, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByCampaignRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [campaign, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeChannelSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeChannelTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeChannelRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, channel, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeOfferSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, offerName, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeOfferTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, offerName, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeOfferRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, offerName, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeCampaignSizeStage: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, campaign, Customers.accountSize, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeCampaignTierIndustry: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, campaign, Customers.engagementTier, Customers.industry], timeDimension: offeredAt, granularity: 'month' },
    momentsByTypeCampaignRegionPlan: { type: 'rollup', clusteredBy: customerId, moments: true, measures: [count, accepted], dimensions: [offerType, campaign, Customers.region, Customers.plan], timeDimension: offeredAt, granularity: 'month' },
    // By week, each week's own moments (moments: 'perPeriod': no pairs of weeks, so a few rows per
    // group and week, built in one pass): the weekly trend's intervals and the segments over time
    // by week, with or without the offer type fixed; the total and each customer attribute, alone.
    weeklyTotal: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [], timeDimension: offeredAt, granularity: 'week' },
    weeklyBySize: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.accountSize], timeDimension: offeredAt, granularity: 'week' },
    weeklyByStage: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'week' },
    weeklyByEngagement: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.engagementTier], timeDimension: offeredAt, granularity: 'week' },
    weeklyByIndustry: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.industry], timeDimension: offeredAt, granularity: 'week' },
    weeklyByRegion: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.region], timeDimension: offeredAt, granularity: 'week' },
    weeklyByPlan: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [Customers.plan], timeDimension: offeredAt, granularity: 'week' },
    weeklyByType: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeSize: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.accountSize], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeStage: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeEngagement: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.engagementTier], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeIndustry: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.industry], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeRegion: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.region], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypePlan: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, Customers.plan], timeDimension: offeredAt, granularity: 'week' },
    // The weekly trend under a filter on the channel (a channel splits a customer's offers: a family of its own), with or without the offer type fixed.
    weeklyByChannel: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [channel], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeChannel: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, channel], timeDimension: offeredAt, granularity: 'week' },
    // The same under a filter on an offer's name or campaign (a family each).
    weeklyByOffer: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerName], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeOffer: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, offerName], timeDimension: offeredAt, granularity: 'week' },
    weeklyByCampaign: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [campaign], timeDimension: offeredAt, granularity: 'week' },
    weeklyByTypeCampaign: { type: 'rollup', clusteredBy: customerId, moments: 'perPeriod', measures: [count, accepted], dimensions: [offerType, campaign], timeDimension: offeredAt, granularity: 'week' },
    // The two customer attributes the dashboard's breakdowns leave to insights and the API: apart,
    // so the segments rollup does not grow fifteen-fold (a few thousand rows here).
    regions: {
      type: 'rollup',
      measures: [count, accepted, pending, expansionRevenue],
      dimensions: [offerType, channel, Customers.region, Customers.plan],
      timeDimension: offeredAt,
      granularity: 'month',
      partitionGranularity: 'month',
      settledAfterDays: windowDays,
    },
    // Under a filter on one customer attribute (the dashboard's filter, a breakdown's drill-down):
    // the counts by every customer attribute at once, per month (one rollup, a few hundred thousand
    // rows at a million customers: any attribute filtered, any other broken down by), and the
    // offers' own dimensions beside each attribute.
    byAttributes: {
      type: 'rollup',
      measures: [count, accepted, pending, expansionRevenue],
      dimensions: [offerType, Customers.accountSize, Customers.lifecycleStage, Customers.engagementTier, Customers.industry, Customers.region, Customers.plan],
      timeDimension: offeredAt,
      granularity: 'month',
      partitionGranularity: 'month',
      settledAfterDays: windowDays,
    },
    offersBySize: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.accountSize], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    offersByStage: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    offersByEngagement: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.engagementTier], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    offersByIndustry: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.industry], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    offersByRegion: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.region], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    offersByPlan: { type: 'rollup', measures: [count, accepted, pending, expansionRevenue], dimensions: [offerType, channel, offerName, campaign, Customers.plan], timeDimension: offeredAt, granularity: 'month', partitionGranularity: 'month', settledAfterDays: windowDays },
    // How long acceptances take (the headline's time to accept): offers by day, offer type and
    // whole days to acceptance. That dimension reads the clock (accepted by now), so queries by it
    // read this rollup at a clock at or after its open window's, which is past every acceptance stored.
    timeToAccept: {
      type: 'rollup',
      measures: [count, accepted, pending],
      dimensions: [daysToAccept, offerType],
      timeDimension: offeredAt,
      granularity: 'day',
      partitionGranularity: 'month',
      settledAfterDays: windowDays,
    },
    // … and under a filter on a customer attribute (the headline's time to accept, the curve and the weekly pending offers).
    timeToAcceptBySize: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.accountSize], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByStage: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.lifecycleStage], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByEngagement: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.engagementTier], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByIndustry: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.industry], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByRegion: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.region], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByPlan: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, Customers.plan], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    // … and under a filter on an offer's channel, name or campaign.
    timeToAcceptByChannel: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, channel], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByOffer: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, offerName], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    timeToAcceptByCampaign: { type: 'rollup', measures: [count, accepted, pending], dimensions: [daysToAccept, offerType, campaign], timeDimension: offeredAt, granularity: 'day', partitionGranularity: 'month', settledAfterDays: windowDays },
    // Distinct customers offered and converted, per month by offer type and channel. A distinct
    // count is not the sum of its parts, so this rollup answers only queries by month grouped by
    // both (or with either fixed to one value), as Cube matches non-additive measures; other
    // queries for distinct customers read the rows.
    customersMonthly: { type: 'rollup', measures: [count, accepted, customersOffered, customersConverted], dimensions: [offerType, channel], timeDimension: offeredAt, granularity: 'month', settledAfterDays: windowDays },
  },

  segments: {
    upsells: { sql: isUpsell, title: 'Upsells' },
    crossSells: { sql: isCrossSell, title: 'Cross-Sells' },
  },
});
