/**
 * The contract of uprate's own JSON API (`/api/v1/*`), written once: each zod schema gives the
 * TypeScript type (`z.infer`, exported beside it under the name the code uses) and, through
 * `z.toJSONSchema`, the component of the OpenAPI document (src/server/openapi.ts). Tests validate
 * every response the server sends against these (src/server/response-check.ts). The dashboard and
 * clients build against them; they only ever gain fields (nothing is renamed or removed).
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
 *
 * @example
 * const body: unknown = await (await fetch('/api/v1/kpi')).json();
 * const kpi: KpiResponse = kpiResponseSchema.parse(body);
 */
import { z } from 'zod';

/** The named schemas of the contract: each becomes `#/components/schemas/<id>` in the OpenAPI document. */
export const apiComponents = z.registry<{ id: string }>();

/** Registers `schema` as the OpenAPI component `id` (the same object is returned). */
function component<T extends z.ZodType>(id: string, schema: T): T {
  apiComponents.add(schema, { id });
  return schema;
}

const count = () => z.int().nonnegative();
const fraction = () => z.number().min(0).max(1);
const day = () => z.iso.date();
const instant = () => z.iso.datetime();

/** Interval method names. `exact` is Clopper–Pearson. */
export const apiIntervalMethodSchema = component('IntervalMethod', z.enum(['wilson', 'jeffreys', 'exact']).describe('Interval method; `exact` is Clopper–Pearson.'));
export type ApiIntervalMethod = z.infer<typeof apiIntervalMethodSchema>;

/** Performance band of a rate. */
export const apiBandSchema = component('Band', z.enum(['strong', 'moderate', 'poor']).describe('Performance band of a rate.'));
export type ApiBand = z.infer<typeof apiBandSchema>;

/** Multiple-comparison correction. */
export const apiCorrectionSchema = component('Correction', z.enum(['holm', 'bh', 'bonferroni']).describe('Multiple-comparison correction.'));
export type ApiCorrection = z.infer<typeof apiCorrectionSchema>;

/** Which two-proportion test was used. */
export const apiTestSchema = z.enum(['z', 'fisher']).describe('Which two-proportion test was used.');
export type ApiTest = z.infer<typeof apiTestSchema>;

/** Offer types. */
export const apiOfferTypeSchema = component('OfferType', z.enum(['upsell', 'cross_sell']));

/** A Cube filter as the API accepts it (`{member, operator, values}`; `and`/`or` groups too). */
export const apiFilterSchema = component(
  'Filter',
  z
    .object({
      member: z.string().describe('Cube.member').optional(),
      operator: z.string().describe("one of Cube's 24 operators").optional(),
      values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).readonly().optional(),
      get and(): z.ZodOptional<z.ZodReadonly<z.ZodArray<typeof apiFilterSchema>>> {
        return z.array(apiFilterSchema).readonly().optional();
      },
      get or(): z.ZodOptional<z.ZodReadonly<z.ZodArray<typeof apiFilterSchema>>> {
        return z.array(apiFilterSchema).readonly().optional();
      },
    })
    .describe('A Cube filter: {member, operator, values}, or an {and: [...]} / {or: [...]} group.'),
);
export type ApiFilter = z.infer<typeof apiFilterSchema>;

/** Band limits as fractions: above `strong` is strong, below `poor` is poor. */
export const apiThresholdsSchema = component(
  'Thresholds',
  z.object({ strong: fraction().describe('above this is strong'), poor: fraction().describe('below this is poor') }).describe('Band limits as fractions.'),
);
export type ApiThresholds = z.infer<typeof apiThresholdsSchema>;

/** What the request was answered for — echoed by every endpoint. */
export const apiQueryEchoSchema = component(
  'QueryEcho',
  z
    .object({
      from: day().nullable().describe('First day included (YYYY-MM-DD), or null when there are no offers at all.'),
      to: day().nullable().describe('Last day included (YYYY-MM-DD), or null when there are no offers at all.'),
      offerType: apiOfferTypeSchema.nullable(),
      filters: z.array(apiFilterSchema).readonly().describe('The Cube filters applied (besides date range and offer type).'),
      level: fraction().describe('Confidence level of every interval.'),
      method: apiIntervalMethodSchema.describe('Requested interval method (below 30 effective offers `exact` is used whatever this says).'),
      asOf: instant().describe('The clock the answer was computed with (ISO instant).'),
      windowDays: count().nullable().describe('Conversion window in days (config `conversionWindowDays`); null when a user’s model defines acceptance itself.'),
      thresholds: apiThresholdsSchema.describe('Band thresholds in force (config `bands`).'),
    })
    .describe('What the request was answered for — echoed by every endpoint.'),
);
export type ApiQueryEcho = z.infer<typeof apiQueryEchoSchema>;

/** Which variance an interval or test used: offers clustered by customer, or independent. */
export const apiVarianceSchema = component(
  'Variance',
  z.enum(['customer-clustered', 'binomial']).describe('Which variance an interval or test used: offers clustered by customer, or independent.'),
);
export type ApiVariance = z.infer<typeof apiVarianceSchema>;

/**
 * A confidence interval for a rate. Endpoints are null when there are no offers. One customer's
 * offers are not independent: the interval is the method applied to the effective sample
 * (offers / design effect), the design effect measured from the customers' own counts.
 */
export const apiIntervalSchema = component(
  'Interval',
  z
    .object({
      lower: fraction().nullable(),
      upper: fraction().nullable(),
      method: apiIntervalMethodSchema.describe('Method actually used (exact below 30 effective offers).'),
      level: fraction(),
      variance: apiVarianceSchema.describe('`customer-clustered` (cluster-robust variance of the ratio) or `binomial`.'),
      designEffect: z.number().min(1).describe('Cluster-robust variance over binomial variance, floored at 1 (1 = independent offers).'),
      customers: count().nullable().describe('Customers the offers went to (null when not counted).'),
      effectiveOffers: z.number().nonnegative().describe('offers / designEffect: the independent offers the data are worth.'),
    })
    .describe(
      'A confidence interval for a rate (endpoints null without offers): the method applied to the effective sample (offers / design effect), since one customer’s offers are not independent.',
    ),
);
export type ApiInterval = z.infer<typeof apiIntervalSchema>;

/**
 * The band of a rate: `band` from the point estimate; `judgement` from the whole interval —
 * a band only when the interval lies inside one band, else `indeterminate` with a reason.
 */
export const apiBandJudgementSchema = component(
  'BandJudgement',
  z
    .object({
      band: apiBandSchema.nullable().describe('Band of the rate itself; null when there is no rate.'),
      judgement: z.union([apiBandSchema, z.literal('indeterminate')]).nullable().describe('Band when the whole interval lies in one band, else `indeterminate`; null without a rate.'),
      spans: z.array(apiBandSchema).readonly().describe('Bands the interval touches, worst first.'),
      reason: z.string().nullable().describe('Why indeterminate, e.g. "the interval 15.0%–25.0% spans moderate and strong"; else null.'),
      thresholds: apiThresholdsSchema,
    })
    .describe('The band of a rate: `band` from the point estimate; `judgement` from the whole interval.'),
);
export type ApiBandJudgement = z.infer<typeof apiBandJudgementSchema>;

