import { createHash } from 'node:crypto';
import { InternalError } from '../core/errors.js';
import { clockColumns, clockUses, joinColumns, memberReadsClock, memberAlias, plainColumn, underscore, type Model, type RollupDef } from '../model/index.js';
import { allAccess } from '../query/access.js';
import { buildPlan } from '../query/build-plan.js';
import type { QueryPlan } from '../query/plan.js';
import { normalizeRequest } from '../query/normalize-query.js';
import { compileSql, planToSql, type Dialect } from '../sql/index.js';
import type { SqlValue } from '../store/store.js';
import { measureDef } from '../sql/measure-sql.js';
import { memberCubes } from '../sql/member-sql.js';
import type { ClusterAttributes, ClusterGrain, JoinedTable, MergeColumn, MergeRule, TimeSource } from './registry.js';
import type { OpenWindowTemplate, ParameterizedSql } from './open-window.js';
import { concat, identifier, logical, raw, select, type SelectNode, type SqlExpr } from '../sql/nodes.js';

/**
 * The clock a rollup is built with. A rollup stores each period's measures as they stand once the
 * period is settled (`settledAfterDays` after it ended): with the clock this far ahead every
 * row's window is closed, and a query only reads periods settled at its own clock, where the
 * measures read the same whatever the clock.
 */
export const SETTLED_CLOCK = new Date('2200-01-01T00:00:00.000Z');

/**
 * ClickHouse's DateTime ends on 2106-02-07, so there the clock is 2106-01-01: a query reads only
 * periods settled at its own clock, which a DateTime cannot put later than that, and periods
 * settled then are settled at this clock too.
 */
export const CLICKHOUSE_SETTLED_CLOCK = new Date('2106-01-01T00:00:00.000Z');

/** The settled clock a dialect can hold. */
export const settledClock = (dialect: Dialect): Date => (dialect.name === 'clickhouse' ? CLICKHOUSE_SETTLED_CLOCK : SETTLED_CLOCK);

/** A rollup as the store keeps it: its table, the SQL that fills it, and what its answers depend on. */
export interface RollupBuild {
  readonly rollup: RollupDef;
  /** `uprate_rollup_offers_daily`. */
  readonly table: string;
  /** The model's statement for every period (one row per period and dimension values). */
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /** The period column (the time dimension at the rollup's granularity, UTC). */
  readonly timeColumn: string;
  /** Dimension path → column. */
  readonly dimensionColumns: ReadonlyMap<string, string>;
  /** Measure path → column. */
  readonly measureColumns: ReadonlyMap<string, string>;
  /** Each column and how it merges when rows are added to its group; null when a measure cannot merge. */
  readonly mergeColumns: readonly MergeColumn[] | null;
  /** Changes whenever the SQL (the model, the conversion window, the engine) changes. */
  readonly hash: string;
  /** The tables its SQL reads (table-backed cubes): a load into one of them refreshes it. */
  readonly sourceTables: readonly string[];
  /** The stored column the period comes from, when the time dimension is one: a load refreshes only the partitions it touches. */
  readonly timeSource: TimeSource | null;
  /** A rollup by cluster (`clusteredBy`): how its per-period statement becomes one row per cluster; null for a plain rollup. */
  readonly clustered: ClusteredBuild | null;
  /** How its open window is filled (open-window.ts); null when it keeps none. */
  readonly open: OpenWindowTemplate | null;
}

/**
 * A rollup by cluster is filled from its statement (one row per cluster, dimension values and
 * period) turned sideways: one row per cluster and dimension values, each period's measures in
 * columns of their own (clustered.ts).
 */
