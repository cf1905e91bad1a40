/**
 * uprate statistics: pure functions from counts to numbers, no I/O. See README.md for the
 * contract (inputs, nulls, references).
 */
export { DEFAULT_LEVEL, type Interval, type IntervalMethod } from './interval.js';
export { zCritical, twoSidedNormalP } from './critical-value.js';
export { wilsonInterval } from './wilson-interval.js';
export { jeffreysInterval } from './jeffreys-interval.js';
export { exactInterval } from './exact-interval.js';
export { rateInterval, AUTO_EXACT_BELOW, type RateInterval, type RateIntervalOptions } from './rate-interval.js';
export { designEffect, addMoments, type ClusterMoments, type DesignEffect, type VarianceKind } from './design-effect.js';
export { rateEstimate, type RateEstimate, type RateEstimateOptions } from './rate-estimate.js';

export { twoProportionZTest, type ZTestResult } from './two-proportion-z-test.js';
export { newcombeInterval } from './newcombe-interval.js';
export { fisherExactTest, type FisherResult } from './fisher-exact-test.js';
export {
  compareProportions,
  noComparison,
  minimumExpected,
  MIN_EXPECTED_FOR_Z,
  type Counts,
  type CompareOptions,
  type ProportionComparison,
  type ProportionTest,
} from './compare-proportions.js';
export { chiSquareHomogeneity, type ChiSquareOptions, type ChiSquareResult } from './chi-square-homogeneity.js';
export { chiSquareSurvival } from './chi-square-tail.js';

export { adjustPValues, ascendingRanks, DEFAULT_ADJUST_METHOD, type AdjustMethod } from './p-value-adjustment.js';
export {
  correctFamily,
  describeFamily,
  adjustedIntervalLevels,
  type Hypothesis,
  type CorrectionFamily,
  type CorrectedHypothesis,
  type CorrectionResult,
  type CorrectionOptions,
} from './correction-family.js';
export {
  compareSegments,
  type LabelledCounts,
  type SegmentComparison,
  type SegmentComparisonOptions,
  type SegmentVersusRest,
} from './segment-comparison.js';

export { betaPosterior, probabilityAbove, UNIFORM_PRIOR, type BetaPrior, type BetaPosterior } from './beta-posterior.js';
export {
  fitBetaPrior,
  DEFAULT_MAX_STRENGTH,
  type FittedPrior,
  type PriorFitMethod,
  type PriorFitOptions,
} from './empirical-bayes-prior.js';
export { shrinkRates, type ShrinkOptions, type ShrinkResult, type ShrunkenRate } from './shrunken-rates.js';
export { isSmallSample, DEFAULT_SMALL_SAMPLE } from './small-sample.js';

export {
  controlChart,
  D2_MOVING_RANGE,
  type ControlChart,
  type ControlChartKind,
  type ControlChartOptions,
  type ControlChartRequest,
  type ControlPoint,
  type LimitSignal,
} from './control-chart.js';
export { chooseChart, laneySigmaZ, type ChartChoice, type LaneySigma } from './chart-choice.js';
export { controlVerdict, DEFAULT_CONTROL_PERIODS, type ControlVerdict, type ControlVerdictOptions } from './control-verdict.js';
export { findRuns, runFlags, DEFAULT_RUN_LENGTH, type Run } from './run-rule.js';
export { trendTest, DEFAULT_TREND_WINDOW, type TrendOptions, type TrendResult } from './trend-test.js';
export {
  seasonalTrend,
  defaultTrendWindow,
  fitBinomialGlm,
  SEASON_LENGTH,
  OVERDISPERSION_ALPHA,
  type SeasonalTrendOptions,
  type SeasonalTrendResult,
  type TrendGrain,
  type TrendModel,
  type TrendPeriod,
  type GlmRow,
  type BinomialGlmFit,
} from './seasonal-trend.js';
export { periodChange, type PeriodChange } from './period-change.js';
export { monitor, type Monitoring, type MonitorOptions } from './monitor.js';

export {
  cohensH,
  twoProportionPower,
  sampleSizePerArm,
  minimumDetectableEffect,
  type PowerOptions,
  type SampleSize,
  type DetectableEffect,
} from './sample-size.js';

export {
  band,
  bandWithInterval,
  BANDS,
  DEFAULT_BAND_THRESHOLDS,
  type Band,
  type BandThresholds,
  type IntervalBand,
} from './band.js';
export {
  BENCHMARKS,
  BENCHMARK_RATES,
  benchmarkFor,
  standingAgainst,
  type Benchmark,
  type BenchmarkIndustry,
  type Standing,
} from './benchmarks.js';

export { kaplanMeier, type KaplanMeierCurve, type LifeTableDay, type LifeTableInput } from './kaplan-meier.js';
export { cumulativeAcceptance, type CumulativeAcceptance, type CumulativeOptions } from './cumulative-acceptance.js';
export { projectFinalRate, type AgeCount, type OpenPeriod, type ProjectedRate, type ProjectionOptions } from './projected-rate.js';
