import { UprateError, errorMessage } from '../../core/errors.js';
import type { TableSpec } from '../../core/schema.js';
import { CLICKHOUSE_FILE_BYTES, bulkLoadClickHouse, clickhouseFileFormat } from './clickhouse-bulk-load.js';
import { joinedTablesPruned, qualifyJoinedTables, standardNot } from './clickhouse-compat.js';
import { NEWEST_FIRST, reading, SNAPSHOTS } from './clickhouse-snapshot.js';
import { refreshAfterLoad, type ClickHouseRollupTarget } from './clickhouse-rollups.js';
import { Upkeep } from '../../rollups/upkeep.js';
import { bindClickHouseSql } from './clickhouse-literal.js';
import { ClickHouseHttp, type ClickHouseAnswer, type ClickHouseColumn } from './clickhouse-http.js';
import { queryCancelled } from '../../store/query-stopped.js';
import { CLICKHOUSE_LATEST_VERSION, CLICKHOUSE_MIGRATIONS, migrationsTable, shardDatabase } from './clickhouse-migrations.js';
import { parseClickHouseUrl, type ClickHouseUrl } from './clickhouse-url.js';
import { loadedAtDate, OwnTablesStore, requestedReadOnly, timeVersion, type OwnTables, type ReadOnlyCause } from '../../store/own-tables.js';
import type { BulkFileFormat, BulkLoad, BulkLoadingStore, LoadCounts, QueryOptions, Row, SqlValue } from '../../store/store.js';

export interface ClickHouseOpenOptions {
  readonly readOnly?: boolean;
  /** Why it is opened read-only, as messages say it (default 'the command only reads'; openStore passes '--read-only' for the user's flag). */
  readonly readOnlyWhy?: string;
  /** Create or upgrade uprate's tables on every shard (default true; a read-only open never migrates). `false` is `ownTables: 'on-demand'`. */
  readonly migrate?: boolean;
  /**
   * uprate's own tables: `create` them at open (default), or only when a feature needs them
   * (`on-demand`: `ensureOwnTables`); a database that has them is brought up to date at open either way.
   */
  readonly ownTables?: OwnTables;
  /** Seconds a query may take (overrides the URL's `timeout`, default 30). */
  readonly timeoutSeconds?: number;
  /** The same in milliseconds (what the engine factory passes). */
  readonly timeoutMs?: number;
  /** Bytes of CSV per insert request when loading files (default {@link CLICKHOUSE_FILE_BYTES}). */
  readonly loadRequestBytes?: number;
}

/** Query parameters (`{x:UInt32}` + `param_x`) arrived in ClickHouse 19.15; 18.16 has none. */
export function serverHasParameters(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 19 || (major === 19 && minor >= 15);
}

/**
 * Opens uprate's store on a ClickHouse cluster through the HTTP interface.
 *
 * @example
 *   const store = await openClickHouseStore('clickhouse://default@127.0.0.1:18123/default?cluster=uprate');
 *   await store.query('SELECT count() AS n FROM offers');
 */
export async function openClickHouseStore(url: string, options: ClickHouseOpenOptions = {}): Promise<ClickHouseStore> {
  return ClickHouseStore.open(url, options);
}

/**
 * uprate on a ClickHouse cluster: queries go to one server, which fans them out to every shard
 * through the Distributed tables (see clickhouse-migrations.ts for the layout). Nothing here
 * holds a connection open between requests, so a server or shard that went away and came back
 * is used again on the next request without any reconnect logic.
 */
/** uprate's own tables (a view per shard over every stored version), as the model's statements name them. */
const OWN_TABLES = ['offers', 'customers'];

/** The data version from the newest load's id (`max(load_id)`): the time before any load. */
const loadVersion = (v: unknown): number => (v === null || v === undefined || Number(v) === 0 ? timeVersion() : Number(v));
const READS_OWN_TABLES = new RegExp(`\\b(FROM|JOIN)\\s+(${OWN_TABLES.join('|')})\\s+AS\\b`);

export class ClickHouseStore extends OwnTablesStore implements BulkLoadingStore, ClickHouseRollupTarget {
  readonly engine = 'clickhouse' as const;
  readonly target: string;

  /** uprate's load log is known to exist on every shard. */
  private loadLog = false;