export interface ClusteredBuild {
  /** The statement's column naming the cluster. */
  readonly cluster: string;
  /** The measures' columns and how each adds up over periods (a count is never NULL; a sum over no rows is). */
  readonly measures: readonly { readonly column: string; readonly kind: 'count' | 'sum' }[];
  /**
   * Stored columns of the time table the measures compare with the clock, the time column first:
   * the rollup answers a clock at or after their largest value (see check-rollups.ts).
   */
  readonly clockColumns: readonly string[];
  /**
   * Dimensions with one value per cluster (a customer's attributes, reached by a join on the
   * cluster's own column): they never split a cluster's row, so a read need not group by them.
   */
  readonly perCluster: readonly string[];
  /**
   * Where those attributes come from, when all of them come from one table joined on the cluster
   * and no measure reads it: a load of that table rewrites the loaded clusters' attributes in
   * place (`sql`: the attributes per key, `key` its key column, `keyColumn` the table's column it
   * reads) instead of refilling the rollup. Null otherwise.
   */
  readonly attributes: ClusterAttributes | null;
  /** The clusters' moments per group and pair of months are kept, not a row per cluster (moments.ts). */
  readonly moments: boolean;
  /** Only each period's own moments (`moments: 'perPeriod'`), at the rollup's granularity. */
  readonly perPeriod?: boolean;
  /** The periods' granularity when not by month. */
  readonly grain?: ClusterGrain;
  /** The time table's column naming the cluster (`customer_id`): a load's clusters are found by it. */
  readonly clusterColumn: string | null;
}

const builds = new WeakMap<Model, Map<string, RollupBuild>>();

/** `cache`'s map for `model`, made on first use: what is derived from a model lives as long as it. */
function forModel<V>(cache: WeakMap<Model, Map<string, V>>, model: Model): Map<string, V> {
  let map = cache.get(model);
  if (!map) cache.set(model, (map = new Map()));
  return map;
}

/** Every rollup of the model. */
export function modelRollups(model: Model): RollupDef[] {
  return [...model.cubes.values()].flatMap((c) => [...c.rollups.values()]);
}

/** The table a rollup lives in. */
export function rollupTable(rollup: RollupDef): string {
  return `uprate_rollup_${underscore(rollup.cube)}_${underscore(rollup.name)}`.toLowerCase();
}

/** The cubes whose tables the rollup's SQL reads: its own and the ones its dimensions join. */
function sourceTables(model: Model, rollup: RollupDef): string[] {
  const cubes = new Set([rollup.cube, ...rollup.dimensions.map((d) => d.split('.')[0] ?? '')]);
  return [...cubes].flatMap((name) => {
    const source = model.cubes.get(name)?.source;
    return source?.kind === 'table' ? [source.table.toLowerCase()] : [];
  });
}

/** The tables of the cubes a rollup's dimensions come from that its time dimension's cube joins many-to-one, column to column ({@link JoinedTable}). */
function joinedTables(model: Model, rollup: RollupDef, timeCube: string): JoinedTable[] {
  const own = model.cubes.get(timeCube);
  if (!own) return [];
  return [...new Set(rollup.dimensions.map((d) => d.split('.')[0] ?? ''))].flatMap((name) => {
    const target = model.cubes.get(name);
    const on = target && target.name !== own.name && target.source.kind === 'table' ? joinColumns(own, target) : undefined;
    return target?.source.kind === 'table' && on ? [{ table: target.source.table.toLowerCase(), from: on.from.toLowerCase(), to: on.to.toLowerCase() }] : [];
  });
}

/** The query of a rollup's measures by its cluster (if any), `dimensions` and its period, in UTC. */
function rollupQuery(rollup: RollupDef, dimensions: readonly string[]): Record<string, unknown> {
  return { measures: [...rollup.measures], dimensions: [...(rollup.clusteredBy ? [rollup.clusteredBy] : []), ...dimensions], timeDimensions: [{ dimension: rollup.timeDimension, granularity: rollup.granularity }], timezone: 'UTC' };
}

/**
 * A query of a rollup's members planned and compiled as the rollup reads it: at the settled clock,
 * over every row (the caller's security filters apply when the rollup is read), unordered and unlimited.
 */
function compiledForRollup(model: Model, query: Record<string, unknown>, dialect: Dialect, path: string, clock = settledClock(dialect)): CompiledForRollup {
  // The members of a family of moments read one statement, and their attributes another: each is
  // planned and compiled once (every CLI command checks every rollup's definition before reading).
  const perModel = forModel(compiledQueries, model);
  const key = `${dialect.name}|${clock.toISOString()}|${JSON.stringify(query)}`;
  const known = perModel.get(key);
  if (known) return known;
  const { plan, node } = plannedForRollup(model, query, path, clock);
  const compiled = { plan, compiled: compileSql(dialect, node) };
  perModel.set(key, compiled);
  return compiled;
}

