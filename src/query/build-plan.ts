import { UprateError } from '../core/errors.js';
import type { Model } from '../model/index.js';
import { memberAlias } from '../model/index.js';
import { accessFilters, type Access } from './access.js';
import { buildFilterTree, type ConditionContext } from './filter-conditions.js';
import { normalizeFilters, type NormalizedQuery } from './normalize-query.js';
import { deepFreeze, type OrderItem, type Predicate, type QueryPlan, type Selection } from './plan.js';
import { checkVisible, resolveMember } from './resolve-member.js';
import { fromWall, parseTimestamp } from './time-zone.js';

export interface PlanOptions {
  /** The clock for relative date ranges and `uprate.now()`. */
  readonly now: Date;
  /** Whose rows the query may see: a tenant's filters are ANDed into every query. Required. */
  readonly access: Access;
}

function combine(items: readonly Predicate[]): Predicate | null {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0] ?? null;
  return { kind: 'and', items };
}

function localToUtc(local: string, tz: string): string {
  return new Date(fromWall(parseTimestamp(local)?.ms ?? NaN, tz)).toISOString();
}

/**
 * A normalised query resolved against the model: every member looked up (unknown ones are
 * QUERY_INVALID errors with Cube's message), filter values typed, date ranges turned into UTC
 * instants in the query time zone, filters split into WHERE and HAVING, order resolved to
 * selected columns (Cube's default order when none is given). The result is deep-frozen.
 */
export function buildPlan(model: Model, query: NormalizedQuery, orderGiven: boolean, options: PlanOptions): QueryPlan {
  const tz = query.timezone;
  const ctx: ConditionContext = { model, timezone: tz, now: options.now };
  const measures: Selection[] = (query.measures ?? []).map((path, i) => {
    const member = resolveMember(model, path, 'measure', `measures[${i}]`);
    checkVisible(model, member, `measures[${i}]`);
    return { kind: 'selection', member, granularity: null, alias: memberAlias(path), key: path };
  });
  const dimensions: Selection[] = query.dimensions.map((path, i) => {
    const member = resolveMember(model, path, 'dimension', `dimensions[${i}]`);
    checkVisible(model, member, `dimensions[${i}]`);
    return { kind: 'selection', member, granularity: null, alias: memberAlias(path), key: path };
  });
  const timeDimensions: Selection[] = [];
  const where: Predicate[] = [];
  query.timeDimensions.forEach((td, i) => {
    const place = `timeDimensions[${i}]`;
    const member = resolveMember(model, td.dimension, 'dimension', `${place}.dimension`);
    if (member.type !== 'time') {
      throw new UprateError('QUERY_INVALID', `Invalid query format: ${td.dimension} is a ${member.type} dimension, not a time dimension`, {
        location: `${place}.dimension`,
        hint: 'list it under dimensions, or use a dimension of type time here',
      });
    }
    if (td.granularity && !timeDimensions.some((s) => s.key === `${td.dimension}.${td.granularity}`)) {
      checkVisible(model, member, place);
      timeDimensions.push({
        kind: 'selection',
        member,
        granularity: td.granularity,
        alias: memberAlias(td.dimension, td.granularity),
        key: `${td.dimension}.${td.granularity}`,
      });
    }
    if (td.dateRange) {
      where.push({ kind: 'condition', member, operator: 'inDateRange', values: td.dateRange.map((d) => localToUtc(d, tz)) });
    }
  });
  for (const [i, path] of (query.segments ?? []).entries()) {
    where.push({ kind: 'segment', member: resolveMember(model, path, 'segment', `segments[${i}]`) });
  }
  const filters = buildFilterTree(query.filters, ctx, 'filters');
  const extra = buildFilterTree(normalizeFilters(accessFilters(options.access), 'security'), ctx, 'security');
  where.push(...filters.where, ...extra.where);
  const plan: QueryPlan = {
    kind: 'queryPlan',
    measures,
    dimensions,
    timeDimensions,
    where: combine(where),
    having: combine([...filters.having, ...extra.having]),
    order: buildOrder(model, query, orderGiven, { measures, dimensions, timeDimensions }),
    limit: query.limit,
    offset: query.offset ?? 0,
    total: query.total ?? false,
    ungrouped: query.ungrouped ?? false,
    timezone: tz,
    now: options.now.toISOString(),
  };
  return deepFreeze(plan);
}

interface Selected {
  readonly measures: readonly Selection[];
  readonly dimensions: readonly Selection[];
  readonly timeDimensions: readonly Selection[];
}

function defaultOrder(s: Selected): [string, 'asc' | 'desc'][] {
  const td = s.timeDimensions[0];
  if (td) return [[td.member.path, 'asc']];
  const m = s.measures[0];
  const d = s.dimensions[0];
  if (m && d) return [[m.key, 'desc']];
  if (d) return [[d.key, 'asc']];
  return [];
}

/** Order keys → selected columns; keys naming members not selected are skipped, as Cube does. */
function buildOrder(model: Model, query: NormalizedQuery, orderGiven: boolean, s: Selected): OrderItem[] {
  const pairs = orderGiven ? query.order : defaultOrder(s);
  const out: OrderItem[] = [];
  pairs.forEach(([id, dir], i) => {
    const base = id.split('.').slice(0, 2).join('.');
    resolveMember(model, base, 'filterable', `order[${i}]`);
    const hit =
      s.measures.find((x) => x.key === id) ??
      s.dimensions.find((x) => x.key === id) ??
      s.timeDimensions.find((x) => x.key === id) ??
      s.timeDimensions.find((x) => x.member.path === id);
    if (hit && !out.some((o) => o.alias === hit.alias)) out.push({ kind: 'order', id, alias: hit.alias, desc: dir === 'desc' });
  });
  return out;
}