/** Counts and the rate of one population (a period, a segment, a filtered group). */
export const apiRateSchema = component(
  'Rate',
  z
    .object({
      offers: count(),
      accepted: count().describe('Offers accepted within the conversion window (as of `asOf`).'),
      pending: count().describe('Offers neither accepted nor declined whose window is still open.'),
      rate: fraction().nullable().describe('accepted / offers; null when offers = 0.'),
      interval: apiIntervalSchema,
      provisional: z.boolean().describe('Holds pending offers: the rate can still rise.'),
      pendingShare: fraction().describe('pending / offers (0 when offers = 0).'),
    })
    .describe('Counts and the rate of one population (a period, a segment, a filtered group).'),
);
export type ApiRate = z.infer<typeof apiRateSchema>;

/**
 * A difference of two rates (A − B) with its Newcombe interval and a two-sided test (pooled z, or
 * Fisher's exact test when an expected count is below 5). Everything null when a side is empty.
 */
export const apiDifferenceSchema = component(
  'Difference',
  z
    .object({
      difference: z.number().nullable().describe('rateA − rateB as a fraction.'),
      differencePoints: z.number().nullable().describe('The same in percentage points.'),
      lower: z.number().nullable().describe('Newcombe interval of the difference (fractions).'),
      upper: z.number().nullable(),
      level: fraction(),
      test: apiTestSchema.nullable(),
      testName: z.string().nullable().describe('"pooled two-proportion z test" or "Fisher\'s exact test".'),
      statistic: z.number().nullable().describe('z for the z test; null for Fisher.'),
      pValue: fraction().nullable(),
      significant: z.boolean().describe('p ≤ 1 − level (after correction, where a correction applies).'),
      reason: z.string().describe('Why this test (or none), in words.'),
      variance: apiVarianceSchema.describe('`customer-clustered` when either side’s design effect exceeds 1 (Rao–Scott effective counts).'),
      designEffects: z.tuple([z.number(), z.number()]).readonly().describe('Design effects of A and B.'),
    })
    .describe(
      'A difference of two rates (A − B) with its Newcombe interval and a two-sided test (pooled z, or Fisher’s exact test when an expected count is below 5). Everything null when a side is empty.',
    ),
);
export type ApiDifference = z.infer<typeof apiDifferenceSchema>;

/** How a rate stands against a reference (a benchmark or a target). */
export const apiStandingSchema = component('Standing', z.enum(['above', 'below', 'consistent']).describe('How a rate stands against a reference (a benchmark or a target).'));
export type ApiStanding = z.infer<typeof apiStandingSchema>;

/** An industry benchmark (second seed: retail 15 %, SaaS 25 %, consumer goods 18 %). */
export const apiBenchmarkSchema = component(
  'Benchmark',
  z
    .object({
      industry: z.string().describe('`retail`, `saas` or `consumer_goods`.'),
      rate: fraction(),
      source: z.string().describe('The organisation the figure is attributed to (Forrester, Gartner, Nielsen).'),
      citation: z.string().describe('Where uprate took it from: the KPI Depot page the product is seeded from.'),
    })
    .describe('An industry benchmark (second seed: retail 15 %, SaaS 25 %, consumer goods 18 %).'),
);
export type ApiBenchmark = z.infer<typeof apiBenchmarkSchema>;

/** One customer industry's rate against its benchmark. */
export const apiIndustryBenchmarkSchema = component(
  'IndustryBenchmark',
  z
    .intersection(
      apiRateSchema,
      z.object({
        industry: z.string().describe('The industry as stored in `customers.industry`.'),
        benchmark: apiBenchmarkSchema,
        standing: apiStandingSchema.nullable().describe('`above`/`below` only when the whole interval is above/below the benchmark.'),
        gapPoints: z.number().nullable().describe('rate − benchmark in percentage points; null without a rate.'),
        pValue: fraction()
          .nullable()
          .describe(
            'Two-sided one-sample score test of the rate against the benchmark (the test the Wilson interval inverts: z = (rate − benchmark) / √(benchmark(1 − benchmark)·designEffect/offers)).',
          ),
      }),
    )
    .describe('One customer industry’s rate against its benchmark.'),
);
export type ApiIndustryBenchmark = z.infer<typeof apiIndustryBenchmarkSchema>;

/** The user's own target (config `target`). */
export const apiTargetSchema = component(
  'Target',
  z
    .object({
      rate: fraction(),
      standing: apiStandingSchema.nullable(),
      gapPoints: z.number().nullable().describe('rate − target in percentage points.'),
    })
    .describe('The user’s own target (config `target`).'),
);
export type ApiTarget = z.infer<typeof apiTargetSchema>;

/**
 * The rate a provisional period is expected to end at once every offer's window has closed,
 * learnt from how earlier offers' acceptances accumulated over the window (Kaplan–Meier on
 * days-to-accept, pending offers censored at their age), with an interval.
 */
export const apiProjectionSchema = component(
  'Projection',
  z
    .object({
      rate: fraction().describe('The period’s own final rate: accepted so far plus the acceptances expected from its pending offers.'),
      lower: fraction().describe(
        'Interval of that final rate: the pending offers’ outcomes and the curve’s uncertainty. It is about these offers, so it is narrower than the rate’s own interval, which is about the propensity behind them.',
      ),
      upper: fraction(),
      level: fraction(),
      method: z.literal('kaplan-meier'),
      expectedAdditional: z.number().nonnegative().describe('Acceptances still expected from the period’s pending offers.'),
      pending: count().describe('Pending offers the projection is about.'),
      basis: z.string().describe('One sentence: what the curve was learnt from.'),
    })
    .describe(
      'The rate a provisional period is expected to end at once every offer’s window has closed, learnt from how earlier offers’ acceptances accumulated over the window (Kaplan–Meier on days-to-accept, pending offers censored at their age), with an interval.',
    ),
);
export type ApiProjection = z.infer<typeof apiProjectionSchema>;

const relativeChange = z.number().nullable().describe('(rateA − rateB) / rateB; null when rateB is 0 or missing.');

/** GET /api/v1/kpi — the headline. */
export const kpiResponseSchema = component(
  'KpiResponse',
  z
    .intersection(
      apiRateSchema,
      z.object({
        query: apiQueryEchoSchema,
        band: apiBandJudgementSchema,
        benchmarks: z
          .array(apiIndustryBenchmarkSchema)
          .readonly()
          .describe('Benchmarks per customer industry that has one (industries without a benchmark are left out); empty when no offered customer has such an industry.'),
        benchmark: apiIndustryBenchmarkSchema
          .nullable()
          .describe('The benchmark of the selection when it is a single benchmarked industry (e.g. filtered to `Customers.industry = saas`), else null.'),
        target: apiTargetSchema.nullable().describe('Null when the config sets no target.'),
        customers: z.object({
          offered: count(),
          converted: count(),
          rate: fraction().nullable().describe('converted / offered; null when none offered.'),
        }),
        expansionRevenue: z.number().describe('Revenue of accepted offers.'),
        previous: z
          .intersection(apiRateSchema, z.object({ from: day(), to: day() }))
          .nullable()
          .describe('The same number of days immediately before `from`; null when there is no range.'),
        change: z
          .intersection(apiDifferenceSchema, z.object({ relativeChange }))
          .nullable()
          .describe(
            'This period (A) against the previous one (B); null without a previous period. No test when either period is still filling in (`significant` false, `reason` says why): see `projected`.',
          ),
        projected: apiProjectionSchema.nullable().describe('While the selection still has pending offers: the rate it is projected to end at; else null.'),
      }),
    )
    .describe('GET /api/v1/kpi — the headline.'),
);
export type KpiResponse = z.infer<typeof kpiResponseSchema>;

