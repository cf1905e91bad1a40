import { channel } from 'node:diagnostics_channel';
import type { Row, SqlValue } from '../../store/store.js';
import { hasRegistryTable, momentsFamilyKey, readRegistry, type StoredRollup } from '../../rollups/registry.js';
import { newLoadId } from './clickhouse-bulk-load.js';
import { latestCommittedSelect } from './clickhouse-migrations.js';
import type { ClickHouseHttp } from './clickhouse-http.js';
import { clickhouseString } from './clickhouse-literal.js';
import { clickhouseMemberSql, clickhouseMomentsSql, clickhouseReplacedMemberSql } from './clickhouse-moments.js';
import { CUSTOMERS, OFFERS, type TableSpec } from '../../core/schema.js';
import { errorMessage, UprateError } from '../../core/errors.js';
import { allSettled, inParallel } from '../../core/in-parallel.js';
import { NEWEST_FIRST, reading, readingPart, readingWhere, SNAPSHOT_BUILDS, SNAPSHOTS, type RowsSnapshot } from './clickhouse-snapshot.js';
import { layoutFor, storedSource, type ClusteredSource } from '../../rollups/clustered.js';
import { periodIndexes } from '../../rollups/maintain.js';
import type { ClusterLayout, OpenWindow } from '../../rollups/registry.js';
import { closingTable, filled, openWindowClock, openWindowTable, type OpenWindowTemplate } from '../../rollups/open-window.js';
import type { Upkeep } from '../../rollups/upkeep.js';

/**
 * Rollups on a ClickHouse cluster. ClickHouse has no transaction, so a rollup is never changed in
 * place: every build (and every refresh after a load) fills a new *generation* — a MergeTree table
 * `<db>_shard.<rollup table>_<gen>` on every shard behind a Distributed table `<db>.<rollup
 * table>_<gen>` (rows spread at random; every read sums them again, as the rollup read's UNION ALL
 * does anyway) — and only then points the registry at it. Readers therefore see either the old
 * generation whole or the new one whole.
 *
 * The registry is `<db>_shard.rollups` on every shard (rows appended, never updated: the newest
 * `rev` of a name wins, `is_dropped` hides it), read through the view `<db>.uprate_rollups` with
 * the columns of DuckDB's and PostgreSQL's `uprate_rollups`. A generation records the data version
 * (the newest committed load) read *before* its rows were: a load committed while it was filled
 * makes it stale at once (its version is no longer the current one), so a rollup is read only
 * when the rows it was built from are exactly the rows a query sees.
 *
 * After a load's commit markers are written, {@link refreshAfterLoad} refreshes every rollup that
 * reads a loaded table into a new generation and records the load's version (the others are
 * re-recorded at that version unchanged). Between the commit and that switch the registry's
 * version is the previous load's, so queries read the rows: never rows without their rollup.
 * A plain rollup is rebuilt whole, not by partition: the rows' views pick each key's newest
 * committed version (argMax over every stored version) before any filter on the offer's time can
 * apply, so rebuilding some months reads every row just as rebuilding all of them does. A rollup of
 * moments adds up over customers instead, so only the customers the load touched are formed again,
 * before and after it ({@link replaceTouchedMoments}).
 */
export interface ClickHouseRollupTarget {
  readonly shards: readonly ClickHouseHttp[];
  /** Where rows and rollup tables live on each shard. */
  readonly shardDb: string;
  /** The user's database: where the Distributed tables are. */
  readonly database: string;
  readonly cluster: string;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** `INSERT INTO table <select>`, the select rewritten for the server as reads are, waiting for every shard, without the read timeout. */
  fillFrom(table: string, select: string, params: readonly SqlValue[]): Promise<void>;
  /** The newest committed load (commits that reached only some shards finished first); 0 before any. */
  committedVersion(): Promise<number>;
}

const REGISTRY = 'rollups';
const q = (name: string) => `\`${name.replaceAll('`', '\\`')}\``;

/**
 * Runs `work` on every shard at once (the shards are separate servers: one waiting on the other
 * only added up their round trips), answering each shard's result in the shards' order.
 */
const onEveryShard = <R>(t: { readonly shards: readonly ClickHouseHttp[] }, work: (shard: ClickHouseHttp, index: number) => Promise<R>): Promise<R[]> => inParallel(t.shards, t.shards.length, work);

/**
 * How many rollups a refresh or a build fills at once. Most of a small load's refresh is round trips
 * (each rollup's tables described, created on every shard and filled: ~10 requests, with its
 * open window's ~20; counting, recording and dropping are shared, {@link Switch}), which overlap;
 * the fills themselves share the server's cores either way. Families of moments hold each
 * customer's months in memory while formed, so fewer of them at once.
 */
export const CLICKHOUSE_ROLLUPS_AT_ONCE = 4;
export const CLICKHOUSE_FAMILIES_AT_ONCE = 2;

const REGISTRY_COLUMNS: readonly (readonly [string, string])[] = [
  ['table_name', 'String'],
  ['definition_hash', 'String'],
  ['build_sql', 'String'],
  ['build_params', 'String'],
  ['time_column', 'String'],
  ['partition_granularity', 'String'],
  ['source_tables', 'String'],
  ['time_source', 'String'],
  ['data_version', 'Int64'],
  ['built_at', "DateTime('UTC')"],
  ['row_count', 'UInt64'],
  ['build_seconds', 'Float64'],
  // A rollup by cluster's layout (JSON); '' for a plain rollup.
  ['layout', 'String'],
  // A plain rollup's open window as filled with its generation (JSON); '' when it keeps none.
  ['open_window', 'String'],
];

/**
 * The registry's table. Every refresh appends a row for every rollup (each with its build
 * statement and layout: some 4 KB), so a plain MergeTree grew by the whole registry each load and
 * every query read all of it — after ten loads of the shipped model 1,001 rows and 4.3 MB. A
 * ReplacingMergeTree by name keeps only each name's newest `rev` once its parts merge (forced after
 * each write, {@link compactRegistry}); reads still pick the newest with argMax, merged or not.
 */
const registryTableDdl = (table: string): string => `CREATE TABLE IF NOT EXISTS ${table} (
  name String,
  ${REGISTRY_COLUMNS.map(([c, type]) => `${c} ${type}`).join(',\n  ')},
  rev UInt64,
  is_dropped UInt8
) ENGINE = ReplacingMergeTree(rev) ORDER BY name`;

const REGISTRY_ALL_COLUMNS = ['name', ...REGISTRY_COLUMNS.map(([c]) => c), 'rev', 'is_dropped'].join(', ');

/**
 * Keeps one shard's registry at a row per rollup: a registry made before it was a
 * ReplacingMergeTree (an append-only MergeTree) is copied into one and swapped in by a rename —
 * rows another process appends meanwhile are copied after the swap — then merged to each name's
 * newest row. Safe to run from several processes at once: a row is never lost, only merged away
 * once a newer one of its name is stored.
 */
async function compactRegistry(shard: ClickHouseHttp, sdb: string): Promise<void> {
  const table = `${sdb}.${REGISTRY}`;
  const engine = async () => String((await shard.select(`SELECT engine FROM system.tables WHERE database = ${clickhouseString(sdb)} AND name = ${clickhouseString(REGISTRY)}`)).data[0]?.['engine'] ?? '');
  if ((await engine()) === 'MergeTree') {
    const replacing = `${sdb}.${REGISTRY}_replacing`;
    const appended = `${sdb}.${REGISTRY}_appended`;
    const what = 'rollup registry (made a ReplacingMergeTree)';
    await shard.request(registryTableDdl(replacing), { what });
    await shard.request(`INSERT INTO ${replacing} (${REGISTRY_ALL_COLUMNS}) SELECT ${REGISTRY_ALL_COLUMNS} FROM ${table}`, { what });
    try {
      await shard.request(`RENAME TABLE ${table} TO ${appended}, ${replacing} TO ${table}`, { what });
    } catch (e) {
      // Another process swapped it first: its copy holds every row this one would have.
      if ((await engine()) !== 'ReplacingMergeTree') throw e;
      await shard.request(`DROP TABLE IF EXISTS ${replacing}`, { what });
      return;
    }
    await shard.request(`INSERT INTO ${table} (${REGISTRY_ALL_COLUMNS}) SELECT ${REGISTRY_ALL_COLUMNS} FROM ${appended} WHERE (name, rev) NOT IN (SELECT name, rev FROM ${table})`, { what });
    await shard.request(`DROP TABLE IF EXISTS ${appended}`, { what });
  }
  await shard.request(`OPTIMIZE TABLE ${table} FINAL`, { what: 'rollup registry (merged to each rollup\'s newest row)' });
}

