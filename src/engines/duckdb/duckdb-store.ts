import { existsSync, readFileSync } from 'node:fs';
import { DuckDBDecimalValue, DuckDBInstance, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBResultReader, type DuckDBValue, type DuckDBValueConverter, type JS } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../../core/errors.js';
import { resolveSandbox, sandboxRefusal, sandboxSettings, sandboxSql, type FileSandbox, type ResolvedSandbox } from './file-sandbox.js';
import { LATEST_VERSION, MIGRATIONS } from './duckdb-migrations.js';
import { loadedAtDate, OwnTablesStore, requestedReadOnly, timeVersion, type OwnTables, type ReadOnlyCause } from '../../store/own-tables.js';
import type { QueryOptions, Row, SqlValue, Store } from '../../store/store.js';
import { queryCancelled, queryTimeout } from '../../store/query-stopped.js';
import { duckDbMemoryLimit } from './memory-limit.js';
import { keepInterrupting } from './duckdb-exec.js';

export interface DuckDbOpenOptions {
  readonly readOnly?: boolean;
  /** Why it is opened read-only, as messages say it (default 'the command only reads'; openStore passes '--read-only' for the user's flag). */
  readonly readOnlyWhy?: string;
  /** Apply pending migrations (default true; a read-only open never migrates). `false` is `ownTables: 'on-demand'`. */
  readonly migrate?: boolean;
  /**
   * uprate's own tables: `create` them at open (default), or only when a feature needs them
   * (`on-demand`: `ensureOwnTables`); a file that has them is brought up to date at open either way.
   */
  readonly ownTables?: OwnTables;
  /** Files read in place by a model's SQL: relative to `base`, only under `roots` (file-sandbox.ts). */
  readonly files?: FileSandbox;
}

/** The sidecar a server leaves beside the file it holds, so other processes can find it. */
export function serverSidecarPath(dbPath: string): string {
  return `${dbPath}.server.json`;
}

export interface ServerSidecar {
  readonly url: string;
  readonly pid: number;
}

export function readServerSidecar(dbPath: string): ServerSidecar | undefined {
  const path = serverSidecarPath(dbPath);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ServerSidecar>;
    if (typeof parsed.url !== 'string' || typeof parsed.pid !== 'number') return undefined;
    try {
      process.kill(parsed.pid, 0);
    } catch {
      return undefined; // the server that wrote it is gone
    }
    return { url: parsed.url, pid: parsed.pid };
  } catch {
    return undefined;
  }
}

function toDuckValue(v: SqlValue): DuckDBValue {
  if (v instanceof Date) return v.toISOString();
  return v as DuckDBValue;
}

/** As DuckDB's JS values, but a DECIMAL as its exact text (`1234.50`) instead of a double. */
const exactDecimalConverter: DuckDBValueConverter<JS> = (value, type, converter) =>
  value instanceof DuckDBDecimalValue ? value.toString() : JSDuckDBValueConverter(value, type, converter);

function rowObjects(reader: DuckDBResultReader, options: QueryOptions | undefined): Row[] {
  return options?.exactDecimals ? reader.convertRowObjects(exactDecimalConverter) : reader.getRowObjectsJS();
}

/**
 * The embedded store: one DuckDB file, one writer process. Connections are opened per call so
 * that concurrent requests in the server read in parallel under DuckDB's MVCC.
 */
export class DuckDbStore extends OwnTablesStore implements Store {
  readonly engine = 'duckdb' as const;
  private idle: DuckDBConnection[] = [];
  /** uprate's load log is known to exist (it is never dropped while open). */
  private loadLog = false;

  private constructor(
    readonly target: string,
    private readonly instance: DuckDBInstance,
    protected readonly readOnlyCause: ReadOnlyCause | undefined,
    /** The sandbox a model's file reads are checked against (undefined: no `files` option). */
    readonly sandbox: ResolvedSandbox | undefined,
  ) {
    super();
  }

