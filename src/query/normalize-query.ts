import { UprateError } from '../core/errors.js';
import { FILTER_OPERATORS, parseCubeQuery, type CubeFilterItem, type CubeQuery, type FilterOperator, type Granularity } from './cube-query.js';
import { resolveDateRange, type LocalRange } from './date-range.js';
import { checkTimeZone } from './time-zone.js';

export const DEFAULT_LIMIT = 10000;
export const MAX_LIMIT = 50000;

export interface NormalizedFilter {
  readonly operator: FilterOperator;
  readonly values?: readonly (string | null)[];
  readonly member: string;
}
export type NormalizedFilterItem =
  | NormalizedFilter
  | { readonly and: readonly NormalizedFilterItem[] }
  | { readonly or: readonly NormalizedFilterItem[] };

export interface NormalizedTimeDimension {
  readonly dimension: string;
  readonly granularity?: Granularity | null;
  readonly dateRange?: LocalRange;
}

/** A query as Cube echoes it back (`query` in a /load answer): the same keys, in the same order. */
export interface NormalizedQuery {
  readonly measures?: readonly string[];
  readonly dimensions: readonly string[];
  readonly timeDimensions: readonly NormalizedTimeDimension[];
  readonly filters: readonly NormalizedFilterItem[];
  readonly segments?: readonly string[];
  readonly order: readonly (readonly [string, 'asc' | 'desc'])[];
  readonly limit: number;
  readonly offset?: number;
  readonly total?: boolean;
  readonly ungrouped?: boolean;
  readonly timezone: string;
  readonly rowLimit: number;
}

export type QueryType = 'regularQuery' | 'compareDateRangeQuery';

export interface NormalizedRequest {
  readonly queryType: QueryType;
  /** One per compared date range; one for a regular query. */
  readonly queries: readonly NormalizedQuery[];
  /** False when the query gave no `order` (Cube's default order applies then; `[]` means none). */
  readonly orderGiven: boolean;
}

function invalid(message: string, location: string): UprateError {
  return new UprateError('QUERY_INVALID', message, { location });
}

/** Cube's checks and normalisation of one filter list (member, not dimension; values as strings). */
export function normalizeFilters(items: readonly CubeFilterItem[], where = 'filters'): NormalizedFilterItem[] {
  return items.map((f, i): NormalizedFilterItem => {
    if ('and' in f && f.and) return { ...f, and: normalizeFilters(f.and, `${where}[${i}].and`) };
    if ('or' in f && f.or) return { ...f, or: normalizeFilters(f.or, `${where}[${i}].or`) };
    const { dimension, member, ...rest } = f as { dimension?: string; member?: string; operator?: string; values?: readonly unknown[] };
    const shown = JSON.stringify(f);
    if (!rest.operator) throw invalid(`Operator required for filter: ${shown}`, `${where}[${i}]`);
    if (!(FILTER_OPERATORS as readonly string[]).includes(rest.operator)) throw invalid(`Operator ${rest.operator} not supported for filter: ${shown}`, `${where}[${i}].operator`);
    if ((member === undefined) === (dimension === undefined)) throw invalid(`Invalid query format: ${where}[${i}] needs exactly one of member or dimension`, `${where}[${i}]`);
    if ((!rest.values || rest.values.length === 0) && !['set', 'notSet', 'measureFilter'].includes(rest.operator)) {
      throw invalid(`Values required for filter: ${shown}`, `${where}[${i}].values`);
    }
    const values = rest.values?.map((v) => (v === null ? null : String(v)));
    return { ...rest, ...(values ? { values } : {}), member: (member ?? dimension) as string } as NormalizedFilter;
  });
}

/** Where the date range of time dimension i came from, for error locations. */
type RangePlace = (i: number) => string;
const dateRangePlace: RangePlace = (i) => `timeDimensions[${i}].dateRange`;

function normalizeOne(query: CubeQuery, tz: string, now: Date, rangePlace: RangePlace = dateRangePlace): NormalizedQuery {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const regularToTime = (query.dimensions ?? [])
    .filter((d) => d.split('.').length === 3)
    .map((d) => ({ dimension: d.split('.').slice(0, 2).join('.'), granularity: d.split('.')[2] as Granularity }));
  const order = Array.isArray(query.order) ? query.order : Object.entries(query.order ?? {});
  const normalized = {
    ...query,
    limit,
    timezone: tz,
    order: order.map(([k, d]) => [k, d] as const),
    filters: normalizeFilters(query.filters ?? []),
    dimensions: (query.dimensions ?? []).filter((d) => d.split('.').length !== 3),
    timeDimensions: [
      ...(query.timeDimensions ?? []).map((td, i) => {
        const { compareDateRange: _c, ...rest } = td;
        return td.dateRange === undefined ? rest : { ...rest, dateRange: resolveDateRange(td.dateRange, tz, now, rangePlace(i)) };
      }),
      ...regularToTime,
    ],
    rowLimit: limit,
  };
  return normalized as NormalizedQuery;
}

/**
 * Validates a Cube query and normalises it as Cube does: default limit 10000 (at most 50000),
 * timezone UTC, order as pairs, filters with `member` and string values, `Cube.dim.month`
 * dimensions moved to timeDimensions, date ranges resolved (relative ones with `now`). A
 * `compareDateRange` becomes one query per range.
 */
export function normalizeRequest(input: unknown, now: Date): NormalizedRequest {
  const query = parseCubeQuery(input);
  const valid = (query.measures?.length ?? 0) > 0 || (query.dimensions?.length ?? 0) > 0 || (query.timeDimensions ?? []).some((td) => td.granularity);
  if (!valid) {
    throw invalid('Query should contain either measures, dimensions or timeDimensions with granularities in order to be valid', 'query');
  }
  if ((query.limit ?? 0) > MAX_LIMIT) {
    throw new UprateError('QUERY_INVALID', 'The query limit has been exceeded.', { location: 'limit', hint: `ask for at most ${MAX_LIMIT} rows and page with offset` });
  }
  const tz = checkTimeZone(query.timezone ?? 'UTC');
  const tds = query.timeDimensions ?? [];
  const compared = tds.filter((td) => td.compareDateRange);
  if (compared.length > 1) throw invalid('Invalid query format: only one time dimension may have compareDateRange', 'timeDimensions');
  for (const [i, td] of tds.entries()) {
    if (td.compareDateRange && td.dateRange) throw invalid(`Invalid query format: timeDimensions[${i}] has both dateRange and compareDateRange`, `timeDimensions[${i}]`);
  }
  const orderGiven = query.order !== undefined;
  if (compared.length === 0) return { queryType: 'regularQuery', queries: [normalizeOne(query, tz, now)], orderGiven };
  const ranges = compared[0]?.compareDateRange ?? [];
  const queries = ranges.map((range, j) =>
    normalizeOne(
      { ...query, timeDimensions: tds.map((td) => (td.compareDateRange ? { ...td, compareDateRange: undefined, dateRange: range } : td)) },
      tz,
      now,
      (i) => (tds[i]?.compareDateRange ? `timeDimensions[${i}].compareDateRange[${j}]` : dateRangePlace(i)),
    ),
  );
  return { queryType: 'compareDateRangeQuery', queries, orderGiven };
}