/** The registry's statements for one shard (idempotent). 18.16 cannot alias an aggregate with its argument's name: the inner select renames. */
function registryDdl(t: ClickHouseRollupTarget): string[] {
  const sdb = t.shardDb;
  const inner = REGISTRY_COLUMNS.map(([c]) => `${c} AS c_${c}`).join(', ');
  const outer = REGISTRY_COLUMNS.map(([c]) => `argMax(c_${c}, rev) AS ${c}`).join(', ');
  return [
    registryTableDdl(`${sdb}.${REGISTRY}`),
    `CREATE VIEW IF NOT EXISTS ${q(t.database)}.uprate_rollups AS
SELECT name, ${outer}
FROM (SELECT name, rev, is_dropped, ${inner} FROM ${sdb}.${REGISTRY})
GROUP BY name
HAVING argMax(is_dropped, rev) = 0`,
  ];
}

/** Creates the registry on every shard when missing. */
export async function ensureClickHouseRegistry(t: ClickHouseRollupTarget): Promise<void> {
  await onEveryShard(t, async (shard) => {
    const [table, view] = registryDdl(t);
    await shard.request(table ?? '', { what: 'rollup registry' });
    // A registry from before a column was added (18.16 has no ADD COLUMN IF NOT EXISTS): the
    // column is added and the view, which names every column, made again.
    const present = new Set((await shard.select(`SELECT name FROM system.columns WHERE database = ${clickhouseString(t.shardDb)} AND table = ${clickhouseString(REGISTRY)}`)).data.map((r) => String(r['name'])));
    const absent = REGISTRY_COLUMNS.filter(([c]) => !present.has(c));
    for (const [c, type] of absent) await shard.request(`ALTER TABLE ${t.shardDb}.${REGISTRY} ADD COLUMN ${c} ${type}`, { what: 'rollup registry' });
    if (absent.length > 0) await shard.request(`DROP TABLE IF EXISTS ${q(t.database)}.uprate_rollups`, { what: 'rollup registry' });
    await shard.request(view ?? '', { what: 'rollup registry' });
  });
}

/** Appends registry rows on every shard, in one insert each (a shard shows all of them or none). */
async function record(t: ClickHouseRollupTarget, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const body = rows.map((r) => JSON.stringify(r)).join('\n');
  await onEveryShard(t, async (shard) => {
    await shard.request(`INSERT INTO ${t.shardDb}.${REGISTRY} FORMAT JSONEachRow`, { body, what: 'recording rollups' });
    await compactRegistry(shard, t.shardDb);
  });
}

function registryRow(r: StoredRollup, rev: number): Record<string, unknown> {
  return {
    name: r.name,
    table_name: r.table,
    definition_hash: r.hash,
    build_sql: r.sql,
    build_params: JSON.stringify(r.params),
    time_column: r.timeColumn,
    partition_granularity: r.partitionGranularity,
    source_tables: JSON.stringify(r.sourceTables),
    time_source: r.timeSource ? JSON.stringify(r.timeSource) : '',
    data_version: r.dataVersion,
    built_at: r.builtAt.toISOString().slice(0, 19).replace('T', ' '),
    row_count: r.rows,
    build_seconds: r.buildSeconds,
    layout: r.layout ? JSON.stringify(r.layout) : '',
    open_window: r.open ? JSON.stringify(r.open) : '',
    rev,
    is_dropped: 0,
  };
}

/** A generation's name: the rollup's table and a number that grows with every build. */
const generation = (base: string, gen: number) => `${base}_${gen}`;
/** The rollup's base table of a generation's table (`…_daily_<gen>` → `…_daily`). */
const baseOf = (table: string): string => /^(.*)_\d+$/.exec(table)?.[1] ?? table;
/** The generation a table belongs to: the generation's own, or its open window's beside it (`…_<gen>_open`, `…_<gen>_closing`). */
const generationOf = (base: string, name: string): number | null => {
  const m = new RegExp(`^${base}_(\\d+)(?:_open|_closing)?$`).exec(name);
  return m ? Number(m[1]) : null;
};

/** What a build needs: the rollup's base table name and the statement that fills it. */
export interface ClickHouseRollupSource {
  readonly name: string;
  readonly table: string;
  readonly hash: string;
  readonly sql: string;
  readonly params: readonly SqlValue[];
  readonly timeColumn: string;
  readonly partitionGranularity: string;
  readonly sourceTables: readonly string[];
  readonly timeSource: StoredRollup['timeSource'];
  /** A plain rollup's open window (rollups/open-window.ts), filled with each generation; absent or null: none. */
  readonly openTemplate?: OpenWindowTemplate | null;
}

/** A new generation's tables on every shard (MergeTree behind a Distributed table), filled by `select`; answers its table. Dropped again when the fill fails. */
async function fillGeneration(t: ClickHouseRollupTarget, base: string, gen: number, what: string, select: string, params: readonly SqlValue[], more: readonly string[] = [], unbound: readonly string[] = []): Promise<string> {
  return fillTable(t, generation(base, gen), what, select, params, more, unbound);
}

/**
 * A table of a generation (MergeTree on every shard behind a Distributed table) filled by `select`
 * and `more` (with `params`), then `unbound` (statements without parameters); answers the table
 * (its rows are counted with the others of a switch, {@link Switch}). Dropped again when the fill fails.
 */
async function fillTable(t: ClickHouseRollupTarget, table: string, what: string, select: string, params: readonly SqlValue[], more: readonly string[] = [], unbound: readonly string[] = []): Promise<string> {
  const described = await t.query<{ name: string; type: string }>(`DESC (${select})`, params as SqlValue[]);
  // A period truncated to a day or longer is a Date, which 18.16 compares with a DateTime as a
  // number of days: the rollup keeps it as a UTC DateTime, as the reads compare it.
  const columns = described.map((c) => {
    const date = /^(Nullable\()?Date\)?$/.test(c.type);
    return { name: c.name, type: date ? c.type.replace('Date', "DateTime('UTC')") : c.type, expr: date ? `toDateTime(${q(c.name)}, 'UTC')` : q(c.name) };
  });
  const list = columns.map((c) => `${q(c.name)} ${c.type}`).join(', ');
  const typed = `SELECT ${columns.map((c) => `${c.expr} AS ${q(c.name)}`).join(', ')} FROM (${select})`;
  try {
    await onEveryShard(t, async (shard) => {
      await shard.request(`CREATE TABLE ${t.shardDb}.${q(table)} (${list}) ENGINE = MergeTree ORDER BY tuple()`, { what });
      await shard.request(`CREATE TABLE ${q(t.database)}.${q(table)} AS ${t.shardDb}.${q(table)} ENGINE = Distributed(${t.cluster}, ${t.shardDb}, ${q(table)}, rand())`, { what });
    });
    await t.fillFrom(`${q(t.database)}.${q(table)}`, typed, params);
    // Further parts of the same rows (a family's moments, a share of the customers at a time).
    for (const part of more) await t.fillFrom(`${q(t.database)}.${q(table)}`, `SELECT ${columns.map((c) => `${c.expr} AS ${q(c.name)}`).join(', ')} FROM (${part})`, params);
    for (const part of unbound) await t.fillFrom(`${q(t.database)}.${q(table)}`, `SELECT ${columns.map((c) => `${c.expr} AS ${q(c.name)}`).join(', ')} FROM (${part})`, []);
  } catch (e) {
    await dropTable(t, table).catch(() => undefined);
    throw e;
  }
  return table;
}

/** A generation filled but not yet pointed at: its registry row, once its tables' rows are counted. */
interface Filled {
  readonly base: string;
  readonly gen: number;
  /** Its tables (the generation's, its open window's and rows still to close). */
  readonly tables: readonly string[];
  stored(rows: ReadonlyMap<string, number>): StoredRollup;
}

/**
 * The new generations of one build or refresh, switched to together: their tables' rows counted in
 * one request per shard, their registry rows (and any re-recorded unchanged) appended in one insert
 * per shard, then each rollup's generations but the new one and the one before dropped after one
 * listing per shard. Counting, recording and listing each generation alone took four to six
 * requests a rollup (a small load's refresh of the shipped model: ~640 of its ~1,800). Until the
 * switch readers read the generations current before it.
 */
class Switch {
  private readonly filled: Filled[] = [];
  constructor(private readonly t: ClickHouseRollupTarget) {}

  add(filled: Filled): void {
    this.filled.push(filled);
  }

