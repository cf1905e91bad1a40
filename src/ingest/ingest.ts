import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError } from '../core/errors.js';
import type { TableName } from '../core/schema.js';
import { DuckDbStore } from '../store/duckdb-store.js';
import { sqlString } from '../store/sql-literal.js';
import { isBulkLoadingStore, type BulkLoad, type BulkLoadingStore, type LoadCounts, type Store } from '../store/store.js';
import { checkedRows, checkTable, type CheckedTable } from './check-rows.js';
import { mergeTables } from './duckdb-merge.js';
import { checkFilesExist, listed } from './files-exist.js';
import type { IngestOptions, IngestProgress, IngestSummary, IngestTablesOptions, TableFiles } from './ingest-options.js';
import { invalidRows } from './invalid-rows.js';
import { writeRejects } from './reject-file.js';
import { checkSource, formatFromName, type SourceFormat } from './source-format.js';
import { inputChanged, withProgress } from './statement-progress.js';

export type { CheckedRows, IngestOptions, IngestProgress, IngestSummary, IngestTablesOptions, RowError, TableFiles } from './ingest-options.js';

/** The order tables load in: customers before the offers that refer to them. */
export const LOAD_ORDER: readonly TableName[] = ['customers', 'offers'];

/**
 * Loads the files of one or more tables, all or nothing across every table, in two streaming
 * passes over the files (nothing is staged in memory). First every file of every table is
 * checked — every row, before anything is written; then every table is written and committed
 * together: on DuckDB and PostgreSQL one transaction, on ClickHouse one set of commit markers.
 * One bad row anywhere and nothing of any file is written (unless a reject file takes the bad
 * rows of all tables); within a table the last occurrence of a key wins, and a row stored with
 * the same values is left as it is (unchanged), so loading the same files twice changes nothing.
 *
 * Every engine gets the same checks: the files are read and checked by DuckDB (the store itself,
 * or an in-memory one for a server engine), and a server engine receives the good rows, already
 * de-duplicated, as one bulk load per table, committed together ({@link BulkLoadingStore}).
 *
 * Answers one summary per table, in load order: customers first, then offers.
 *
 * @example
 *   const [customers, offers] = await ingestTables(store, [
 *     { table: 'customers', files: ['customers.csv'] },
 *     { table: 'offers', files: ['offers.csv'] },
 *   ], { rejectFile: 'rejects.csv' });
 */
export async function ingestTables(store: Store, tables: readonly TableFiles[], options: IngestTablesOptions = {}): Promise<IngestSummary[]> {
  const started = performance.now();
  const loads = inLoadOrder(tables);
  checkFilesExist(loads.flatMap((t) => t.files));
  const formats = loads.map((t) =>
    t.files.map((f) => {
      const format = options.format ?? formatFromName(f);
      checkSource(f, format);
      return format;
    }),
  );
  // Before a row is read: a read-only store refuses at once, naming the feature.
  await store.ensureOwnTables(options.via === 'demo' ? 'demo load' : 'ingest');
  let checked: CheckedTable[] = [];
  let written: LoadCounts[];
  try {
    if (store instanceof DuckDbStore) {
      written = await store.withConnection(async (c) => {
        checked = await checkAll(c, loads, formats, options);
        return mergeTables(c, checked, options.onProgress);
      });
    } else if (isBulkLoadingStore(store)) {
      written = await throughChecker(async (c, scratch) => {
        checked = await checkAll(c, loads, formats, options);
        return sendRows(c, store, checked, scratch, options);
      });
    } else {
      throw new UprateError('ENGINE_UNAVAILABLE', `the ${store.engine} store at ${store.target} cannot load files yet`, { hint: 'load the files with another engine, or use --engine duckdb' });
    }
  } catch (e) {
    throw checked.length > 1 ? noneLoaded(e, loads) : e;
  }
  const seconds = (performance.now() - started) / 1000;
  return checked.map((t, i) => {
    const counts = written[i];
    if (!counts) throw new Error(`the ${store.engine} store answered ${written.length} load counts for ${checked.length} tables`);
    options.onProgress?.({ table: t.spec.name, phase: 'done', percent: 100, rows: t.rowsRead });
    return {
      table: t.spec.name,
      files: t.load.files,
      rowsRead: t.rowsRead,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: t.rejected,
      seconds,
      rowsPerSecond: seconds > 0 ? t.rowsRead / seconds : t.rowsRead,
      ...(options.rejectFile && t.rejected > 0 ? { rejectFile: options.rejectFile } : {}),
    };
  });
}

/**
 * Loads files into one table, all or nothing: {@link ingestTables} with one table.
 *
 * @example
 *   const summary = await ingestFiles(store, { table: 'offers', files: ['offers.csv'] });
 */
