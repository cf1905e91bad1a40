import { InternalError } from '../core/errors.js';
import type { MeasureDef, Model } from '../model/index.js';
import { cubeOf, dimensionExpr, templateExpr, type RenderScope } from './member-sql.js';
import { logical, paren, raw, type SqlExpr } from './nodes.js';

/**
 * How a leaf measure is aggregated:
 * - `plain`: over the joined rows;
 * - `distinctKey`: a `count` whose rows a join repeats, counted as distinct primary keys;
 * - `perKey`: over one row per primary key (the fan-out subquery), counting keys, not rows;
 * - `row`: not aggregated (ungrouped queries).
 */
export type AggregationMode = 'plain' | 'distinctKey' | 'perKey' | 'row';

export function measureDef(model: Model, path: string): MeasureDef {
  const [cube = '', name = ''] = path.split('.');
  const m = cubeOf(model, cube).measures.get(name);
  if (!m) throw new InternalError(`measure ${path} is not in the model`);
  return m;
}

/** A `number` measure that aggregates columns itself (`sum(x) / count(*)`) instead of naming measures. */
export function aggregatesInline(m: MeasureDef): boolean {
  if (m.type !== 'number' || !m.sql) return false;
  return m.sql.some((p) => p.kind === 'cube' || (p.kind === 'member' && p.memberType === 'dimension') || (p.kind === 'text' && /[A-Za-z_]\w*\s*\(/.test(p.text) && /\b(sum|count|avg|min|max)\s*\(/i.test(p.text)));
}

/** The measures a measure is computed from: itself unless it is a `number` over other measures. */
export function leafMeasures(model: Model, path: string, seen = new Set<string>()): string[] {
  if (seen.has(path)) return [];
  seen.add(path);
  const m = measureDef(model, path);
  if (m.type !== 'number' || aggregatesInline(m)) return [path];
  return (m.sql ?? []).flatMap((p) => (p.kind === 'member' && p.memberType === 'measure' ? leafMeasures(model, `${p.cube}.${p.member}`, seen) : []));
}

function countedKey(scope: RenderScope, cube: string): SqlExpr | undefined {
  const keys = cubeOf(scope.model, cube).primaryKeys;
  return keys.length === 1 ? primaryKeyExpr(scope, cube) : undefined;
}

function primaryKeyExpr(scope: RenderScope, cube: string): SqlExpr {
  const [pk] = cubeOf(scope.model, cube).primaryKeys;
  if (pk === undefined) throw new InternalError(`cube ${cube} has no primary key`);
  return dimensionExpr(scope, cube, pk);
}

/** One leaf measure as an aggregate (or a row value in `row` mode). */
export function leafAggregate(scope: RenderScope, m: MeasureDef, mode: AggregationMode): SqlExpr {
  if (m.type === 'number') return paren(templateExpr(m.sql ?? [], scope));
  const arg = m.sql ? templateExpr(m.sql, scope) : null;
  const cond = logical('AND', m.filters.map((f) => paren(templateExpr(f, scope))));
  const when = (then: SqlExpr): SqlExpr => (cond ? { kind: 'caseWhen', when: cond, then, otherwise: null } : then);
  if (mode === 'row') {
    // A counting measure is 1 or 0 on one row: a count_distinct's own value (an id, text) is not a
    // number, and a `number` measure built on it (customers converted / offered) must compute.
    // Like Cube, a row counts when it has the counted value (as count(x) skips NULLs) and passes the filters.
    if (m.type === 'count' || m.type === 'count_distinct' || m.type === 'count_distinct_approx') {
      const present: SqlExpr | null = arg ? { kind: 'isNull', expr: arg, negated: true } : null;
      const counts = logical('AND', [...(present ? [present] : []), ...(cond ? [cond] : [])]);
      return counts ? { kind: 'caseWhen', when: counts, then: raw('1'), otherwise: raw('0') } : raw('1');
    }
    return when(arg ?? raw('1'));
  }
  switch (m.type) {
    case 'count': {
      if (mode === 'distinctKey') return { kind: 'aggregate', fn: 'countDistinct', arg: when(primaryKeyExpr(scope, m.cube)) };
      // Like Cube, a plain count counts primary keys: rows a LEFT JOIN padded with NULLs don't count.
      const counted = arg ?? countedKey(scope, m.cube);
      if (mode === 'perKey') return { kind: 'aggregate', fn: 'count', arg: when(counted ?? primaryKeyExpr(scope, m.cube)) };
      if (!counted && !cond) return { kind: 'aggregate', fn: 'count', arg: null };
      return { kind: 'aggregate', fn: 'count', arg: when(counted ?? raw('1')) };
    }
    case 'count_distinct':
      return { kind: 'aggregate', fn: 'countDistinct', arg: when(arg ?? raw('NULL')) };
    case 'count_distinct_approx':
      return { kind: 'aggregate', fn: 'countDistinctApprox', arg: when(arg ?? raw('NULL')) };
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
      return { kind: 'aggregate', fn: m.type, arg: when(arg ?? raw('NULL')) };
  }
}

/**
 * A selected measure's expression: a leaf via `leaf`, a `number` measure as its SQL with each
 * referenced measure replaced (recursively) by its expression, parenthesised.
 */
export function measureExpr(model: Model, path: string, leaf: (path: string) => SqlExpr, scope: Omit<RenderScope, 'measure'>): SqlExpr {
  const m = measureDef(model, path);
  if (m.type !== 'number' || aggregatesInline(m)) return leaf(path);
  return paren(templateExpr(m.sql ?? [], { ...scope, measure: (p) => measureExpr(model, p, leaf, scope) }));
}