interface CompiledForRollup {
  readonly plan: QueryPlan;
  readonly compiled: { readonly sql: string; readonly params: readonly SqlValue[] };
}

const compiledQueries = new WeakMap<Model, Map<string, CompiledForRollup>>();

/** The same, planned but not compiled. */
function plannedForRollup(model: Model, query: Record<string, unknown>, path: string, clock: Date): { readonly plan: QueryPlan; readonly node: SelectNode } {
  const normalized = normalizeRequest(query, clock).queries[0];
  if (!normalized) throw new InternalError(`rollup ${path} planned no query`);
  const plan = buildPlan(model, normalized, true, { now: clock, access: allAccess('system') });
  return { plan, node: { ...planToSql(model, plan).query, orderBy: [], limit: null, offset: null } };
}

/**
 * Every rollup's statements on one engine compiled now and kept for the model, as queries would
 * compile them on first use: a server does it as it starts, so that its first query does not
 * (the shipped model's sixty rollups, with their open windows: about 0.3 s). A rollup that cannot
 * be compiled is left to the query that meets it, which reports it as before.
 */
export function compileRollups(model: Model, dialect: Dialect): void {
  for (const rollup of modelRollups(model)) {
    try {
      rollupBuild(model, rollup, dialect);
    } catch {
      // rollupStatus meets the same error on first use and says which rollup.
    }
  }
}

/**
 * The rollup's SQL on one engine: the model's own statement for its measures by its dimensions
 * and period (so joins, measure filters and the conversion window apply exactly as in a query),
 * with the settled clock and no row restriction (the caller's security filters apply when it is read).
 */
export function rollupBuild(model: Model, rollup: RollupDef, dialect: Dialect): RollupBuild {
  const perModel = forModel(builds, model);
  const key = `${dialect.name}:${rollup.path}`;
  const known = perModel.get(key);
  if (known) return known;
  // A rollup of moments reads its family's statement (familyDimensions): the same text for each member.
  const read = rollup.moments ? { ...rollup, dimensions: familyDimensions(model, rollup) } : rollup;
  const { plan, compiled } = compiledForRollup(model, rollupQuery(read, read.dimensions), dialect, rollup.path);
  const time = plan.timeDimensions[0];
  if (!time) throw new InternalError(`rollup ${rollup.path} has no period column`);
  const [cube = '', member = ''] = rollup.timeDimension.split('.');
  const own = model.cubes.get(cube);
  const timeDim = own?.dimensions.get(member);
  const column = timeDim ? plainColumn(timeDim.sql, cube) : undefined;
  const table = own?.source.kind === 'table' ? own.source.table.toLowerCase() : undefined;
  const clustered: ClusteredBuild | null =
    rollup.clusteredBy && column
      ? {
          cluster: memberAlias(rollup.clusteredBy),
          measures: rollup.measures.map((m) => ({ column: memberAlias(m), kind: measureDef(model, m).type === 'count' ? ('count' as const) : ('sum' as const) })),
          clockColumns: [...new Set([column, ...rollup.measures.flatMap((m) => { const c = clockColumns(model.cubes, m); return 'columns' in c ? c.columns : []; })])],
          perCluster: perClusterDimensions(model, rollup),
          attributes: clusterAttributes(model, read, dialect, compiled.params),
          moments: rollup.moments,
          ...(rollup.perPeriod ? { perPeriod: true } : {}),
          ...(rollup.granularity !== 'month' ? { grain: rollup.granularity as ClusterGrain } : {}),
          clusterColumn: clusterColumn(model, rollup) ?? null,
        }
      : null;
  const build: RollupBuild = {
    rollup,
    table: rollupTable(rollup),
    sql: compiled.sql,
    params: compiled.params,
    timeColumn: time.alias,
    dimensionColumns: new Map(rollup.dimensions.map((d) => [d, memberAlias(d)])),
    measureColumns: new Map(rollup.measures.map((m) => [m, memberAlias(m)])),
    mergeColumns: clustered ? null : mergeColumnsOf(model, rollup, time.alias),
    hash: createHash('sha256').update(JSON.stringify([dialect.name, rollup.granularity, rollup.partitionGranularity, rollup.settledAfterDays, compiled.sql, compiled.params, ...(clustered ? [clustered] : [])])).digest('hex').slice(0, 16),
    sourceTables: sourceTables(model, read),
    // The joins only for a plain rollup (a load merges its new rows with them); members of a family of moments share one time source.
    timeSource: column && table ? { table, column, ...(clustered ? {} : { joins: joinedTables(model, read, cube) }) } : null,
    clustered,
    open: clustered || !column || !table ? null : openWindowTemplate(model, rollup, dialect, { table, column }),
  };
  perModel.set(key, build);
  return build;
}

