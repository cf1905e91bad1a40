import type { MeasureType, Model } from '../model/index.js';
import { findMember, templateRefs } from '../model/index.js';
import { multipliedCubes } from '../sql/index.js';
import { leafMeasures } from '../sql/measure-sql.js';
import { buildQueryScope } from '../sql/query-scope.js';
import type { PreparedQuery } from './answer-query.js';
import type { Granularity } from './cube-query.js';
import type { NormalizedFilterItem, NormalizedTimeDimension } from './normalize-query.js';
import { parseTimestamp } from './time-zone.js';

/**
 * One entry of `transformedQueries` in a `/dry-run` answer: the query in the form Cube's
 * pre-aggregation matcher reads (`PreAggregations.transformQueryToCanUseForm` of Cube 0.33),
 * computed from the normalised query and the model. uprate has no pre-aggregations; the form
 * says what a Cube client reading it expects to learn about the query.
 *
 * Where uprate differs from Cube 0.33's output:
 * - `filterDimensionsSingleValueEqual` is `{member: 1, …}` (Cube's Map before it becomes a Set),
 *   or null; Cube's Set turns into `{}` in JSON, losing the members.
 * - `and`/`or` filter groups contribute their members (Cube 0.33 took `f.dimension`, undefined for
 *   a group; later Cube versions flatten groups as here).
 * - The caller's security filters (config `security.filters`, Cube's `queryRewrite`) count as
 *   filters: they are part of the query that runs.
 * - `hasCumulativeMeasures` is always false and `windowGranularity` null: uprate's models have no
 *   rolling-window or running-total measures.
 */
export interface TransformedQuery {
  readonly sortedDimensions: readonly string[];
  readonly sortedTimeDimensions: readonly TimeDimensionPair[];
  readonly timeDimensions: readonly TimeDimensionPair[];
  readonly measures: readonly string[];
  readonly leafMeasureAdditive: boolean;
  readonly leafMeasures: readonly string[];
  readonly measureToLeafMeasures: Readonly<Record<string, readonly LeafMeasure[]>>;
  readonly hasNoTimeDimensionsWithoutGranularity: boolean;
  readonly allFiltersWithinSelectedDimensions: boolean;
  readonly isAdditive: boolean;
  readonly granularityHierarchies: Readonly<Record<string, readonly string[]>>;
  readonly hasMultipliedMeasures: boolean;
  readonly hasCumulativeMeasures: boolean;
  readonly windowGranularity: string | null;
  readonly filterDimensionsSingleValueEqual: Readonly<Record<string, number>> | null;
  readonly ownedDimensions: readonly string[];
  readonly ownedTimeDimensionsWithRollupGranularity: readonly TimeDimensionPair[];
  readonly ownedTimeDimensionsAsIs: readonly TimeDimensionPair[];
}

/** `[Cube.timeDimension, granularity]`, as Cube pairs them. */
export type TimeDimensionPair = readonly [string, string | null];

export interface LeafMeasure {
  readonly measure: string;
  readonly additive: boolean;
  /** The measure's type as Cube names it (`count`, `countDistinct`, `sum`, `number`, …). */
  readonly type: string;
}

/** Cube 0.33's `standardGranularitiesParents`, as it sends it (the repeated `month` of `year` included). */
const GRANULARITY_HIERARCHIES: Readonly<Record<string, readonly string[]>> = {
  year: ['year', 'quarter', 'month', 'month', 'day', 'hour', 'minute', 'second'],
  quarter: ['quarter', 'month', 'day', 'hour', 'minute', 'second'],
  month: ['month', 'day', 'hour', 'minute', 'second'],
  week: ['week', 'day', 'hour', 'minute', 'second'],
  day: ['day', 'hour', 'minute', 'second'],
  hour: ['hour', 'minute', 'second'],
  minute: ['minute', 'second'],
  second: ['second'],
};

const CUBE_MEASURE_TYPES: Readonly<Record<MeasureType, string>> = {
  count: 'count',
  count_distinct: 'countDistinct',
  count_distinct_approx: 'countDistinctApprox',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  number: 'number',
};

/** Cube's additive measure types: a rollup of them can be rolled up again. */
const ADDITIVE = new Set(['sum', 'count', 'countDistinctApprox', 'min', 'max']);

