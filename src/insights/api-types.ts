/**
 * Response types of uprate's own JSON API (`/api/v1/kpi`, `/timeseries`, `/breakdown`,
 * `/leaderboard`, `/compare`, `/insights`, `/sample-size`). The dashboard and clients build
 * against these; they only ever gain fields (nothing is renamed or removed).
 *
 * Conventions (every endpoint):
 * - Rates are fractions (0.1834), never percents; fields ending in `Points` are percentage points.
 * - A quantity that does not exist is `null`, never NaN: no offers → rate and interval `null`.
 * - Counts are integers. Dates are `YYYY-MM-DD` (UTC calendar days, `to` inclusive); instants are
 *   ISO 8601 with `Z`.
 * - Errors are HTTP 4xx `{ error, code, location?, hint? }`; `location` names the query
 *   parameter (e.g. `filters[0].member`).
 *
 * Common query parameters: `from`, `to` (YYYY-MM-DD, inclusive; default: the first and last day
 * with offers), `offerType` (`upsell` | `cross_sell`), `filters` (URL-encoded JSON array of Cube
 * filters on model members, e.g. `[{"member":"Customers.accountSize","operator":"equals","values":["enterprise"]}]`),
 * `level` (default 0.95), `method` (`wilson` | `jeffreys` | `exact`; exact is used automatically
 * below 30 effective offers), `asOf` (ISO date or instant; default the server clock; offers made
 * after it are left out, acceptances after it have not happened yet).
 */

/** Interval method names. `exact` is Clopper–Pearson. */
export type ApiIntervalMethod = 'wilson' | 'jeffreys' | 'exact';

/** Performance band of a rate. */
export type ApiBand = 'strong' | 'moderate' | 'poor';

/** Multiple-comparison correction. */
export type ApiCorrection = 'holm' | 'bh' | 'bonferroni';

/** Which two-proportion test was used. */
export type ApiTest = 'z' | 'fisher';

/** What the request was answered for — echoed by every endpoint. */
export interface ApiQueryEcho {
  /** First day included (YYYY-MM-DD), or null when there are no offers at all. */
  readonly from: string | null;
  /** Last day included (YYYY-MM-DD), or null when there are no offers at all. */
  readonly to: string | null;
  readonly offerType: 'upsell' | 'cross_sell' | null;
  /** The Cube filters applied (besides date range and offer type). */
  readonly filters: readonly ApiFilter[];
  /** Confidence level of every interval. */
  readonly level: number;
  /** Requested interval method (below 30 effective offers `exact` is used whatever this says). */
  readonly method: ApiIntervalMethod;
  /** The clock the answer was computed with (ISO instant). */
  readonly asOf: string;
  /** Conversion window in days (config `conversionWindowDays`). */
  readonly windowDays: number;
  /** Band thresholds in force (config `bands`). */
  readonly thresholds: ApiThresholds;
}

/** A Cube filter as the API accepts it (`{member, operator, values}`; `and`/`or` groups too). */
export interface ApiFilter {
  readonly member?: string;
  readonly operator?: string;
  readonly values?: readonly (string | number | boolean | null)[];
  readonly and?: readonly ApiFilter[];
  readonly or?: readonly ApiFilter[];
}

/** Band limits as fractions: above `strong` is strong, below `poor` is poor. */
export interface ApiThresholds {
  readonly strong: number;
  readonly poor: number;
}

/** Which variance an interval or test used: offers clustered by customer, or independent. */
export type ApiVariance = 'customer-clustered' | 'binomial';

/**
 * A confidence interval for a rate. Endpoints are null when there are no offers. One customer's
 * offers are not independent: the interval is the method applied to the effective sample
 * (offers / design effect), the design effect measured from the customers' own counts.
 */
export interface ApiInterval {
  readonly lower: number | null;
  readonly upper: number | null;
  /** Method actually used (exact below 30 effective offers). */
  readonly method: ApiIntervalMethod;
  readonly level: number;
  /** `customer-clustered` (cluster-robust variance of the ratio) or `binomial`. */
  readonly variance: ApiVariance;
  /** Cluster-robust variance over binomial variance, floored at 1 (1 = independent offers). */
  readonly designEffect: number;
  /** Customers the offers went to (null when not counted). */
  readonly customers: number | null;
  /** offers / designEffect: the independent offers the data are worth. */
  readonly effectiveOffers: number;
}

/**
 * The band of a rate: `band` from the point estimate; `judgement` from the whole interval —
 * a band only when the interval lies inside one band, else `indeterminate` with a reason.
 */