/** Stand-ins for the open window's clock and first period when its statements are compiled: the parameters holding them are replaced at each fill. */
const CLOCK_STAND_INS = ['2100-01-01T00:00:00.000Z', '2150-01-01T00:00:00.000Z'] as const;
const FROM_STAND_INS = ['1900-01-01T00:00:00.000', '1901-01-01T00:00:00.000'] as const;

/**
 * A statement compiled at two stand-in clocks and starts: the parameters that differ are those
 * two (the settled clock a statement also reads stays as it is). Null when the text differs.
 */
function withStandIns(dialect: Dialect, node: (clock: Date, from: string) => SelectNode): ParameterizedSql | null {
  const [a, b] = [0, 1].map((i) => compileSql(dialect, node(new Date(CLOCK_STAND_INS[i] ?? ''), FROM_STAND_INS[i] ?? ''))) as [ReturnType<typeof compileSql>, ReturnType<typeof compileSql>];
  if (a.sql !== b.sql || a.params.length !== b.params.length) return null;
  const differing = a.params.flatMap((p, i) => (JSON.stringify(p) === JSON.stringify(b.params[i]) ? [] : [i]));
  const clockParams = differing.filter((i) => String(a.params[i]).startsWith('2100-'));
  const fromParams = differing.filter((i) => String(a.params[i]).startsWith('1900-'));
  if (clockParams.length + fromParams.length !== differing.length || fromParams.length === 0) return null;
  return { sql: a.sql, params: a.params as ParameterizedSql['params'], clockParams, fromParams };
}

/**
 * The statements of a plain rollup's open window (open-window.ts), when it can keep one: a rollup
 * whose measures read the clock (it has `settledAfterDays`), counts and sums only, each comparing
 * the clock only as `column <= now` or as one window on the rollup's own time column
 * (`addDays(offered_at, n) > now`, the same n for all). On ClickHouse it is filled with each new
 * generation of the rollup (engines/clickhouse/clickhouse-rollups.ts), never moved.
 *
 * Besides the periods as at the window's clock, it keeps what each row still to close changes:
 * per row of a period it holds (by the rollup's dimensions and the row's own instant) each
 * windowed measure as once closed minus as at the clock, where not zero. Once its window has
 * closed, a row reads as at the settled clock: its window is shut and every `column <= now` holds
 * as it did at the window's clock, which is past each column's largest value.
 */
