import type { TableSpec } from '../core/schema.js';
import type { OwnTablesFeature } from './own-tables.js';

/**
 * What the rest of uprate needs from a database: run SQL with bound parameters and read rows back.
 * Writing SQL is not running SQL (STYLE habit 1): callers build text + params, a store executes.
 */
export type SqlValue = string | number | boolean | null | Date | bigint;
export type Row = Record<string, unknown>;

/** One statement inside a transaction (rows as plain JS values). */
export type Exec = (sql: string, params?: readonly SqlValue[]) => Promise<Row[]>;

/** How long a statement may run, and a signal that cancels it (the client went away). */
export interface QueryOptions {
  /** Cancel the statement in the engine after this many milliseconds (UprateError QUERY_TIMEOUT). */
  readonly timeoutMs?: number;
  /** Aborting cancels the statement in the engine (UprateError QUERY_CANCELLED). */
  readonly signal?: AbortSignal;
  /**
   * Exact decimals (DuckDB DECIMAL, PostgreSQL numeric, ClickHouse Decimal) as the engine's own
   * text (`"0.17334181869608259086"`), never through a double: what the Cube API sends. Without
   * it they come back as numbers. Doubles are numbers either way.
   */
  readonly exactDecimals?: boolean;
}

export interface Store {
  readonly engine: 'duckdb' | 'postgres' | 'clickhouse';
  /** A human name for messages: the file path or the server URL without credentials. */
  readonly target: string;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /**
   * A counter that moves whenever data changes: result caches key on it. It is the newest load of
   * uprate's load log; without one (the user's own tables, nothing loaded through uprate) it moves
   * every 10 seconds, as Cube's default refresh key does (own-tables.ts `timeVersion`).
   */
  dataVersion(): Promise<number>;
  /**
   * Where reading the rollup registry costs a round trip of its own (ClickHouse): the data version
   * and a key that moves whenever the registry's rows change, read in one statement, so the
   * registry is read again only when it changed. Only called once the registry exists.
   */
  rollupRegistryKey?(): Promise<{ readonly version: number; readonly registry: string }>;
  /**
   * When the newest load in uprate's load log (`uprate_loads`) was committed; null without a load
   * log (a model over the user's own tables) or before the first load. The dashboard's "last load".
   */
  lastLoad(): Promise<Date | null>;
  /**
   * True when uprate creates and writes nothing in this database: opened with `--read-only` (or
   * by a command that only reads), or — PostgreSQL — the user may not create uprate's tables.
   */
  readonly readOnly: boolean;
  /** Why the store is read-only and which features that turns off (one sentence for the log); undefined when writable. */
  readonly readOnlyReason: string | undefined;
  /** The features a read-only store turns off (empty when writable). */
  readonly featuresOff: readonly OwnTablesFeature[];
  /**
   * Readies uprate's own tables for `feature`, creating what is missing (idempotent): ingest and
   * the demo load get the load tables (a migration to the latest version); alert history gets the
   * place its tables go (PostgreSQL: uprate's schema), src/alerts creating the alert tables. On a
   * read-only store: UprateError READ_ONLY naming the feature, why, and the fix.
   *
   * @example
   *   await store.ensureOwnTables('ingest');
   */
  ensureOwnTables(feature: OwnTablesFeature): Promise<void>;
  close(): Promise<void>;
}

/**
 * Validated, de-duplicated rows handed to a server engine (PostgreSQL, ClickHouse) to load in one
 * go. Ingest checks files in an embedded DuckDB and writes the good rows as CSV in the store's
 * {@link BulkFileFormat} (or the default: a header, the table's columns in schema order, NULL as
 * an empty unquoted field — no value is ever the empty string: ingest turns those into NULL —
 * timestamps as UTC wall time `YYYY-MM-DD HH:MM:SS[.ffffff]`, decimals with a `.` point). Keys
 * are unique over the files.
 */
