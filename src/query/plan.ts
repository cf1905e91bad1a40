import type { DimensionType, MeasureType } from '../model/index.js';
import type { FilterOperator, Granularity } from './cube-query.js';

/**
 * The query plan: a validated query resolved against the model, as immutable `kind`-tagged
 * data (deep-frozen), independent of any SQL dialect. The SQL compiler (src/sql) turns it into
 * a statement; the plan is also what result formatting reads.
 */
export interface MemberRef {
  readonly kind: 'member';
  /** `Cube.member`. */
  readonly path: string;
  readonly cube: string;
  readonly name: string;
  readonly memberType: 'measure' | 'dimension' | 'segment';
  /** The dimension's or measure's type (`time`, `string`, `count`, `number`, …). */
  readonly type: DimensionType | MeasureType | 'segment';
}

/** A selected column: a measure, a dimension, or a time dimension at a granularity. */
export interface Selection {
  readonly kind: 'selection';
  readonly member: MemberRef;
  readonly granularity: Granularity | null;
  /** The SQL column alias (Cube's: `offers__offered_at_month`). */
  readonly alias: string;
  /** The key in result rows: `Offers.offeredAt.month`. */
  readonly key: string;
}

/** A filter value, typed by its member: numbers for number members, UTC ISO instants for time ones. */
export type FilterValue = string | number | boolean;

export type Predicate =
  | { readonly kind: 'and' | 'or'; readonly items: readonly Predicate[] }
  | {
      readonly kind: 'condition';
      readonly member: MemberRef;
      readonly operator: FilterOperator;
      /** For date operators: `[fromUtc, toUtc]` instants (`toUtc` inclusive), resolved in the query time zone. */
      readonly values: readonly (FilterValue | null)[];
    }
  /** A segment of the model, applied as a row filter. */
  | { readonly kind: 'segment'; readonly member: MemberRef };

export interface OrderItem {
  readonly kind: 'order';
  /** The member as the query (or Cube's default order) names it. */
  readonly id: string;
  readonly alias: string;
  readonly desc: boolean;
}

export interface QueryPlan {
  readonly kind: 'queryPlan';
  readonly measures: readonly Selection[];
  /** Dimensions, time dimensions without granularity included (their raw value). */
  readonly dimensions: readonly Selection[];
  /** Time dimensions with a granularity: truncated in the query time zone. */
  readonly timeDimensions: readonly Selection[];
  /** Row filters: dimension filters, date ranges, segments, measureFilter, extraFilters. */
  readonly where: Predicate | null;
  /** Filters on measures: applied after aggregation. */
  readonly having: Predicate | null;
  readonly order: readonly OrderItem[];
  readonly limit: number;
  readonly offset: number;
  readonly total: boolean;
  readonly ungrouped: boolean;
  /** IANA name; wall times in results and granularity boundaries follow it. */
  readonly timezone: string;
  /** The clock `uprate.now()` reads, as an ISO instant. */
  readonly now: string;
}

/** Freezes a plan (or any plain data) all the way down. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