const uniq = <T>(items: readonly T[]): T[] => [...new Set(items)];
const sorted = (items: readonly string[]): string[] => [...items].sort();
const byMember = (pairs: readonly TimeDimensionPair[]): TimeDimensionPair[] => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function filterMembers(item: NormalizedFilterItem): string[] {
  if ('and' in item) return item.and.flatMap(filterMembers);
  if ('or' in item) return item.or.flatMap(filterMembers);
  return [item.member];
}

function isMeasure(model: Model, path: string): boolean {
  return findMember(model, path)?.member.kind === 'measure';
}

function cubeType(model: Model, path: string): string {
  const m = findMember(model, path)?.member;
  return m?.kind === 'measure' ? CUBE_MEASURE_TYPES[m.type] : '';
}

/**
 * Cube's `minGranularity`: the finest granularity both contain (`month` and `week` → `day`).
 * Either may be missing.
 */
export function minGranularity(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b || a === b) return a;
  const ah = [...(GRANULARITY_HIERARCHIES[a] ?? [a])].reverse();
  const bh = [...(GRANULARITY_HIERARCHIES[b] ?? [b])].reverse();
  let last = Math.max(
    ah.findIndex((g, i) => g !== bh[i]),
    bh.findIndex((g, i) => g !== ah[i]),
  );
  if (last === -1 && ah.length === bh.length) last = ah.length - 1;
  return last <= 0 ? null : (ah[last - 1] ?? null);
}

/** Cube's `granularityFor`: the coarsest granularity a wall time starts (2025-01-01 → year; a Monday → week). */
export function granularityFor(wallMs: number): Granularity {
  const d = new Date(wallMs);
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  if (midnight && d.getUTCMonth() === 0 && d.getUTCDate() === 1) return 'year';
  if (midnight && d.getUTCDate() === 1) return 'month';
  if (midnight && d.getUTCDay() === 1) return 'week';
  if (midnight) return 'day';
  if (d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0) return 'hour';
  if (d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0) return 'minute';
  return 'second';
}

/**
 * Cube's `rollupGranularity` of a time dimension: the finest of its granularity and the
 * granularity its date range is aligned to (from the range's start, and the instant after its end).
 */
export function rollupGranularity(td: NormalizedTimeDimension): string | null {
  const [from, to] = td.dateRange ?? [];
  const fromMs = from === undefined ? undefined : parseTimestamp(from)?.ms;
  const toMs = to === undefined ? undefined : parseTimestamp(to)?.ms;
  const rangeGranularity = fromMs === undefined || toMs === undefined ? null : minGranularity(granularityFor(fromMs), granularityFor(toMs + 1));
  return minGranularity(td.granularity ?? null, rangeGranularity);
}

/** The member and every member its SQL reaches (Cube's `collectMemberNamesFor`). */
function memberNames(model: Model, path: string, seen = new Set<string>()): string[] {
  if (seen.has(path)) return [];
  seen.add(path);
  const sql = findMember(model, path)?.member.sql;
  const reached = sql ? [...templateRefs(sql)].flatMap((r) => (r.kind === 'member' ? memberNames(model, `${r.cube}.${r.member}`, seen) : [])) : [];
  return [path, ...reached];
}

/**
 * Cube's `ownedByCube`: a member is its cube's own unless its SQL references something and none
 * of it is a cube (`${CUBE}.column`): one defined only from other members is not.
 */
function ownedByCube(model: Model, path: string): boolean {
  const sql = findMember(model, path)?.member.sql;
  if (!sql) return true;
  const refs = [...templateRefs(sql)];
  return refs.length === 0 || refs.some((r) => r.kind === 'cube');
}

/** Cube's `ownedMembers`: the owned members the given ones reach, sorted. */
function ownedMembers(model: Model, paths: readonly string[]): string[] {
  return sorted(uniq(paths.flatMap((p) => memberNames(model, p)).filter((p) => ownedByCube(model, p))));
}

/**
 * Cube's `collectFilterDimensionsWithSingleValueEqual`: how many values each `equals` filter
 * allows (selected dimensions and segments count 1); null when a filter is not `equals` (or an
 * `or` group).
 */
