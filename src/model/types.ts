/**
 * The compiled model: what a folder of Cube-syntax files means once it has been evaluated,
 * checked and resolved. Every SQL snippet is a {@link Template}: text with typed references to
 * cubes, members and portable macros, so nothing downstream parses SQL text again.
 */
import type { ModelProblem } from './problems.js';

export const MEASURE_TYPES = ['count', 'count_distinct', 'count_distinct_approx', 'sum', 'avg', 'min', 'max', 'number'] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

export const DIMENSION_TYPES = ['string', 'number', 'time', 'boolean'] as const;
export type DimensionType = (typeof DIMENSION_TYPES)[number];

export const RELATIONSHIPS = ['many_to_one', 'one_to_many', 'one_to_one'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export type MemberType = 'measure' | 'dimension' | 'segment';

/** The portable macros a model may call; each dialect expands them (see macros.ts). */
export type MacroName = 'now' | 'addDays' | 'daysBetween';

export type MacroArg =
  | { readonly kind: 'sql'; readonly template: Template }
  | { readonly kind: 'number'; readonly value: number };

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  /** `${CUBE}` or `${Other}`: the cube's alias in the query. */
  | { readonly kind: 'cube'; readonly cube: string }
  /** `${member}`, `${CUBE.member}`, `${Other.member}`. */
  | { readonly kind: 'member'; readonly cube: string; readonly member: string; readonly memberType: MemberType }
  | { readonly kind: 'macro'; readonly name: MacroName; readonly args: readonly MacroArg[] };

export type Template = readonly TemplatePart[];

interface MemberCommon {
  readonly name: string;
  readonly cube: string;
  /** `Cube.member`. */
  readonly path: string;
  readonly title: string | undefined;
  readonly description: string | undefined;
  /** Listed in /meta and selectable; primary keys are hidden unless `public: true`. */
  readonly public: boolean;
  readonly meta: unknown;
  readonly line: number | undefined;
}

export interface MeasureDef extends MemberCommon {
  readonly kind: 'measure';
  readonly type: MeasureType;
  /** Absent for a plain `count`. */
  readonly sql: Template | undefined;
  /** Measure filters (`filters: [{sql}]`), ANDed: only rows matching all are aggregated. */
  readonly filters: readonly Template[];
  readonly format: 'percent' | 'currency' | undefined;
  readonly drillMembers: readonly string[];
}

export interface DimensionDef extends MemberCommon {
  readonly kind: 'dimension';
  readonly type: DimensionType;
  readonly sql: Template;
  readonly primaryKey: boolean;
  readonly format: string | undefined;
}

export interface SegmentDef extends MemberCommon {
  readonly kind: 'segment';
  readonly sql: Template;
}

export interface JoinDef {
  /** The cube joined to. */
  readonly target: string;
  readonly relationship: Relationship;
  readonly sql: Template;
  readonly line: number | undefined;
}

export type CubeSource =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'sql'; readonly sql: Template };

/** Granularities a rollup stores its time dimension at, and partitions it by. */
export const ROLLUP_GRANULARITIES = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type RollupGranularity = (typeof ROLLUP_GRANULARITIES)[number];

/** The coarser periods made of whole periods of each granularity (weeks cross months). */
export const ROLLUP_NESTS: Readonly<Record<RollupGranularity, readonly string[]>> = {
  hour: ['hour', 'day', 'week', 'month', 'quarter', 'year'],
  day: ['day', 'week', 'month', 'quarter', 'year'],
  week: ['week'],
  month: ['month', 'quarter', 'year'],
  quarter: ['quarter', 'year'],
  year: ['year'],
};

/**
 * A pre-aggregation (Cube's `preAggregations: { name: { type: 'rollup', … } }`): the cube's
 * additive measures summed per dimension values and period, kept in a table of the store's own
 * engine. uprate answers a query from it only when the answer is exactly the raw one.
 */
export interface RollupDef {
  readonly name: string;
  readonly cube: string;
  /** `Cube.name`. */
  readonly path: string;
  /** `Cube.member` paths: additive measures (count, sum, min, max). */
  readonly measures: readonly string[];
  /** `Cube.member` paths: dimensions of the cube or of cubes it joins many-to-one. */
  readonly dimensions: readonly string[];
  readonly timeDimension: string;
  readonly granularity: RollupGranularity;
  /** The unit an ingest rebuilds (default month). */
  readonly partitionGranularity: RollupGranularity;
  /**
   * uprate's extension: days after which a row's measures no longer change with the clock (the
   * conversion window). Needed when a measure reads `uprate.now()`: such a rollup serves only
   * periods that ended at least this long before the query's clock; null when no measure reads it.
   */
  readonly settledAfterDays: number | null;
  /**
   * uprate's extension: the dimension naming a cluster (`Offers.customerId`). Such a rollup keeps
   * one row per cluster (and dimension values) with each period's measures side by side, so the
   * per-customer sums a customer-clustered interval needs, over any run of whole periods, are a
   * sum of columns — no grouping by customer at query time. Null for a plain rollup.
   */
  readonly clusteredBy: string | null;
  /**
   * uprate's extension, with `clusteredBy`: keep the clusters' moments instead of a row per
   * cluster — per group and pair of months, Σ over clusters of the products of their counts, and
   * how many clusters start or resume in a month — so a clustered read over any run of whole
   * months reads a few thousand rows, not one per customer. Answers only reads grouped by (or
   * fixing) each of its dimensions that splits a cluster's offers; counts only.
   */
  readonly moments: boolean;
  /**
   * With `moments: 'perPeriod'`: the moments of each period alone (one cluster's counts within a
   * day, week or month), not of pairs of periods — cheap to build at any granularity, and answers
   * only reads grouped by that granularity (each group's clusters lie in one period).
   */
  readonly perPeriod: boolean;
  readonly line: number | undefined;
}

export interface CubeDef {
  readonly name: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly public: boolean;
  readonly source: CubeSource;
  readonly measures: ReadonlyMap<string, MeasureDef>;
  readonly dimensions: ReadonlyMap<string, DimensionDef>;
  readonly segments: ReadonlyMap<string, SegmentDef>;
  readonly joins: ReadonlyMap<string, JoinDef>;
  readonly primaryKeys: readonly string[];
  readonly meta: unknown;
  /** Pre-aggregations of type rollup, by name. */
  readonly rollups: ReadonlyMap<string, RollupDef>;
}

export interface Model {
  /** The cubes, members and joins that compiled (in a tolerant load, without the broken ones). */
  readonly cubes: ReadonlyMap<string, CubeDef>;
  /** The files it was compiled from. */
  readonly files: readonly string[];
  /**
   * Every problem found while compiling: the warnings, and in a tolerant load the errors too —
   * those of the model files, then one per member broken only because it uses a broken one.
   */
  readonly problems: readonly ModelProblem[];
  /**
   * What a tolerant load left out, with why: `Cube.member`, a whole `Cube`, or a join
   * `Cube.joins.Other` → its problems (for a member broken through another, its own problem
   * followed by the other's). Empty when the model has no error.
   *
   * @example
   *   formatProblems(model.broken.get('UpsellOffers.upsellConversionRate') ?? [])
   *   // upsell_offers.js:1 UpsellOffers.upsellConversionRate: error: number measure … uses raw columns …
   *   //   fix: compute it from measures (a ratio of sums): sql: `${successfulUpsells} * 1.0 / NULLIF(${totalUpsellOffers}, 0)`
   */
  readonly broken: ReadonlyMap<string, readonly ModelProblem[]>;
}

export type MemberDef = MeasureDef | DimensionDef | SegmentDef;