  private constructor(
    readonly config: ClickHouseUrl,
    private readonly http: ClickHouseHttp,
    /** One client per shard (first replica), for per-server statements. */
    readonly shards: readonly ClickHouseHttp[],
    readonly serverVersion: string,
    readonly cluster: string,
    protected readonly readOnlyCause: ReadOnlyCause | undefined,
    private readonly loadRequestBytes = CLICKHOUSE_FILE_BYTES,
  ) {
    super();
    this.target = config.display;
    this.shardDb = shardDatabase(config.database);
  }

  /** Where this database's rows, views and commit markers live on each shard. */
  readonly shardDb: string;

  static async open(url: string, options: ClickHouseOpenOptions = {}): Promise<ClickHouseStore> {
    const config = parseClickHouseUrl(url);
    const timeout = options.timeoutSeconds ?? (options.timeoutMs === undefined ? config.timeoutSeconds : options.timeoutMs / 1000);
    const cluster = config.cluster;
    if (!cluster) {
      throw new UprateError('CONFIG_INVALID', `the ClickHouse URL ${config.display} names no cluster`, {
        location: '--url',
        hint: 'add ?cluster=NAME (a remote_servers entry of the server config; scripts/services/clickhouse.sh makes `uprate`)',
      });
    }
    // The database may not exist yet: the first requests and every per-shard statement (all
    // qualified) run in `system`.
    const bootstrap = new ClickHouseHttp(config.endpoint, config.user, config.password, 'system', timeout, config.display);
    const version = await serverVersion(bootstrap);
    const endpoints = config.shards ?? (await discoverShards(bootstrap, cluster, config));
    const shards = endpoints.map((e) => new ClickHouseHttp(e, config.user, config.password, 'system', timeout, `shard ${e}`));
    const http = new ClickHouseHttp(config.endpoint, config.user, config.password, config.database, timeout, config.display);
    const store = new ClickHouseStore(config, http, shards, version, cluster, options.readOnly ? requestedReadOnly(options.readOnlyWhy) : undefined, options.loadRequestBytes);
    const onDemand = options.ownTables === 'on-demand' || options.migrate === false;
    const schema = await store.schemaVersion();
    if (schema > CLICKHOUSE_LATEST_VERSION) throw newerSchema(store.target, schema);
    if (!options.readOnly && (!onDemand || schema > 0)) await store.migrateOnce();
    else if (schema > 0) await store.checkVersion();
    return store;
  }

  /** Values as literals on 18.16, as typed parameters on servers that have them. */
  get bindMode(): 'inline' | 'parameters' {
    return serverHasParameters(this.serverVersion) ? 'parameters' : 'inline';
  }

  /** Settings every read carries: whole answers only, the timeout, how Distributed tables join. */
  private get querySettings(): Record<string, string | number> {
    const t = Math.ceil(this.http.timeoutSeconds);
    return {
      skip_unavailable_shards: 0,
      // Not join_use_nulls: 18.16 crashes on aggregates over columns it makes Nullable. The
      // views' columns are Nullable wherever a join may leave them empty (see the migrations).
      join_use_nulls: 0,
      distributed_product_mode: this.config.joins,
      receive_timeout: t,
      send_timeout: t,
      connect_timeout: Math.min(10, t),
    };
  }

  private incompleteCommit = false;

  /** A commit reached only some shards: finish it before the next read (see completeCommits). */
  markIncompleteCommit(): void {
    this.incompleteCommit = true;
  }

  /** ClickHouse's own CSV under a new load id, one insert request per file (clickhouse-bulk-load.ts). */
  bulkFileFormat(table: TableSpec): BulkFileFormat {
    return clickhouseFileFormat(table, this.loadRequestBytes);
  }

  /**
   * Loads checked rows of one or more tables all or nothing (clickhouse-bulk-load.ts), then
   * rebuilds the rollups that read them (clickhouse-rollups.ts). Until a rollup's new generation
   * is recorded its version is the previous load's, so queries read the rows; a rebuild that
   * fails leaves it stale (never read) and the load stands.
   */
  async bulkLoad(loads: readonly BulkLoad[]): Promise<LoadCounts[]> {
    const counts = await bulkLoadClickHouse(this, loads);
    const upkeep = new Upkeep(loads[0]?.onRollups);
    try {
      await upkeep.timed(() => refreshAfterLoad(this, loads.map((l) => l.table.name), upkeep));
    } catch (e) {
      upkeep.fail();
      process.emitWarning(`the load is committed, but refreshing the rollups failed: ${errorMessage(e)}; they are stale (queries read the rows) until \`uprate rollups build\``, { code: 'UPRATE_ROLLUPS_STALE' });
    }
    upkeep.finish();
    return counts;
  }