function singleValueEquals(items: readonly NormalizedFilterItem[], counts: Map<string, number>): Map<string, number> | null {
  for (const f of items) {
    if ('or' in f) return null;
    if ('and' in f) {
      if (!singleValueEquals(f.and, counts)) return null;
    } else if (f.operator === 'equals') {
      counts.set(f.member, Math.min(counts.get(f.member) ?? 2, f.values?.length ?? 0));
    } else {
      return null;
    }
  }
  return counts;
}

/**
 * The transformed query of one prepared query. `extraFilters` are the caller's security filters,
 * normalised (they run as part of the query).
 *
 * @example
 *   transformQuery(model, prepared.queries[0], []).leafMeasures; // ['Offers.accepted', 'Offers.count']
 */
export function transformQuery(model: Model, prepared: PreparedQuery, extraFilters: readonly NormalizedFilterItem[]): TransformedQuery {
  const q = prepared.query;
  const allFilters = [...q.filters, ...extraFilters];
  // Cube splits filters: those on measures (measureFilters) and those on dimensions.
  const measureFilters = allFilters.filter((f) => filterMembers(f).some((m) => isMeasure(model, m)));
  const filters = allFilters.filter((f) => !measureFilters.includes(f));
  const dimensionsList = [...q.dimensions];
  const segmentsList = [...(q.segments ?? [])];
  const filterDimensions = filters.flatMap(filterMembers);
  const dimensionMembers = [...dimensionsList, ...filterDimensions, ...segmentsList];

  const queryMeasures = q.measures ?? [];
  const measures = uniq([...queryMeasures, ...measureFilters.flatMap(filterMembers).filter((m) => isMeasure(model, m))]);
  const measureToLeafMeasures: Record<string, LeafMeasure[]> = {};
  for (const m of measures) {
    measureToLeafMeasures[m] = leafMeasures(model, m).map((leaf) => ({ measure: leaf, additive: ADDITIVE.has(cubeType(model, leaf)), type: cubeType(model, leaf) }));
  }
  const leaves = uniq(measures.flatMap((m) => (measureToLeafMeasures[m] ?? []).map((l) => l.measure)));

  const multiplied = multipliedCubes(buildQueryScope(model, prepared.plan).tree);
  const singles = singleValueEquals(filters, new Map([...dimensionsList, ...segmentsList].map((d) => [d, 1])));
  const ownedTimeDimensions = q.timeDimensions.map((td) => {
    const owned = ownedMembers(model, [td.dimension]);
    return owned.length === 1 && owned[0] !== undefined ? { ...td, dimension: owned[0] } : td;
  });
  const withRollup = (tds: readonly NormalizedTimeDimension[]) => byMember(tds.map((td): TimeDimensionPair => [td.dimension, rollupGranularity(td)]));
  const asIs = (tds: readonly NormalizedTimeDimension[]) => byMember(tds.map((td): TimeDimensionPair => [td.dimension, td.granularity ?? null]));

  return {
    sortedDimensions: sorted(uniq(dimensionMembers)),
    sortedTimeDimensions: withRollup(q.timeDimensions),
    timeDimensions: asIs(q.timeDimensions),
    measures,
    leafMeasureAdditive: leaves.every((l) => ADDITIVE.has(cubeType(model, l))),
    leafMeasures: leaves,
    measureToLeafMeasures,
    hasNoTimeDimensionsWithoutGranularity: q.timeDimensions.every((td) => td.granularity),
    allFiltersWithinSelectedDimensions: filterDimensions.every((d) => dimensionsList.includes(d)),
    isAdditive: queryMeasures.every((m) => ADDITIVE.has(cubeType(model, m))),
    granularityHierarchies: GRANULARITY_HIERARCHIES,
    hasMultipliedMeasures: leaves.some((l) => multiplied.has(l.split('.')[0] ?? '')),
    hasCumulativeMeasures: false,
    windowGranularity: null,
    filterDimensionsSingleValueEqual: singles && [...singles.values()].every((v) => v === 1) ? Object.fromEntries(singles) : null,
    ownedDimensions: ownedMembers(model, dimensionMembers),
    ownedTimeDimensionsWithRollupGranularity: withRollup(ownedTimeDimensions),
    ownedTimeDimensionsAsIs: asIs(ownedTimeDimensions),
  };
}