export interface ApiBandJudgement {
  /** Band of the rate itself; null when there is no rate. */
  readonly band: ApiBand | null;
  /** Band when the whole interval lies in one band, else `indeterminate`; null without a rate. */
  readonly judgement: ApiBand | 'indeterminate' | null;
  /** Bands the interval touches, worst first. */
  readonly spans: readonly ApiBand[];
  /** Why indeterminate, e.g. "the interval 15.0%–25.0% spans moderate and strong"; else null. */
  readonly reason: string | null;
  readonly thresholds: ApiThresholds;
}

/** Counts and the rate of one population (a period, a segment, a filtered group). */
export interface ApiRate {
  readonly offers: number;
  /** Offers accepted within the conversion window (as of `asOf`). */
  readonly accepted: number;
  /** Offers neither accepted nor declined whose window is still open. */
  readonly pending: number;
  /** accepted / offers; null when offers = 0. */
  readonly rate: number | null;
  readonly interval: ApiInterval;
  /** Holds pending offers: the rate can still rise. */
  readonly provisional: boolean;
  /** pending / offers (0 when offers = 0). */
  readonly pendingShare: number;
}

/**
 * A difference of two rates (A − B) with its Newcombe interval and a two-sided test (pooled z, or
 * Fisher's exact test when an expected count is below 5). Everything null when a side is empty.
 */
export interface ApiDifference {
  /** rateA − rateB as a fraction. */
  readonly difference: number | null;
  /** The same in percentage points. */
  readonly differencePoints: number | null;
  /** Newcombe interval of the difference (fractions). */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly level: number;
  readonly test: ApiTest | null;
  /** "pooled two-proportion z test" or "Fisher's exact test". */
  readonly testName: string | null;
  /** z for the z test; null for Fisher. */
  readonly statistic: number | null;
  readonly pValue: number | null;
  /** p ≤ 1 − level (after correction, where a correction applies). */
  readonly significant: boolean;
  /** Why this test (or none), in words. */
  readonly reason: string;
  /** `customer-clustered` when either side's design effect exceeds 1 (Rao–Scott effective counts). */
  readonly variance: ApiVariance;
  /** Design effects of A and B. */
  readonly designEffects: readonly [number, number];
}

/** How a rate stands against a reference (a benchmark or a target). */
export type ApiStanding = 'above' | 'below' | 'consistent';

/** An industry benchmark (second seed: retail 15 %, SaaS 25 %, consumer goods 18 %). */
export interface ApiBenchmark {
  /** `retail`, `saas` or `consumer_goods`. */
  readonly industry: string;
  readonly rate: number;
  /** The organisation the figure is attributed to (Forrester, Gartner, Nielsen). */
  readonly source: string;
  /** Where uprate took it from: the KPI Depot page the product is seeded from. */
  readonly citation: string;
}

/** One customer industry's rate against its benchmark. */
export interface ApiIndustryBenchmark extends ApiRate {
  /** The industry as stored in `customers.industry`. */
  readonly industry: string;
  readonly benchmark: ApiBenchmark;
  /** `above`/`below` only when the whole interval is above/below the benchmark. */
  readonly standing: ApiStanding | null;
  /** rate − benchmark in percentage points; null without a rate. */
  readonly gapPoints: number | null;
  /**
   * Two-sided one-sample score test of the rate against the benchmark (the test the Wilson
   * interval inverts: z = (rate − benchmark) / √(benchmark(1 − benchmark)·designEffect/offers)).
   */
  readonly pValue: number | null;
}

/** The user's own target (config `target`). */
export interface ApiTarget {
  readonly rate: number;
  readonly standing: ApiStanding | null;
  /** rate − target in percentage points. */
  readonly gapPoints: number | null;
}

/** GET /api/v1/kpi — the headline. */
export interface KpiResponse extends ApiRate {
  readonly query: ApiQueryEcho;
  readonly band: ApiBandJudgement;
  /**
   * Benchmarks per customer industry that has one (industries without a benchmark are left out);
   * empty when no offered customer has such an industry.
   */
  readonly benchmarks: readonly ApiIndustryBenchmark[];
  /**
   * The benchmark of the selection when it is a single benchmarked industry (e.g. filtered to
   * `Customers.industry = saas`), else null.
   */
  readonly benchmark: ApiIndustryBenchmark | null;
  /** Null when the config sets no target. */
  readonly target: ApiTarget | null;
  readonly customers: {
    readonly offered: number;
    readonly converted: number;
    /** converted / offered; null when none offered. */
    readonly rate: number | null;
  };
  /** Revenue of accepted offers. */
  readonly expansionRevenue: number;
  /** The same number of days immediately before `from`; null when there is no range. */
  readonly previous: (ApiRate & { readonly from: string; readonly to: string }) | null;
  /**
   * This period (A) against the previous one (B); null without a previous period. No test when
   * either period is still filling in (`significant` false, `reason` says why): see `projected`.
   */
  readonly change: (ApiDifference & { readonly relativeChange: number | null }) | null;
  /** While the selection still has pending offers: the rate it is projected to end at; else null. */
  readonly projected: ApiProjection | null;
}

