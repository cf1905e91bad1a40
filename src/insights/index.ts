/**
 * KPI intelligence: the statistics users ask for, computed from model queries (any engine) and
 * src/stats — headline with benchmarks and target, time series with control limits, breakdowns
 * with corrected tests, a shrunken leaderboard, comparisons, plain-language findings and test
 * planning. Response shapes: api-types.ts. See README.md.
 */
export type * from './api-types.js';
export type { KpiContext, Selection } from './kpi-context.js';
export { kpiHeadline } from './kpi-headline.js';
export { timeseries, GRAINS, type TimeseriesOptions } from './timeseries.js';
export { breakdown, segmentLabel, type BreakdownOptions } from './breakdown.js';
export { segmentTimeseries } from './segment-timeseries.js';
export { timeToAccept, TIME_TO_ACCEPT_METHOD, type TimeToAcceptOptions } from './time-to-accept.js';
export { MAX_SEGMENTS } from './top-segments.js';
export { leaderboard, LEADERBOARD_SORTS, type LeaderboardOptions, type LeaderboardSort } from './leaderboard.js';
export { comparePopulations, type Population } from './compare-populations.js';
export { findInsights, type InsightOptions } from './find-insights.js';
export { measuredClustering, sampleSizePlan, type PlanClustering, type SampleSizeRequest } from './sample-size-plan.js';
export { bindingOf, countOffers, holdsEveryOffer, kpiSource, offerDays, resolveRange, withCountReads, type OfferCounts } from './offer-counts.js';
export { rateView, bandJudgement, differenceView } from './rate-view.js';
export { scoreTestAgainst, BENCHMARK_CITATION } from './benchmark-standing.js';
export {
  COMMON_PARAMS,
  INTERVAL_METHODS,
  checkKnown,
  checkDimension,
  parseCommon,
  parseFilters,
  parseDay,
  parseNumber,
  parseChoiceParam,
  param,
  singleParams,
  type CommonParams,
  type Params,
} from './request-params.js';
export { formatInsights, formatComparison } from './format-insights.js';
export { parseFilterArgument } from './filter-argument.js';
export { checkGroupable, isIdentityDimension } from './groupable.js';
