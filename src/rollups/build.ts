import { UprateError } from '../core/errors.js';
import type { Model, RollupDef } from '../model/index.js';
import { dialectOf } from '../query/answer-query.js';
import { sqlIdentifier, type Store } from '../store/index.js';
import type { Exec } from '../store/store.js';
import { modelRollups, rollupBuild, type RollupBuild } from './definition.js';
import { registryChanged, storedRollups } from './availability.js';
import { closingTable, fillOpenWindow, openWindowTable } from './open-window.js';
import { ensureRegistry, recordRollup, tableColumns, upgradeRegistry, versionIn, type StoredRollup } from './registry.js';
import { inTransaction } from './transaction.js';
import { fillClustered, fillMomentsFamily, type ClusteredSource } from './clustered.js';
import type { ClusterLayout } from './registry.js';
import { buildClickHouseMomentsFamily, buildClickHouseRollups, CLICKHOUSE_FAMILIES_AT_ONCE, CLICKHOUSE_ROLLUPS_AT_ONCE, dropClickHouseRollups, ensureClickHouseRegistry, snapshotRows, type ClickHouseRollupTarget } from '../engines/clickhouse/clickhouse-rollups.js';
import { inParallel } from '../core/in-parallel.js';

/**
 * ClickHouse has no transactions: a build fills a new generation of the rollup's tables and then
 * switches the registry to it (engines/clickhouse/clickhouse-rollups.ts). The store is recognised
 * by its engine, so this module does not load the ClickHouse store.
 */
const onClickHouse = (store: Store): ClickHouseRollupTarget | null => (store.engine === 'clickhouse' ? (store as unknown as ClickHouseRollupTarget) : null);

/** The model's rollups a command names (all when none is named); an unknown name is refused with the known ones. */
export function chooseRollups(model: Model, names: readonly string[] = []): RollupDef[] {
  const all = modelRollups(model);
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((r) => r.path === name || r.name === name);
    if (!found) {
      throw new UprateError('BAD_ARGUMENT', `the model has no rollup ${name}`, {
        location: name,
        hint: all.length ? `the model's rollups: ${all.map((r) => r.path).join(', ')}` : 'declare one in a cube: preAggregations: { daily: { type: \'rollup\', … } }',
      });
    }
    return found;
  });
}

export interface BuiltRollup {
  readonly name: string;
  readonly table: string;
  readonly rows: number;
  readonly seconds: number;
  readonly dataVersion: number;
}

/** A rollup by cluster's source (its statement, columns and time table); null for a plain rollup. */
function clusteredSource(build: RollupBuild): ClusteredSource | null {
  if (!build.clustered || !build.timeSource) return null;
  const { cluster, measures, clockColumns } = build.clustered;
  const column = (d: string) => build.dimensionColumns.get(d) ?? d;
  const dimensions = build.rollup.dimensions.map(column);
  const perCluster = build.clustered.perCluster.map(column);
  return { sql: build.sql, params: build.params, timeColumn: build.timeColumn, cluster, dimensions, perCluster, measures, timeSource: build.timeSource, clockColumns, attributes: build.clustered.attributes, moments: build.clustered.moments, ...(build.clustered.perPeriod ? { perPeriod: true } : {}), ...(build.clustered.grain ? { grain: build.clustered.grain } : {}), clusterColumn: build.clustered.clusterColumn };
}

/**
 * Fills a rollup's whole table from the rows (inside the caller's transaction) and records it;
 * `filled`: a table already filled (a family of moments, read once), only recorded.
 */
export async function fillRollup(exec: Exec, engine: Store['engine'], build: RollupBuild, dataVersion: number, filled?: { readonly layout: ClusterLayout; readonly rows: number; readonly started: number }): Promise<StoredRollup> {
  const started = filled?.started ?? performance.now();
  const table = sqlIdentifier(build.table);
  const source = clusteredSource(build);
  let layout: ClusterLayout | null = null;
  let rows: number;
  if (filled) {
    ({ layout, rows } = filled);
  } else if (source) {
    ({ layout, rows } = await fillClustered(exec, build.table, source));
  } else {
    await exec(`DROP TABLE IF EXISTS ${table}`);
    await exec(`CREATE TABLE ${table} AS ${build.sql}`, build.params);
    const [count] = await exec(`SELECT count(*) AS n FROM ${table}`);
    rows = Number(count?.['n'] ?? 0);
  }
  const open = build.open ? await fillOpenWindow(exec, build.table, build.open, dataVersion) : null;
  const mergeColumns = build.mergeColumns && sameNames(await tableColumns(exec, engine, build.table), build.mergeColumns.map((c) => c.column)) ? build.mergeColumns : null;
  const stored: StoredRollup = {
    name: build.rollup.path,
    table: build.table,
    hash: build.hash,
    sql: build.sql,
    params: build.params as StoredRollup['params'],
    timeColumn: build.timeColumn,
    partitionGranularity: build.rollup.partitionGranularity,
    sourceTables: build.sourceTables,
    timeSource: build.timeSource,
    dataVersion,
    builtAt: new Date(),
    rows,
    buildSeconds: (performance.now() - started) / 1000,
    mergeColumns,
    layout,
    open,
  };
  await recordRollup(exec, stored);
  return stored;
}