/** Time series grains. */
export type ApiGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** One period of the time series. */
export interface TimeseriesPoint extends ApiRate {
  /** First day of the period (YYYY-MM-DD; weeks start on Monday). */
  readonly period: string;
  /** Last day of the period (YYYY-MM-DD), clipped to the query's `to`. */
  readonly periodEnd: string;
  /** The period is cut by `from`/`to` (the first or last, partly outside the range). */
  readonly partial: boolean;
  /** Lower / upper interval endpoints, flattened for charts (same as `interval`). */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly band: ApiBand | null;
  /** p-chart centre line (null for periods left out of the chart: provisional or empty). */
  readonly centreLine: number | null;
  /** Lower / upper control limits for this period's n. */
  readonly lcl: number | null;
  readonly ucl: number | null;
  /** Rate outside the control limits (never set for provisional periods unless `includeProvisional`). */
  readonly outOfControl: 'above' | 'below' | null;
  /** Part of a run of ≥ 8 periods on one side of the centre line. */
  readonly runFlags: readonly ('run_above' | 'run_below')[];
  /**
   * This period (A) against the previous one (B); null for the first period. Never significant
   * when either period is provisional (its `reason` says so). `adjustedPValue` is corrected over
   * the family of every complete period-over-period change in the answer (`changeFamily`).
   */
  readonly change: (ApiDifference & { readonly adjustedPValue: number | null }) | null;
  /**
   * This period against the same period a year earlier (months, quarters, weeks) when that one
   * has offers; null otherwise. Corrected over its own family like `change`.
   */
  readonly yearOverYear: (ApiDifference & { readonly adjustedPValue: number | null; readonly period: string }) | null;
  /** A period still filling in: its projected final rate (Kaplan–Meier on days to accept); else null. */
  readonly projected: ApiProjection | null;
  /** The period was on the chart (complete, with offers). */
  readonly charted: boolean;
}

/**
 * The rate a provisional period is expected to end at once every offer's window has closed,
 * learnt from how earlier offers' acceptances accumulated over the window (Kaplan–Meier on
 * days-to-accept, pending offers censored at their age), with an interval.
 */
export interface ApiProjection {
  /** The period's own final rate: accepted so far plus the acceptances expected from its pending offers. */
  readonly rate: number;
  /**
   * Interval of that final rate: the pending offers' outcomes and the curve's uncertainty. It is
   * about these offers, so it is narrower than the rate's own interval, which is about the
   * propensity behind them.
   */
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly method: 'kaplan-meier';
  /** Acceptances still expected from the period's pending offers. */
  readonly expectedAdditional: number;
  /** Pending offers the projection is about. */
  readonly pending: number;
  /** One sentence: what the curve was learnt from. */
  readonly basis: string;
}

/** GET /api/v1/timeseries?grain=… */
export interface TimeseriesResponse {
  readonly query: ApiQueryEcho;
  readonly grain: ApiGrain;
  /** Every period in the range, empty ones with offers 0 and null rates. */
  readonly points: readonly TimeseriesPoint[];
  readonly controlChart: {
    /** The chart used: Laney p′ when the periods vary more than chance (see `choice`), else p. */
    readonly kind: 'p' | 'laney';
    /** How the kind was chosen (null when the caller asked for one): the over-dispersion test. */
    readonly choice: {
      readonly test: string;
      readonly statistic: number | null;
      readonly df: number | null;
      readonly pValue: number | null;
      readonly reason: string;
    } | null;
    /** Centre line p̄ = Σ accepted / Σ offers over charted periods. */
    readonly centreLine: number | null;
    readonly sigmas: number;
    /** Laney's σ_z (1 for the p-chart). */
    readonly sigmaZ: number;
    /** Provisional periods are left off the chart and out of alarms unless `includeProvisional=true`. */
    readonly includesProvisional: boolean;
    readonly note: string | null;
  };
  /**
   * Trend of the complete periods: a quasi-binomial logistic GLM on the period index (with
   * month- or quarter-of-year terms when the window holds two seasonal cycles), its dispersion
   * estimated from the data. No direction when a season could not be ruled out.
   */
  readonly trend: {
    readonly periods: number;
    readonly from: string | null;
    readonly to: string | null;
    readonly z: number | null;
    readonly pValue: number | null;
    /** Rate change per period (fraction) at the mean rate: the GLM's log-odds slope × p̄(1 − p̄). */
    readonly slope: number | null;
    readonly slopePoints: number | null;
    readonly direction: 'rising' | 'falling' | 'flat' | null;
    readonly note: string | null;
    /** The model and test, in words. */
    readonly test: string;
    readonly seasonal: boolean;
    /** Pearson X² / df of the fit (1 = binomial noise only). */
    readonly dispersion: number | null;
  };
  /** Which changes were corrected together, and how (config `stats.correction`, default Holm). */
  readonly changeFamily: { readonly method: ApiCorrection; readonly members: number; readonly description: string };
  /** Latest complete period against the one before it; null with fewer than two. */
  readonly latestChange: (ApiDifference & { readonly adjustedPValue: number | null; readonly period: string; readonly previousPeriod: string }) | null;
}