/** Time series grains. */
export const apiGrainSchema = component('Grain', z.enum(['day', 'week', 'month', 'quarter', 'year']).describe('Time series grains.'));
export type ApiGrain = z.infer<typeof apiGrainSchema>;

/** A period's change with its corrected p-value (`changeFamily`). */
const adjustedPValue = fraction().nullable().describe('p-value corrected over the family (`changeFamily`).');

/** One period of the time series. */
export const timeseriesPointSchema = component(
  'TimeseriesPoint',
  z
    .intersection(
      apiRateSchema,
      z.object({
        period: day().describe('First day of the period (YYYY-MM-DD; weeks start on Monday).'),
        periodEnd: day().describe('Last day of the period (YYYY-MM-DD), clipped to the query’s `to`.'),
        partial: z.boolean().describe('The period is cut by `from`/`to` (the first or last, partly outside the range).'),
        lower: fraction().nullable().describe('Lower interval endpoint, flattened for charts (same as `interval`).'),
        upper: fraction().nullable().describe('Upper interval endpoint, flattened for charts (same as `interval`).'),
        band: apiBandSchema.nullable(),
        centreLine: fraction().nullable().describe('p-chart centre line (null for periods left out of the chart: provisional or empty).'),
        lcl: fraction().nullable().describe('Lower control limit for this period’s n.'),
        ucl: fraction().nullable().describe('Upper control limit for this period’s n.'),
        outOfControl: z
          .enum(['above', 'below'])
          .nullable()
          .describe('Rate outside the control limits (never set for provisional periods unless `includeProvisional`).'),
        runFlags: z.array(z.enum(['run_above', 'run_below'])).readonly().describe('Part of a run of ≥ 8 periods on one side of the centre line.'),
        change: z
          .intersection(apiDifferenceSchema, z.object({ adjustedPValue }))
          .nullable()
          .describe(
            'This period (A) against the previous one (B); null for the first period. Never significant when either period is provisional (its `reason` says so). `adjustedPValue` is corrected over the family of every complete period-over-period change in the answer (`changeFamily`).',
          ),
        yearOverYear: z
          .intersection(apiDifferenceSchema, z.object({ adjustedPValue, period: day().describe('The period a year earlier.') }))
          .nullable()
          .describe('This period against the same period a year earlier (months, quarters, weeks) when that one has offers; null otherwise. Corrected over its own family like `change`.'),
        projected: apiProjectionSchema.nullable().describe('A period still filling in: its projected final rate (Kaplan–Meier on days to accept); else null.'),
        charted: z.boolean().describe('The period was on the chart (complete, with offers).'),
      }),
    )
    .describe('One period of the time series.'),
);
export type TimeseriesPoint = z.infer<typeof timeseriesPointSchema>;

/** One segment's series (GET /api/v1/timeseries?by=…). */
export const timeseriesSegmentSchema = component(
  'TimeseriesSegment',
  z
    .object({
      segment: z.record(z.string(), z.string().nullable()).describe('Dimension member → value (null = offers without the attribute).'),
      label: z.string().describe('The value for display ("(none)" for null).'),
      offers: count().describe('The segment’s offers in the range.'),
      accepted: count(),
      rate: fraction().nullable().describe('accepted / offers over the range; null without offers.'),
      points: z.array(timeseriesPointSchema).readonly().describe('The same periods as the whole selection’s `points`, computed on the segment’s offers alone.'),
    })
    .describe('One segment of `by`: its own series over the same periods.'),
);
export type TimeseriesSegment = z.infer<typeof timeseriesSegmentSchema>;

/** Segments a per-segment answer left out (beyond its most-offers limit). */
const segmentsOmittedSchema = z
  .object({ segments: count(), offers: count() })
  .describe('Segments left out (those beyond the 8 with the most offers) and their offers.');

/** GET /api/v1/timeseries?grain=… */
export const timeseriesResponseSchema = component(
  'TimeseriesResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      grain: apiGrainSchema,
      points: z.array(timeseriesPointSchema).readonly().describe('Every period in the range, empty ones with offers 0 and null rates.'),
      controlChart: z.object({
        kind: z.enum(['p', 'laney']).describe('The chart used: Laney p′ when the periods vary more than chance (see `choice`), else p.'),
        choice: z
          .object({
            test: z.string(),
            statistic: z.number().nullable(),
            df: count().nullable(),
            pValue: fraction().nullable(),
            reason: z.string(),
          })
          .nullable()
          .describe('How the kind was chosen (null when the caller asked for one): the over-dispersion test.'),
        centreLine: fraction().nullable().describe('Centre line p̄ = Σ accepted / Σ offers over charted periods.'),
        sigmas: z.number(),
        sigmaZ: z.number().describe('Laney’s σ_z (1 for the p-chart).'),
        includesProvisional: z.boolean().describe('Provisional periods are left off the chart and out of alarms unless `includeProvisional=true`.'),
        note: z.string().nullable(),
      }),
      trend: z
        .object({
          periods: count(),
          from: day().nullable(),
          to: day().nullable(),
          z: z.number().nullable(),
          pValue: fraction().nullable(),
          slope: z.number().nullable().describe('Rate change per period (fraction) at the mean rate: the GLM’s log-odds slope × p̄(1 − p̄).'),
          slopePoints: z.number().nullable(),
          direction: z.enum(['rising', 'falling', 'flat']).nullable(),
          note: z.string().nullable(),
          test: z.string().describe('The model and test, in words.'),
          seasonal: z.boolean(),
          dispersion: z.number().nullable().describe('Pearson X² / df of the fit (1 = binomial noise only).'),
        })
        .describe(
          'Trend of the complete periods: a quasi-binomial logistic GLM on the period index (with month- or quarter-of-year terms when the window holds two seasonal cycles), its dispersion estimated from the data. No direction when a season could not be ruled out.',
        ),
      changeFamily: z
        .object({ method: apiCorrectionSchema, members: count(), description: z.string() })
        .describe('Which changes were corrected together, and how (config `stats.correction`, default Holm).'),
      latestChange: z
        .intersection(apiDifferenceSchema, z.object({ adjustedPValue, period: day(), previousPeriod: day() }))
        .nullable()
        .describe('Latest complete period against the one before it; null with fewer than two.'),
      by: z.string().optional().describe('With `by`: the dimension the segments are of (a model member).'),
      segments: z
        .array(timeseriesSegmentSchema)
        .readonly()
        .optional()
        .describe('With `by`: one series per segment, the 8 with the most offers in the range first (segments without offers are left out).'),
      segmentsOmitted: segmentsOmittedSchema.optional(),
      segmentsNote: z.string().nullable().optional().describe('With `by`: what was left out, in one sentence; null when nothing was.'),
    })
    .describe('GET /api/v1/timeseries?grain=…[&by=<dimension>]'),
);
export type TimeseriesResponse = z.infer<typeof timeseriesResponseSchema>;

/** One day of a segment's time-to-accept curve. */
export const timeToAcceptPointSchema = component(
  'TimeToAcceptPoint',
  z
    .object({
      days: count().describe('Whole days since the offer (0 … the conversion window).'),
      observed: count().describe('Offers followed for at least this many days (or accepted before): the offers minus those still open at a younger age.'),
      accepted: count().describe('Offers accepted within this many days.'),
      share: fraction().describe('Kaplan–Meier share accepted within this many days (= accepted / offers when no offer is still open).'),
      lower: fraction().describe('Interval of the share (see `method`).'),
      upper: fraction(),
    })
    .describe('The share of a segment’s offers accepted within `days` days of being made.'),
);