/** Merging in place writes every column by name: only when the table has exactly the columns the merge knows. */
const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export interface BuildOptions {
  /**
   * Stops the build: no rollup starts once it aborts, and on DuckDB and PostgreSQL the statement
   * filling one is stopped and its transaction rolled back (ClickHouse finishes the generation it
   * fills); the build then answers what it built (each rollup built is whole and committed, the
   * others are as they were).
   */
  readonly signal?: AbortSignal;
  /**
   * Runs each fill (a rollup, or a family of moments filled together) — the server passes its
   * write lock, so loads take turns with a build in its background rollup by rollup.
   */
  readonly eachFill?: <T>(fill: () => Promise<T>) => Promise<T>;
}

/**
 * Builds rollups from the rows, each in one transaction with its registry row: readers see the
 * old table (or none) until the new one commits, and the version it records is the one of the
 * rows it read.
 *
 * @example
 *   await buildRollups(store, model, ['Offers.daily'], (r) => console.log(`${r.name}: ${r.rows} rows`));
 */
export async function buildRollups(store: Store, model: Model, names: readonly string[] = [], onBuilt?: (r: BuiltRollup) => void, options: BuildOptions = {}): Promise<BuiltRollup[]> {
  const { signal } = options;
  const rollups = chooseRollups(model, names);
  if (rollups.length === 0) throw new UprateError('BAD_ARGUMENT', 'the model declares no rollups', { hint: "declare one in a cube: preAggregations: { daily: { type: 'rollup', measures: [count], timeDimension: offeredAt, granularity: 'day' } }" });
  await store.ensureOwnTables('rollups');
  const dialect = dialectOf(store);
  const out: BuiltRollup[] = [];
  const clickhouse = onClickHouse(store);
  const builds = rollups.map((rollup) => rollupBuild(model, rollup, dialect));
  const done = new Set<RollupBuild>();
  // ClickHouse: the rows the rollups read, copied once (engines/clickhouse/clickhouse-rollups.ts snapshotRows).
  const version = clickhouse ? await clickhouse.committedVersion() : 0;
  const snapshot = clickhouse ? await snapshotRows(clickhouse, builds.filter((b) => !b.clustered || b.clustered.moments).flatMap((b) => b.sourceTables)) : null;
  // What is filled together: a plain rollup alone, the rollups of moments of one family asked for together (one pass over the rows, one commit).
  const units: RollupBuild[][] = [];
  for (const build of builds) {
    if (done.has(build)) continue;
    // A row per cluster is not built there: queries read the rows for what it would answer (status says so).
    if (clickhouse && build.clustered && !build.clustered.moments) continue;
    const family = builds.filter((b) => b === build || (!done.has(b) && sameFamily(b, build)));
    for (const b of family) done.add(b);
    units.push(family);
  }
  const recorded = (b: RollupBuild) => ({ ...b, name: b.rollup.path, partitionGranularity: b.rollup.partitionGranularity, openTemplate: b.open });
  const fill = async (family: RollupBuild[]): Promise<StoredRollup[]> => {
    const [build] = family;
    if (!build) return [];
    if (clickhouse) {
      return build.clustered
        ? buildClickHouseMomentsFamily(clickhouse, family.map((b) => ({ ...recorded(b), clustered: clusteredSource(b) as ClusteredSource })), version, snapshot?.rows)
        : buildClickHouseRollups(clickhouse, family.map(recorded), version, snapshot?.rows);
    }
    return inTransaction(store, async (exec) => {
      await ensureRegistry(exec);
      await upgradeRegistry(exec, store.engine);
      const version = await versionIn(exec, store.engine);
      if (family.length === 1) return [await fillRollup(exec, store.engine, build, version)];
      const started = performance.now();
      const members = family.map((b) => ({ table: b.table, source: clusteredSource(b) as ClusteredSource }));
      const filled = await fillMomentsFamily(exec, store.engine, members, (name, select) => `CREATE TEMP TABLE ${name} AS ${select}`);
      const out: StoredRollup[] = [];
      for (const [i, b] of family.entries()) out.push(await fillRollup(exec, store.engine, b, version, { ...(filled[i] as { layout: ClusterLayout; rows: number }), started }));
      return out;
    }, signal);
  };
  const built: BuiltRollup[][] = units.map(() => []);
  const report = (i: number, stored: readonly StoredRollup[]) => {
    registryChanged(store);
    for (const s of stored) {
      const b = { name: s.name, table: s.table, rows: s.rows, seconds: s.buildSeconds, dataVersion: s.dataVersion };
      onBuilt?.(b);
      built[i]?.push(b);
    }
  };
  const eachFill = options.eachFill ?? ((f) => f());
  const fillEach = (indices: readonly number[], atOnce: number) =>
    inParallel(indices, atOnce, async (i) => {
      if (!signal?.aborted) report(i, await eachFill(() => (signal?.aborted ? Promise.resolve([]) : fill(units[i] ?? []))));
    });
  const all = units.map((_, i) => i);
  try {
    if (clickhouse) {
      if (units.length > 0) await ensureClickHouseRegistry(clickhouse);
      // Generations of their own (no transaction to share), plain rollups switched to a few at once
      // (each switch counts, records and lists once per shard) so that progress still shows; families of moments fewer at once.
      const plain = all.filter((i) => !units[i]?.[0]?.clustered);
      for (let k = 0; k < plain.length && !signal?.aborted; k += PLAIN_PER_SWITCH) {
        const chunk = plain.slice(k, k + PLAIN_PER_SWITCH);
        const stored = await fill(chunk.flatMap((i) => units[i] ?? []));
        for (const i of chunk) report(i, stored.filter((s) => s.name === units[i]?.[0]?.rollup.path));
      }
      await fillEach(all.filter((i) => units[i]?.[0]?.clustered), CLICKHOUSE_FAMILIES_AT_ONCE);
    } else {
      await fillEach(all, 1);
    }
  } catch (e) {
    await snapshot?.drop();
    // Stopped: what was built before is committed and whole; the one interrupted rolled back.
    if (signal?.aborted) return built.flat();
    throw e;
  }
  out.push(...built.flat());
  await snapshot?.keep(version, out.map((b) => b.table));
  return out;
}

