import { UprateError } from '../core/errors.js';
import { ENGINES, engineOfUrl, parseDatabaseUrl, redactUrl, type Engine } from './database-url.js';
import { DuckDbStore } from '../engines/duckdb/duckdb-store.js';
import type { FileSandbox } from '../engines/duckdb/file-sandbox.js';
import type { OwnTables } from './own-tables.js';
import { DEFAULT_TIMEOUT_MS, PostgresStore } from '../engines/postgres/postgres-store.js';
import type { Store } from './store.js';

/** Where the data lives, as every command takes it: `--engine`, `--url`, `--db`. */
export interface StoreOptions {
  /** `duckdb`, `postgres` or `clickhouse`; default: from the URL's scheme, else duckdb. */
  readonly engine?: string | undefined;
  /** A server URL (postgres://…, clickhouse://…?cluster=NAME); default UPRATE_DATABASE_URL. */
  readonly url?: string | undefined;
  /** The embedded DuckDB file (engine duckdb). */
  readonly db: string;
  /** Open read-only because the command only reads (report, query): nothing is said about it. */
  readonly readOnly?: boolean | undefined;
  /**
   * The user asked for read-only (`--read-only`): the store creates and writes nothing, says so
   * once through `onNotice`, and READ_ONLY errors name `--read-only`.
   */
  readonly readOnlyRequested?: boolean | undefined;
  /**
   * uprate's own tables: `create` them at open (default, as before), or `on-demand` — nothing is
   * created until a feature needs them (`Store.ensureOwnTables`: ingest, alert history, demo load).
   */
  readonly ownTables?: OwnTables | undefined;
  /** DuckDB: files a model's SQL reads in place, relative to `base`, only under `roots` (src/engines/duckdb/file-sandbox.ts). Ignored by server engines. */
  readonly files?: FileSandbox | undefined;
  /**
   * Hears, once at open, what the user should know: the store is read-only (asked for, or found
   * out — the user may not create uprate's tables) and which features that turns off; uprate's
   * tables kept in schema `public` of an older PostgreSQL database.
   */
  readonly onNotice?: ((message: string) => void) | undefined;
  /** Statement and connect timeout for server engines, ms (default UPRATE_DB_TIMEOUT_MS, else 30 000). */
  readonly timeoutMs?: number | undefined;
  /** The environment to read UPRATE_DATABASE_URL / UPRATE_DB_TIMEOUT_MS from (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

export type StoreChoice =
  | { readonly engine: 'duckdb'; readonly db: string }
  | { readonly engine: 'postgres' | 'clickhouse'; readonly url: string; readonly timeoutMs: number };

/** What a ClickHouse store module exports (src/engines/clickhouse/clickhouse-store.ts). */
interface ClickHouseModule {
  openClickHouseStore(url: string, options: { readOnly?: boolean; readOnlyWhy?: string; ownTables?: OwnTables; timeoutMs?: number }): Promise<Store>;
}

const URL_EXAMPLES: Readonly<Record<Exclude<Engine, 'duckdb'>, string>> = {
  postgres: 'postgres://USER:PASSWORD@HOST:5432/DATABASE (scripts/services/postgres.sh url prints a local one)',
  clickhouse: 'clickhouse://USER@HOST:8123/DATABASE?cluster=NAME (scripts/services/clickhouse.sh url prints a local one)',
};

/**
 * Decides the engine without opening anything. An explicit `--engine` wins; an explicit `--url`
 * must agree with it; UPRATE_DATABASE_URL is used only when its scheme fits (so
 * `--engine duckdb` still works with the variable set). Without either, the DuckDB file.
 */
export function chooseStore(options: StoreOptions): StoreChoice {
  const env = options.env ?? process.env;
  const explicit = options.engine?.trim().toLowerCase();
  if (explicit !== undefined && !(ENGINES as readonly string[]).includes(explicit)) {
    throw new UprateError('BAD_ARGUMENT', `--engine must be one of ${ENGINES.join(', ')}, not '${options.engine}'`, { location: '--engine' });
  }
  const fromEnv = env['UPRATE_DATABASE_URL']?.trim() || undefined;
  const url = options.url?.trim() || undefined;
  const where = url ? '--url' : 'UPRATE_DATABASE_URL';
  const given = url ?? fromEnv;
  const urlEngine = given ? engineOfUrl(given) : undefined;
  if (given && !urlEngine) {
    throw new UprateError('BAD_ARGUMENT', `${where} '${redactUrl(given)}' names no engine uprate knows`, {
      location: where,
      hint: `start it with postgres:// or clickhouse://, e.g. ${URL_EXAMPLES.postgres}`,
    });
  }
  const engine = (explicit as Engine | undefined) ?? urlEngine ?? 'duckdb';
  if (url && explicit && urlEngine !== explicit) {
    throw new UprateError('BAD_ARGUMENT', `--engine ${explicit} does not match --url '${redactUrl(url)}' (a ${urlEngine} URL)`, {
      location: '--url',
      hint: 'drop --engine (the URL says which engine), or give a URL for that engine',
    });
  }
  if (engine === 'duckdb') {
    // duckdb:PATH is accepted as a spelling of --db PATH.
    const path = given && urlEngine === 'duckdb' ? given.replace(/^duckdb:(\/\/)?/i, '') : '';
    return { engine, db: path || options.db };
  }
  const serverUrl = url ?? (urlEngine === engine ? fromEnv : undefined);
  if (!serverUrl) {
    throw new UprateError('BAD_ARGUMENT', `--engine ${engine} needs the server's URL`, {
      location: '--url',
      hint: `pass --url or set UPRATE_DATABASE_URL, e.g. ${URL_EXAMPLES[engine]}`,
    });
  }
  parseDatabaseUrl(serverUrl, where);
  return { engine, url: serverUrl, timeoutMs: options.timeoutMs ?? timeoutFromEnv(env) };
}

function timeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['UPRATE_DB_TIMEOUT_MS'];
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100) {
    throw new UprateError('BAD_ARGUMENT', `UPRATE_DB_TIMEOUT_MS must be a whole number of milliseconds (100 or more), not '${raw}'`, { location: 'UPRATE_DB_TIMEOUT_MS' });
  }
  return n;
}