/** One segment's time-to-accept curve. */
export const timeToAcceptSegmentSchema = component(
  'TimeToAcceptSegment',
  z
    .object({
      segment: z.record(z.string(), z.string().nullable()).describe('Dimension member → value (null = offers without the attribute).'),
      label: z.string(),
      offers: count(),
      accepted: count().describe('Accepted within the window by the as-of instant.'),
      open: count().describe('Offers still open (not accepted, window not over) at the as-of instant: censored at their age.'),
      designEffect: z.number().describe('The customer design effect of the segment’s accepted share, applied to every day’s interval.'),
      points: z.array(timeToAcceptPointSchema).readonly().describe('Days 0 … windowDays.'),
    })
    .describe('One segment: its cumulative acceptance by days since the offer.'),
);
export type TimeToAcceptSegment = z.infer<typeof timeToAcceptSegmentSchema>;

/** GET /api/v1/time-to-accept?by=… */
export const timeToAcceptResponseSchema = component(
  'TimeToAcceptResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      by: z.string().describe('The dimension the segments are of (default: the binding’s offer type).'),
      windowDays: count().describe('The conversion window W: the curves run over days 0 … W.'),
      method: z.string().describe('How the curves and intervals are computed, in words.'),
      segments: z.array(timeToAcceptSegmentSchema).readonly().describe('The 8 segments with the most offers, most first.'),
      segmentsOmitted: segmentsOmittedSchema,
      segmentsNote: z.string().nullable(),
    })
    .describe('GET /api/v1/time-to-accept?by=<dimension>: cumulative acceptance by days since the offer, per segment.'),
);
export type TimeToAcceptResponse = z.infer<typeof timeToAcceptResponseSchema>;

/** One segment of a breakdown. */
export const breakdownRowSchema = component(
  'BreakdownRow',
  z
    .intersection(
      apiRateSchema,
      z.object({
        segment: z.record(z.string(), z.string().nullable()).describe('Dimension member → value (null = customers/offers without the attribute).'),
        label: z.string().describe('The segment values joined by " / " ("(none)" for null), for display and labels.'),
        band: apiBandJudgementSchema,
        smallSample: z.boolean().describe('Flagged when offers < 30: not ranked (the interval is exact below 30 effective offers).'),
        vsRest: z
          .intersection(
            apiDifferenceSchema,
            z.object({
              adjustedPValue: fraction().nullable(),
              adjustedLevel: fraction().nullable().describe('Interval level agreeing with the adjusted p-value.'),
              adjustedLower: z.number().nullable().describe('The interval at `adjustedLevel`.'),
              adjustedUpper: z.number().nullable(),
              direction: z.enum(['above', 'below']).nullable().describe('`above` / `below` the rest when significant after correction, else null.'),
            }),
          )
          .describe('This segment (A) against every other offer in the selection (B), corrected as one family.'),
      }),
    )
    .describe('One segment of a breakdown.'),
);
export type BreakdownRow = z.infer<typeof breakdownRowSchema>;

/** GET /api/v1/breakdown?by=Customers.accountSize[,Offers.channel] */
export const breakdownResponseSchema = component(
  'BreakdownResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      by: z.array(z.string()).readonly().describe('The dimensions broken down by (model member names).'),
      total: apiRateSchema.describe('All offers of the selection.'),
      rows: z.array(breakdownRowSchema).readonly().describe('One row per combination with offers, plus known-empty values (offers 0).'),
      homogeneity: z
        .object({
          statistic: z.number().nullable(),
          df: count().nullable(),
          pValue: fraction().nullable(),
          groups: count(),
          minExpected: z.number().nullable(),
          significant: z.boolean(),
        })
        .describe('χ² test of homogeneity across all segments with offers (no Yates correction).'),
      correction: z
        .object({
          method: apiCorrectionSchema,
          alpha: fraction(),
          size: count(),
          members: z.array(z.string()).readonly(),
          excluded: z.array(z.string()).readonly(),
          description: z.string().describe('e.g. "Holm correction across 3 comparisons (α = 0.05): smb, mid_market, enterprise".'),
        })
        .describe('Which comparisons were corrected together.'),
    })
    .describe('GET /api/v1/breakdown?by=<dimension>[,<dimension>]'),
);
export type BreakdownResponse = z.infer<typeof breakdownResponseSchema>;

/** One offer on the leaderboard. */
export const leaderboardRowSchema = component(
  'LeaderboardRow',
  z
    .object({
      rank: z.int().positive().describe('1 = best by the sort order; small samples are ranked after every other offer.'),
      offer: z.string().nullable().describe('The value of the ranked dimension (`by`, default the offer name).'),
      offers: count(),
      accepted: count(),
      pending: count(),
      rate: fraction().nullable().describe('accepted / offers (raw); null when offers = 0.'),
      shrunkenRate: fraction().describe('Empirical-Bayes posterior mean: the rate ranked on.'),
      lower: fraction().describe('Equal-tailed credible interval of the posterior.'),
      upper: fraction(),
      probabilityToBeatOverall: fraction().nullable().describe('Posterior probability that the offer’s rate beats the overall rate.'),
      designEffect: z
        .number()
        .min(1)
        .describe('How much the offer’s acceptances cluster by customer: the posterior counts its evidence as accepted/d of offers/d (1 = independent offers).'),
      smallSample: z.boolean().describe('offers < 30.'),
      provisional: z.boolean(),
      band: apiBandSchema.nullable(),
    })
    .describe('One offer on the leaderboard.'),
);
export type LeaderboardRow = z.infer<typeof leaderboardRowSchema>;

/** GET /api/v1/leaderboard[?sort=shrunken|raw|offers|probability&by=<dimension>&limit=] */
export const leaderboardResponseSchema = component(
  'LeaderboardResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      by: z.string().describe('The dimension ranked (model member name).'),
      sort: z.enum(['shrunken', 'raw', 'offers', 'probability']),
      overallRate: fraction().nullable(),
      prior: z
        .object({
          alpha: z.number().positive(),
          beta: z.number().positive(),
          mean: fraction(),
          strength: z.number().describe('alpha + beta: how many offers’ worth of weight the prior carries.'),
          method: z.string(),
          fallback: z.string().nullable().describe('Set when the fit fell back (too few groups, no spread…).'),
        })
        .describe('The Beta prior fitted from all offers (empirical Bayes).'),
      smallSampleThreshold: count(),
      rows: z.array(leaderboardRowSchema).readonly(),
    })
    .describe('GET /api/v1/leaderboard[?sort=shrunken|raw|offers|probability&by=<dimension>&limit=]'),
);
export type LeaderboardResponse = z.infer<typeof leaderboardResponseSchema>;

/** One side of a comparison: the common selection narrowed by its own filters and dates. */
export const apiPopulationSchema = component(
  'Population',
  z
    .intersection(
      apiRateSchema,
      z.object({
        filters: z.array(apiFilterSchema).readonly(),
        from: day().nullable(),
        to: day().nullable(),
        band: apiBandJudgementSchema,
      }),
    )
    .describe('One side of a comparison: the common selection narrowed by its own filters and dates.'),
);

