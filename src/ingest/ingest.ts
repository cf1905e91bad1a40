import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError } from '../core/errors.js';
import { tableSpec, type TableName, type TableSpec } from '../core/schema.js';
import { registryChanged } from '../rollups/index.js';
import { DuckDbStore, mergeTables } from '../engines/duckdb/index.js';
import { sqlString } from '../store/sql-literal.js';
import { isBulkLoadingStore, type BulkFileFormat, type BulkLoad, type BulkLoadingStore, type LoadCounts, type RollupsUpkeep, type Store, type ValueLimit } from '../store/store.js';
import { checkedRows, checkTable, type CheckedTable } from './check-rows.js';
import { checkFilesExist, listed } from './files-exist.js';
import type { IngestOptions, IngestProgress, IngestSummary, IngestTablesOptions, TableFiles } from './ingest-options.js';
import { invalidRows } from './invalid-rows.js';
import { writeRejects } from './reject-file.js';
import { checkSource, formatFromName, type SourceFormat } from './source-format.js';
import { inputChanged, withProgress } from './statement-progress.js';
import { checkAndWrite, defaultFileFormat, keysUnique, writeInFormat, type WrittenRows, type WrittenTable } from './write-checked.js';

export type { CheckedRows, IngestOptions, IngestProgress, IngestSummary, IngestTablesOptions, RowError, TableFiles } from './ingest-options.js';

/** The order tables load in: customers before the offers that refer to them. */
export const LOAD_ORDER: readonly TableName[] = ['customers', 'offers'];

/**
 * Loads the files of one or more tables, all or nothing across every table, streaming (nothing is
 * staged in memory). First every file of every table is checked — every row, before anything is
 * written; then every table is written and committed together: on DuckDB and PostgreSQL one
 * transaction, on ClickHouse one set of commit markers. For a server engine the usual load (no
 * bad row, no repeated key) is checked and written in the engine's own format in one pass over
 * the files; any other load takes a checking pass and a writing pass.
 * One bad row anywhere and nothing of any file is written (unless a reject file takes the bad
 * rows of all tables); within a table the last occurrence of a key wins, and a row stored with
 * the same values is left as it is (unchanged), so loading the same files twice changes nothing.
 *
 * Every engine gets the same checks: the files are read and checked by DuckDB (the store itself,
 * or an in-memory one for a server engine), and a server engine receives the good rows, already
 * de-duplicated, as one bulk load per table, committed together ({@link BulkLoadingStore}). A
 * server engine adds the limits of what it can hold (ClickHouse's DateTime range): a row past
 * one is a bad row like any other.
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
  // The load's upkeep of the rollups: shown as it goes, and what it came to in each table's summary.
  let rollups: IngestSummary['rollups'];
  const onRollups = (u: RollupsUpkeep) => {
    if (u.seconds !== undefined) rollups = { kept: u.total, seconds: u.seconds };
    const table = checked.at(-1)?.spec.name;
    if (table && u.rollup) options.onProgress?.({ table, phase: 'rollups', percent: (100 * u.done) / Math.max(1, u.total), rollup: u.rollup });
  };
  try {
    if (store instanceof DuckDbStore) {
      written = await store.withConnection(async (c) => {
        checked = await checkAll(c, loads, formats, options);
        // The data version (and the rollups) move at the commit: queries read them afresh from then on.
        return mergeTables(c, checked, options.onProgress, () => registryChanged(store), onRollups);
      });
    } else if (isBulkLoadingStore(store)) {
      written = await throughChecker(async (c, scratch) => {
        const onePass = join(scratch, 'one-pass');
        const fast = await checkAndWriteAll(c, store, loads, formats, options, onePass);
        if (fast) {
          checked = fast.map((w) => w.table);
          const loaded = await loadWritten(c, store, fast, { ...options, onRollups });
          if (loaded) return loaded;
        }
        // A bad row or a repeated key: the one pass's files go, and the two passes load as before.
        await rm(onePass, { recursive: true, force: true });
        checked = await checkAll(c, loads, formats, options, (spec) => fileFormat(store, spec).limits);
        return sendRows(c, store, checked, scratch, { ...options, onRollups });
      });
    } else {
      throw new UprateError('ENGINE_UNAVAILABLE', `the ${store.engine} store at ${store.target} cannot load files yet`, { hint: 'load the files with another engine, or use --engine duckdb' });
    }
  } catch (e) {
    throw checked.length > 1 ? noneLoaded(e, loads) : e;
  } finally {
    // The load moved the data version (and maybe the rollups): queries read both afresh.
    registryChanged(store);
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
      ...(rollups ? { rollups } : {}),
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
 * The checking pass over every table, before anything is written: bad rows anywhere (a broken
 * rule, or a value the store cannot hold) stop the load with one error naming them (or go to the
 * reject file), then the admit checks run.
 */