function openWindowTemplate(model: Model, rollup: RollupDef, dialect: Dialect, time: { readonly table: string; readonly column: string }): OpenWindowTemplate | null {
  if (rollup.settledAfterDays === null) return null;
  const uses = rollup.measures.map((m) => clockUses(model.cubes, m));
  if (rollup.measures.some((m) => !['count', 'sum'].includes(measureDef(model, m).type))) return null;
  // Its dimensions that read the clock (as `column <= now` only: check-rollups.ts) put their columns among those the clock passes.
  const dimensionColumns = rollup.dimensions.flatMap((d) => (memberReadsClock(model.cubes, d) ? (clockUses(model.cubes, d)?.columns ?? []) : []));
  if (uses.some((u) => u === null || u.windows.some((w) => w.column !== time.column))) return null;
  const days = [...new Set(uses.flatMap((u) => u?.windows.map((w) => w.days) ?? []))];
  if (days.length > 1) return null;
  const since = (from: string) => ({ filters: [{ member: rollup.timeDimension, operator: 'afterOrOnDate', values: [from] }] });
  const periods = withStandIns(dialect, (clock, from) => plannedForRollup(model, { ...rollupQuery(rollup, rollup.dimensions), ...since(from) }, rollup.path, clock).node);
  if (!periods) return null;
  const windowed = rollup.measures.filter((_, i) => (uses[i]?.windows.length ?? 0) > 0);
  let closing: OpenWindowTemplate['closing'] = null;
  if (windowed.length > 0) {
    const byRow = { measures: windowed, dimensions: [...rollup.dimensions, rollup.timeDimension], timezone: 'UTC' };
    const statement = withStandIns(dialect, (clock, from) => {
      const settled = plannedForRollup(model, { ...byRow, ...since(from) }, rollup.path, settledClock(dialect)).node;
      const open = plannedForRollup(model, { ...byRow, ...since(from) }, rollup.path, clock).node;
      const changes = windowed.map((m) => memberAlias(m));
      const columnOf = (node: SelectNode, alias: string) => node.columns.find((c) => c.alias === alias)?.expr ?? raw('NULL');
      const byInstant: SelectNode = {
        ...settled,
        columns: settled.columns.map((c) => (changes.includes(c.alias) ? { alias: c.alias, expr: concat([raw('('), c.expr, raw(') - ('), columnOf(open, c.alias), raw(')')]) } : c)),
      };
      return select({
        columns: settled.columns.map((c) => ({ expr: identifier(c.alias), alias: c.alias })),
        from: { kind: 'subquery', query: byInstant, alias: 'closing' },
        where: logical('OR', changes.map((alias): SqlExpr => ({ kind: 'compare', op: '<>', left: identifier(alias), right: raw('0') }))),
        // In time order: a read of the rows closed between two clocks is a range of the table.
        orderBy: [{ position: settled.columns.findIndex((c) => c.alias === memberAlias(rollup.timeDimension)) + 1, desc: false }],
      });
    });
    if (!statement) return null;
    closing = { ...statement, instantColumn: memberAlias(rollup.timeDimension), measureColumns: Object.fromEntries(windowed.map((m) => [m, memberAlias(m)])), days: days[0] ?? 0 };
  }
  return {
    ...periods,
    closing,
    timeTable: time.table,
    timeColumn: time.column,
    clockColumns: [...new Set([...uses.flatMap((u) => u?.columns ?? []), ...dimensionColumns])],
    settledAfterDays: rollup.settledAfterDays,
    granularity: rollup.granularity,
  };
}

/** How each measure type merges when rows are added to a group (a rollup stores only additive kinds, and min and max). */
const MERGE_RULES: Readonly<Record<string, MergeRule>> = { count: 'sum', sum: 'sum', min: 'min', max: 'max' };

/** The rollup's columns — its period, its dimensions, its measures — with how each merges; null when one cannot. */
function mergeColumnsOf(model: Model, rollup: RollupDef, period: string): MergeColumn[] | null {
  const measures = rollup.measures.map((m) => ({ column: memberAlias(m), merge: MERGE_RULES[measureDef(model, m).type] }));
  if (measures.some((m) => m.merge === undefined)) return null;
  return [{ column: period, merge: 'key' }, ...rollup.dimensions.map((d) => ({ column: memberAlias(d), merge: 'key' as const })), ...(measures as MergeColumn[])];
}

/**
 * The statement giving a rollup by cluster's attributes per cluster (its key and them, one row
 * per key), when every attribute comes from one cube with a table, joined many-to-one on the
 * cluster's own column to a column one of its dimensions is, and no measure reads that cube.
 */
