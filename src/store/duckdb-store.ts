import { existsSync, readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';
import type { QueryOptions, Row, SqlValue, Store } from './store.js';
import { queryCancelled, queryTimeout } from './query-stopped.js';

export interface DuckDbOpenOptions {
  readonly readOnly?: boolean;
  /** Apply pending migrations (default true; a read-only open never migrates). */
  readonly migrate?: boolean;
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

/**
 * The embedded store: one DuckDB file, one writer process. Connections are opened per call so
 * that concurrent requests in the server read in parallel under DuckDB's MVCC.
 */
export class DuckDbStore implements Store {
  readonly engine = 'duckdb' as const;
  private idle: DuckDBConnection[] = [];

  private constructor(
    readonly target: string,
    private readonly instance: DuckDBInstance,
  ) {}

  static async open(path: string, options: DuckDbOpenOptions = {}): Promise<DuckDbStore> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && path !== ':memory:' && !existsSync(path)) {
      throw new UprateError('FILE_NOT_FOUND', `database file ${path} does not exist`, {
        location: path,
        hint: 'create it with `uprate demo --db FILE` or `uprate ingest --db FILE ...`, or pass the right --db',
      });
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE',
      });
    } catch (e) {
      throw openError(path, e);
    }
    const store = new DuckDbStore(path, instance);
    // Timestamps are stored as UTC wall time; ICU is linked in but can't be set at create time.
    await store.run("SET GLOBAL TimeZone = 'UTC'");
    if (!readOnly && (options.migrate ?? true)) await store.migrate();
    else await store.checkVersion();
    return store;
  }

  private async connection(): Promise<DuckDBConnection> {
    return this.idle.pop() ?? (await this.instance.connect());
  }

  private release(c: DuckDBConnection): void {
    if (this.idle.length < 8) this.idle.push(c);
    else c.closeSync();
  }

  /** Runs `fn` on one connection (for transactions and temp tables, which are per connection). */
  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.connection();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  /**
   * Runs one statement. With `options` a timer and the signal interrupt it in DuckDB
   * (QUERY_TIMEOUT, QUERY_CANCELLED); without, nothing is set up.
   */
  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    if (options && (options.timeoutMs !== undefined || options.signal)) return this.queryWithin<T>(sql, params, options);
    return this.withConnection(async (c) => {
      try {
        const reader = await c.runAndReadAll(sql, params.map(toDuckValue));
        return reader.getRowObjectsJS() as T[];
      } catch (e) {
        throw new UprateError('DB_ERROR', `DuckDB: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
      }
    });
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
    let repeat: ReturnType<typeof setInterval> | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stopped) return;
      stopped = why;
      c.interrupt();
      repeat = setInterval(() => c.interrupt(), 50);
    };
    const onAbort = () => stop('cancel');
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), Math.max(0, timeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reader = await c.runAndReadAll(sql, params.map(toDuckValue));
      if (stopped === 'cancel') throw queryCancelled('duckdb', sql);
      return reader.getRowObjectsJS() as T[];
    } catch (e) {
      if (e instanceof UprateError) throw e;
      if (stopped === 'timeout') throw queryTimeout('duckdb', timeoutMs ?? 0, sql, e);
      if (stopped === 'cancel') throw queryCancelled('duckdb', sql, e);
      throw new UprateError('DB_ERROR', `DuckDB: ${errorMessage(e)}`, { details: { sql, params }, cause: e });
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
      signal?.removeEventListener('abort', onAbort);
      if (stopped) c.closeSync();
      else this.release(c);
    }
  }

  async dataVersion(): Promise<number> {
    const rows = await this.query<{ v: bigint | null }>('SELECT max(load_id) AS v FROM uprate_loads');
    return Number(rows[0]?.v ?? 0);
  }

  async schemaVersion(): Promise<number> {
    const exists = await this.query(
      `SELECT 1 FROM information_schema.tables WHERE table_name = 'uprate_migrations'`,
    );
    if (exists.length === 0) return 0;
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

  async migrate(): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run(`CREATE TABLE IF NOT EXISTS uprate_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
      const current = await this.schemaVersion();
      if (current > LATEST_VERSION) throw newerSchema(this.target, current);
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        await c.run('BEGIN TRANSACTION');
        try {
          for (const statement of m.sql) await c.run(statement);
          await c.run('INSERT INTO uprate_migrations VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name]);
          await c.run('COMMIT');
        } catch (e) {
          await c.run('ROLLBACK');
          throw new UprateError('DB_ERROR', `migration ${m.version} (${m.name}) failed: ${errorMessage(e)}`, {
            location: this.target,
            cause: e,
          });
        }
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