async function checkAll(
  c: DuckDBConnection,
  loads: readonly TableFiles[],
  formats: readonly (readonly SourceFormat[])[],
  options: IngestTablesOptions,
  limits: (spec: TableSpec) => readonly ValueLimit[] | undefined = () => [],
): Promise<CheckedTable[]> {
  const tables: CheckedTable[] = [];
  for (const [i, load] of loads.entries()) tables.push(await checkTable(c, load, formats[i] ?? [], options, limits(tableSpec(load.table)) ?? []));
  if (tables.some((t) => t.rejected > 0)) {
    if (!options.rejectFile) throw await invalidRows(c, tables, options.maxErrors ?? 20, options.via);
    await writeRejects(c, tables, options.rejectFile);
  }
  await admitAll(c, tables);
  return tables;
}

/** The admit checks of every table, on the checked rows, before anything is written. */
async function admitAll(c: DuckDBConnection, tables: readonly CheckedTable[]): Promise<void> {
  for (const t of tables) if (t.load.admit) await t.load.admit(checkedRows(c, t));
}

/**
 * The usual load in one pass over the files: every table checked and written in the store's
 * format at once ({@link checkAndWrite}). Answers undefined when any table has a bad row or a
 * repeated key: then {@link checkAll} and {@link sendRows} load the files as before.
 */
async function checkAndWriteAll(
  c: DuckDBConnection,
  store: BulkLoadingStore,
  loads: readonly TableFiles[],
  formats: readonly (readonly SourceFormat[])[],
  options: IngestTablesOptions,
  dir: string,
): Promise<WrittenTable[] | undefined> {
  const tables: WrittenTable[] = [];
  for (const [i, load] of loads.entries()) {
    const format = fileFormat(store, tableSpec(load.table));
    const written = await checkAndWrite(c, load, formats[i] ?? [], options, format, join(dir, load.table));
    if (!written) return undefined;
    tables.push(written);
  }
  return tables;
}

/**
 * Hands tables written in one pass to the store while their keys are read back, and the store
 * makes nothing visible before every key is known to be distinct. Answers undefined when a key
 * repeats: the store then loaded nothing, and the checking pass keeps each key's last row.
 */
async function loadWritten(c: DuckDBConnection, store: BulkLoadingStore, tables: readonly WrittenTable[], options: LoadOptions): Promise<LoadCounts[] | undefined> {
  await admitAll(c, tables.map((w) => w.table));
  const unique = (async () => {
    for (const w of tables) if (!(await keysUnique(c, w))) return false;
    return true;
  })().catch(() => false);
  const verified = unique.then((ok) => {
    if (!ok) throw new Error('a key repeats in the rows written');
  });
  // The store may fail before it waits for the verdict; the rejection is still seen below.
  verified.catch(() => undefined);
  try {
    return await store.bulkLoad(tables.map((w) => bulkLoadOf(w.table, w.written, w.format, options, 0, verified)));
  } catch (e) {
    if (!(await unique)) return undefined;
    throw e;
  }
}

/** The format a store reads its bulk loads in: its own, or the default CSV. */
function fileFormat(store: BulkLoadingStore, spec: TableSpec): BulkFileFormat {
  return store.bulkFileFormat?.(spec) ?? defaultFileFormat(spec);
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

/** Writes each table's good rows in the store's format and hands them all to the server engine at once. */
async function sendRows(c: DuckDBConnection, store: BulkLoadingStore, tables: readonly CheckedTable[], scratch: string, options: LoadOptions): Promise<LoadCounts[]> {
  const loads: BulkLoad[] = [];
  for (const t of tables) {
    const format = fileFormat(store, t.spec);
    // Writing the files is the first fifth of the loading phase, sending them the rest.
    const scaled = options.onProgress ? (p: IngestProgress) => options.onProgress?.({ ...p, percent: p.percent / 5 }) : undefined;
    const written = await withProgress(c, t.spec.name, 'loading', scaled, t.sources, () => writeInFormat(c, t.rowsSql, format, join(scratch, t.spec.name)));
    if (written.rows !== t.expected) throw inputChanged(t.expected, written.rows);
    loads.push(bulkLoadOf(t, written, format, options, 20));
  }
  return store.bulkLoad(loads);
}

/** What a server engine's load is handed: the caller's options and where the load's upkeep of the rollups goes. */
type LoadOptions = IngestTablesOptions & { readonly onRollups?: (upkeep: RollupsUpkeep) => void };

/** One table's {@link BulkLoad}: its written files, the share sent reported from `from` % of the loading phase on. */
function bulkLoadOf(t: CheckedTable, written: WrittenRows, format: BulkFileFormat, options: LoadOptions, from = 0, verified?: Promise<void>): BulkLoad {
  const onProgress = options.onProgress;
  return {
    table: t.spec,
    files: written.files,
    rows: written.rows,
    format,
    ...(verified ? { verified } : {}),
    replace: t.load.replace ?? false,
    log: t.log,
    ...(onProgress ? { onProgress: (f: number) => onProgress({ table: t.spec.name, phase: 'loading', percent: from + (100 - from) * f, rows: Math.round(f * written.rows) }) } : {}),
    ...(options.onRollups ? { onRollups: options.onRollups } : {}),
  };
}