  /** The tables of the generations filled so far. */
  tables(): string[] {
    return this.filled.flatMap((f) => f.tables);
  }

  /** Records every generation filled (with `also`, registry rows of rollups left as they were), then drops the ones they replace; answers their registry rows. */
  async commit(also: readonly Record<string, unknown>[] = []): Promise<StoredRollup[]> {
    const counts = await rowsOf(this.t, this.tables());
    const stored = this.filled.map((f) => f.stored(counts));
    await record(this.t, [...stored.map((s, i) => registryRow(s, this.filled[i]?.gen ?? newLoadId())), ...also]);
    await dropReplaced(this.t, this.filled);
    return stored;
  }

  /** Drops every generation filled (a refresh that failed: none was recorded). */
  async abandon(): Promise<void> {
    for (const table of this.tables()) await dropTable(this.t, table).catch(() => undefined);
  }
}

/** The rows of tables of generations (their MergeTree tables' active parts, summed over the shards): one request per shard. */
async function rowsOf(t: ClickHouseRollupTarget, tables: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(tables.map((x) => [x, 0]));
  if (tables.length === 0) return out;
  await onEveryShard(t, async (shard) => {
    const found = await shard.select(`SELECT table, toString(sum(rows)) AS n FROM system.parts WHERE active AND database = ${clickhouseString(t.shardDb)} AND table IN (${tables.map(clickhouseString).join(', ')}) GROUP BY table`);
    for (const r of found.data) out.set(String(r['table']), (out.get(String(r['table'])) ?? 0) + Number(r['n']));
  });
  return out;
}

/** The longest start all `names` share. */
const sharedStart = (names: readonly string[]): string =>
  names.reduce((shared, name) => {
    let i = 0;
    while (i < shared.length && shared[i] === name[i]) i++;
    return shared.slice(0, i);
  }, names[0] ?? '');

/**
 * Drops, on every shard, each rollup's generations but its new one (`filled`) and the newest other
 * (a query planned a moment ago may still read it), with their open windows: one listing a shard.
 */
async function dropReplaced(t: ClickHouseRollupTarget, filled: readonly Filled[]): Promise<void> {
  if (filled.length === 0) return;
  const prefix = sharedStart(filled.map((f) => `${f.base}_`));
  await onEveryShard(t, async (shard) => {
    const listed = (await shard.select(`SELECT database, name FROM system.tables WHERE database IN (${clickhouseString(t.shardDb)}, ${clickhouseString(t.database)}) AND startsWith(name, ${clickhouseString(prefix)})`)).data.map((r) => ({ database: String(r['database']), name: String(r['name']) }));
    const replaced = filled.flatMap(({ base, gen }) => {
      const ofBase = listed.flatMap((r) => {
        const g = generationOf(base, r.name);
        return g === null ? [] : [{ ...r, gen: g }];
      });
      const newestOther = Math.max(...ofBase.filter((r) => r.database === t.shardDb && r.gen !== gen).map((r) => r.gen));
      return ofBase.filter((r) => r.gen !== gen && r.gen !== newestOther);
    });
    await dropListed(shard, replaced);
  });
}

/**
 * Tables a shard drops at once. A load's refresh of the shipped model replaces some 570 tables
 * on each shard (a generation's own, its open window's, a family's moments before and after);
 * dropped one after another they were the refresh's last 1.7 s (a load of 100 offers: 12.1 s).
 */
const DROPS_AT_ONCE = 8;

/** Drops listed tables of one shard, a few at once. */
async function dropListed(shard: ClickHouseHttp, tables: readonly { readonly database: string; readonly name: string }[]): Promise<void> {
  await inParallel(tables, DROPS_AT_ONCE, (r) => shard.request(`DROP TABLE IF EXISTS ${q(r.database)}.${q(r.name)}`, { what: 'dropping a rollup generation' }));
}

/** How a rollup of moments is filled: from its family's table (clickhouse-moments.ts), with its layout. */
interface MomentsFill {
  readonly select: string;
  readonly layout: ClusterLayout;
  readonly started: number;
}

/** A plain rollup's new generation from its current one but for some months, read again from the rows. */
interface MonthsRefill {
  /** The rollup's statement over the copy's rows of those months only. */
  readonly select: string;
  /** The current generation's rows of every other month (and those without a time). */
  readonly kept: string;
}

/**
 * How a plain rollup's new generation is filled from its current one and `months` (UTC, 'YYYY-MM-DD'
 * starts) read again from `rows`: null when that is not the same as a whole build — a partition
 * that is not a month, a statement that does not read its time table plainly, a current table
 * missing, or more than a few months.
 */
function monthsRefill(t: ClickHouseRollupTarget, s: StoredRollup, rows: RowsSnapshot, months: readonly string[]): MonthsRefill | null {
  const time = s.timeSource;
  if (!time || s.partitionGranularity !== 'month' || months.length > MOST_REFILLED_MONTHS || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(time.column)) return null;
  if (!months.every((m) => /^\d{4}-\d{2}-01$/.test(m))) return null;
  const within = (column: string) =>
    months.length === 0 ? '0' : months.map((m) => `(${column} >= toDateTime(${clickhouseString(`${m} 00:00:00`)}, 'UTC') AND ${column} < addMonths(toDateTime(${clickhouseString(`${m} 00:00:00`)}, 'UTC'), 1))`).join(' OR ');
  const select = readingWhere(rows, s.sql, time.table.toLowerCase(), within(`\`${time.column}\``));
  // The filter must be on the copy's rows themselves: else those months would be counted twice.
  if (select === reading(rows, s.sql)) return null;
  const period = q(s.timeColumn);
  return { select, kept: `SELECT * FROM ${q(t.database)}.${q(s.table)} WHERE ${period} IS NULL OR NOT (${within(period)})` };
}

/** More months touched than this: a plain rollup's new generation is built whole (the copy of the others saves little). */
const MOST_REFILLED_MONTHS = 6;

/**
 * Fills a new generation of each plain rollup of `sources` from the committed rows (a few at once)
 * and points the registry at them together ({@link Switch}); older generations but the one before
 * each (a query planned a moment ago may still read it) are dropped. Answers their registry rows,
 * in `sources`' order.
 */
export async function buildClickHouseRollups(t: ClickHouseRollupTarget, sources: readonly ClickHouseRollupSource[], version?: number, rows?: RowsSnapshot): Promise<StoredRollup[]> {
  const switched = new Switch(t);
  const dataVersion = version ?? (await t.committedVersion());
  try {
    await inParallel(sources, CLICKHOUSE_ROLLUPS_AT_ONCE, (s) => fillRollup(t, s, switched, dataVersion, undefined, rows));
  } catch (e) {
    await switched.abandon();
    throw e;
  }
  const stored = await switched.commit();
  return sources.flatMap((s) => stored.filter((x) => x.name === s.name));
}

/** Fills a rollup's new generation (and its open window) into `into`, to be switched to with the others there. */
async function fillRollup(
  t: ClickHouseRollupTarget,
  source: ClickHouseRollupSource,
  into: Switch,
  version?: number,
  moments?: MomentsFill,
  rows_?: RowsSnapshot,
  nowMs = Date.now(),
  months?: MonthsRefill,
): Promise<{ readonly table: string }> {
  const started = moments?.started ?? performance.now();
  const dataVersion = version ?? (await t.committedVersion());
  const gen = newLoadId();
  const select = moments?.select ?? months?.select ?? reading(rows_, source.sql);
  const template = !moments && source.openTemplate ? source.openTemplate : null;
  // The generation and its open window are filled at once (neither reads the other).
  let filled: readonly [string, OpenFilled | null];
  try {
    filled = await allSettled([
      fillGeneration(t, source.table, gen, `rollup ${source.name}`, select, moments ? [] : source.params, [], months ? [months.kept] : []),
      template ? fillOpenGeneration(t, generation(source.table, gen), source.name, template, dataVersion, rows_, nowMs) : Promise.resolve(null),
    ]);
  } catch (e) {
    await dropGenerations(t, source.table, (g) => g !== gen).catch(() => undefined);
    throw e;
  }
  const [table, open] = filled;
  const stored = (counts: ReadonlyMap<string, number>): StoredRollup => ({
    name: source.name,
    table,
    hash: source.hash,
    sql: source.sql,
    params: source.params as StoredRollup['params'],
    timeColumn: source.timeColumn,
    partitionGranularity: source.partitionGranularity,
    sourceTables: source.sourceTables,
    timeSource: source.timeSource,
    dataVersion,
    builtAt: new Date(),
    rows: counts.get(table) ?? 0,
    buildSeconds: (performance.now() - started) / 1000,
    // Every refresh on ClickHouse is a whole new generation: nothing is merged in place.
    mergeColumns: null,
    layout: moments?.layout ?? null,
    open: open ? { ...open.window, rows: counts.get(open.table) ?? 0 } : null,
  });
  into.add({ base: source.table, gen, tables: [table, ...(open?.tables ?? [])], stored });
  return { table };
}