/** GET /api/v1/compare?a=<filters JSON>&b=<filters JSON>[&aFrom&aTo&bFrom&bTo] */
export const compareResponseSchema = component(
  'CompareResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      a: apiPopulationSchema,
      b: apiPopulationSchema,
      difference: z.intersection(apiDifferenceSchema, z.object({ relativeChange })).describe('A − B.'),
      summary: z.string().describe('A sentence with the numbers.'),
    })
    .describe('GET /api/v1/compare?a=<filters JSON>&b=<filters JSON>[&aFrom&aTo&bFrom&bTo]'),
);
export type CompareResponse = z.infer<typeof compareResponseSchema>;

/** Kinds of finding. */
export const insightKindSchema = component(
  'InsightKind',
  z
    .enum(['segment_above', 'segment_below', 'best_offer', 'worst_offer', 'channel_gap', 'out_of_control', 'period_drop', 'period_rise', 'trend', 'benchmark', 'target', 'band'])
    .describe('Kinds of finding.'),
);
export type InsightKind = z.infer<typeof insightKindSchema>;

/** One plain-language finding with its numbers and test. */
export const insightSchema = component(
  'Insight',
  z
    .object({
      id: z.string().describe('Stable within a data set, e.g. `segment_above:Customers.accountSize=enterprise`.'),
      kind: insightKindSchema,
      severity: z.enum(['critical', 'warning', 'info']).describe('`critical` (act now), `warning`, `info` (good news or context).'),
      title: z.string(),
      text: z.string().describe('The finding in a sentence or two, with its numbers.'),
      numbers: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).describe('The numbers behind the text (rates as fractions, points, counts).'),
      impact: z
        .number()
        .nullable()
        .describe(
          'Acceptances at stake: the offers the finding is about × its gap as a rate (a segment 5 points below the rest over 10,000 offers: 500). Findings are ordered by severity, then impact; null for context (the band).',
        ),
      test: z
        .object({
          name: z.string(),
          statistic: z.number().nullable(),
          pValue: fraction().nullable(),
          adjustedPValue: fraction().nullable(),
          correction: z.string().nullable().describe('e.g. the correction family description.'),
        })
        .nullable()
        .describe('The test that backs it, or null for descriptive findings.'),
      link: z.string().nullable().describe('The query that shows the finding (dashboard deep link): the API path with its parameters.'),
    })
    .describe('One plain-language finding with its numbers and test.'),
);
export type Insight = z.infer<typeof insightSchema>;

/** GET /api/v1/insights */
export const insightsResponseSchema = component(
  'InsightsResponse',
  z
    .object({
      query: apiQueryEchoSchema,
      insights: z.array(insightSchema).readonly().describe('Ordered: critical first, then warning, then info.'),
      scanned: z.array(z.string()).readonly().describe('The dimensions scanned for segment findings (model member names).'),
    })
    .describe('GET /api/v1/insights'),
);
export type InsightsResponse = z.infer<typeof insightsResponseSchema>;

/** GET /api/v1/sample-size?baseline=&mde=&power=&alpha=[&n=] */
export const sampleSizeResponseSchema = component(
  'SampleSizeResponse',
  z
    .object({
      baseline: fraction().describe('Current conversion rate (fraction).'),
      mde: fraction().nullable().describe('Absolute change to detect, as a fraction (`mde=0.02`: 2 points); null when only `n` was given.'),
      mdePoints: z.number().nullable().describe('The same in percentage points.'),
      alpha: fraction(),
      power: fraction(),
      nPerArm: count()
        .nullable()
        .describe('Offers needed per arm to detect baseline → baseline + mde (two-sided), counting that one customer’s offers are not independent (× designEffect); null when only `n` was given.'),
      independentPerArm: count().nullable().describe('The same for independent offers (design effect 1).'),
      customersPerArm: count().nullable().describe('Customers per arm: nPerArm / offersPerCustomer; null without measured clustering.'),
      designEffect: z.number().min(1).describe('Design effect the plan used (measured from the data; 1 = independent offers).'),
      offersPerCustomer: z.number().nullable().describe('Offers per customer in the data measured; null when not measured.'),
      clustering: z.string().nullable().describe('What the design effect was measured on, in words; null when not measured.'),
      totalOffers: count().nullable(),
      h: z.number().nullable().describe('Cohen’s h of the effect.'),
      detectable: z
        .object({
          nPerArm: count(),
          upperRate: fraction().nullable(),
          lowerRate: fraction().nullable(),
          upPoints: z.number().nullable(),
          downPoints: z.number().nullable(),
          h: z.number(),
        })
        .nullable()
        .describe('With `n` (offers per arm): the smallest change detectable, both directions.'),
      method: z.string().describe('How it was computed.'),
      summary: z.string(),
    })
    .describe('GET /api/v1/sample-size?baseline=&mde=&power=&alpha=[&n=]'),
);
export type SampleSizeResponse = z.infer<typeof sampleSizeResponseSchema>;

/** The error body of every /api/v1 endpoint. */
export const apiErrorSchema = component(
  'Error',
  z
    .object({
      error: z.string().describe('What went wrong, with the place and the fix.'),
      code: z.string().describe('e.g. BAD_ARGUMENT, QUERY_INVALID'),
      type: z.string().optional().describe('The kind of error, e.g. UserError.'),
      location: z.string().optional().describe('The parameter, e.g. filters[0].member'),
      hint: z.string().optional().describe('One sentence on how to fix it.'),
      details: z.unknown().optional().describe('Structured evidence, when there is any.'),
    })
    .describe('The error body of every /api/v1 endpoint.'),
);
export type ApiError = z.infer<typeof apiErrorSchema>;

// The other /api/v1 bodies. Their TypeScript types live with their modules (kpi/report.ts
// `Report`, ingest/ingest.ts `IngestSummary`, alerts/alert-views.ts `AlertView`, routes/alerts.ts
// `checkJson`); these schemas describe the JSON those routes send, and the tests check that the
// modules' types fit them.

/** One cell of the report: counts, rate, interval, band, customers and revenue. */
export const reportCellSchema = component(
  'ReportCell',
  z
    .object({
      offers: count(),
      accepted: count(),
      pending: count(),
      rate: fraction().nullable().describe('accepted / offers; null when there are no offers.'),
      lower: fraction().nullable(),
      upper: fraction().nullable(),
      band: apiBandSchema.nullable(),
      judgement: z.union([apiBandSchema, z.literal('indeterminate')]).nullable().describe('The band judged with the interval: a band only when the whole interval lies in it, else indeterminate.'),
      method: apiIntervalMethodSchema.describe('Interval method used: Wilson, or exact (Clopper–Pearson) below 30 effective offers.'),
      variance: apiVarianceSchema,
      designEffect: z.number().min(1).describe('Cluster-robust over binomial variance (≥ 1): the interval is for offers / designEffect independent offers.'),
      provisional: z.boolean().describe('Some offers are still inside their conversion window: the rate can still rise.'),
      pendingShare: fraction().nullable().describe('pending / offers.'),
      customersOffered: count().nullable().describe('Customers offered; null when the KPI binding names no customer dimension.'),
      customersConverted: count().nullable(),
      customerRate: fraction().nullable().describe('customersConverted / customersOffered — the customer-level rate.'),
      revenue: z.number().describe('Revenue of accepted offers.'),
    })
    .describe('One cell of the report: counts, rate, interval, band, customers and revenue.'),
);