  /** The user's database (the Distributed tables'). */
  get database(): string {
    return this.config.database;
  }

  /** The newest committed load, 0 before any (commits that reached only some shards finished first). */
  async committedVersion(): Promise<number> {
    await this.completeCommits();
    const rows = await this.query<{ v: number | null }>('SELECT max(load_id) AS v FROM uprate_loads');
    return Number(rows[0]?.v ?? 0);
  }

  /**
   * `INSERT INTO table <select>`: the select rewritten for the server as a read is, every shard
   * written before it returns, with no read timeout (a rollup build is long work, not a slow query).
   */
  async fillFrom(table: string, select: string, params: readonly SqlValue[]): Promise<void> {
    const bound = bindClickHouseSql(this.compatible(select), params, this.bindMode);
    const c = this.config;
    const long = new ClickHouseHttp(c.endpoint, c.user, c.password, c.database, 24 * 3600, c.display);
    await long.request(`INSERT INTO ${table} ${bound.sql}`, {
      // A rollup of moments groups a million or more pairs of months: past 1 GB the grouping
      // goes on on disk rather than failing at the server's memory limit (4 GB per query here).
      settings: { ...this.querySettings, insert_distributed_sync: 1, receive_timeout: 24 * 3600, send_timeout: 24 * 3600, max_execution_time: 0, max_bytes_before_external_group_by: 1_000_000_000 },
      params: bound.params,
      what: `filling ${table}`,
    });
  }

  /** Until when no list of copies of the rows is looked for (there was none a moment ago). */
  private noCopiesUntil = 0;

  /**
   * A read of uprate's tables reads the copy of their committed rows a rollup refresh left
   * (clickhouse-rollups.ts snapshotRows) when it holds exactly the newest committed load: a plain
   * table, where each table's view picks every key's newest stored version at every read (at a
   * million offers 0.4–1.5 s a read, a dashboard's forty reads at once 40 s). The copy's version
   * and the data's are read in one statement with the read, never cached: right after another
   * load commits, reads go to the views until its refresh lists a new copy.
   */
  private async readingCopies(sql: string): Promise<string> {
    // UPRATE_ROLLUPS=off reads the rows themselves, as everywhere (the benches' raw scans).
    // Only a read of uprate's own tables can read a copy: a read of rollups alone costs no extra statement.
    if (process.env['UPRATE_ROLLUPS'] === 'off' || !READS_OWN_TABLES.test(sql) || Date.now() < this.noCopiesUntil) return sql;
    let copy: Row | undefined;
    try {
      const answer = await this.http.select(
        `SELECT database, data_version, tables, (SELECT max(load_id) FROM uprate_loads) AS current FROM ${this.shardDb}.${SNAPSHOTS} ${NEWEST_FIRST} LIMIT 1`,
        { settings: this.querySettings },
      );
      copy = answer.data[0];
    } catch {
      // No list yet (no rollup was ever refreshed here): look again in a few seconds.
      this.noCopiesUntil = Date.now() + 5_000;
      return sql;
    }
    if (!copy || Number(copy['data_version']) !== Number(copy['current'])) return sql;
    return reading({ database: String(copy['database']), tables: String(copy['tables']).split(',') }, sql);
  }

  /** Version quirks (clickhouse-compat.ts): joined tables qualified; before 21, `NOT (…)` as in SQL. */
  private compatible(sql: string): string {
    const major = Number(this.serverVersion.split('.')[0] ?? 0);
    const qualified = joinedTablesPruned(qualifyJoinedTables(sql, this.config.database, OWN_TABLES));
    return major < 21 ? standardNot(qualified) : qualified;
  }