/** How many plain rollups a ClickHouse build switches to together: twice as many as are filled at once. */
const PLAIN_PER_SWITCH = 2 * CLICKHOUSE_ROLLUPS_AT_ONCE;

/** Two rollups of moments reading the same statement (definition.ts `familyDimensions`), over the same clusters and counts. */
function sameFamily(a: RollupBuild, b: RollupBuild): boolean {
  const key = (x: RollupBuild) => (x.clustered?.moments && x.timeSource ? JSON.stringify([x.sql, x.params, x.timeColumn, x.clustered.cluster, x.clustered.measures, x.timeSource, x.clustered.perPeriod, x.clustered.grain]) : null);
  const k = key(a);
  return k !== null && k === key(b);
}

/** Drops rollups' tables and registry rows (the model's named ones, or every built one); answers the names dropped. */
export async function dropRollups(store: Store, model: Model, names: readonly string[] = []): Promise<string[]> {
  const wanted = names.length ? chooseRollups(model, names).map((r) => r.path) : undefined;
  const stored = (await storedRollups(store)).filter((r) => !wanted || wanted.includes(r.name));
  if (stored.length === 0) return [];
  await store.ensureOwnTables('rollups');
  const clickhouse = onClickHouse(store);
  if (clickhouse) await dropClickHouseRollups(clickhouse, stored);
  else await inTransaction(store, async (exec) => {
    for (const r of stored) {
      await exec(`DROP TABLE IF EXISTS ${sqlIdentifier(r.table)}`);
      await exec(`DROP TABLE IF EXISTS ${sqlIdentifier(openWindowTable(r.table))}`);
      await exec(`DROP TABLE IF EXISTS ${sqlIdentifier(closingTable(r.table))}`);
      await exec('DELETE FROM uprate_rollups WHERE name = $1', [r.name]);
    }
  });
  registryChanged(store);
  return stored.map((r) => r.name);
}

/**
 * Records, for the plain rollups built before uprate recorded them, the tables they join many-to-one
 * column to column (their time source's joins), where the model's definition is still the one
 * they were built from: without them a load merges its new rows against the whole joined table
 * (at 10 M offers, a million customers read by each of thirty rollups, 0.15 s a read) until the
 * next build. Not on ClickHouse, whose loads make new generations instead. Answers the names recorded.
 */
export async function recordMissingJoins(store: Store, model: Model): Promise<string[]> {
  if (store.engine === 'clickhouse') return [];
  const stored = await storedRollups(store);
  const dialect = dialectOf(store);
  const missing = stored.flatMap((s) => {
    if (s.layout || !s.timeSource || s.timeSource.joins) return [];
    const rollup = modelRollups(model).find((r) => r.path === s.name);
    if (!rollup) return [];
    const build = rollupBuild(model, rollup, dialect);
    const source = build.timeSource;
    const same = build.hash === s.hash && source?.table === s.timeSource.table && source.column === s.timeSource.column;
    return same && source.joins?.length ? [{ name: s.name, hash: s.hash, timeSource: source }] : [];
  });
  if (missing.length === 0) return [];
  await inTransaction(store, async (exec) => {
    // Only while the row is still the one read (a build meanwhile records them itself).
    for (const m of missing) await exec('UPDATE uprate_rollups SET time_source = $1 WHERE name = $2 AND definition_hash = $3', [JSON.stringify(m.timeSource), m.name, m.hash]);
  });
  registryChanged(store);
  return missing.map((m) => m.name);
}