/** GET /api/v1/report: the `uprate report --format json` document. */
export const reportSchema = component(
  'Report',
  z
    .object({
      asOf: instant().describe('The clock the report was made with.'),
      from: instant().nullable().describe('Inclusive start (UTC instant).'),
      to: instant().nullable().describe('Exclusive end (UTC instant).'),
      grain: apiGrainSchema.nullable(),
      by: z.array(z.string()).readonly().describe('The breakdown dimensions’ keys (e.g. account_size).'),
      offerType: apiOfferTypeSchema.nullable(),
      windowDays: count().nullable().describe('The conversion window the shipped model was compiled for; null when a user’s model defines acceptance.'),
      level: fraction(),
      interval: z.literal('wilson').describe('Wilson on the effective sample (offers / design effect), exact below 30 effective offers: as the API.'),
      thresholds: apiThresholdsSchema,
      total: reportCellSchema.describe('A cell over everything selected.'),
      rows: z
        .array(
          z.intersection(
            reportCellSchema,
            z.object({
              period: day().optional().describe('Start of the period, when the report has a grain.'),
              partial: z
                .boolean()
                .optional()
                .describe('With a grain: the range (`from`/`to`) covers only part of the period, and its counts are of the covered part only. Not `provisional` (offers still inside their window).'),
              segment: z.record(z.string(), z.string().nullable()).describe('Dimension key (`account_size`) → value (null = customers/offers without the attribute).'),
            }),
          ),
        )
        .readonly(),
    })
    .describe('The `uprate report --format json` document (see the README, "The JSON format").'),
);

/** POST /api/v1/ingest/{table}: what was loaded. */
export const ingestSummarySchema = component(
  'IngestSummary',
  z
    .object({
      table: z.enum(['offers', 'customers']),
      files: z.array(z.string()).readonly().describe('The upload’s name (x-uprate-source).'),
      rowsRead: count(),
      inserted: count().describe('Rows stored under a key that was not stored before.'),
      updated: count().describe('Stored rows that changed.'),
      unchanged: count().describe('Rows whose key was stored with every value equal (NULL equal to NULL): left as they were.'),
      rejected: count(),
      seconds: z.number().nonnegative(),
      rowsPerSecond: z.number().nonnegative(),
      rejectFile: z.string().optional(),
      rollups: z
        .object({ kept: count(), seconds: z.number().nonnegative() })
        .optional()
        .describe('The rollups over the loaded tables this load kept current, and the seconds of its time they took (absent: none). The same for every table of one load.'),
    })
    .describe('Rows read, inserted, updated, unchanged and rejected, and the time taken.'),
);

/** One alert: a rule in one scope. */
export const alertViewSchema = component(
  'AlertView',
  z
    .object({
      rule: z.string().describe('the rule name'),
      scope: z.string().describe('all, or e.g. Customers.accountSize=smb'),
      state: z.enum(['firing', 'resolved']),
      firingSince: instant().describe('ISO instant the episode started'),
      resolvedAt: instant().nullable(),
      lastNotifiedAt: instant().nullable(),
      severity: z.enum(['warning', 'critical']),
      message: z.string().describe('plain language, with the numbers'),
    })
    .describe('One alert: a rule in one scope (see src/alerts/README.md).'),
);

/** GET /api/v1/alerts */
export const alertListSchema = component(
  'AlertList',
  z
    .object({ firing: z.array(alertViewSchema).readonly(), recent: z.array(alertViewSchema).readonly() })
    .describe('Firing alerts, and those resolved recently (alerts.recentDays, default 30).'),
);

/** POST /api/v1/alerts/check: one evaluation of the rules. */
export const alertCheckSchema = component(
  'AlertCheck',
  z
    .object({
      at: instant().describe('The instant evaluated as of.'),
      firing: count().describe('Findings firing now.'),
      errors: z.array(z.object({ rule: z.string(), error: z.string() })).readonly().describe('Rules that could not be evaluated (their alerts keep their state).'),
      rows: z
        .array(
          z.object({
            rule: z.string(),
            scope: z.string(),
            status: z.enum(['firing', 'ok', 'skipped']),
            severity: z.enum(['warning', 'critical']),
            period: z.string().nullable().describe('`2025-04`, `2025-Q2`, `2025`, `2025-04-07`; null when no period could be judged.'),
            message: z.string(),
            numbers: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
            test: z
              .object({
                name: z.string(),
                statistic: z.number().nullable(),
                pValue: fraction().nullable(),
                adjustedPValue: fraction().nullable(),
                alpha: fraction().nullable(),
                correction: z.string().nullable(),
                reason: z.string(),
              })
              .nullable(),
            state: z.enum(['firing', 'resolved']).nullable().describe('The stored state after this check (null: never fired).'),
            firingSince: instant().nullable(),
            notification: z.enum(['firing', 'reminder', 'resolved']).nullable(),
            deliveries: z
              .array(
                z.object({
                  channel: z.string(),
                  kind: z.enum(['firing', 'reminder', 'resolved', 'test']),
                  key: z.string(),
                  claimed: z.boolean().describe('False when another evaluator holds this notification (it sends it).'),
                  delivered: z.boolean(),
                  attempts: count(),
                  error: z.string().nullable(),
                }),
              )
              .readonly(),
          }),
        )
        .readonly(),
    })
    .describe('One evaluation of the alert rules: what `uprate alerts check --format json` prints.'),
);

/** GET /api/v1/binding: which model members are the KPI's inputs, and what the bound model supports. */
export const bindingDocumentSchema = component(
  'Binding',
  z
    .object({
      bound: z.boolean().describe('The model has the KPI’s inputs and the binding has no problems.'),
      members: z
        .object({
          offers: z.string().describe('Offers made (a count or sum measure).'),
          accepted: z.string().describe('Offers accepted (a count or sum measure).'),
          time: z.string().describe('The time dimension offers are dated by.'),
          pending: z.string().nullable(),
          revenue: z.string().nullable(),
          customer: z.string().nullable().describe('The dimension one customer’s offers share: intervals are clustered by it.'),
          offerType: z.string().nullable(),
          daysToAccept: z.string().nullable(),
          offerName: z.string().nullable(),
          industry: z.string().nullable(),
          channel: z.string().nullable(),
        })
        .nullable()
        .describe('The bound members (`Cube.member`); null when the KPI cannot be read from the model.'),
      windowDays: count().nullable().describe('The conversion window the shipped model is compiled for; null when the model defines acceptance itself.'),
      dimensions: z
        .array(z.object({ member: z.string(), title: z.string(), key: z.string().describe('snake case, what the report’s `by` takes') }))
        .readonly()
        .describe('The dimensions offered for breakdowns.'),
      capabilities: z
        .array(z.object({ name: z.string(), available: z.boolean(), reason: z.string().optional().describe('Why not, and how to turn it on.') }))
        .readonly(),
      problems: z.array(z.string()).readonly().describe('What stops the KPI (a missing member, a non-additive measure).'),
      cubes: z.array(z.string()).readonly(),
      currency: z.string().regex(/^[A-Z]{3}$/).describe('The currency revenue is shown in (ISO 4217, the config’s `currency`, default USD).'),
      data: z
        .object({
          asOf: instant().describe('The server’s clock: what “pending” and provisional periods are judged against.'),
          lastLoad: instant().nullable().describe('When the newest load in uprate’s load log was committed; null without a load log (a model over your own tables) or before the first load.'),
        })
        .describe('How fresh the numbers are (the dashboard’s “Data as of … · last load …”).'),
    })
    .describe('The KPI binding: which model members are the KPI’s inputs, and what the bound model supports (the dashboard builds its controls from it).'),
);
export type BindingDocument = z.infer<typeof bindingDocumentSchema>;