  /**
   * Runs one read. `options.timeoutMs` and `options.signal` stop it in the server: the HTTP request
   * is aborted and the statement killed by its query_id (clickhouse-http.ts).
   */
  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    if (options?.signal?.aborted) throw queryCancelled('clickhouse', sql);
    if (this.incompleteCommit) {
      this.incompleteCommit = false;
      try {
        await this.completeCommits();
      } catch (e) {
        this.incompleteCommit = true;
        throw e;
      }
    }
    const bound = bindClickHouseSql(this.compatible(await this.readingCopies(sql)), params, this.bindMode);
    const limits = options ? { timeoutMs: options.timeoutMs, signal: options.signal } : {};
    const exact = options?.exactDecimals === true;
    const answer = await this.withRetry(() => this.http.select(bound.sql, { settings: this.querySettings, params: bound.params, ...limits }, exact ? parseNumbersAsText : undefined));
    return toRows(answer, exact) as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    const bound = bindClickHouseSql(sql, params, this.bindMode);
    await this.http.request(bound.sql, { settings: this.querySettings, params: bound.params });
  }

  /** Inserts rows (objects keyed by column) with `INSERT … FORMAT JSONEachRow`, waiting for every shard. */
  async insertJson(table: string, rows: readonly Record<string, unknown>[] | string, what = `insert into ${table}`): Promise<void> {
    const body = typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n');
    await this.insert(`INSERT INTO ${table} FORMAT JSONEachRow`, body, what);
  }

  /**
   * Inserts CSV records (every column of the table, in order; `\N` unquoted is NULL), waiting for
   * every shard. ClickHouse parses CSV several times faster than JSON: the bulk path uses it.
   */
  async insertCsv(table: string, body: string | Uint8Array<ArrayBuffer>, what = `insert into ${table}`): Promise<void> {
    await this.insert(`INSERT INTO ${table} FORMAT CSV`, body, what);
  }

  private async insert(statement: string, body: string | Uint8Array<ArrayBuffer>, what: string): Promise<void> {
    await this.http.request(statement, {
      body,
      what,
      settings: { insert_distributed_sync: 1, input_format_skip_unknown_fields: 0, ...this.querySettings },
    });
  }

  /** A keep-alive socket the server closed while idle fails once; a read is safe to send again. */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof UprateError && (e.code === 'QUERY_TIMEOUT' || e.code === 'QUERY_CANCELLED')) throw e;
      const cause = e instanceof UprateError && e.cause instanceof Error && e.cause.cause instanceof Error ? e.cause.cause.message : '';
      if (/other side closed|ECONNRESET|socket hang up/i.test(cause)) return fn();
      throw e;
    }
  }

  /**
   * The newest committed load. Before answering it finishes any commit that reached only some
   * shards (a shard was down while the markers were written): the rows of such a load are
   * complete on every shard before its first marker is written, so rolling forward is safe.
   */
  async dataVersion(): Promise<number> {
    // Without uprate's load log (a model over the user's own tables), the time (src/store/own-tables.ts).
    this.loadLog ||= (await this.schemaVersion()) > 0;
    if (!this.loadLog) return timeVersion();
    await this.completeCommits();
    const rows = await this.query<{ v: number | null }>('SELECT max(load_id) AS v FROM uprate_loads');
    return loadVersion(rows[0]?.v);
  }

  /**
   * The data version ({@link dataVersion}) and a key of the rollup registry's rows — their count
   * and the sum of a hash of each name and revision, which moves whenever a rollup is recorded,
   * refreshed, dropped or merged — in one statement. Each statement is a round trip to the
   * server, and the registry itself (every rollup's build statement and layout) took 17–23 ms of
   * a 53 ms query on a small store: a query reads it again only when its key moved
   * (src/rollups/availability.ts). The commits that reached only some shards are finished first,
   * as {@link dataVersion} does.
   */
  async rollupRegistryKey(): Promise<{ readonly version: number; readonly registry: string }> {
    this.loadLog ||= (await this.schemaVersion()) > 0;
    const registry = `${this.shardDb}.rollups`;
    const loads = this.loadLog
      ? `(SELECT max(load_id) FROM uprate_loads) AS v, (SELECT count() FROM (SELECT load_id, count() AS n FROM uprate_loads_all GROUP BY load_id HAVING n < ${this.shards.length})) AS incomplete`
      : 'CAST(NULL AS Nullable(UInt64)) AS v, 0 AS incomplete';
    const [row] = await this.query(`SELECT ${loads}, (SELECT count() FROM ${registry}) AS n, (SELECT toString(sum(cityHash64(name, rev))) FROM ${registry}) AS h`);
    const key = `${String(row?.['n'] ?? '')}:${String(row?.['h'] ?? '')}`;
    if (Number(row?.['incomplete'] ?? 0) > 0) return { version: await this.dataVersion(), registry: key };
    return { version: loadVersion(row?.['v']), registry: key };
  }

  /** The newest committed load's time (UTC), null without a load log or before the first load. */
  async lastLoad(): Promise<Date | null> {
    this.loadLog ||= (await this.schemaVersion()) > 0;
    if (!this.loadLog) return null;
    const rows = await this.query<{ t: string | null }>("SELECT toString(max(loaded_at), 'UTC') AS t FROM uprate_loads");
    return loadedAtDate(rows[0]?.t);
  }

  /** Copies commit markers to the shards that miss them; returns how many were copied. */
  async completeCommits(): Promise<number> {
    const counts = await this.query<{ load_id: number; n: number }>(
      `SELECT load_id, count() AS n FROM uprate_loads_all GROUP BY load_id HAVING n < ${this.shards.length}`,
    );
    if (counts.length === 0) return 0;
    const ids = counts.map((c) => String(c.load_id)).join(', ');
    const markers = await this.query(`SELECT * FROM uprate_loads_all WHERE load_id IN (${ids}) LIMIT 1 BY load_id`);
    let copied = 0;
    for (const shard of this.shards) {
      const have = await shard.select(`SELECT load_id FROM ${this.shardDb}.loads WHERE load_id IN (${ids})`);
      const present = new Set(have.data.map((r) => String(r['load_id'])));
      const missing = markers.filter((m) => !present.has(String(m['load_id'])));
      if (missing.length === 0) continue;
      const body = missing.map((m) => JSON.stringify({ ...m, loaded_at: clickhouseDateTimeText(m['loaded_at']) })).join('\n');
      await shard.request(`INSERT INTO ${this.shardDb}.loads FORMAT JSONEachRow`, { body, what: 'completing a commit' });
      copied += missing.length;
    }
    return copied;
  }

  /** The schema version every shard has reached (the lowest). */
  async schemaVersion(): Promise<number> {
    let lowest = Number.POSITIVE_INFINITY;
    for (const shard of this.shards) {
      const exists = await shard.select(`SELECT count() AS n FROM system.tables WHERE database = '${this.shardDb}' AND name = 'migrations'`);
      if (Number(exists.data[0]?.['n'] ?? 0) === 0) return 0;
      const v = await shard.select(`SELECT max(version) AS v FROM ${this.shardDb}.migrations`);
      lowest = Math.min(lowest, Number(v.data[0]?.['v'] ?? 0));
    }
    return Number.isFinite(lowest) ? lowest : 0;
  }

  private async checkVersion(): Promise<void> {
    const v = await this.schemaVersion();
    if (v > CLICKHOUSE_LATEST_VERSION) throw newerSchema(this.target, v);
    if (v < CLICKHOUSE_LATEST_VERSION) {
      throw new UprateError('DB_ERROR', `ClickHouse ${this.target} has schema version ${v}, this uprate needs ${CLICKHOUSE_LATEST_VERSION}`, {
        location: this.target,
        hint: 'open it once read-write (e.g. `uprate ingest --engine clickhouse` or `uprate serve`) to create the tables',
      });
    }
  }

  /** Applies pending migrations on every shard (each statement idempotent; no transactions here). */
  async migrate(): Promise<void> {
    for (const shard of this.shards) {
      await shard.request(`CREATE DATABASE IF NOT EXISTS ${this.shardDb}`);
      await shard.request(`CREATE DATABASE IF NOT EXISTS \`${this.config.database}\``);
      await shard.request(migrationsTable(this.shardDb));
      const v = await shard.select(`SELECT max(version) AS v FROM ${this.shardDb}.migrations`);
      const current = Number(v.data[0]?.['v'] ?? 0);
      if (current > CLICKHOUSE_LATEST_VERSION) throw newerSchema(this.target, current);
      for (const m of CLICKHOUSE_MIGRATIONS) {
        if (m.version <= current) continue;
        try {
          for (const statement of m.sql(this.config.database, this.cluster)) await shard.request(statement, { what: `migration ${m.version}` });
        } catch (e) {
          throw new UprateError('DB_ERROR', `migration ${m.version} (${m.name}) failed on ${shard.label}: ${errorMessage(e)}`, {
            location: this.target,
            hint: 'the statements are idempotent: fix the cause and open the store again',
            cause: e,
          });
        }
        await shard.request(
          `INSERT INTO ${this.shardDb}.migrations VALUES (${m.version}, '${m.name.replaceAll("'", "\\'")}', now())`,
        );
      }
    }
  }

  async close(): Promise<void> {
    // Stateless HTTP: nothing to release.
  }
}

