import { UprateError } from '../core/errors.js';
import { raiseLimitHint, type Limits } from '../core/limits.js';
import type { NormalizedRequest } from './normalize-query.js';

/**
 * The cost guard: what one Cube query may ask of the engine and of this process. It runs twice:
 * on the raw query (before anything walks it: nesting depth, filter values, members — repeated
 * members merged, as they ask for the same column) and on the normalised request (rows × columns
 * of every answer together). A query over a limit is a 400 naming the limit and its config key.
 */
function tooLarge(message: string, location: string, key: keyof Limits, what: string): UprateError {
  return new UprateError('QUERY_TOO_LARGE', message, { location, hint: raiseLimitHint(key, what) });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Repeated strings dropped (first one kept); anything else left for the validator to judge. */
function unique(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const seen = new Set<string>();
  return list.filter((item) => {
    if (typeof item !== 'string') return true;
    if (seen.has(item)) return false;
    seen.add(item);
    return true;
  });
}

/** Time dimensions repeated with the same dimension, granularity and range are one column too. */
function uniqueTimeDimensions(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  const seen = new Set<string>();
  return list.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Walks and/or filters without recursion, so a 100,000-deep filter costs nothing to refuse. */
function checkFilters(filters: unknown, limits: Limits): void {
  if (!Array.isArray(filters)) return;
  let values = 0;
  const stack: { items: readonly unknown[]; depth: number; where: string }[] = [{ items: filters, depth: 1, where: 'filters' }];
  while (stack.length > 0) {
    const { items, depth, where } = stack.pop() as { items: readonly unknown[]; depth: number; where: string };
    for (const [i, f] of items.entries()) {
      if (!isRecord(f)) continue;
      for (const op of ['and', 'or'] as const) {
        const nested = f[op];
        if (!Array.isArray(nested)) continue;
        if (depth + 1 > limits.maxFilterDepth) {
          throw tooLarge(`filters nest deeper than ${limits.maxFilterDepth} levels of and/or`, `${where}[${i}].${op}`, 'maxFilterDepth', 'flatten the filter (and/or of and/or … can usually be written with fewer levels)');
        }
        stack.push({ items: nested, depth: depth + 1, where: `${where}[${i}].${op}` });
      }
      if (Array.isArray(f['values'])) {
        values += f['values'].length;
        if (values > limits.maxFilterValues) {
          throw tooLarge(`the filters hold more than ${limits.maxFilterValues} values`, `${where}[${i}].values`, 'maxFilterValues', 'filter on a dimension with fewer values (a segment, a region) instead of listing ids');
        }
      }
    }
  }
}

/**
 * Checks a raw Cube query against the limits and returns it with repeated members merged.
 * Anything that is not a query object is returned untouched for the validator to reject.
 */
export function guardQuery(input: unknown, limits: Limits): unknown {
  if (!isRecord(input)) return input;
  const query: Record<string, unknown> = { ...input };
  for (const key of ['measures', 'dimensions', 'segments'] as const) if (key in query) query[key] = unique(query[key]);
  if ('timeDimensions' in query) query['timeDimensions'] = uniqueTimeDimensions(query['timeDimensions']);
  const count = (key: string) => (Array.isArray(query[key]) ? (query[key] as unknown[]).length : 0);
  const members = count('measures') + count('dimensions') + count('timeDimensions') + count('segments');
  if (members > limits.maxMembers) {
    throw tooLarge(`the query names ${members} distinct members, more than ${limits.maxMembers}`, 'query', 'maxMembers', 'ask for fewer measures and dimensions at once');
  }
  checkFilters(query['filters'], limits);
  // A compareDateRange with thousands of ranges is thousands of queries.
  if (Array.isArray(query['timeDimensions'])) {
    for (const [i, td] of (query['timeDimensions'] as unknown[]).entries()) {
      if (isRecord(td) && Array.isArray(td['compareDateRange']) && td['compareDateRange'].length > limits.maxMembers) {
        throw tooLarge(`compareDateRange has ${td['compareDateRange'].length} ranges, more than ${limits.maxMembers}`, `timeDimensions[${i}].compareDateRange`, 'maxMembers', 'compare fewer ranges at once');
      }
    }
  }
  return query;
}

/** Rows × columns every answer of the request may hold together, from each query's row limit. */
export function guardCells(request: NormalizedRequest, limits: Limits): void {
  let cells = 0;
  for (const q of request.queries) {
    const columns = (q.measures?.length ?? 0) + q.dimensions.length + q.timeDimensions.filter((td) => td.granularity).length;
    cells += Math.max(1, columns) * q.limit;
  }
  if (cells > limits.maxCells) {
    throw tooLarge(
      `the answer could hold ${cells.toLocaleString('en-US')} cells (rows × columns), more than ${limits.maxCells.toLocaleString('en-US')}`,
      'limit',
      'maxCells',
      'ask for fewer rows (a smaller limit, paged with offset) or fewer members',
    );
  }
}
