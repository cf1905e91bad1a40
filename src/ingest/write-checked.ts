import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSpec } from '../core/schema.js';
import { sqlString } from '../store/sql-literal.js';
import type { BulkFileFormat } from '../store/store.js';
import { allRowsSql, loadLog, openTable, plainRowsSql, typedColumns, type CheckedTable } from './check-rows.js';
import type { IngestTablesOptions, TableFiles } from './ingest-options.js';
import type { SourceFormat } from './source-format.js';
import { firstRow, withProgress } from './statement-progress.js';

/** The CSV a server engine reads unless it names its own ({@link BulkLoad}): the typed columns and a header. */
export function defaultFileFormat(spec: TableSpec): BulkFileFormat {
  return { columns: spec.columns.map((c) => ({ name: c.name, sql: c.name })), header: true };
}

/** Rows written for a store, and the files that hold them. */
export interface WrittenRows {
  readonly rows: number;
  readonly files: readonly string[];
}

/** A table checked and written in one pass: what the checking pass answers, and the files. */
export interface WrittenTable {
  readonly table: CheckedTable;
  readonly written: WrittenRows;
  readonly format: BulkFileFormat;
}

/**
 * The smallest file a split writes: DuckDB starts a new file whenever one has reached the size, and
 * a size no larger than the header makes it write header-only files without end.
 */
export const MIN_FILE_BYTES = 1024;

/**
 * Writes typed rows (`rowsSql`, columns named as the table's) in a store's format into `dir`:
 * one file, or files of about `format.fileBytes` each.
 */
export async function writeInFormat(c: DuckDBConnection, rowsSql: string, format: BulkFileFormat, dir: string): Promise<WrittenRows> {
  const select = format.columns.map((col) => `${col.sql} AS ${col.name}`).join(', ');
  // DuckDB makes the folder a COPY writes several files into, but not the folders above it.
  await mkdir(format.fileBytes ? dirname(dir) : dir, { recursive: true });
  const target = format.fileBytes ? dir : join(dir, 'rows.csv');
  const options = [
    'FORMAT csv',
    `HEADER ${format.header}`,
    "DELIMITER ','",
    `QUOTE '"'`,
    `ESCAPE '"'`,
    ...(format.copyOptions ? [format.copyOptions] : []),
    ...(format.fileBytes ? [`FILE_SIZE_BYTES ${Math.max(MIN_FILE_BYTES, Math.round(format.fileBytes))}`] : []),
    'RETURN_FILES',
  ].join(', ');
  const reader = await c.runAndReadAll(`COPY (SELECT ${select} FROM (${rowsSql})) TO ${sqlString(target)} (${options})`);
  const row = reader.getRowObjectsJS()[0] ?? {};
  const files = Array.isArray(row['Files']) ? row['Files'].map(String) : [];
  return { rows: Number(row['Count'] ?? 0), files };
}

/**
 * Raised inside the one-pass COPY by the first row that breaks a rule: the pass stops there, and
 * the checking pass describes the bad rows as it always has.
 */
const BAD_ROW = 'uprate: a row breaks the data model rules';

/**
 * Checks one table's files and writes its rows in the store's format in the same statement, so
 * the files are read once. It only finishes for files without a bad row — the usual load;
 * otherwise it answers `undefined`, and the checking pass (which names the bad rows or writes the
 * reject file) runs instead. Any other failure answers `undefined` too: that pass then meets it
 * again and reports it as before. Whether a key repeats is known only once the written keys are
 * read back ({@link keysUnique}).
 */
export async function checkAndWrite(
  c: DuckDBConnection,
  load: TableFiles,
  formats: readonly SourceFormat[],
  options: IngestTablesOptions,
  format: BulkFileFormat,
  dir: string,
): Promise<WrittenTable | undefined> {
  try {
    const opened = await openTable(c, load, formats, options, format.limits);
    const { spec, sources } = opened;
    const good = `SELECT ${typedColumns(spec)} FROM (${allRowsSql(opened)}) WHERE CASE WHEN err = 0 THEN TRUE ELSE error('${BAD_ROW}') END`;
    const written = await withProgress(c, spec.name, 'checking', options.onProgress, sources, () => unordered(c, () => writeInFormat(c, good, format, dir)));
    const table: CheckedTable = {
      ...opened,
      rowsRead: written.rows,
      rejected: 0,
      expected: written.rows,
      rowsSql: plainRowsSql(opened),
      log: loadLog(load, options, written.rows, 0),
    };
    return { table, written, format };
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` with DuckDB free to write rows in any order, which lets every thread write at once.
 * Only for statements that number nothing: line numbers come from the order rows are read in.
 */
async function unordered<T>(c: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await c.run('SET preserve_insertion_order = false');
  try {
    return await fn();
  } finally {
    await c.run('RESET preserve_insertion_order');
  }
}

/**
 * Whether every key of a table's written rows is distinct: read back from the files (their key
 * column only matters), not from the source, so the source is still read once.
 */
export async function keysUnique(c: DuckDBConnection, { table, format, written }: WrittenTable): Promise<boolean> {
  const spec = table.spec;
  if (written.rows < 2) return true;
  const columns = format.columns.map((col) => `${sqlString(col.name)}: 'VARCHAR'`).join(', ');
  const files = `[${written.files.map(sqlString).join(', ')}]`;
  const answer = await firstRow(
    c,
    `SELECT count(*) AS n, count(DISTINCT ${spec.key}) AS keys
     FROM read_csv(${files}, header = ${format.header}, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`,
  );
  if (Number(answer['n']) !== written.rows) {
    throw new Error(`the ${written.rows} ${spec.name} rows written read back as ${String(answer['n'])}`);
  }
  return Number(answer['keys']) === written.rows;
}