/** An open window filled beside a generation: all but its rows' count, and its tables. */
interface OpenFilled {
  readonly window: Omit<OpenWindow, 'rows'>;
  /** Its periods' table (counted as its rows), then the rows still to close, if any. */
  readonly table: string;
  readonly tables: readonly string[];
}

/**
 * A generation's open window (rollups/open-window.ts), beside it: the periods not settled at a clock
 * E past the wall clock and every instant the measures compare with the clock, as they read at E,
 * and the rows still to close with what closing changes — filled from the same rows as the
 * generation (the copy), so it reflects the data version the generation records. Never moved: each
 * load's refresh fills a new generation, and its window with it.
 */
async function fillOpenGeneration(t: ClickHouseRollupTarget, table: string, name: string, template: OpenWindowTemplate, dataVersion: number, rows: RowsSnapshot | undefined, nowMs: number): Promise<OpenFilled> {
  const read = (sql: string, params?: readonly SqlValue[]) => t.query(reading(rows, sql), params);
  const { bounds, clock, from } = await openWindowClock(read, template, nowMs);
  const closing = template.closing;
  const [periods, toClose] = await allSettled([
    fillTable(t, openWindowTable(table), `the open window of rollup ${name}`, reading(rows, template.sql), filled(template, clock, from)),
    closing ? fillTable(t, closingTable(table), `the rows still to close of rollup ${name}`, reading(rows, closing.sql), filled(closing, clock, from)) : Promise.resolve(null),
  ]);
  return { window: { template, clock, from, first: bounds.first, last: bounds.last, dataVersion }, table: periods, tables: toClose ? [periods, toClose] : [periods] };
}

/**
 * Fills the open windows of the current plain rollups again as at `nowMs` (raised to past every
 * instant their measures compare with the clock), each as a new generation of its rollup from the
 * copy of the rows the last refresh left: for a server whose clock is fixed before the machine's
 * (the scale bench serves its data at the data's own end), which reads no window filled at a
 * later clock. Answers how many were filled.
 */
export async function refillClickHouseOpenWindows(t: ClickHouseRollupTarget, nowMs: number): Promise<number> {
  const version = await t.committedVersion();
  const due = (await registered(t)).filter((s) => s.open?.template && s.dataVersion === version);
  if (due.length === 0) return 0;
  const listed = await listedSnapshot(t);
  const rows = listed && listed.version === version ? listed.rows : undefined;
  const switched = new Switch(t);
  try {
    await inParallel(due, CLICKHOUSE_ROLLUPS_AT_ONCE, (s) => fillRollup(t, { ...s, table: baseOf(s.table), openTemplate: s.open?.template ?? null }, switched, version, undefined, rows, nowMs));
  } catch (e) {
    await switched.abandon();
    throw e;
  }
  const built = (await switched.commit()).map((b) => b.table);
  // Built from that copy: the next load's refresh may start from these generations.
  if (rows?.database) await listBuilds(t, rows.database, built);
  return due.length;
}

/**
 * Copies the committed rows of those of `tables` that are uprate's own (a view per shard) into a
 * database of their own, `<db>_snapshot_<n>` (and `<shard db>_snapshot_<n>` on each shard), each
 * copy named as its table: 18.16 resolves `"offers".customer_id` in a join through the name of the
 * table the shards read, not through the alias. Given `previous` (the copy the last refresh left),
 * each shard copies that copy but for the keys loaded since and picks only those keys' newest
 * versions again (see {@link sinceCopy}); else every key's, from the views. Run `drop` after.
 */
export async function snapshotRows(
  t: ClickHouseRollupTarget,
  tables: readonly string[],
  previous?: { readonly rows: RowsSnapshot } | null,
): Promise<{ readonly rows: RowsSnapshot; readonly since: readonly string[]; drop: () => Promise<void>; keep: (version: number, built?: readonly string[]) => Promise<void> }> {
  const [first] = t.shards;
  const none = { rows: { database: null, tables: [] }, since: [], drop: async () => undefined, keep: async () => undefined };
  if (!first) return none;
  const views = new Set((await first.select(`SELECT name FROM system.tables WHERE database = ${clickhouseString(t.shardDb)} AND engine = 'View'`)).data.map((r) => String(r['name'])));
  const copied = [...new Set(tables.map((x) => x.toLowerCase()))].filter((x) => views.has(x) && /^[a-z_][a-z0-9_]*$/.test(x));
  if (copied.length === 0) return none;
  const since = previous ? await sinceCopy(t, previous.rows, copied) : null;
  const copy = await copyRows(
    t,
    copied,
    (table) => since?.select(table) ?? `SELECT * FROM ${t.shardDb}.${table}`,
    // The loads committed on the shard as it starts copying: the copy holds them (and maybe a few more).
    (sdb) => `CREATE TABLE ${q(sdb)}.${REFLECTED_LOADS} ENGINE = MergeTree ORDER BY load_id AS SELECT load_id, table_name, is_replace FROM ${t.shardDb}.loads`,
  );
  const fromPrevious = since ? copied.filter((x) => since.tables.includes(x)) : [];
  rowsCopied.publish({ database: copy.rows.database, tables: copied, since: fromPrevious });
  return { ...copy, since: fromPrevious, keep: (version, built = []) => keepSnapshot(t, copy.rows.database ?? '', version, copied, built) };
}

/** Each plain rollup a load's refresh builds again: whole, or from its current generation and the months the load wrote (tests watch it). */
export const plainRefreshed = channel('uprate:clickhouse:plain-refreshed');

/** Each copy of the rows taken: its database, tables, and whether it was taken from the previous copy (tests watch it). */
export const rowsCopied = channel('uprate:clickhouse:rows-copied');

/** The table, in a copy's shard database, of the commit markers its shard held when the copy began. */
const REFLECTED_LOADS = 'reflected_loads';

/** How many of `names` are tables of `database` on a shard. */
async function tablesHeld(shard: ClickHouseHttp, database: string, names: readonly string[]): Promise<number> {
  const found = await shard.select(`SELECT count() AS n FROM system.tables WHERE database = ${clickhouseString(database)} AND name IN (${names.map(clickhouseString).join(', ')})`);
  return Number(found.data[0]?.['n'] ?? 0);
}

/** The keys of `spec`'s table a shard's row table holds in versions written by loads the copy (its shard database `prior`) does not hold: rows or tombstones, committed or not. */
const writtenKeys = (t: ClickHouseRollupTarget, prior: string, spec: TableSpec): string =>
  `SELECT ${spec.key} FROM ${t.shardDb}.${spec.name}_rows WHERE load_id NOT IN (SELECT load_id FROM ${prior}.${REFLECTED_LOADS})`;

/**
 * How each shard copies those of `tables` that the copy `previous` holds from it rather than from
 * the views (the others: null), or null when it cannot: a copy without its list of loads, or a
 * replacing load it does not hold. The views pick each key's newest committed version out of
 * every version stored (a grouping of them all: at 10 M offers most of a load's refresh); a key
 * no load since the copy wrote — rows or tombstones, committed or not — has the same newest
 * version as in that copy, so only the keys those loads wrote are picked again (the row table is
 * ordered by its key).
 */
async function sinceCopy(t: ClickHouseRollupTarget, previous: RowsSnapshot, tables: readonly string[]): Promise<{ readonly tables: readonly string[]; select: (table: string) => string | null } | null> {
  const held = tables.filter((x) => specOf(x) && previous.tables.includes(x));
  if (!previous.database || held.length === 0) return null;
  const prior = q(shardCopyOf(t, previous.database));
  const reflected = `SELECT load_id FROM ${prior}.${REFLECTED_LOADS}`;
  const usable = await onEveryShard(t, async (shard) => {
    if ((await tablesHeld(shard, shardCopyOf(t, previous.database ?? ''), [REFLECTED_LOADS, ...held])) !== held.length + 1) return false;
    const replaced = await shard.select(`SELECT count() AS n FROM ${t.shardDb}.loads WHERE is_replace = 1 AND table_name IN (${held.map(clickhouseString).join(', ')}) AND load_id NOT IN (${reflected})`);
    return Number(replaced.data[0]?.['n'] ?? 0) === 0;
  });
  if (!usable.every(Boolean)) return null;
  return {
    tables: held,
    select: (table) => {
      const spec = specOf(table);
      if (!spec || !held.includes(table)) return null;
      const written = writtenKeys(t, prior, spec);
      return `SELECT * FROM ${prior}.${table} WHERE ${spec.key} NOT IN (${written}) UNION ALL ${latestCommittedSelect(t.shardDb, spec, written)}`;
    },
  };
}