/** What the bound model can tell (src/report-html/coverage.ts): the monthly report says nothing about what it lacks. */
export const modelCoverageSchema = component(
  'ModelCoverage',
  z
    .object({
      offerTypes: z.boolean().describe('An offer-type dimension: the upsell / cross-sell split.'),
      customers: z.boolean().describe('A customer dimension: the customer-level rate and clustered intervals.'),
      revenue: z.boolean().describe('An expansion-revenue measure.'),
      pending: z.boolean().describe('A pending measure: provisional periods.'),
      offerNames: z.boolean().describe('An offer-name dimension: the leaderboard.'),
      industries: z.boolean().describe('An industry dimension: benchmarks.'),
      window: z.boolean().describe('The conversion window is uprate’s setting (the shipped model).'),
    })
    .describe('What the bound model can tell.'),
);

/** GET /api/v1/report/monthly: the numbers of the monthly report (`uprate report --format html|md`). */
export const monthlyReportSchema = component(
  'MonthlyReport',
  z
    .object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).describe('`YYYY-MM`.'),
      from: day().describe('First day of the month.'),
      to: day().describe('Last day of the month.'),
      generatedAt: instant(),
      kpi: kpiResponseSchema,
      trend: timeseriesResponseSchema,
      breakdowns: z
        .array(
          z.object({
            member: z.string().describe('`Cube.member`.'),
            title: z.string().describe('The panel heading.'),
            data: breakdownResponseSchema,
          }),
        )
        .readonly()
        .describe('One per panel dimension of the KPI binding.'),
      leaderboard: leaderboardResponseSchema.nullable(),
      insights: insightsResponseSchema,
      coverage: modelCoverageSchema,
      currency: z.string().regex(/^[A-Z]{3}$/).optional().describe('The currency of revenue (ISO 4217, the config’s `currency`; USD when absent).'),
      timeToAccept: timeToAcceptResponseSchema
        .extend({ title: z.string().describe('The heading: the title of the dimension the segments are of.') })
        .nullable()
        .optional()
        .describe('The month’s offers: the share accepted within so many days (as GET /api/v1/time-to-accept), by the first panel dimension (else the offer type); null when the binding names no days to accept or nothing to group by.'),
      segmentsOverTime: timeseriesResponseSchema
        .extend({ title: z.string().describe('The heading: the title of the dimension the segments are of.') })
        .nullable()
        .optional()
        .describe('The trend’s months for the first panel dimension’s segments with the most offers (as GET /api/v1/timeseries?grain=month&by=); null without a panel dimension.'),
    })
    .describe('The monthly report’s numbers: headline, trend, breakdowns, leaderboard and findings of one month; `uprate report --format html|md` renders it.'),
);

/** GET /api/v1/alerts/rules: the rules and channels a server runs (what `uprate alerts list` prints). */
export const alertRulesSchema = component(
  'AlertRules',
  z
    .object({
      rules: z
        .array(
          z.object({
            name: z.string(),
            enabled: z.boolean(),
            condition: z.string().describe('The condition type: below, drop, control-limit, segment-below, volume-drop.'),
            grain: z.string(),
            scope: z.string().nullable().describe('The dimension the rule judges each value of; null: everything.'),
            schedule: z.string().describe('Cron expression (UTC).'),
            channels: z.array(z.string()).readonly(),
            severity: z.enum(['warning', 'critical']),
          }),
        )
        .readonly(),
      channels: z
        .array(
          z.object({
            name: z.string(),
            type: z.string(),
            target: z.string().describe('Where it posts: the URL’s scheme, host and port only (its path and query may hold a secret).'),
            signed: z.boolean().describe('Deliveries carry an HMAC signature.'),
          }),
        )
        .readonly(),
      publicUrl: z.string().nullable().describe('The dashboard URL notifications link to (config alerts.publicUrl); null: the server’s own.'),
    })
    .describe('The alert rules in force and the channels they send to.'),
);
export type AlertRules = z.infer<typeof alertRulesSchema>;

/** GET /api/v1/rollups: the served model's rollups and whether queries read them. */
export const rollupListSchema = component(
  'RollupList',
  z
    .object({
      rollups: z
        .array(
          z.object({
            name: z.string().describe('`Cube.rollup`.'),
            state: z.enum(['fresh', 'stale', 'missing']).describe('fresh: read by the queries it answers exactly; stale or missing: never read.'),
            why: z.string().nullable().describe('Why it is stale or missing, and what to run.'),
            table: z.string().nullable(),
            rows: count().nullable(),
            builtAt: instant().nullable().describe('When it was built or last refreshed by an ingest.'),
            buildSeconds: z.number().nonnegative().nullable(),
            refreshSeconds: z
              .number()
              .nonnegative()
              .nullable()
              .describe("What the last ingest that maintained it spent on it, in seconds (a family of moments' members share its time equally); null when none has since its build, or on ClickHouse."),
            openWindow: z
              .object({ clock: instant(), from: instant(), rows: count() })
              .nullable()
              .describe('Its periods not yet settled, kept as at `clock` (past every acceptance stored) from the period starting at `from`: read by queries at that clock or later. Null: none, or stale until the load that changed the rows refills it.'),
          }),
        )
        .readonly(),
    })
    .describe('The rollups (pre-aggregations) of the served model.'),
);

/** POST /api/v1/rollups/build and /drop: what was built (rows, seconds, data version) or dropped. */
export const rollupBuildSchema = component(
  'RollupBuild',
  z
    .object({
      built: z.array(z.object({ name: z.string(), table: z.string(), rows: count(), seconds: z.number().nonnegative(), dataVersion: z.int() })).readonly(),
    })
    .describe('The rollups built from the rows, each in one commit.'),
);
export const rollupDropSchema = component('RollupDrop', z.object({ dropped: z.array(z.string()).readonly() }).describe('The rollups dropped: queries read the rows.'));
export type MonthlyReportDocument = z.infer<typeof monthlyReportSchema>;
export type AlertCheck = z.infer<typeof alertCheckSchema>;

// Saved views and annotations (src/saved): the requests the server validates, and its answers.

/** POST /api/v1/views: a name and the dashboard's query string. */
export const saveViewRequestSchema = component(
  'SaveViewRequest',
  z
    .object({
      name: z.string().trim().min(1).max(80).describe('1–80 characters; a view of the same name is replaced.'),
      state: z.string().max(2_000).describe('The dashboard URL query string (with or without `?`; at most 2,000 characters), e.g. `grain=week&filter=Customers.region%3Deurope`.'),
    })
    .describe('A view to save.'),
);
export type SaveViewRequest = z.infer<typeof saveViewRequestSchema>;

/** One saved view. */
export const savedViewSchema = component(
  'SavedView',
  z
    .object({
      name: z.string(),
      state: z.string().describe('The dashboard URL query string, without `?`: open `/?` + state.'),
      createdAt: instant(),
      createdBy: z.string().nullable().describe('The saving token’s `sub` claim (null without one).'),
    })
    .describe('A named dashboard view.'),
);

/** GET /api/v1/views */
export const savedViewListSchema = component('SavedViewList', z.object({ views: z.array(savedViewSchema).readonly() }).describe('The caller’s tenant’s saved views, by name.'));
/** POST /api/v1/views: the view saved, and whether it replaced one of that name. */
export const savedViewWriteSchema = component('SavedViewWrite', z.object({ view: savedViewSchema, replaced: z.boolean() }).describe('The view saved; `replaced`: a view of that name was replaced.'));