/** One segment of a breakdown. */
export interface BreakdownRow extends ApiRate {
  /** Dimension member → value (null = customers/offers without the attribute). */
  readonly segment: Readonly<Record<string, string | null>>;
  /** The segment values joined by " / " ("(none)" for null), for display and labels. */
  readonly label: string;
  readonly band: ApiBandJudgement;
  /** Flagged when offers < 30: not ranked (the interval is exact below 30 effective offers). */
  readonly smallSample: boolean;
  /** This segment (A) against every other offer in the selection (B), corrected as one family. */
  readonly vsRest: ApiDifference & {
    readonly adjustedPValue: number | null;
    /** Interval level agreeing with the adjusted p-value, and the interval at that level. */
    readonly adjustedLevel: number | null;
    readonly adjustedLower: number | null;
    readonly adjustedUpper: number | null;
    /** `above` / `below` the rest when significant after correction, else null. */
    readonly direction: 'above' | 'below' | null;
  };
}

/** GET /api/v1/breakdown?by=Customers.accountSize[,Offers.channel] */
export interface BreakdownResponse {
  readonly query: ApiQueryEcho;
  /** The dimensions broken down by (model member names). */
  readonly by: readonly string[];
  /** All offers of the selection. */
  readonly total: ApiRate;
  /** One row per combination with offers, plus known-empty values (offers 0). */
  readonly rows: readonly BreakdownRow[];
  /** χ² test of homogeneity across all segments with offers (no Yates correction). */
  readonly homogeneity: {
    readonly statistic: number | null;
    readonly df: number | null;
    readonly pValue: number | null;
    readonly groups: number;
    readonly minExpected: number | null;
    readonly significant: boolean;
  };
  /** Which comparisons were corrected together. */
  readonly correction: {
    readonly method: ApiCorrection;
    readonly alpha: number;
    readonly size: number;
    readonly members: readonly string[];
    readonly excluded: readonly string[];
    /** e.g. "Holm correction across 3 comparisons (α = 0.05): smb, mid_market, enterprise". */
    readonly description: string;
  };
}

/** One offer on the leaderboard. */
export interface LeaderboardRow {
  /** 1 = best by the sort order; small samples are ranked after every other offer. */
  readonly rank: number;
  /** The offer name (`Offers.offerName`), or the value of `by` when given. */
  readonly offer: string | null;
  readonly offers: number;
  readonly accepted: number;
  readonly pending: number;
  /** accepted / offers (raw); null when offers = 0. */
  readonly rate: number | null;
  /** Empirical-Bayes posterior mean: the rate ranked on. */
  readonly shrunkenRate: number;
  /** Equal-tailed credible interval of the posterior. */
  readonly lower: number;
  readonly upper: number;
  /** Posterior probability that the offer's rate beats the overall rate. */
  readonly probabilityToBeatOverall: number | null;
  /**
   * How much the offer's acceptances cluster by customer: the posterior counts its evidence as
   * accepted/d of offers/d (1 = independent offers).
   */
  readonly designEffect: number;
  /** offers < 30. */
  readonly smallSample: boolean;
  readonly provisional: boolean;
  readonly band: ApiBand | null;
}

/** GET /api/v1/leaderboard[?sort=shrunken|raw|offers|probability&by=Offers.offerName&limit=] */
export interface LeaderboardResponse {
  readonly query: ApiQueryEcho;
  /** The dimension ranked (default `Offers.offerName`). */
  readonly by: string;
  readonly sort: 'shrunken' | 'raw' | 'offers' | 'probability';
  readonly overallRate: number | null;
  /** The Beta prior fitted from all offers (empirical Bayes). */
  readonly prior: {
    readonly alpha: number;
    readonly beta: number;
    readonly mean: number;
    /** alpha + beta: how many offers' worth of weight the prior carries. */
    readonly strength: number;
    readonly method: string;
    /** Set when the fit fell back (too few groups, no spread…). */
    readonly fallback: string | null;
  };
  readonly smallSampleThreshold: number;
  readonly rows: readonly LeaderboardRow[];
}

