import type { DuckDBConnection } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { UprateError, errorMessage } from '../core/errors.js';
import type { TableSpec } from '../core/schema.js';
import { sqlIdentifier, sqlString } from '../store/sql-literal.js';
import { mapColumns, type ColumnMapping } from './columns.js';
import { raw } from './rules.js';
import { guessDelimiter, readFirstLine, splitCsvLine, type SourceFormat } from './source-format.js';

/** One input file, resolved to SQL that yields its rows as text with a `line` number. */
export interface Source {
  readonly file: string;
  readonly format: SourceFormat;
  readonly mapping: ColumnMapping;
  /** SELECT r_<column>… for every table column (NULL where the file lacks it), in file order. */
  readonly selectSql: string;
  /** The same with a `line` column first: a window over the whole file, so only for error paths. */
  readonly numberedSql: string;
  /** How a row's position is named in messages: a line of a text file, or a record. */
  readonly position: 'line' | 'record';
  /** The file as it was opened (size, change time, inode): a load that reads it twice checks it is still the same before it commits. */
  readonly version: string;
}

/**
 * What identifies one version of a file: its size, its last modification and status change (in
 * nanoseconds) and its inode. A rewrite — in place or by a rename over it — changes one of them.
 */
export function fileVersion(file: string): string {
  const s = statSync(file, { bigint: true });
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
}

/**
 * Refuses a load whose file changed since it was opened: a writing pass that reads the file again
 * would store rows nobody checked (even as many as were checked).
 */
export function checkUnchanged(sources: readonly Pick<Source, 'file' | 'version'>[]): void {
  for (const source of sources) {
    let now: string;
    try {
      now = fileVersion(source.file);
    } catch (e) {
      now = `gone: ${errorMessage(e)}`;
    }
    if (now !== source.version) {
      throw new UprateError('FILE_FORMAT', `the input changed while it was being loaded: ${source.file} was modified after its rows were checked`, {
        hint: 'load a file that is not being written to (copy it first if another program writes it); nothing was stored',
        location: source.file,
      });
    }
  }
}

async function describeNames(c: DuckDBConnection, tableFunction: string, file: string): Promise<string[]> {
  try {
    const reader = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${tableFunction}`);
    return reader.getRowObjectsJS().map((r) => String(r['column_name']));
  } catch (e) {
    throw readError(file, e);
  }
}

/** Turns DuckDB's reader errors into a sentence naming the file (and line, where it says one). */
export function readError(file: string, e: unknown): UprateError {
  // DuckDB ends with uprate's own SQL (`LINE 1: SELECT … FROM read_csv('…')`) or reader options
  // and fixes (`Possible fixes: … strict_mode …`) that only uprate could change: the user gets the problem.
  const message = errorMessage(e).replace(/\n\s*(?:LINE \d+:|Possible fixes:)[\s\S]*$/, '').replace(/\s+/g, ' ');
  const line = /line[: ]+(\d+)/i.exec(message)?.[1];
  return new UprateError('FILE_FORMAT', `cannot read ${file}: ${message.slice(0, 400)}`, {
    location: line ? `${file}:${line}` : file,
    hint: 'check that the file is complete and in the format its name says',
    cause: e,
  });
}

function projection(spec: TableSpec, mapping: ColumnMapping, sourceRef: (name: string) => string): string {
  return spec.columns
    .map((col) => {
      const name = mapping.sourceName.get(col.name);
      return `${name === undefined ? 'NULL::VARCHAR' : sourceRef(name)} AS ${raw(col.name)}`;
    })
    .join(', ');
}

function selects(projection: string, reader: string, headerLines: number): Pick<Source, 'selectSql' | 'numberedSql'> {
  return {
    selectSql: `SELECT ${projection} FROM ${reader}`,
    numberedSql: `SELECT row_number() OVER () + ${headerLines} AS line, ${projection} FROM ${reader}`,
  };
}

/** Resolves a file to a text-typed row source; reads only its header or schema. */
export async function openSource(c: DuckDBConnection, spec: TableSpec, file: string, format: SourceFormat): Promise<Source> {
  // Taken before anything is read: any change from here on is caught before the commit.
  return { ...(await openUnversioned(c, spec, file, format)), version: fileVersion(file) };
}

async function openUnversioned(c: DuckDBConnection, spec: TableSpec, file: string, format: SourceFormat): Promise<Omit<Source, 'version'>> {
  const path = sqlString(file);
  if (format === 'csv') {
    const header = readFirstLine(file);
    const delimiter = guessDelimiter(header);
    const names = splitCsvLine(header, delimiter);
    const mapping = mapColumns(spec, names, file);
    // Own column names (c0, c1, …) so a header's spelling can never break the SQL.
    const columns = names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    const reader = `read_csv(${path}, header = true, auto_detect = false, delim = ${sqlString(delimiter)}, quote = '"', escape = '"', columns = {${columns}}, null_padding = false)`;
    const index = new Map(names.map((n, i) => [n, i]));
    const select = projection(spec, mapping, (n) => `c${index.get(n) ?? -1}`);
    return { file, format, mapping, position: 'line', ...selects(select, reader, 1) };
  }
  if (format === 'parquet') {
    const reader = `read_parquet(${path})`;
    const mapping = mapColumns(spec, await describeNames(c, reader, file), file);
    const select = projection(spec, mapping, (n) => `CAST(${sqlIdentifier(n)} AS VARCHAR)`);
    return { file, format, mapping, position: 'record', ...selects(select, reader, 0) };
  }
  const jsonFormat = format === 'ndjson' ? 'newline_delimited' : 'auto';
  const detected = await describeNames(c, `read_json(${path}, format = '${jsonFormat}')`, file);
  const mapping = mapColumns(spec, detected, file);
  const columns = [...mapping.sourceName.values()].map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ');
  const reader = `read_json(${path}, format = '${jsonFormat}', columns = {${columns}})`;
  const select = projection(spec, mapping, (n) => sqlIdentifier(n));
  return {
    file,
    format,
    mapping,
    position: format === 'ndjson' ? 'line' : 'record',
    ...selects(select, reader, 0),
  };
}