async function serverVersion(http: ClickHouseHttp): Promise<string> {
  // A keep-alive socket the server closed while idle fails once (as in withRetry).
  const ask = () => http.select('SELECT version() AS v');
  const answer = await ask().catch((e: unknown) => {
    if (/other side closed|ECONNRESET|socket hang up/i.test(errorMessage(e))) return ask();
    throw e;
  });
  return String(answer.data[0]?.['v'] ?? '0');
}

/**
 * Every shard's HTTP endpoint: from the `http_port` macro each server of the cluster defines,
 * read through `remote()` on its TCP address; a one-shard cluster is the URL's own server.
 */
async function discoverShards(http: ClickHouseHttp, cluster: string, config: ClickHouseUrl): Promise<string[]> {
  const shards = await http.select(
    `SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = '${cluster}' AND replica_num = 1 ORDER BY shard_num`,
  );
  if (shards.data.length === 0) {
    throw new UprateError('CONFIG_INVALID', `ClickHouse ${config.display} has no cluster named ${cluster}`, {
      location: '--url',
      hint: 'name a cluster of the server\'s remote_servers config (SELECT DISTINCT cluster FROM system.clusters)',
    });
  }
  if (shards.data.length === 1) return [config.endpoint];
  const endpoints: string[] = [];
  for (const s of shards.data) {
    const address = `${String(s['host_address'])}:${String(s['port'])}`;
    const macro = await http.select(`SELECT substitution FROM remote('${address}', system.macros) WHERE macro = 'http_port'`);
    const port = macro.data[0]?.['substitution'];
    if (port === undefined) {
      throw new UprateError('CONFIG_INVALID', `cannot tell the HTTP address of shard ${String(s['shard_num'])} (${address}) of cluster ${cluster}`, {
        location: '--url',
        hint: 'list every shard\'s HTTP address in the URL: ?cluster=NAME&shards=host:8123,host:8123 (or define an http_port macro on each server)',
      });
    }
    endpoints.push(`${config.endpoint.startsWith('https') ? 'https' : 'http'}://${String(s['host_address'])}:${String(port)}`);
  }
  return endpoints;
}