/** GET /api/v1/compare?a=<filters JSON>&b=<filters JSON>[&aFrom&aTo&bFrom&bTo] */
export interface CompareResponse {
  readonly query: ApiQueryEcho;
  readonly a: ApiRate & { readonly filters: readonly ApiFilter[]; readonly from: string | null; readonly to: string | null; readonly band: ApiBandJudgement };
  readonly b: ApiRate & { readonly filters: readonly ApiFilter[]; readonly from: string | null; readonly to: string | null; readonly band: ApiBandJudgement };
  /** A − B. */
  readonly difference: ApiDifference & { readonly relativeChange: number | null };
  /** A sentence with the numbers. */
  readonly summary: string;
}

/** Kinds of finding. */
export type InsightKind =
  | 'segment_above'
  | 'segment_below'
  | 'best_offer'
  | 'worst_offer'
  | 'channel_gap'
  | 'out_of_control'
  | 'period_drop'
  | 'period_rise'
  | 'trend'
  | 'benchmark'
  | 'target'
  | 'band';

/** One plain-language finding with its numbers and test. */
export interface Insight {
  /** Stable within a data set, e.g. `segment_above:Customers.accountSize=enterprise`. */
  readonly id: string;
  readonly kind: InsightKind;
  /** `critical` (act now), `warning`, `info` (good news or context). */
  readonly severity: 'critical' | 'warning' | 'info';
  readonly title: string;
  /** The finding in a sentence or two, with its numbers. */
  readonly text: string;
  /** The numbers behind the text (rates as fractions, points, counts). */
  readonly numbers: Readonly<Record<string, number | string | null>>;
  /** The test that backs it, or null for descriptive findings. */
  readonly test: {
    readonly name: string;
    readonly statistic: number | null;
    readonly pValue: number | null;
    readonly adjustedPValue: number | null;
    /** e.g. the correction family description. */
    readonly correction: string | null;
  } | null;
  /** The query that shows the finding (dashboard deep link): the API path with its parameters. */
  readonly link: string | null;
}

/** GET /api/v1/insights */
export interface InsightsResponse {
  readonly query: ApiQueryEcho;
  /** Ordered: critical first, then warning, then info. */
  readonly insights: readonly Insight[];
  /** The dimensions scanned for segment findings (model member names). */
  readonly scanned: readonly string[];
}

/** GET /api/v1/sample-size?baseline=&mde=&power=&alpha=[&n=] */
export interface SampleSizeResponse {
  /** Current conversion rate (fraction). */
  readonly baseline: number;
  /** Absolute change to detect, as a fraction (`mde=0.02`: 2 points); null when only `n` was given. */
  readonly mde: number | null;
  /** The same in percentage points. */
  readonly mdePoints: number | null;
  readonly alpha: number;
  readonly power: number;
  /**
   * Offers needed per arm to detect baseline → baseline + mde (two-sided), counting that one
   * customer's offers are not independent (× designEffect); null when only `n` was given.
   */
  readonly nPerArm: number | null;
  /** The same for independent offers (design effect 1). */
  readonly independentPerArm: number | null;
  /** Customers per arm: nPerArm / offersPerCustomer; null without measured clustering. */
  readonly customersPerArm: number | null;
  /** Design effect the plan used (measured from the data; 1 = independent offers). */
  readonly designEffect: number;
  /** Offers per customer in the data measured; null when not measured. */
  readonly offersPerCustomer: number | null;
  /** What the design effect was measured on, in words; null when not measured. */
  readonly clustering: string | null;
  readonly totalOffers: number | null;
  /** Cohen's h of the effect. */
  readonly h: number | null;
  /** With `n` (offers per arm): the smallest change detectable, both directions. */
  readonly detectable: {
    readonly nPerArm: number;
    readonly upperRate: number | null;
    readonly lowerRate: number | null;
    readonly upPoints: number | null;
    readonly downPoints: number | null;
    readonly h: number;
  } | null;
  /** How it was computed. */
  readonly method: string;
  readonly summary: string;
}

/** The error body of every /api/v1 endpoint. */
export interface ApiError {
  readonly error: string;
  readonly code: string;
  readonly location?: string;
  readonly hint?: string;
  /** Structured evidence, when there is any. */
  readonly details?: unknown;
}