function clusterAttributes(model: Model, rollup: RollupDef, dialect: Dialect, params: readonly SqlValue[]): ClusterAttributes | null {
  const perCluster = perClusterDimensions(model, rollup);
  const cubes = new Set(perCluster.map((d) => d.split('.')[0] ?? ''));
  const [name] = [...cubes];
  const own = model.cubes.get(rollup.cube);
  const target = name === undefined ? undefined : model.cubes.get(name);
  if (cubes.size !== 1 || !own || !target || target.source.kind !== 'table') return null;
  if (rollup.measures.some((m) => memberCubes(model, m).has(target.name))) return null;
  const to = joinColumns(own, target)?.to;
  const keyDimension = [...target.dimensions.values()].find((d) => plainColumn(d.sql, target.name) === to);
  if (!to || !keyDimension) return null;
  const keyPath = `${target.name}.${keyDimension.name}`;
  const { compiled } = compiledForRollup(model, { dimensions: [keyPath, ...perCluster], timezone: 'UTC' }, dialect, rollup.path);
  if (compiled.params.length > 0) return null;
  const attributes = { table: target.source.table.toLowerCase(), keyColumn: to.toLowerCase(), key: memberAlias(keyPath), sql: compiled.sql };
  const rows = compiledForRollup(model, rollupQuery(rollup, rollup.dimensions.filter((d) => !perCluster.includes(d))), dialect, rollup.path).compiled;
  // The join after must add nothing but the attributes: the same parameters, in the same order.
  return JSON.stringify(rows.params) === JSON.stringify(params) ? { ...attributes, rows: rows.sql } : attributes;
}

/** The stored column of a rollup's cluster dimension (undefined: not a plain column). */
function clusterColumn(model: Model, rollup: RollupDef): string | undefined {
  const [cube = '', member = ''] = (rollup.clusteredBy ?? '').split('.');
  const dimension = model.cubes.get(cube)?.dimensions.get(member);
  return dimension ? plainColumn(dimension.sql, cube) : undefined;
}

/**
 * The dimensions a rollup of moments reads: those of every rollup of moments of its family — the
 * same cube, cluster, measures and period, and the same dimensions that split a cluster's rows —
 * in the model's order. The extra ones all have one value per cluster, so the statement still has
 * one row per cluster, own dimension values and month; and since moments add up over clusters,
 * every member's table is its family's moments summed over the others' dimensions: the members
 * built or maintained together read the rows once (clustered.ts `fillMomentsFamily`).
 */
export function familyDimensions(model: Model, rollup: RollupDef): string[] {
  if (!rollup.moments) return [...rollup.dimensions];
  const splitting = (r: RollupDef) => {
    const per = new Set(perClusterDimensions(model, r));
    return JSON.stringify(r.dimensions.filter((d) => !per.has(d)).sort());
  };
  const signature = (r: RollupDef) => JSON.stringify([r.cube, r.clusteredBy, r.measures, r.timeDimension, r.granularity, r.perPeriod, splitting(r)]);
  // The model's families, found once (this rollup of moments makes one at least): every member
  // asks, and every command asks for every member.
  const families = forModel(familiesOf, model);
  if (families.size === 0) {
    for (const r of modelRollups(model).filter((x) => x.moments)) {
      const key = signature(r);
      families.set(key, [...(families.get(key) ?? []), r]);
    }
  }
  const out: string[] = [];
  for (const r of families.get(signature(rollup)) ?? []) {
    for (const d of r.dimensions) if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** The model's rollups of moments by family (its members' shared signature), in the model's order. */
const familiesOf = new WeakMap<Model, Map<string, RollupDef[]>>();

/** A rollup by cluster's dimensions of cubes joined many-to-one on the cluster's own column (one value per cluster). */
function perClusterDimensions(model: Model, rollup: RollupDef): string[] {
  const cube = (rollup.clusteredBy ?? '').split('.')[0] ?? '';
  const own = model.cubes.get(cube);
  const column = clusterColumn(model, rollup);
  if (!own || column === undefined) return [];
  return rollup.dimensions.filter((d) => {
    const target = model.cubes.get(d.split('.')[0] ?? '');
    return target !== undefined && target.name !== cube && joinColumns(own, target)?.from === column;
  });
}