/** POST /api/v1/annotations: a day and a short note. */
export const addAnnotationRequestSchema = component(
  'AddAnnotationRequest',
  z
    .object({
      day: day().describe('YYYY-MM-DD.'),
      text: z.string().trim().min(1).max(200).describe('1–200 characters, e.g. "pricing change".'),
    })
    .describe('A note to draw on the trend.'),
);
export type AddAnnotationRequest = z.infer<typeof addAnnotationRequestSchema>;

/** One annotation. */
export const annotationSchema = component(
  'Annotation',
  z
    .object({
      id: z.string().describe('What DELETE /api/v1/annotations/{id} and `uprate annotate remove` take.'),
      day: day(),
      text: z.string(),
      createdAt: instant(),
      createdBy: z.string().nullable(),
    })
    .describe('A note on a day, drawn on the trend at the period containing it.'),
);
/** GET /api/v1/annotations */
export const annotationListSchema = component('AnnotationList', z.object({ annotations: z.array(annotationSchema).readonly() }).describe('The caller’s tenant’s annotations in the range, by day.'));
/** POST /api/v1/annotations */
export const annotationWriteSchema = component('AnnotationWrite', z.object({ annotation: annotationSchema }).describe('The annotation added.'));
/** DELETE /api/v1/views/{name} and /api/v1/annotations/{id} */
export const deletedSchema = component('Deleted', z.object({ deleted: z.string() }).describe('The name or id removed.'));
export type SavedViewList = z.infer<typeof savedViewListSchema>;
export type AnnotationList = z.infer<typeof annotationListSchema>;

// Propensity ("Ready to grow", GET /api/v1/propensity and /api/v1/opportunities): the types are
// src/propensity/types.ts; these schemas describe the same JSON (src/server/routes/propensity.ts
// checks at compile time that the two agree).

/** A value with its interval. */
const apiEstimateSchema = component('Estimate', z.object({ value: z.number(), lower: z.number(), upper: z.number() }).describe('A value with its interval.'));

/** One decile of holdout predictions: what was predicted, what happened. */
export const calibrationBinSchema = component(
  'CalibrationBin',
  z
    .object({
      bin: z.int().describe('Decile, 1 = lowest predicted.'),
      offers: count(),
      accepted: count(),
      meanPredicted: fraction().describe('Mean predicted probability of the decile’s offers.'),
      observed: fraction().describe('Share of them accepted.'),
      lower: fraction().describe('Wilson interval of the observed share.'),
      upper: fraction(),
    })
    .describe('One decile of holdout predictions: predicted against observed, with the Wilson interval of the observed share.'),
);

/** How well one predictor did on the holdout. */
export const holdoutMetricsSchema = component(
  'HoldoutMetrics',
  z
    .object({
      auc: apiEstimateSchema.describe('Area under the ROC curve, with a customer-clustered bootstrap interval.'),
      brier: z.number().describe('Mean squared error of the probabilities (lower is better).'),
      logLoss: z.number(),
      calibration: z.array(calibrationBinSchema).readonly(),
      topDecileLift: apiEstimateSchema.describe('Observed rate of the top-decile offers ÷ the base rate in the holdout.'),
    })
    .describe('How well one predictor did on the time-based holdout.'),
);

const periodCountsSchema = z.object({ offers: count(), accepted: count(), from: z.string(), to: z.string() });
const predictorSchema = z.enum(['model', 'segment rate']);

/** Holdout validation of one offer's model beside the segment-rate baseline. */
export const offerValidationSchema = component(
  'OfferValidation',
  z
    .object({
      offerName: z.string(),
      train: periodCountsSchema.describe('Offers the model was fitted on (made before the cutoff).'),
      holdout: periodCountsSchema.describe('Offers it was tested on (made from the cutoff on).'),
      model: holdoutMetricsSchema.nullable().describe('The logistic model on the holdout; null when it could not be fitted.'),
      baseline: holdoutMetricsSchema.nullable().describe('The segment-rate baseline on the holdout.'),
      baselineSegment: z.string().nullable().describe('The dimension the baseline’s segments are (chosen on the training offers).'),
      aucGain: apiEstimateSchema.nullable().describe('AUC of the model minus the baseline’s, with a paired customer-clustered bootstrap interval.'),
      used: predictorSchema.describe('Which predictor ranks this offer’s customers.'),
      verdict: z.string().describe('Whether the model beats the baseline, in one sentence.'),
    })
    .describe('Holdout validation of one offer’s model beside the segment-rate baseline.'),
);

const attributeValueSchema = z.union([z.string(), z.number(), z.null()]);

/** What training saw and decided (GET /api/v1/propensity). */
export const propensityReportSchema = component(
  'PropensityReport',
  z
    .object({
      asOf: z.string().describe('The clock the model was trained and scored as of (ISO).'),
      windowDays: count(),
      cutoff: z.string().describe('Offers made before it trained the holdout model; offers from it to holdoutEnd tested it (ISO).'),
      holdoutEnd: z.string(),
      sample: z
        .object({ fraction: fraction(), customers: count(), offers: count(), totalOffers: count(), note: z.string() })
        .describe('Share of customers sampled for training (1 = all), and why.'),
      features: z.array(z.object({ member: z.string(), title: z.string(), kind: z.enum(['number', 'category']) })).readonly().describe('Customer attributes the model uses.'),
      historyFeatures: z.array(z.string()).readonly().describe('Features computed from each customer’s earlier offers.'),
      offers: z.array(offerValidationSchema).readonly(),
      overall: z.object({ model: holdoutMetricsSchema.nullable(), baseline: holdoutMetricsSchema.nullable() }).describe('Every holdout offer pooled across offers.'),
      caveat: z.string().describe('Propensity is not uplift: shown wherever the numbers are.'),
      upliftPlan: z
        .object({ baseRate: fraction(), detectableLift: z.number(), offersPerArm: count(), text: z.string() })
        .describe('The randomized holdout that would measure an offer’s real effect.'),
      trainingMs: z.number().nonnegative(),
    })
    .describe('GET /api/v1/propensity: the time-based holdout validation of the propensity model beside the segment-rate baseline.'),
);
export type PropensityReportResponse = z.infer<typeof propensityReportSchema>;

/** A customer not holding an open offer, ranked for one offer. */
export const opportunitySchema = component(
  'Opportunity',
  z
    .object({
      rank: z.int().positive(),
      customer: z.string(),
      offerName: z.string(),
      probability: fraction(),
      lower: fraction(),
      upper: fraction(),
      expectedRevenue: z.number().nullable().describe('probability × the offer’s mean accepted revenue; null when the offer has no revenue recorded.'),
      drivers: z.array(z.object({ feature: z.string(), contribution: z.number().describe('Push on the log-odds.') })).readonly().describe('The two or three features that push this customer most.'),
      attributes: z.record(z.string(), attributeValueSchema),
      predictor: predictorSchema,
    })
    .describe('A customer not holding an open offer, ranked for one offer.'),
);

/** GET /api/v1/opportunities */
export const opportunitiesResponseSchema = component(
  'OpportunitiesResponse',
  z
    .object({
      report: propensityReportSchema,
      customersScored: count(),
      customersWithOpenOffers: count().describe('Customers left out because they hold an open (pending) offer.'),
      sort: z.enum(['probability', 'revenue']),
      rows: z.array(opportunitySchema).readonly(),
    })
    .describe('GET /api/v1/opportunities: customers ranked by expected conversion or expected revenue, with the validation report.'),
);
export type OpportunitiesResponseBody = z.infer<typeof opportunitiesResponseSchema>;