export interface BulkLoad {
  readonly table: TableSpec;
  /** The rows, in one or more files (each whole rows; {@link BulkFileFormat.fileBytes}). */
  readonly files: readonly string[];
  /** Rows in the files (the store checks it loaded exactly these). */
  readonly rows: number;
  /** The format the files are in: one the store answered from {@link BulkLoadingStore.bulkFileFormat}, or the default. */
  readonly format?: BulkFileFormat;
  /** Replace every stored row of the table (the demo) instead of upserting by key. */
  readonly replace: boolean;
  /**
   * Settles when checks still running on the files have passed (ingest reads the written keys
   * back while the store receives the rows); rejects to stop the load. The store waits for it
   * before it writes anything visible, and on a rejection loads nothing, as on its own failure.
   */
  readonly verified?: Promise<void>;
  /** What the load log (`uprate_loads`) records. */
  readonly log: { readonly source: string; readonly via: string; readonly rowsRead: number; readonly rejected: number };
  /** Share of the rows sent so far, 0–1. */
  readonly onProgress?: (fraction: number) => void;
  /** How the load's upkeep of the rollups goes (the store calls the first load's of a call). */
  readonly onRollups?: (upkeep: RollupsUpkeep) => void;
}

/**
 * How far a load's upkeep of its rollups has come: `done` of the `total` it keeps current, the one
 * it works on now (`rollup`), and once all are kept, the seconds they took (`seconds`: the load's
 * time on them, planning and refreshing, without the rows' own writing).
 */
export interface RollupsUpkeep {
  readonly done: number;
  readonly total: number;
  readonly rollup?: string;
  readonly seconds?: number;
}

/**
 * The CSV a store's bulk load reads, written by DuckDB straight from the checked rows in the pass
 * that checks them, so the files are read once and nothing converts them afterwards. Fields are
 * separated by `,`, quoted and escaped with `"`.
 */
export interface BulkFileFormat {
  /**
   * The file's columns in order, each as DuckDB SQL over one checked row whose typed columns carry
   * the table's column names; the table's key is among them under its own name.
   */
  readonly columns: readonly { readonly name: string; readonly sql: string }[];
  /** Whether the first line names the columns. */
  readonly header: boolean;
  /** More DuckDB COPY options (NULLSTR, FORCE_QUOTE, …), after `FORMAT csv, HEADER …`. */
  readonly copyOptions?: string;
  /** Cut the rows into files of about this many bytes (each whole rows), e.g. one request each. */
  readonly fileBytes?: number;
  /** Values the store cannot hold: checked as rules of the rows, so a row with one is a bad row like any other. */
  readonly limits?: readonly ValueLimit[];
}

/** A value a store cannot hold (ClickHouse's DateTime before 1970, say). */
export interface ValueLimit {
  readonly column: string;
  /** What the value must be, as the user reads it. */
  readonly rule: string;
  /** SQL that is true when the column's typed value, the SQL `value`, cannot be stored. */
  refuses(value: string): string;
}

/**
 * What one load did to its table: rows added under a new key, stored rows that changed, and
 * stored rows left as they were (their key was stored with every value equal, NULL equal to NULL).
 */
export interface LoadCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * A store that loads {@link BulkLoad}s all or nothing: every load of one call, with its log entry,
 * commits together (one transaction, or on ClickHouse one set of commit markers), in the order
 * given; when one fails, none is loaded. Answers one {@link LoadCounts} per load, in order.
 *
 * @example
 *   const [customers, offers] = await store.bulkLoad([customersLoad, offersLoad]);
 */
export interface BulkLoadingStore extends Store {
  /** The format this store loads fastest, for one table's load (without it: the default CSV of {@link BulkLoad}). */
  bulkFileFormat?(table: TableSpec): BulkFileFormat;
  bulkLoad(loads: readonly BulkLoad[]): Promise<LoadCounts[]>;
}

export function isBulkLoadingStore(store: Store): store is BulkLoadingStore {
  return typeof (store as Partial<BulkLoadingStore>).bulkLoad === 'function';
}
