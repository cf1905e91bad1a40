import type { DuckDBConnection } from '@duckdb/node-api';
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