/** ClickHouse's DateTime text (`2025-01-02 03:04:05`) for a value read back as a Date. */
export function clickhouseDateTimeText(v: unknown): unknown {
  return v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : v;
}

const INT64 = /^(Nullable\()?U?Int(64|128|256)\)?$/;
const DATE_TIME = /^(Nullable\()?DateTime(\(.*\))?\)?$/;
const DATE = /^(Nullable\()?Date\)?$/;

const NUMBER = /^(Nullable\()?(U?Int\d+|Float\d+)\)?$/;
const DECIMAL = /^(Nullable\()?Decimal/;

/**
 * JSON.parse with every number kept as its text: ClickHouse writes a Decimal as a bare JSON
 * number, which JSON.parse would round to a double (QueryOptions.exactDecimals). `convert` turns
 * the other numeric columns back into numbers, as JSON.parse would have read them.
 */
function parseNumbersAsText(text: string): unknown {
  return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, (m) => (m.startsWith('"') ? m : `"${m}"`)));
}

/** JSON values → what the DuckDB store returns: Dates for times (wall time as UTC), numbers for counts. */
function convert(value: unknown, column: ClickHouseColumn, exact = false): unknown {
  if (value === null || value === undefined) return null;
  if (exact && typeof value === 'string' && !INT64.test(column.type)) {
    if (DECIMAL.test(column.type)) return value;
    if (NUMBER.test(column.type)) return Number(value);
  }
  if (DATE_TIME.test(column.type) && typeof value === 'string') return new Date(`${value.replace(' ', 'T')}Z`);
  if (DATE.test(column.type) && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  if (INT64.test(column.type) && typeof value === 'string') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value);
  }
  return value;
}

function toRows(answer: ClickHouseAnswer, exact = false): Row[] {
  if (answer.meta.length === 0) return answer.data.map((r) => ({ ...r }));
  return answer.data.map((r) => {
    const out: Row = {};
    for (const column of answer.meta) out[column.name] = convert(r[column.name], column, exact);
    return out;
  });
}

function newerSchema(target: string, version: number): UprateError {
  return new UprateError('DB_ERROR', `ClickHouse ${target} has schema version ${version}, newer than this uprate (${CLICKHOUSE_LATEST_VERSION})`, {
    location: target,
    hint: 'upgrade uprate',
  });
}