/**
 * Opens the store the options name: the embedded DuckDB file by default, PostgreSQL or ClickHouse
 * by `--engine` / `--url` / UPRATE_DATABASE_URL. A read-write open creates uprate's own tables
 * (unless `ownTables: 'on-demand'`); PostgreSQL keeps them in schema `uprate`.
 *
 * @example
 *   const store = await openStore({ db: './uprate.duckdb', url: 'postgres://uprate:uprate@127.0.0.1:54329/uprate', ownTables: 'on-demand' });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const choice = chooseStore(options);
  const requested = options.readOnlyRequested ?? false;
  const readOnly = requested || (options.readOnly ?? false);
  const why = requested ? { readOnlyWhy: '--read-only' } : {};
  const ownTables = options.ownTables ?? 'create';
  const store = await (async (): Promise<Store> => {
    switch (choice.engine) {
      case 'duckdb':
        return DuckDbStore.open(choice.db, { readOnly, ...why, ownTables, ...(options.files ? { files: options.files } : {}) });
      case 'postgres':
        return PostgresStore.open(choice.url, { readOnly, ...why, ownTables, timeoutMs: choice.timeoutMs, ...(options.onNotice ? { onNotice: options.onNotice } : {}) });
      case 'clickhouse':
        return (await clickHouseModule()).openClickHouseStore(choice.url, { readOnly, ...why, ownTables, timeoutMs: choice.timeoutMs });
    }
  })();
  // Said once: read-only as asked, or found out (the command did not ask for it).
  if (store.readOnlyReason && (requested || !readOnly)) options.onNotice?.(store.readOnlyReason);
  return store;
}

/** Loaded on use, so DuckDB and PostgreSQL users never load the ClickHouse code. */
async function clickHouseModule(): Promise<ClickHouseModule> {
  return import('../engines/clickhouse/clickhouse-store.js');
}