/** Whether `table` (a rollup's generation) was built from the copy of the rows `database` (listed by {@link keepSnapshot}). */
async function builtFrom(t: ClickHouseRollupTarget, database: string | null, table: string): Promise<boolean> {
  const [first] = t.shards;
  if (!first || !database) return false;
  if ((await tablesHeld(first, t.shardDb, [SNAPSHOT_BUILDS])) === 0) return false;
  const found = await first.select(`SELECT count() AS n FROM ${t.shardDb}.${SNAPSHOT_BUILDS} WHERE database = ${clickhouseString(database)} AND rollup_table = ${clickhouseString(table)}`);
  return Number(found.data[0]?.['n'] ?? 0) > 0;
}

/**
 * What the loads since the copy `previous` wrote, seen from it and from the copy `now` taken from
 * it ({@link sinceCopy}, which found `previous`'s list of loads on every shard — `now` copied
 * `time`'s table from it): the tables with rows written since (committed or not), and the months
 * (UTC starts, 'YYYY-MM-DD') of `time`'s column in either copy of the rows whose keys they wrote —
 * an offer moved to another month changes both.
 */
async function writtenSince(
  t: ClickHouseRollupTarget,
  previous: RowsSnapshot,
  now: RowsSnapshot,
  time: { readonly table: string; readonly column: string },
): Promise<{ readonly tables: ReadonlySet<string>; readonly months: readonly string[] } | null> {
  const spec = specOf(time.table.toLowerCase());
  if (!previous.database || !now.database || !spec || !previous.tables.includes(spec.name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(time.column)) return null;
  const prior = q(shardCopyOf(t, previous.database));
  const current = q(shardCopyOf(t, now.database));
  const tables = new Set<string>();
  const months = new Set<string>();
  await onEveryShard(t, async (shard) => {
    const wrote = new Set<string>();
    for (const other of [OFFERS, CUSTOMERS]) {
      const found = await shard.select(`SELECT count() AS n FROM (${writtenKeys(t, prior, other)})`);
      if (Number(found.data[0]?.['n'] ?? 0) > 0) wrote.add(other.name);
    }
    for (const x of wrote) tables.add(x);
    if (!wrote.has(spec.name)) return;
    const written = writtenKeys(t, prior, spec);
    const column = `\`${time.column}\``;
    const of = (copy: string) => `SELECT ${column} AS t FROM ${copy}.${spec.name} WHERE ${spec.key} IN (${written})`;
    const found = await shard.select(`SELECT DISTINCT toString(toStartOfMonth(t)) AS m FROM (${of(prior)} UNION ALL ${of(current)}) WHERE t IS NOT NULL`);
    for (const row of found.data) months.add(String(row['m']));
  });
  return { tables, months: [...months].sort() };
}

/** The shard databases of a copy of the rows (`<db>_snapshot_<n>` → `<shard db>_snapshot_<n>`). */
const shardCopyOf = (t: ClickHouseRollupTarget, database: string): string => `${t.shardDb}_snapshot_${database.slice(`${t.database}_snapshot_`.length)}`;

/**
 * Copies rows into a database of their own on every shard (`select(table)`, run on each shard over
 * its own rows, fills that shard's copy of `table`), behind Distributed tables named as the tables
 * in `<db>_snapshot_<n>`; `before` runs first on each shard, given the shard's database. Run `drop` after.
 */
async function copyRows(
  t: ClickHouseRollupTarget,
  tables: readonly string[],
  select: (table: string, shardDatabase: string) => string,
  before?: (shardDatabase: string) => string,
): Promise<{ readonly rows: RowsSnapshot; readonly shardDatabase: string; drop: () => Promise<void> }> {
  const n = newLoadId();
  const [database, shardDatabase] = [`${t.database}_snapshot_${n}`, `${t.shardDb}_snapshot_${n}`];
  const drop = async () => {
    await onEveryShard(t, async (shard) => {
      for (const db of [database, shardDatabase]) await shard.request(`DROP DATABASE IF EXISTS ${q(db)}`, { what: 'dropping the rollups\' copy of the rows' });
    });
  };
  try {
    // Each shard copies its own rows: both at once.
    await onEveryShard(t, async (shard) => {
      for (const db of [database, shardDatabase]) await shard.request(`CREATE DATABASE ${q(db)}`, { what: 'a copy of the rows for the rollups' });
      if (before) await shard.request(before(shardDatabase), { what: 'a copy of the rows for the rollups', timeoutMs: 24 * 3600 * 1000 });
      for (const table of tables) {
        // Every column's newest version per key: past 1 GB the grouping goes on on disk (5 M offers a shard need more than the 4 GB a query may take here).
        await shard.request(`CREATE TABLE ${q(shardDatabase)}.${table} ENGINE = MergeTree ORDER BY tuple() AS ${select(table, shardDatabase)}`, {
          what: `a copy of ${table} for the rollups`,
          timeoutMs: 24 * 3600 * 1000,
          settings: { max_bytes_before_external_group_by: 1_000_000_000 },
        });
        await shard.request(`CREATE TABLE ${q(database)}.${table} AS ${q(shardDatabase)}.${table} ENGINE = Distributed(${t.cluster}, ${q(shardDatabase)}, ${table}, rand())`, { what: `a copy of ${table} for the rollups` });
      }
    });
  } catch (e) {
    await drop().catch(() => undefined);
    throw e;
  }
  return { rows: { database, tables: [...tables] }, shardDatabase, drop };
}

/** The copy of the rows the last refresh left (the newest listed), with the data version it holds; null when there is none. */
async function listedSnapshot(t: ClickHouseRollupTarget): Promise<{ readonly rows: RowsSnapshot; readonly version: number } | null> {
  const [first] = t.shards;
  if (!first) return null;
  if ((await tablesHeld(first, t.shardDb, [SNAPSHOTS])) === 0) return null;
  const [row] = (await first.select(`SELECT database, toString(data_version) AS v, tables FROM ${t.shardDb}.${SNAPSHOTS} ${NEWEST_FIRST} LIMIT 1`)).data;
  if (!row) return null;
  const database = String(row['database']);
  const present = await onEveryShard(t, async (shard) => {
    const found = await shard.select(`SELECT count() AS n FROM system.databases WHERE name IN (${clickhouseString(database)}, ${clickhouseString(shardCopyOf(t, database))})`);
    return Number(found.data[0]?.['n'] ?? 0) === 2;
  });
  if (!present.every(Boolean)) return null;
  return { rows: { database, tables: String(row['tables']).split(',').filter(Boolean) }, version: Number(row['v']) };
}

/**
 * Lists a copy of the rows at the data version it holds, on every shard, so that reads at that
 * version read it instead of the views (clickhouse-store.ts); drops the copies before the one
 * listed before it (a read planned a moment ago may still be reading that one).
 */
async function keepSnapshot(t: ClickHouseRollupTarget, database: string, version: number, tables: readonly string[], built: readonly string[]): Promise<void> {
  const row = JSON.stringify({ database, data_version: version, tables: tables.join(','), taken_at: new Date().toISOString().slice(0, 19).replace('T', ' ') });
  // The generations built from it are listed first: a copy listed is one the next refresh may start from.
  await listBuilds(t, database, built);
  await onEveryShard(t, async (shard) => {
    await shard.request(`CREATE TABLE IF NOT EXISTS ${t.shardDb}.${SNAPSHOTS} (database String, data_version Int64, tables String, taken_at DateTime) ENGINE = MergeTree ORDER BY data_version`, { what: 'listing a copy of the rows' });
    await shard.request(`INSERT INTO ${t.shardDb}.${SNAPSHOTS} FORMAT JSONEachRow`, { body: row, what: 'listing a copy of the rows' });
  });
  const [first] = t.shards;
  const listed = first ? (await first.select(`SELECT database FROM ${t.shardDb}.${SNAPSHOTS} ${NEWEST_FIRST} LIMIT 2`)).data.map((r) => String(r['database'])) : [];
  await dropSnapshots(t, new Set([database, ...listed]));
}

/** Lists rollup generations (`tables`) as built from the copy of the rows `database`, on every shard. */
async function listBuilds(t: ClickHouseRollupTarget, database: string, tables: readonly string[]): Promise<void> {
  await onEveryShard(t, async (shard) => {
    await shard.request(`CREATE TABLE IF NOT EXISTS ${t.shardDb}.${SNAPSHOT_BUILDS} (database String, rollup_table String) ENGINE = MergeTree ORDER BY database`, { what: 'listing the rollups built from a copy of the rows' });
    if (tables.length) await shard.request(`INSERT INTO ${t.shardDb}.${SNAPSHOT_BUILDS} FORMAT JSONEachRow`, { body: tables.map((b) => JSON.stringify({ database, rollup_table: b })).join('\n'), what: 'listing the rollups built from a copy of the rows' });
  });
}

/** Drops every copy of the rows of a database on one shard (clean-up with the database itself). */
export async function dropCopiesOn(shard: ClickHouseHttp, database: string): Promise<void> {
  const names = (await shard.select(`SELECT name FROM system.databases WHERE startsWith(name, ${clickhouseString(`${database}_snapshot_`)}) OR startsWith(name, ${clickhouseString(`${database}_shard_snapshot_`)})`)).data.map((r) => String(r['name']));
  for (const name of names) await shard.request(`DROP DATABASE IF EXISTS ${q(name)}`, { what: 'dropping a copy of the rows' });
}

/** Drops the copies of the rows (both databases of each) but those `keep` names. */
export async function dropSnapshots(t: ClickHouseRollupTarget, keep: ReadonlySet<string> = new Set()): Promise<void> {
  const prefix = `${t.database}_snapshot_`;
  await onEveryShard(t, async (shard) => {
    const names = (await shard.select(`SELECT name FROM system.databases WHERE startsWith(name, ${clickhouseString(prefix)})`)).data.map((r) => String(r['name']));
    for (const name of names) {
      const n = name.slice(prefix.length);
      if (!/^\d+$/.test(n) || keep.has(name)) continue;
      for (const db of [name, `${t.shardDb}_snapshot_${n}`]) await shard.request(`DROP DATABASE IF EXISTS ${q(db)}`, { what: 'dropping an old copy of the rows' });
    }
  });
}

/** A count from the environment: `fallback` when unset or not a number of at least `least`. */
const countSetting = (name: string, fallback: number, least: number): number => {
  const raw = process.env[name]?.trim();
  const n = raw ? Number(raw) : Number.NaN;
  return Number.isFinite(n) && n >= least ? n : fallback;
};

/** How many offers a family's moments are formed from at a time (UPRATE_CLICKHOUSE_MOMENTS_PART_ROWS; tests set it low to take several parts). */
const momentsPartRows = (): number => countSetting('UPRATE_CLICKHOUSE_MOMENTS_PART_ROWS', 2_000_000, 1);

/**
 * Below how many rows of the time table a family of moments is rebuilt whole after a load rather
 * than by the customers it touched (UPRATE_CLICKHOUSE_TOUCHED_MIN_ROWS; tests set 0): at tens of
 * thousands of offers one pass over them costs less than the touched path's copies, its two passes
 * and a few hundred requests (the CI's ClickHouse rollups suite: 66–76 s whole, 96 s touched).
 */
const touchedMinRows = (): number => countSetting('UPRATE_CLICKHOUSE_TOUCHED_MIN_ROWS', 100_000, 0);

/** A family's moments by all its members' dimensions, while its members are filled from it. */
const FAMILY = 'uprate_rollup_moments_family';

/**
 * Which generations of a family's table to keep once generation `gen` is done with: the others
 * of the last day (another family, or another process's refresh, may be filling one now), not
 * older ones (left by a process that died). A generation number starts with its epoch milliseconds.
 */
const othersInUse = (gen: number) => (g: number) => g !== gen && g > (Date.now() - 24 * 3600 * 1000) * 1000;

/** A rollup of moments to build: what every rollup records, and its clustered source (rollups/clustered.ts). */
export interface ClickHouseMomentsMember extends ClickHouseRollupSource {
  readonly clustered: ClusteredSource;
}

/**
 * Builds the rollups of moments of one family (the same statement) from one pass over the rows:
 * the clusters' pairs of months are formed once, by every member's dimensions, into a table of the
 * family (clickhouse-moments.ts), and each member's generation is that table summed by its own
 * dimensions. The family's table is dropped after.
 */
export async function buildClickHouseMomentsFamily(t: ClickHouseRollupTarget, members: readonly ClickHouseMomentsMember[], version?: number, rows?: RowsSnapshot, known?: ClusterLayout, into?: Switch): Promise<StoredRollup[]> {
  const first = members[0];
  if (!first) return [];
  const switched = into ?? new Switch(t);
  const started = performance.now();
  const dataVersion = version ?? (await t.committedVersion());
  const layout = known ?? (await layoutFor((sql, params) => t.query(reading(rows, sql), params), first.clustered));
  const gen = newLoadId();
  const family = await fillFamily(t, FAMILY, gen, members, layout, rows);
  try {
    await inParallel(members, CLICKHOUSE_ROLLUPS_AT_ONCE, (m, index) => {
      const select = clickhouseMemberSql(`${q(t.database)}.${q(family)}`, m.clustered.dimensions, layout.measures.length, index);
      const own = { ...layout, dimensions: m.clustered.dimensions, perCluster: m.clustered.perCluster, attributes: m.clustered.attributes ?? null };
      return fillRollup(t, m, switched, dataVersion, { select, layout: own, started });
    });
  } catch (e) {
    if (!into) await switched.abandon();
    throw e;
  } finally {
    await dropGenerations(t, FAMILY, othersInUse(gen));
  }
  return into ? [] : switched.commit();
}

/**
 * A family's moments by all its members' dimensions (clickhouse-moments.ts) from `rows`, into a
 * generation of `base`, a share of the customers at a time: each customer's months are held as
 * arrays, and at 10 M offers a family's whole at once needs more than the 4 GB a query may take here.
 */
async function fillFamily(t: ClickHouseRollupTarget, base: string, gen: number, members: readonly ClickHouseMomentsMember[], layout: ClusterLayout, rows: RowsSnapshot | undefined, changed?: readonly number[]): Promise<string> {
  const first = members[0];
  if (!first) throw new Error('a family of rollups of moments has members');
  const dimensions = [...new Set(members.flatMap((m) => m.clustered.dimensions))];
  const [counted] = await t.query<{ n: string }>(reading(rows, `SELECT toString(count()) AS n FROM ${first.clustered.timeSource.table} AS "rows"`));
  const offers = Number(counted?.n ?? 0);
  const shape = { cluster: first.clustered.cluster, dimensions, sets: members.map((m) => m.clustered.dimensions), measures: first.clustered.measures.map((m) => m.column), timeColumn: first.timeColumn, firstMonth: layout.periods[0] ?? '1970-01-01T00:00:00.000Z', ...(layout.grain ? { grain: layout.grain } : {}), ...(layout.perPeriod ? { perPeriod: true } : {}), ...(changed ? { changed } : {}) };
  // A family by offer dimensions holds more per customer than one by a customer's attributes, so
  // what fits in a query's memory depends on the data: a part that does not fit is formed again in
  // four times as many, smaller parts (the generation it half filled is dropped first).
  const column = first.clustered.clusterColumn ?? layout.clusterColumn ?? null;
  const source = (part: { index: number; of: number }) => (part.of > 1 && column ? readingPart(rows, first.sql, first.clustered.timeSource.table, column, part) : reading(rows, first.sql));
  for (let parts = Math.max(1, Math.ceil(offers / momentsPartRows())); ; parts *= 4) {
    const selects = Array.from({ length: parts }, (_, index) => clickhouseMomentsSql(source({ index, of: parts }), { ...shape, ...(parts > 1 ? { part: { index, of: parts } } : {}) }));
    try {
      return await fillGeneration(t, base, gen, `the moments of ${first.name}'s family`, selects[0] ?? '', first.params, selects.slice(1));
    } catch (e) {
      if (!memoryExceeded(e)) throw e;
      if (parts * 4 > Math.max(1, offers / MIN_PART_ROWS)) {
        throw new UprateError('DB_ERROR', `ClickHouse: the moments of ${first.name}'s family do not fit in a query's memory even in ${parts} parts of its customers (${errorMessage(e)})`, {
          location: 'clickhouse',
          hint: "raise the server's max_memory_usage for uprate's user, or build fewer or smaller rollups of moments",
          cause: e,
        });
      }
    }
  }
}

/** The fewest offers a part of a family's moments is formed from: below it, more parts would not fit either. */
const MIN_PART_ROWS = 1_000;

/** ClickHouse refused a statement for its memory (MEMORY_LIMIT_EXCEEDED). */
const memoryExceeded = (e: unknown): boolean => e instanceof UprateError && (e.details as { clickhouseCode?: number } | undefined)?.clickhouseCode === 241;

/** A built member of a family: what it is built from, and its registry row (its table now, its layout, the version it holds). */
type StoredMember = ClickHouseMomentsMember & { readonly stored: StoredRollup };

/** A family's moments of the clusters a load touched, before it and after it, while its members are replaced. */
const [FAMILY_BEFORE, FAMILY_AFTER] = ['uprate_rollup_moments_before', 'uprate_rollup_moments_after'];

/** The rows of the clusters the loads since a copy of the rows touched: before those loads (from that copy) and after them (from the copy just taken). */
interface TouchedRows {
  readonly before: RowsSnapshot;
  readonly after: RowsSnapshot;
  drop(): Promise<void>;
}

/** uprate's own tables (the ones a load writes, with their `<table>_write` of every version). */
const specOf = (table: string): TableSpec | undefined => [OFFERS, CUSTOMERS].find((x) => x.name === table);

/**
 * Copies the rows of the clusters that the loads since `previous` (the copy the last refresh left)
 * touched — the clusters of the rows they wrote, of the stored rows with those keys before them,
 * and those whose attributes they loaded — as they were (from `previous`) and as they are (from
 * `now`). Null when that cannot stand for a whole rebuild: a replacing load since, a table read
 * that is not the time table or the attributes' (per cluster), or clusters holding more than half
 * the rows (two passes over them would cost more than one over all).
 */
async function touchedRows(t: ClickHouseRollupTarget, previous: { readonly rows: RowsSnapshot; readonly version: number }, now: RowsSnapshot, s: StoredRollup): Promise<TouchedRows | null> {
  const layout = s.layout;
  const time = s.timeSource?.table.toLowerCase();
  const spec = time ? specOf(time) : undefined;
  const cluster = layout?.clusterColumn;
  if (!layout || !time || !spec || !cluster || !spec.columns.some((c) => c.name === cluster && c.required) || !previous.rows.database || !now.database) return null;
  const attributes = layout.attributes ? { table: layout.attributes.table.toLowerCase(), key: layout.attributes.keyColumn } : null;
  // Each table read, and its column naming the cluster.
  const columnOf = new Map<string, string>([[time, cluster]]);
  if (attributes && specOf(attributes.table)?.key === attributes.key) columnOf.set(attributes.table, attributes.key);
  const tables = [...new Set(s.sourceTables.map((x) => x.toLowerCase()))];
  if (!tables.every((x) => columnOf.has(x) && previous.rows.tables.includes(x) && now.tables.includes(x))) return null;
  // A small table is rebuilt whole: one pass costs less than the touched path's copies and requests.
  const count = async (database: string | null) => Number((await t.query<{ n: string }>(`SELECT toString(count()) AS n FROM ${q(database ?? '')}.${time}`))[0]?.n ?? 0);
  const total = await count(now.database);
  if (total < touchedMinRows()) return null;
  const version = Math.trunc(previous.version);
  const loads = await t.query<{ t: string; replace: string }>(`SELECT table_name AS t, toString(max(is_replace)) AS replace FROM uprate_loads WHERE load_id > ${version} GROUP BY table_name`);
  const loaded = loads.filter((l) => tables.includes(l.t.toLowerCase()));
  if (loaded.length === 0 || loaded.some((l) => Number(l.replace) !== 0)) return null;
  // Every version written since (uncommitted ones too: a cluster more is only read twice for nothing).
  const written = (table: string) => `${q(t.database)}.${table}_write WHERE load_id > ${version}`;
  const parts = loaded.map((l) => l.t.toLowerCase()).flatMap((table) => {
    const column = columnOf.get(table) ?? '';
    if (table !== time) return [`SELECT ${column} AS k FROM ${written(table)}`];
    const key = spec.key;
    return [`SELECT ${column} AS k FROM ${written(table)}`, `SELECT ${column} AS k FROM ${q(previous.rows.database ?? '')}.${table} WHERE ${key} GLOBAL IN (SELECT ${key} FROM ${written(table)})`];
  });
  const touchedIn = (shardDatabase: string) => `${q(shardDatabase)}.uprate_touched`;
  const ofTouched = (from: string, table: string, shardDatabase: string) => `SELECT * FROM ${q(from)}.${table} WHERE ${columnOf.get(table) ?? ''} IN (SELECT k FROM ${touchedIn(shardDatabase)})`;
  // Each shard lists every touched cluster (its copies keep its own rows of them), then copies them before and after.
  const before = await copyRows(t, tables, (table, sdb) => ofTouched(shardCopyOf(t, previous.rows.database ?? ''), table, sdb), (sdb) => `CREATE TABLE ${touchedIn(sdb)} ENGINE = MergeTree ORDER BY tuple() AS SELECT DISTINCT k FROM (${parts.join(' UNION ALL ')})`);
  let after: Awaited<ReturnType<typeof copyRows>> | null = null;
  const drop = async () => {
    await after?.drop();
    await before.drop();
  };
  try {
    after = await copyRows(t, tables, (table) => ofTouched(shardCopyOf(t, now.database ?? ''), table, before.shardDatabase));
    if (2 * (await count(after.rows.database)) > total) {
      await drop();
      return null;
    }
  } catch (e) {
    await drop().catch(() => undefined);
    throw e;
  }
  return { before: before.rows, after: after.rows, drop };
}

/**
 * A family's members after a load, from their tables before it (when `touched` stands for the
 * load, and `layout` — the rows' periods now — starts at the members' first period): each member's
 * table plus the touched clusters' moments after the load, less theirs before, as a new generation.
 */
async function replaceTouchedMoments(t: ClickHouseRollupTarget, members: readonly StoredMember[], touched: TouchedRows, layout: ClusterLayout, version: number, into: Switch, changed?: readonly number[]): Promise<void> {
  const started = performance.now();
  const gen = newLoadId();
  try {
    const [before, after] = await allSettled([fillFamily(t, FAMILY_BEFORE, gen, members, layout, touched.before, changed), fillFamily(t, FAMILY_AFTER, gen, members, layout, touched.after, changed)]);
    await inParallel(members, CLICKHOUSE_ROLLUPS_AT_ONCE, (m, index) => {
      const select = clickhouseReplacedMemberSql(`${q(t.database)}.${q(m.stored.table)}`, `${q(t.database)}.${q(after)}`, `${q(t.database)}.${q(before)}`, m.clustered.dimensions, layout.measures.length, index);
      const own = { ...layout, dimensions: m.clustered.dimensions, perCluster: m.clustered.perCluster, attributes: m.clustered.attributes ?? null };
      return fillRollup(t, m, into, version, { select, layout: own, started });
    });
  } finally {
    await dropGenerations(t, [FAMILY_BEFORE, FAMILY_AFTER], othersInUse(gen));
  }
}

/**
 * How each family of rollups of moments was refreshed after a load: `clusters` (the touched
 * clusters' moments replaced; `months`, when only the entries of those months were formed) or
 * `whole` (rebuilt from every row). For tests and tracing.
 */
export const momentsRefreshed = channel('uprate:clickhouse:moments-refreshed');

/** Drops the generations of a rollup (or of several tables: one listing a shard) that `keep` refuses (with their open windows), on every shard. */
async function dropGenerations(t: ClickHouseRollupTarget, base: string | readonly string[], keep: (gen: number) => boolean): Promise<void> {
  const bases = typeof base === 'string' ? [base] : base;
  await onEveryShard(t, async (shard) => {
    const answer = await shard.select(`SELECT database, name FROM system.tables WHERE database IN (${clickhouseString(t.shardDb)}, ${clickhouseString(t.database)}) AND startsWith(name, ${clickhouseString(sharedStart(bases.map((b) => `${b}_`)))})`);
    const dropped = answer.data.map((r) => ({ database: String(r['database']), name: String(r['name']) })).filter((r) => {
      const gen = bases.map((b) => generationOf(b, r.name)).find((g) => g !== null) ?? null;
      return gen !== null && !keep(gen);
    });
    await dropListed(shard, dropped);
  });
}

/** Drops one table of a generation on every shard (its Distributed table and each shard's own). */
async function dropTable(t: ClickHouseRollupTarget, table: string): Promise<void> {
  await onEveryShard(t, async (shard) => {
    for (const db of [q(t.database), t.shardDb]) await shard.request(`DROP TABLE IF EXISTS ${db}.${q(table)}`, { what: 'dropping a rollup generation' });
  });
}

/** Hides rollups from the registry on every shard, then drops all their tables. */
export async function dropClickHouseRollups(t: ClickHouseRollupTarget, stored: readonly StoredRollup[]): Promise<void> {
  const rev = newLoadId();
  await record(t, stored.map((r) => ({ ...registryRow(r, rev), is_dropped: 1 })));
  for (const r of stored) {
    await dropGenerations(t, baseOf(r.table), () => false);
  }
  // With no rollup left, no load refreshes the copy of the rows: it would only take disk.
  if ((await registered(t)).length === 0) await dropSnapshots(t);
}

/** The registry as readers see it (empty before the first build). */
async function registered(t: ClickHouseRollupTarget): Promise<StoredRollup[]> {
  if (!(await hasRegistryTable((sql) => t.query(sql), 'clickhouse', 'uprate_rollups'))) return [];
  return readRegistry((sql) => t.query(sql));
}

/**
 * After a load committed `tables`: refreshes each rollup that reads one of them into a new
 * generation (a family of moments by the customers the loads since its build touched, when the
 * copy of the rows it was built from is still there; else whole), and re-records the others
 * unchanged, all at the data version now committed: every new generation is recorded in one
 * switch at the end ({@link Switch}). Until then the old generations carry the previous version,
 * so they are not read.
 */
export async function refreshAfterLoad(t: ClickHouseRollupTarget, tables: readonly string[], upkeep?: Pick<Upkeep, 'plan' | 'start'>): Promise<void> {
  const stored = await registered(t);
  if (stored.length === 0) return;
  const version = await t.committedVersion();
  const loaded = new Set(tables.map((x) => x.toLowerCase()));
  const unchanged: Record<string, unknown>[] = [];
  const plainUnchanged: string[] = [];
  const families = new Map<string, StoredMember[]>();
  const rebuilt: { readonly s: StoredRollup; readonly base: string }[] = [];
  // The tables loaded since each version the rollups hold (most hold the same one).
  const loadedSince = new Map<number, Promise<{ t: string }[]>>();
  for (const s of stored) {
    // Loads since its build that it reads (this one, or another process's that did not refresh it): rebuilt.
    const after = Math.max(0, Math.trunc(s.dataVersion));
    const query = loadedSince.get(after) ?? t.query<{ t: string }>(`SELECT DISTINCT table_name AS t FROM uprate_loads WHERE load_id > ${after}`);
    loadedSince.set(after, query);
    const since = await query;
    if ([...loaded, ...since.map((r) => r.t.toLowerCase())].some((x) => s.sourceTables.includes(x))) {
      rebuilt.push({ s, base: baseOf(s.table) });
    } else {
      // Its open window, filled from the rows it holds, reflects the new version as well.
      const open = s.open && s.open.dataVersion === s.dataVersion ? { ...s.open, dataVersion: version } : s.open;
      unchanged.push(registryRow({ ...s, dataVersion: version, open }, newLoadId()));
      // Its tables unchanged, it is what a build from this load's copy gives (when one is taken).
      if (!s.layout) plainUnchanged.push(s.table);
    }
  }
  upkeep?.plan(rebuilt.length);
  if (rebuilt.length > 0) {
    // The copy the last refresh left: the rows before the loads since, for the rollups of moments.
    const previous = await listedSnapshot(t);
    const snapshot = await snapshotRows(t, rebuilt.flatMap((r) => r.s.sourceTables), previous);
    const touched = new Map<string, Promise<TouchedRows | null>>();
    const written = new Map<string, Promise<Awaited<ReturnType<typeof writtenSince>>>>();
    const plainBuilt: string[] = [];
    const switched = new Switch(t);
    /** What the loads since the previous copy wrote, per time column (shared by the rollups reading it). */
    const writtenFor = (time: { readonly table: string; readonly column: string }) => {
      if (!previous) return Promise.resolve(null);
      const key = `${time.table}|${time.column}`;
      const found = written.get(key) ?? writtenSince(t, previous.rows, snapshot.rows, time);
      written.set(key, found);
      return found;
    };
    /**
     * The months (UTC starts, 'YYYY-MM-DD') of the rows the loads since the previous copy wrote to a
     * rollup's time table, before and after — all that changed for it when the new copy was taken from
     * that one and they wrote no other table it reads (a customer's new attributes move every month of
     * the customer's); else null.
     */
    const monthsWritten = async (s: StoredRollup): Promise<readonly string[] | null> => {
      const time = s.timeSource;
      if (!previous || !time || !snapshot.since.includes(time.table.toLowerCase())) return null;
      const found = await writtenFor(time);
      const reads = new Set(s.sourceTables.map((x) => x.toLowerCase()));
      return found && [...found.tables].every((x) => x === time.table.toLowerCase() || !reads.has(x)) ? found.months : null;
    };
    /** Those months as a family's period numbers, for monthly pairs of months (undefined: every month, as for moments per period). */
    const changedMonths = async (s: StoredRollup, layout: ClusterLayout): Promise<number[] | undefined> => {
      const first = layout.periods[0];
      if (!first || layout.perPeriod || (layout.grain ?? 'month') !== 'month') return undefined;
      return periodIndexes(await monthsWritten(s), first, 'month');
    };
    try {
      for (const { s, base } of rebuilt) {
        // The members of a family (the same statement, clusters and counts) are refreshed together, from one pass.
        if (!s.layout?.moments) continue;
        const key = momentsFamilyKey(s);
        families.set(key, [...(families.get(key) ?? []), { ...s, table: base, clustered: storedSource(s), stored: s }]);
      }
      await inParallel(rebuilt.filter(({ s }) => !s.layout?.moments), CLICKHOUSE_ROLLUPS_AT_ONCE, async ({ s, base }) => {
        // Built from the copy the last refresh left: only the months the loads since wrote are read again (when they wrote no other table it reads).
        const written = previous && s.dataVersion === previous.version ? await monthsWritten(s) : null;
        const months = written && (await builtFrom(t, previous?.rows.database ?? null, s.table)) ? monthsRefill(t, s, snapshot.rows, written) : null;
        upkeep?.start(s.name);
        const built = await fillRollup(t, { ...s, table: base, openTemplate: s.open?.template ?? null }, switched, version, undefined, snapshot.rows, Date.now(), months ?? undefined);
        plainBuilt.push(built.table);
        plainRefreshed.publish({ rollup: s.name, how: months ? 'months' : 'whole' });
      });
      await inParallel([...families.values()], CLICKHOUSE_FAMILIES_AT_ONCE, async (members) => {
        const [first] = members;
        if (!first) return;
        for (const m of members) upkeep?.start(m.name);
        // Built from the copy the last refresh left, and numbering the same periods (a load reaching
        // before the first renumbers them): only the clusters the loads since touched are formed again.
        const layout = await layoutFor((sql, params) => t.query(reading(snapshot.rows, sql), params), first.clustered);
        const samePeriods = layout.periods.length > 0 && members.every((m) => m.stored.layout?.periods[0] === layout.periods[0]);
        const since = previous && samePeriods && members.every((m) => m.stored.dataVersion === previous.version) ? previous : null;
        let rows: Promise<TouchedRows | null> | undefined;
        if (since) {
          const key = JSON.stringify([first.stored.timeSource, first.stored.layout?.clusterColumn, first.stored.layout?.attributes?.table, first.stored.sourceTables]);
          rows = touched.get(key) ?? touchedRows(t, since, snapshot.rows, first.stored);
          touched.set(key, rows);
        }
        const found = rows ? await rows : null;
        const changed = found && since ? await changedMonths(first.stored, layout) : undefined;
        if (found) await replaceTouchedMoments(t, members, found, layout, version, switched, changed);
        else await buildClickHouseMomentsFamily(t, members, version, snapshot.rows, layout, switched);
        momentsRefreshed.publish({ rollups: members.map((m) => m.name), how: found ? 'clusters' : 'whole', months: found ? (changed ?? null) : null });
      });
    } catch (e) {
      await switched.abandon();
      await snapshot.drop();
      throw e;
    } finally {
      for (const rows of touched.values()) await (await rows.catch(() => null))?.drop();
    }
    // Every rollup switches to its new generation at once (and the unchanged are re-recorded with them).
    await switched.commit(unchanged);
    await snapshot.keep(version, [...plainBuilt, ...plainUnchanged]);
    return;
  }
  await record(t, unchanged);
}