  /**
   * Opens (or creates) the file. Read-write and `ownTables: 'create'` (the default): uprate's
   * tables are created or migrated at once. With `files`, the sandbox is locked before anything
   * else runs (file-sandbox.ts).
   *
   * @example
   *   const store = await DuckDbStore.open('uprate.duckdb', { ownTables: 'on-demand', files: { base: 'model', roots: ['model', 'data'] } });
   */
  static async open(path: string, options: DuckDbOpenOptions = {}): Promise<DuckDbStore> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && path !== ':memory:' && !existsSync(path)) {
      throw new UprateError('FILE_NOT_FOUND', `database file ${path} does not exist`, {
        location: path,
        hint: 'create it with `uprate demo --db FILE` or `uprate ingest --db FILE ...`, or pass the right --db',
      });
    }
    // A bad setting is refused before the file is touched.
    const memoryLimit = duckDbMemoryLimit();
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
        memory_limit: memoryLimit,
      });
    } catch (e) {
      throw openError(path, e);
    }
    const sandbox = options.files ? resolveSandbox(options.files) : undefined;
    const store = new DuckDbStore(path, instance, readOnly ? requestedReadOnly(options.readOnlyWhy) : undefined, sandbox);
    try {
      // Timestamps are stored as UTC wall time; ICU is linked in but can't be set at create time.
      await store.run("SET GLOBAL TimeZone = 'UTC'");
      if (sandbox) for (const statement of sandboxSettings(sandbox)) await store.run(statement);
      const onDemand = options.ownTables === 'on-demand' || options.migrate === false;
      const version = await store.schemaVersion();
      if (version > LATEST_VERSION) throw newerSchema(path, version);
      if (!readOnly && (!onDemand || version > 0)) await store.migrateOnce();
      else if (version > 0) await store.checkVersion();
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
    return store;
  }

  private async connection(): Promise<DuckDBConnection> {
    return this.idle.pop() ?? (await this.instance.connect());
  }

  private release(c: DuckDBConnection): void {
    if (this.idle.length < 8) this.idle.push(c);
    else c.closeSync();
  }

  /**
   * Runs `fn` on one connection (for transactions and temp tables, which are per connection); one
   * that `fn` discards (it was interrupted) is closed, not reused.
   */
  async withConnection<T>(fn: (c: DuckDBConnection, discard: () => void) => Promise<T>): Promise<T> {
    const c = await this.connection();
    let discarded = false;
    try {
      return await fn(c, () => {
        discarded = true;
      });
    } finally {
      if (discarded) c.closeSync();
      else this.release(c);
    }
  }

  /**
   * Runs one statement. With `options` a timer and the signal interrupt it in DuckDB
   * (QUERY_TIMEOUT, QUERY_CANCELLED); without, nothing is set up.
   */
  async query<T extends Row = Row>(text: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    const sql = this.sandbox ? sandboxSql(text, this.sandbox) : text;
    if (options && (options.timeoutMs !== undefined || options.signal)) return this.queryWithin<T>(sql, params, options);
    return this.withConnection(async (c) => {
      try {
        const reader = await c.runAndReadAll(sql, params.map(toDuckValue));
        return rowObjects(reader, options) as T[];
      } catch (e) {
        throw this.dbError(e, sql, params);
      }
    });
  }

  /** A failed statement: the sandbox's refusal as such, anything else a DB_ERROR with its SQL. */
  private dbError(e: unknown, sql: string, params: readonly SqlValue[]): UprateError {
    const refused = this.sandbox && sandboxRefusal(errorMessage(e), this.sandbox);
    return refused || new UprateError('DB_ERROR', `DuckDB: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  /**
   * The deadline or the signal calls `interrupt()`, repeated until the statement stops (one that
   * lands while DuckDB is still preparing is not lost). An interrupted connection is closed, never
   * returned to `idle`: the next statement gets a fresh one. A statement that completed although
   * its deadline had just fired still answers; once the signal aborted, the caller only gets
   * QUERY_CANCELLED.
   */
  private async queryWithin<T extends Row>(sql: string, params: readonly SqlValue[], options: QueryOptions): Promise<T[]> {
    const { timeoutMs, signal } = options;
    if (signal?.aborted) throw queryCancelled('duckdb', sql);
    const c = await this.connection();
    if (signal?.aborted) {
      this.release(c); // aborted while a connection was being opened: nothing ran on it
      throw queryCancelled('duckdb', sql);
    }
    let stopped: 'timeout' | 'cancel' | undefined;
    let interrupting: (() => void) | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stopped) return;
      stopped = why;
      interrupting = keepInterrupting(c);
    };
    const onAbort = () => stop('cancel');
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), Math.max(0, timeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reader = await c.runAndReadAll(sql, params.map(toDuckValue));
      if (stopped === 'cancel') throw queryCancelled('duckdb', sql);
      return rowObjects(reader, options) as T[];
    } catch (e) {
      if (e instanceof UprateError) throw e;
      if (stopped === 'timeout') throw queryTimeout('duckdb', timeoutMs ?? 0, sql, e);
      if (stopped === 'cancel') throw queryCancelled('duckdb', sql, e);
      throw this.dbError(e, sql, params);
    } finally {
      clearTimeout(timer);
      interrupting?.();
      signal?.removeEventListener('abort', onAbort);
      if (stopped) c.closeSync();
      else this.release(c);
    }
  }

  /** The newest load; without uprate's load log, or before the first load, the time (src/store/own-tables.ts `timeVersion`). */
  async dataVersion(): Promise<number> {
    this.loadLog ||= await this.hasTable('uprate_loads');
    if (!this.loadLog) return timeVersion();
    const rows = await this.query<{ v: bigint | null }>('SELECT max(load_id) AS v FROM uprate_loads');
    const v = rows[0]?.v;
    return v === null || v === undefined ? timeVersion() : Number(v);
  }

  /** The newest load's commit time (UTC), null without a load log or before the first load. */
  async lastLoad(): Promise<Date | null> {
    this.loadLog ||= await this.hasTable('uprate_loads');
    if (!this.loadLog) return null;
    const rows = await this.query<{ t: string | null }>('SELECT CAST(max(loaded_at) AS VARCHAR) AS t FROM uprate_loads');
    return loadedAtDate(rows[0]?.t);
  }

  /** Does this file hold uprate's table `name` (in its main schema)? */
  private async hasTable(name: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1`,
      [name],
    );
    return rows.length > 0;
  }

  async schemaVersion(): Promise<number> {
    if (!(await this.hasTable('uprate_migrations'))) return 0;
    const rows = await this.query<{ v: number | null }>('SELECT max(version) AS v FROM uprate_migrations');
    return Number(rows[0]?.v ?? 0);
  }

  private async checkVersion(): Promise<void> {
    const v = await this.schemaVersion();
    if (v > LATEST_VERSION) throw newerSchema(this.target, v);
    if (v < LATEST_VERSION) {
      throw new UprateError('DB_ERROR', `database ${this.target} has schema version ${v}, this uprate needs ${LATEST_VERSION}`, {
        location: this.target,
        hint: 'open it once read-write (e.g. `uprate ingest` or `uprate serve`) to migrate it',
      });
    }
  }

  /**
   * Applies pending migrations in one transaction, the bookkeeping table included: a migration
   * that fails (a table of the user's named like uprate's) leaves the file as it was.
   */
  async migrate(): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      let m: (typeof MIGRATIONS)[number] | undefined;
      try {
        await c.run(`CREATE TABLE IF NOT EXISTS uprate_migrations (
          version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
        const current = Number((await c.runAndReadAll('SELECT max(version) AS v FROM uprate_migrations')).getRowObjectsJS()[0]?.['v'] ?? 0);
        if (current > LATEST_VERSION) throw newerSchema(this.target, current);
        for (m of MIGRATIONS) {
          if (m.version <= current) continue;
          for (const statement of m.sql) await c.run(statement);
          await c.run('INSERT INTO uprate_migrations VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name]);
        }
        await c.run('COMMIT');
      } catch (e) {
        await c.run('ROLLBACK');
        if (e instanceof UprateError) throw e;
        throw new UprateError('DB_ERROR', `${m ? `migration ${m.version} (${m.name})` : 'preparing the migrations'} failed: ${errorMessage(e)}`, {
          location: this.target,
          ...(/already exists/i.test(errorMessage(e)) ? { hint: "a table of yours has the name of one of uprate's (offers, customers, uprate_loads): rename it, or keep uprate's tables in another file" } : {}),
          cause: e,
        });
      }
    });
  }

  async close(): Promise<void> {
    for (const c of this.idle) c.closeSync();
    this.idle = [];
    this.instance.closeSync();
  }
}

function newerSchema(target: string, version: number): UprateError {
  return new UprateError('DB_ERROR', `database ${target} has schema version ${version}, newer than this uprate (${LATEST_VERSION})`, {
    location: target,
    hint: 'upgrade uprate',
  });
}

function openError(path: string, e: unknown): UprateError {
  const message = errorMessage(e);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    const server = readServerSidecar(path);
    const how = server
      ? `\`uprate serve\` (PID ${server.pid}) holds it: send data through it with \`--server ${server.url}\`, or stop that server first`
      : `another process${pid ? ` (PID ${pid})` : ''} holds it: stop it, or if it is \`uprate serve\`, pass \`--server URL\``;
    return new UprateError('DB_LOCKED', `database file ${path} is in use by another process`, {
      location: path,
      hint: how,
      details: { pid: pid ? Number(pid) : undefined, server },
      cause: e,
    });
  }
  return new UprateError('DB_ERROR', `cannot open database ${path}: ${message}`, { location: path, cause: e });
}