export async function ingestFiles(store: Store, options: IngestOptions): Promise<IngestSummary> {
  const { table, files, replace, admit, ...shared } = options;
  const [summary] = await ingestTables(store, [{ table, files, ...(replace === undefined ? {} : { replace }), ...(admit ? { admit } : {}) }], shared);
  if (!summary) throw new Error('ingestTables answered no summary for one table');
  return summary;
}

/** The tables customers first; a table named twice, or one without files, is refused. */
function inLoadOrder(tables: readonly TableFiles[]): TableFiles[] {
  if (tables.length === 0 || tables.some((t) => t.files.length === 0)) {
    throw new UprateError('BAD_ARGUMENT', 'no input file given', { hint: 'name one or more files' });
  }
  const twice = tables.find((t, i) => tables.findIndex((u) => u.table === t.table) !== i);
  if (twice) {
    throw new UprateError('BAD_ARGUMENT', `table ${twice.table} is named twice in one load`, { hint: `list all of its files once: { table: '${twice.table}', files: [...] }` });
  }
  return [...tables].sort((a, b) => LOAD_ORDER.indexOf(a.table) - LOAD_ORDER.indexOf(b.table));
}

/**
 * The checking pass over every table, before anything is written: bad rows anywhere stop the
 * load with one error naming them (or go to the reject file), then the admit checks run.
 */
async function checkAll(c: DuckDBConnection, loads: readonly TableFiles[], formats: readonly (readonly SourceFormat[])[], options: IngestTablesOptions): Promise<CheckedTable[]> {
  const tables: CheckedTable[] = [];
  for (const [i, load] of loads.entries()) tables.push(await checkTable(c, load, formats[i] ?? [], options));
  if (tables.some((t) => t.rejected > 0)) {
    if (!options.rejectFile) throw await invalidRows(c, tables, options.maxErrors ?? 20, options.via);
    await writeRejects(c, tables, options.rejectFile);
  }
  for (const t of tables) if (t.load.admit) await t.load.admit(checkedRows(c, t));
  return tables;
}

/**
 * A failure while several tables were written: the store rolled every one back (or, on
 * ClickHouse, committed none), and the message says so before it says which table failed.
 */
function noneLoaded(e: unknown, loads: readonly TableFiles[]): unknown {
  // A server that went away may have committed before it did: "nothing was loaded" is not known then.
  if (!(e instanceof UprateError) || e.code === 'INVALID_ROWS' || e.code === 'ENGINE_UNAVAILABLE') return e;
  const files = loads.flatMap((t) => t.files);
  return new UprateError(e.code, `nothing of ${listed(files)} was loaded: ${e.message}`, { ...(e.location ? { location: e.location } : {}), ...(e.hint ? { hint: e.hint } : {}), details: e.details, cause: e.cause ?? e });
}

/** Runs `fn` on a private in-memory DuckDB whose spill files and scratch files share one temp folder. */
async function throughChecker<T>(fn: (c: DuckDBConnection, scratch: string) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), 'uprate-load-'));
  const checker = await DuckDbStore.open(':memory:');
  try {
    await checker.run(`SET temp_directory = ${sqlString(join(scratch, 'spill'))}`);
    return await checker.withConnection((c) => fn(c, scratch));
  } finally {
    await checker.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes each table's good rows as CSV (the {@link BulkLoad} format) and hands them all to the server engine at once. */
async function sendRows(c: DuckDBConnection, store: BulkLoadingStore, tables: readonly CheckedTable[], scratch: string, options: IngestTablesOptions): Promise<LoadCounts[]> {
  const onProgress = options.onProgress;
  const loads: BulkLoad[] = [];
  for (const t of tables) {
    const file = join(scratch, `${t.spec.name}.csv`);
    // Writing the file is the first fifth of the loading phase, sending it the rest.
    const scaled = onProgress ? (p: IngestProgress) => onProgress({ ...p, percent: p.percent / 5 }) : undefined;
    const written = await withProgress(c, t.spec.name, 'loading', scaled, t.sources, async () =>
      Number((await c.run(`COPY (${t.rowsSql}) TO ${sqlString(file)} (HEADER, DELIMITER ',')`)).rowsChanged),
    );
    if (written !== t.expected) throw inputChanged(t.expected, written);
    loads.push({
      table: t.spec,
      file,
      rows: written,
      replace: t.load.replace ?? false,
      log: t.log,
      ...(onProgress ? { onProgress: (f: number) => onProgress({ table: t.spec.name, phase: 'loading', percent: 20 + 80 * f, rows: Math.round(f * written) }) } : {}),
    });
  }
  return store.bulkLoad(loads);
}
