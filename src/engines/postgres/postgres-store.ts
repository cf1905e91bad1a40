import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { UprateError, errorMessage } from '../../core/errors.js';
import { parseDatabaseUrl, redactUrl } from '../../store/database-url.js';
import { loadedAtDate, OwnTablesStore, readOnlyError, requestedReadOnly, timeVersion, type OwnTables, type OwnTablesFeature, type ReadOnlyCause } from '../../store/own-tables.js';
import { POSTGRES_LATEST_VERSION, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { postgresError, isConnectionLost } from './postgres-errors.js';
import { LONG_WORK_SETTINGS } from './postgres-exec.js';
import { legacyPublicNotice, locatePostgres, startupSetting, visibleTable } from './postgres-place.js';
import { loadPg, pgLoaded } from './pg-module.js';
import { sqlIdentifier } from '../../store/sql-literal.js';
import type { BulkLoad, BulkLoadingStore, LoadCounts, QueryOptions, Row, SqlValue } from '../../store/store.js';
import { queryCancelled, queryTimeout } from '../../store/query-stopped.js';
import { applyRefresh, mergePlans, planRefresh, rollupsKept, type RefreshPlan } from '../../rollups/maintain.js';
import { Upkeep } from '../../rollups/upkeep.js';
import { refillOpenWindows } from '../../rollups/open-window.js';

export interface PostgresOpenOptions {
  /** Refuse writes (report, query); a read-only open never migrates. */
  readonly readOnly?: boolean;
  /** Why it is opened read-only, as messages say it (default 'the command only reads'; openStore passes '--read-only' for the user's flag). */
  readonly readOnlyWhy?: string;
  /** Apply pending migrations (default true unless read-only). `false` is `ownTables: 'on-demand'`. */
  readonly migrate?: boolean;
  /**
   * uprate's own tables: `create` them at open (default), or only when a feature needs them
   * (`on-demand`: `ensureOwnTables`); a schema that has them is brought up to date at open either way.
   */
  readonly ownTables?: OwnTables;
  /** Hears, once at open, what the user should know: uprate's tables kept in `public` (an older database). */
  readonly onNotice?: (message: string) => void;
  /**
   * How long a statement may run, and how long to wait for a connection, in ms (default 30 000).
   * Past it the caller gets ENGINE_UNAVAILABLE naming the server instead of waiting forever.
   */
  readonly timeoutMs?: number;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Pooled connections that already carry an error listener. */
const guarded = new WeakSet<pg.PoolClient>();

/** {@link backendPid}'s answers, kept for the connection's life. */
const backendPids = new WeakMap<pg.PoolClient, number>();

/** The server process behind a pooled connection, asked once (what `pg_cancel_backend` takes). */
async function backendPid(c: pg.PoolClient, wait: number): Promise<number> {
  const known = backendPids.get(c);
  if (known !== undefined) return known;
  const [row] = (await c.query<{ pid: number }>(timed('SELECT pg_backend_pid() AS pid', wait))).rows;
  const pid = Number(row?.pid);
  backendPids.set(c, pid);
  return pid;
}

/** `timestamp without time zone` holds UTC wall time: read it as UTC, whatever the process zone. */
function parseUtcTimestamp(text: string): Date | string {
  const d = new Date(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? text : d;
}

/**
 * Values as the DuckDB store returns them, so every engine hands the same JavaScript to the
 * query layer: counts (int8) as bigint, numeric as number, timestamps as UTC Dates, dates as text.
 */
function typeParser(oid: number, format?: string): (text: string) => unknown {
  const { types } = pgLoaded();
  if (format === 'binary') return types.getTypeParser(oid, 'binary');
  switch (oid) {
    case types.builtins.INT8:
      return (t) => BigInt(t);
    case types.builtins.NUMERIC:
      return (t) => Number(t);
    case types.builtins.TIMESTAMP:
      return parseUtcTimestamp;
    case types.builtins.DATE:
      return (t) => t;
    default:
      return types.getTypeParser(oid, 'text');
  }
}

/** The same, but numeric as the server's text (QueryOptions.exactDecimals): no digit lost to a double. */
const exactDecimalTypes = {
  getTypeParser: (oid: number, format?: string) => (oid === pgLoaded().types.builtins.NUMERIC && format !== 'binary' ? (t: string) => t : typeParser(oid, format)),
} as pg.CustomTypesConfig;

/**
 * PostgreSQL through a `pg.Pool`. The session runs in UTC with a statement timeout; a server that
 * is down, refuses, or does not answer in time is an ENGINE_UNAVAILABLE error naming its URL
 * (never its password), and broken connections are dropped so the next query reconnects by itself.
 *
 * @example
 *   const store = await PostgresStore.open('postgres://uprate:uprate@127.0.0.1:54329/uprate');
 *   await store.query('SELECT count(*) AS n FROM offers');
 */
export class PostgresStore extends OwnTablesStore implements BulkLoadingStore {
  readonly engine = 'postgres' as const;

  /** uprate's schema, made (if missing) for alert history. */
  private schemaReady: Promise<void> | undefined;
  /** uprate's load log is known to exist (it is never dropped while open). */
  private loadLog = false;

  private constructor(
    readonly target: string,
    private readonly pool: pg.Pool,
    private readonly timeoutMs: number,
    /** The schema holding uprate's own tables (postgres-place.ts). */
    readonly schema: string,
    private readonly poolSize: number,
    /** Where a cancelling connection goes (the pool's server, without the session settings). */
    private readonly serverUrl: string,
    protected readonly readOnlyCause: ReadOnlyCause | undefined,
  ) {
    super();
  }

  /** One of uprate's own tables, schema-qualified. */
  private own(table: string): string {
    return `${sqlIdentifier(this.schema)}.${table}`;
  }

  /**
   * Opens a pool on `url` (postgres:// or postgresql://). uprate's own tables live in schema
   * `uprate`, or `?schema=NAME`, so several data sets can share one database; the session's
   * search_path starts there and goes on with the server's default (postgres-place.ts). A user
   * who may not create or write them gets a read-only store (`readOnlyReason` says why).
   */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStore> {
    const parsed = parseDatabaseUrl(url);
    const requested = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (requested !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(requested)) {
      throw new UprateError('BAD_ARGUMENT', `schema '${requested}' in the database URL is not a plain name`, {
        location: redactUrl(url),
        hint: 'use letters, digits and underscores, starting with a letter',
      });
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const target = redactUrl(url);
    const onDemand = options.ownTables === 'on-demand' || options.migrate === false;
    const place = await locatePostgres(parsed.toString(), target, timeoutMs, requested, { createSchema: !options.readOnly && !onDemand });
    const readOnlyCause = options.readOnly ? requestedReadOnly(options.readOnlyWhy) : place.readOnly;
    const readOnly = readOnlyCause !== undefined;
    const settings = [
      '-c TimeZone=UTC',
      `-c statement_timeout=${timeoutMs}`,
      // A client that vanished mid-transaction must not hold locks for long.
      `-c idle_in_transaction_session_timeout=${Math.max(timeoutMs * 2, 60_000)}`,
      // uprate's schema first, then the server's default: the user's tables stay in reach.
      startupSetting('search_path', place.searchPath),
      ...(readOnly ? ['-c default_transaction_read_only=on'] : []),
    ];
    const pool = new (await loadPg()).Pool({
      connectionString: parsed.toString(),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeoutMs,
      idleTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: 'uprate',
      options: settings.join(' '),
      types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
    });
    // An idle connection the server closed (restart, shutdown) must not crash the process: the
    // pool drops it and the next query opens a new one.
    pool.on('error', () => undefined);
    const store = new PostgresStore(target, pool, timeoutMs, place.schema, options.poolSize ?? 10, parsed.toString(), readOnlyCause);
    if (place.legacyPublic) options.onNotice?.(legacyPublicNotice(target));
    try {
      const version = await store.schemaVersion();
      if (version > POSTGRES_LATEST_VERSION) await store.checkVersion();
      if (!readOnly && (!onDemand || version > 0)) await store.migrateOnce('ingest');
      else if (version > 0) await store.checkVersion();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return store;
  }

  /**
   * Readies the store for `feature` (see {@link Store.ensureOwnTables}): ingest and the demo load
   * get uprate's tables (created or migrated once); alert history and rollups only uprate's schema,
   * where src/alerts and src/rollups create their own tables.
   */
  override async ensureOwnTables(feature: OwnTablesFeature): Promise<void> {
    if (feature !== 'alert history' && feature !== 'rollups') return super.ensureOwnTables(feature);
    this.refuseWhenReadOnly(feature);
    this.schemaReady ??= this.refusedAsReadOnly(this.migrate(true), feature).catch((e: unknown) => {
      this.schemaReady = undefined;
      throw e;
    });
    await this.schemaReady;
  }

  /** A refusal for want of privileges is READ_ONLY, naming the feature. */
  protected override migrateFor(feature: OwnTablesFeature): Promise<void> {
    return this.refusedAsReadOnly(this.migrate(), feature);
  }

  private async refusedAsReadOnly(creating: Promise<void>, feature: OwnTablesFeature): Promise<void> {
    try {
      await creating;
    } catch (e) {
      if (!lacksPrivilege(e)) throw e;
      throw readOnlyError(feature, this.target, {
        why: `the server refused to create uprate's tables in schema '${this.schema}': ${errorMessage(e)}`,
        fix: `grant the user CREATE on the database or on schema ${this.schema}, or pass --read-only to say that read-only is meant`,
      });
    }
  }

  /**
   * Runs `fn` on one pooled connection; a connection that broke, or that `fn` discards, is closed,
   * not reused. A `signal` that aborts while the pool has no free connection gives up the wait.
   */
  async withClient<T>(fn: (c: pg.PoolClient, discard: () => void) => Promise<T>, sql = '(connect)', signal?: AbortSignal): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await (signal ? connectUnlessAborted(this.pool, signal, sql) : this.pool.connect());
    } catch (e) {
      throw postgresError(this.target, this.timeoutMs, e, sql, []);
    }
    // A connection the server drops while it is checked out emits 'error' besides failing the
    // query; without a listener that would crash the process. The query's own error reports it.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => undefined);
    }
    let broken: Error | undefined;
    const discard = () => {
      broken ??= new Error('closed after a cancelled statement');
    };
    try {
      return await fn(client, discard);
    } catch (e) {
      const cause = e instanceof LostConnection || e instanceof UprateError ? e.cause : e;
      if (isConnectionLost(cause)) broken = cause instanceof Error ? cause : new Error(String(cause));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs one statement. `options.timeoutMs` becomes the server's `statement_timeout` for it
   * (QUERY_TIMEOUT); aborting `options.signal` cancels it in the server (QUERY_CANCELLED).
   */
  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    const limits = options && (options.timeoutMs !== undefined || options.signal) ? options : undefined;
    if (limits?.signal?.aborted) throw queryCancelled('postgres', sql);
    // Pooled connections the server closed since their last use (a restart) fail on their next
    // statement. A read is safe to send again on another connection: each failure drops one dead
    // connection, so at most pool-size retries reach a fresh one — which works, or fails to
    // connect and reports the outage. Writes are never repeated.
    const read = /^\s*(SELECT|WITH)\b/i.test(sql);
    for (let attempt = 0; ; attempt++) {
      try {
        return await (limits ? this.queryWithin<T>(sql, params, limits) : this.queryOnce<T>(sql, params, options?.exactDecimals));
      } catch (e) {
        if (!(e instanceof LostConnection)) throw e;
        if (!read || attempt >= this.poolSize) throw e.error;
        if (limits?.signal?.aborted) throw queryCancelled('postgres', sql, e.cause);
      }
    }
  }

  private async queryOnce<T extends Row>(sql: string, params: readonly SqlValue[], exactDecimals = false): Promise<T[]> {
    return this.withClient(async (c) => {
      try {
        // The client-side read timeout backs up statement_timeout when the server stops answering.
        const config: pg.QueryConfig & { query_timeout: number } = { text: sql, values: params.map(toPgValue), query_timeout: this.timeoutMs + 2_000 };
        if (exactDecimals) config.types = exactDecimalTypes;
        const result = await c.query<T>(config);
        return result.rows;
      } catch (e) {
        const error = postgresError(this.target, this.timeoutMs, e, sql, params);
        if (isConnectionLost(e) && !/Query read timeout/i.test(errorMessage(e))) throw new LostConnection(error, e);
        throw error;
      }
    }, sql);
  }

  /**
   * One statement under a deadline and a signal. The deadline is the server's own
   * `statement_timeout`, SET on the checked-out connection for this statement and RESET after
   * (the server cancels it: the connection stays usable). The signal cancels it from another,
   * short-lived connection with `pg_cancel_backend(pid)`, which does not wait for a pool slot;
   * the statement's own connection is then closed rather than pooled, so a cancel that lands late
   * can never hit the next statement sent on it.
   */
  private async queryWithin<T extends Row>(sql: string, params: readonly SqlValue[], { timeoutMs, signal, exactDecimals }: QueryOptions): Promise<T[]> {
    const limit = timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(timeoutMs));
    const wait = (limit ?? this.timeoutMs) + 2_000;
    return this.withClient(async (c, discard) => {
      let pid = backendPids.get(c);
      let cancelling: Promise<void> | undefined;
      let broken = false;
      const onAbort = () => {
        if (pid !== undefined) cancelling ??= this.cancelBackend(pid);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        pid ??= await backendPid(c, wait);
        if (limit !== undefined) await c.query(timed(`SET statement_timeout = ${limit}`, wait));
        if (signal?.aborted) throw queryCancelled('postgres', sql); // aborted before the statement was sent
        const result = await c.query<T>({ ...timed(sql, wait, params.map(toPgValue)), ...(exactDecimals ? { types: exactDecimalTypes } : {}) });
        if (cancelling) throw queryCancelled('postgres', sql);
        return result.rows;
      } catch (e) {
        if (e instanceof UprateError) throw e;
        broken = isConnectionLost(e);
        if (cancelling) throw queryCancelled('postgres', sql, e);
        if (limit !== undefined && (e as { code?: unknown }).code === '57014' && /statement timeout/i.test(errorMessage(e))) throw queryTimeout('postgres', limit, sql, e);
        const error = postgresError(this.target, limit ?? this.timeoutMs, e, sql, params);
        if (broken && !/Query read timeout/i.test(errorMessage(e))) throw new LostConnection(error, e);
        throw error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (cancelling) {
          await cancelling;
          discard();
        } else if (broken) discard();
        else if (limit !== undefined) {
          await c.query(timed('RESET statement_timeout', 5_000)).catch(() => discard());
        }
      }
    }, sql, signal);
  }

  /**
   * Until the answered function is called, `signal` aborting cancels what `c` runs (from another
   * connection, as {@link queryWithin}) and has `c` closed rather than pooled: a cancel landing late
   * never reaches the next statement sent on it. The answered function stops listening and waits
   * for a cancel under way.
   */
  async cancelOnAbort(c: pg.PoolClient, signal: AbortSignal, discard: () => void): Promise<() => Promise<void>> {
    const backend = await backendPid(c, this.timeoutMs + 2_000);
    let cancelling: Promise<void> | undefined;
    const onAbort = () => {
      discard();
      cancelling ??= this.cancelBackend(backend);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    return async () => {
      signal.removeEventListener('abort', onAbort);
      await cancelling;
    };
  }

  /** Asks the server to cancel what backend `pid` runs, over a connection of its own. */
  private async cancelBackend(pid: number): Promise<void> {
    const client = new (pgLoaded().Client)({ connectionString: this.serverUrl, connectionTimeoutMillis: 5_000, application_name: 'uprate-cancel' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(timed('SELECT pg_cancel_backend($1)', 5_000, [pid]));
    } catch {
      // Unreachable server: the statement still ends by its timeout, and its connection is closed.
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  /** The newest load; without uprate's load log, or before the first load, the time (src/store/own-tables.ts `timeVersion`). */
  async dataVersion(): Promise<number> {
    this.loadLog ||= await this.hasOwnTable('uprate_loads');
    if (!this.loadLog) return timeVersion();
    const rows = await this.query<{ v: bigint | null }>(`SELECT max(load_id) AS v FROM ${this.own('uprate_loads')}`);
    const v = rows[0]?.v;
    return v === null || v === undefined ? timeVersion() : Number(v);
  }

  /** The newest load's commit time (UTC), null without a load log or before the first load. */
  async lastLoad(): Promise<Date | null> {
    this.loadLog ||= await this.hasOwnTable('uprate_loads');
    if (!this.loadLog) return null;
    const rows = await this.query<{ t: string | null }>(`SELECT max(loaded_at)::text AS t FROM ${this.own('uprate_loads')}`);
    return loadedAtDate(rows[0]?.t);
  }

  /** One of uprate's tables exists in its schema and this user may read it. */
  private async hasOwnTable(table: string): Promise<boolean> {
    const [row] = await this.query<{ t: boolean }>(`SELECT ${visibleTable('$1', '$2')} AS t`, [this.schema, table]);
    return row?.t === true;
  }

  async schemaVersion(): Promise<number> {
    if (!(await this.hasOwnTable('uprate_migrations'))) return 0;
    const rows = await this.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${this.own('uprate_migrations')}`);
    return Number(rows[0]?.v ?? 0);
  }

  private async checkVersion(): Promise<void> {
    const v = await this.schemaVersion();
    if (v === POSTGRES_LATEST_VERSION) return;
    throw new UprateError(
      'DB_ERROR',
      v > POSTGRES_LATEST_VERSION
        ? `database ${this.target} has schema version ${v}, newer than this uprate (${POSTGRES_LATEST_VERSION})`
        : `database ${this.target} has schema version ${v}, this uprate needs ${POSTGRES_LATEST_VERSION}`,
      { location: this.target, hint: v > POSTGRES_LATEST_VERSION ? 'upgrade uprate' : 'load data once (`uprate ingest --url …`) or run `uprate serve --url …` to create the tables' },
    );
  }

  /** Applies pending migrations in order, each in its own transaction, one migrator at a time (`schemaOnly`: just make uprate's schema). */
  async migrate(schemaOnly = false): Promise<void> {
    await this.withClient(async (c) => {
      const q = async (sql: string, params: readonly SqlValue[] = []) => {
        try {
          return await c.query({ text: sql, values: params.map(toPgValue) });
        } catch (e) {
          throw postgresError(this.target, this.timeoutMs, e, sql, params);
        }
      };
      // Two processes starting together must not both create the tables.
      await q('SELECT pg_advisory_lock(74211)');
      try {
        // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
        const exists = (await q('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema])).rowCount;
        if (!exists) await q(`CREATE SCHEMA ${sqlIdentifier(this.schema)}`);
        if (schemaOnly) return;
        await q(`CREATE TABLE IF NOT EXISTS ${this.own('uprate_migrations')} (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`);
        const current = Number((await q(`SELECT max(version) AS v FROM ${this.own('uprate_migrations')}`)).rows[0]?.['v'] ?? 0);
        if (current > POSTGRES_LATEST_VERSION) await this.checkVersion();
        for (const m of POSTGRES_MIGRATIONS) {
          if (m.version <= current) continue;
          await q('BEGIN');
          try {
            // The migrations name tables as every engine does; here they land in uprate's schema.
            await q(`SET LOCAL search_path TO ${sqlIdentifier(this.schema)}`);
            for (const statement of m.sql) await q(statement);
            await q(`INSERT INTO ${this.own('uprate_migrations')} VALUES ($1, $2, now() AT TIME ZONE 'UTC')`, [m.version, m.name]);
            await q('COMMIT');
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw e instanceof UprateError && e.code === 'ENGINE_UNAVAILABLE'
              ? e
              : new UprateError('DB_ERROR', `migration ${m.version} (${m.name}) failed: ${e instanceof Error ? e.message : String(e)}`, { location: this.target, cause: e });
          }
        }
      } finally {
        await c.query('SELECT pg_advisory_unlock(74211)').catch(() => undefined);
      }
    });
  }

  /**
   * Every load in one transaction: COPY streams each CSV into a temporary staging table, one
   * statement upserts it on the key (or replaces the table), and each load is logged. A failure
   * anywhere leaves every table as it was. A stored row equal to its new version (NULL-safe) is
   * left alone and counted as unchanged.
   */
  async bulkLoad(loads: readonly BulkLoad[]): Promise<LoadCounts[]> {
    return this.withClient(async (c) => {
      let step = 'BEGIN';
      let current = loads[0]?.table.name ?? 'nothing';
      const q = async (sql: string, params: readonly SqlValue[] = []) => {
        step = sql;
        return c.query({ text: sql, values: params.map(toPgValue) });
      };
      try {
        await q('BEGIN');
        // A big load is long work, not a slow query (no statement timeout in this transaction alone).
        for (const setting of LONG_WORK_SETTINGS) await q(setting);
        const counts: LoadCounts[] = [];
        // Rollups change with their rows, in the same commit (src/rollups/maintain.ts).
        const exec = async (sql: string, params: readonly SqlValue[] = []) => (await q(sql, params)).rows as Row[];
        let refresh: RefreshPlan = { rollups: [] };
        const upkeep = new Upkeep(loads[0]?.onRollups);
        for (const load of loads) {
          current = load.table.name;
          counts.push(
            await this.loadInTransaction(c, load, q, (s) => (step = s), async (rowsSql) => {
              const planned = await upkeep.timed(() => planRefresh(exec, 'postgres', [{ table: load.table.name, rowsSql, key: load.table.key, replace: load.replace, columns: load.table.columns.map((col) => col.name), rows: load.rows }]));
              refresh = mergePlans(refresh, planned);
            }),
          );
        }
        upkeep.plan(rollupsKept(refresh));
        await upkeep.timed(() => applyRefresh(exec, 'postgres', refresh, upkeep.start));
        await q('COMMIT');
        if (!(await upkeep.timed(() => this.refillOpenWindows(c, loads.map((l) => l.table.name))))) upkeep.fail();
        upkeep.finish();
        return counts;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        if (e instanceof UprateError) throw e;
        const error = postgresError(this.target, this.timeoutMs, e, step, []);
        throw error.code === 'DB_ERROR'
          ? new UprateError('DB_ERROR', `loading ${current} into ${this.target} failed and was rolled back: ${error.message}`, { location: this.target, details: error.details, cause: e })
          : error;
      }
    });
  }

  /**
   * After a load's commit, the open windows of the rollups over its tables (src/rollups/open-window.ts),
   * in a transaction of their own: when it fails (false) the rows stay loaded and the windows stale (read from the rows).
   */
  private async refillOpenWindows(c: pg.PoolClient, loaded: readonly string[]): Promise<boolean> {
    try {
      await c.query('BEGIN');
      for (const setting of LONG_WORK_SETTINGS) await c.query(setting);
      await refillOpenWindows(async (sql, params = []) => (await c.query({ text: sql, values: params.map(toPgValue) })).rows as Row[], 'postgres', loaded, Date.now(), { keepCurrent: true });
      await c.query('COMMIT');
      return true;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      process.emitWarning(`the rows are loaded, but refreshing the rollups' open windows failed (${errorMessage(e)}): queries read the rows instead until \`uprate rollups build\``, { code: 'UPRATE_ROLLUPS_STALE' });
      return false;
    }
  }

  /** One load inside {@link bulkLoad}'s transaction. */
  private async loadInTransaction(
    c: pg.PoolClient,
    load: BulkLoad,
    q: (sql: string, params?: readonly SqlValue[]) => Promise<pg.QueryResult>,
    stepIs: (step: string) => void,
    beforeWrite: (rowsSql: string) => Promise<void>,
  ): Promise<LoadCounts> {
    const name = load.table.name;
    const table = this.own(name);
    const key = load.table.key;
    const columns = load.table.columns.map((col) => col.name);
    const stage = `uprate_stage_${name}`;
    await q(`CREATE TEMP TABLE ${stage} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
    stepIs(`COPY ${stage} FROM STDIN`);
    const tap = progressTap(load);
    let copied = 0;
    const { from: copyFrom } = await import('pg-copy-streams');
    for (const file of load.files) {
      const copy = c.query(copyFrom(`COPY ${stage} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER ${load.format?.header ?? true})`));
      await pipeline(createReadStream(file), tap(), copy);
      copied += Number(copy.rowCount);
    }
    if (copied !== load.rows) {
      throw new UprateError('DB_ERROR', `PostgreSQL received ${copied} rows of ${load.rows} sent to ${name}; nothing was loaded`, { location: this.target });
    }
    // Only staged so far: the checks ingest runs meanwhile must pass before the table is touched.
    await load.verified;
    await beforeWrite(`SELECT * FROM ${stage}`);
    const { inserted, updated } = (await holdsNothing(q, table, load.replace)) ? await insertStaged(q, table, stage, columns) : await upsertStaged(q, table, stage, columns, key);
    await analyzeWhenChanged(q, table, inserted + updated, load.replace);
    const stored = copied - inserted;
    await q(
      `INSERT INTO ${this.own('uprate_loads')} (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() AT TIME ZONE 'UTC')`,
      [name, `${load.log.via}: ${load.log.source}`, load.log.rowsRead, inserted, updated, load.log.rejected],
    );
    return { inserted, updated, unchanged: stored - updated };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

type Statement = (sql: string, params?: readonly SqlValue[]) => Promise<pg.QueryResult>;

/**
 * Whether a load's rows can simply be inserted: a `replace` load empties the table first, and a
 * table without rows has no key to meet. Both hold a lock that keeps other writers out (readers
 * go on) until the commit, so no row arrives between the check and the insert; a table that
 * holds rows is upserted, without the lock.
 */
async function holdsNothing(q: Statement, table: string, replace: boolean): Promise<boolean> {
  const lock = () => q(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
  if (replace) {
    await lock();
    await q(`DELETE FROM ${table}`);
    return true;
  }
  const empty = async () => (await q(`SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`)).rows[0]?.['empty'] === true;
  if (!(await empty())) return false;
  await lock();
  return empty();
}

/**
 * ANALYZE after a load that changed a tenth of the table or more — autovacuum's own rule, which
 * it applies only on its next round, a minute or more later. Until then queries are planned with
 * the statistics of the empty or much smaller table: right after 60,000 offers were loaded, a
 * breakdown joined them to their customers in a nested loop, 5.9 s instead of 31 ms. Inside the
 * load's transaction (ANALYZE counts its own rows), so the rollups maintained in it and every query
 * after the commit are planned with them; it samples a fixed number of rows, whatever the size.
 */
async function analyzeWhenChanged(q: Statement, table: string, changed: number, replace: boolean): Promise<void> {
  if (changed === 0 && !replace) return;
  const [row] = (await q('SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)', [table])).rows;
  // Never analyzed: -1 (PostgreSQL 14 on), 0 before it.
  const before = Number(row?.['reltuples'] ?? -1);
  if (replace || before <= 0 || changed >= 0.1 * before) await q(`ANALYZE ${table}`);
}

/** Into a table without rows (keys are unique in the stage): a plain insert, about as fast as COPY into the table. */
async function insertStaged(q: Statement, table: string, stage: string, columns: readonly string[]): Promise<{ inserted: number; updated: number }> {
  const insert = await q(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage}`);
  return { inserted: Number(insert.rowCount ?? 0), updated: 0 };
}

/**
 * New keys inserted, stored rows that changed updated, and a row that is already stored as it is
 * left alone (no dead tuple, no index churn). The upsert says which rows it wrote new (a row it
 * inserted has no xmax; one it updated has this transaction's), so the stored keys are known
 * without reading the whole table: a count joined with the table scanned all of it, every load
 * slower as the table grew.
 */
async function upsertStaged(q: Statement, table: string, stage: string, columns: readonly string[], key: string): Promise<{ inserted: number; updated: number }> {
  const others = columns.filter((col) => col !== key);
  const upsert = await q(
    `WITH written AS (
       INSERT INTO ${table} AS t (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage}
       ON CONFLICT (${key}) DO UPDATE SET ${others.map((col) => `${col} = EXCLUDED.${col}`).join(', ')}
       WHERE (${others.map((col) => `t.${col}`).join(', ')}) IS DISTINCT FROM (${others.map((col) => `EXCLUDED.${col}`).join(', ')})
       RETURNING (t.xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`,
  );
  return { inserted: Number(upsert.rows[0]?.['inserted'] ?? 0), updated: Number(upsert.rows[0]?.['updated'] ?? 0) };
}

/** The server refused for want of a privilege (SQLSTATE 42501), however deep in the causes. */
function lacksPrivilege(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    if ((c as { code?: unknown }).code === '42501') return true;
    const details = (c as { details?: unknown }).details;
    if (details && typeof details === 'object' && (details as { code?: unknown }).code === '42501') return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

/** A statement with pg's client-side read timeout (backs up the server's own when it stops answering). */
function timed(text: string, ms: number, values?: unknown[]): pg.QueryConfig & { query_timeout: number } {
  return { text, values, query_timeout: ms };
}

/** Waits for a pooled connection unless the signal aborts first (one that arrives late goes back). */
function connectUnlessAborted(pool: pg.Pool, signal: AbortSignal, sql: string): Promise<pg.PoolClient> {
  if (signal.aborted) return Promise.reject(queryCancelled('postgres', sql));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(queryCancelled('postgres', sql));
    signal.addEventListener('abort', onAbort, { once: true });
    pool.connect().then(
      (c) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) c.release();
        else resolve(c);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function toPgValue(v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Makes a pass-through for each file of a load that reports how much of all its files has been sent. */
function progressTap(load: BulkLoad): () => Transform {
  const total = load.onProgress ? Math.max(1, load.files.reduce((n, f) => n + statSync(f).size, 0)) : 1;
  let sent = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        load.onProgress?.(Math.min(1, sent / total));
        done(null, chunk);
      },
    });
}

/** A statement failed because its pooled connection was gone (see {@link PostgresStore.query}). */
class LostConnection extends Error {
  constructor(
    readonly error: UprateError,
    override readonly cause: unknown,
  ) {
    super(error.message);
  }
}
