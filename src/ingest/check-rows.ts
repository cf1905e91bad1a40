import type { DuckDBConnection } from '@duckdb/node-api';
import { tableSpec, type TableSpec } from '../core/schema.js';
import type { ValueLimit } from '../store/store.js';
import type { CheckedRows, IngestTablesOptions, TableFiles } from './ingest-options.js';
import { errorMaskExpression, raw, rowRules, typedExpression, type RowRule } from './rules.js';
import type { SourceFormat } from './source-format.js';
import { openSource, type Source } from './source-sql.js';
import { firstRow, withProgress } from './statement-progress.js';

/**
 * One table after the checking pass: how many rows were read and broke the rules, and the good
 * rows (one per key, the last occurrence winning) as SQL for the writing pass. Nothing is staged:
 * the SQL reads the files again.
 */
export interface CheckedTable {
  readonly load: TableFiles;
  readonly spec: TableSpec;
  readonly rules: readonly RowRule[];
  readonly sources: readonly Source[];
  /** The error mask of a row (`err`): one bit per broken rule, 0 for a good row. */
  readonly mask: string;
  readonly rowsRead: number;
  readonly rejected: number;
  /** Good rows, one per key: what the writing pass must store. */
  readonly expected: number;
  /** The typed good rows, one per key. */
  readonly rowsSql: string;
  /** What the load log records. */
  readonly log: LoadLog;
}

export interface LoadLog {
  readonly source: string;
  readonly via: string;
  readonly rowsRead: number;
  readonly rejected: number;
}

/** Every row of one file with `file_index` and its error mask `err` (and `line` when `numbered`: a window, so only when needed). */
export function checkedSql(t: Pick<CheckedTable, 'sources' | 'mask'>, index: number, numbered = false): string {
  const s = t.sources[index];
  if (!s) throw new Error(`no source ${index}`);
  return `SELECT ${index} AS file_index, *, ${t.mask} AS err FROM (${numbered ? s.numberedSql : s.selectSql})`;
}

/** One table's files opened for checking: its rules, its sources and the error mask over them. */
export type OpenedTable = Pick<CheckedTable, 'load' | 'spec' | 'rules' | 'sources' | 'mask'>;

/**
 * Opens a table's files (reading only headers or schemas) and builds the rules its rows must keep:
 * the data model's, then the store's `limits` on what it can hold.
 */
export async function openTable(
  c: DuckDBConnection,
  load: TableFiles,
  formats: readonly SourceFormat[],
  options: IngestTablesOptions,
  limits: readonly ValueLimit[] = [],
): Promise<OpenedTable> {
  const spec = tableSpec(load.table);
  const rules = [...rowRules(spec, options.maxFieldLength === undefined ? {} : { maxFieldLength: options.maxFieldLength }), ...limitRules(spec, limits)];
  const sources: Source[] = [];
  for (const [i, file] of load.files.entries()) sources.push(await openSource(c, spec, file, formats[i] ?? 'csv'));
  return { load, spec, rules, sources, mask: errorMaskExpression(rules) };
}

/** A store's limits as rules over the typed values. */
function limitRules(spec: TableSpec, limits: readonly ValueLimit[]): RowRule[] {
  return limits.map((l) => {
    const column = spec.columns.find((col) => col.name === l.column);
    if (!column) throw new Error(`${spec.name} has no column ${l.column}`);
    return { field: l.column, rule: l.rule, broken: l.refuses(typedExpression(column)) };
  });
}

/** Every row of every file, with `file_index` and its error mask `err`. */
export function allRowsSql(t: Pick<CheckedTable, 'sources' | 'mask'>): string {
  return t.sources.map((_, i) => checkedSql(t, i)).join(' UNION ALL ');
}

/** The typed columns, named as the table's, from rows of raw text columns. */
export function typedColumns(spec: TableSpec): string {
  return spec.columns.map((col) => `${typedExpression(col)} AS ${col.name}`).join(', ');
}

/** The checking pass over one table's files: one statement counts rows, bad rows and distinct good keys. */
export async function checkTable(
  c: DuckDBConnection,
  load: TableFiles,
  formats: readonly SourceFormat[],
  options: IngestTablesOptions,
  limits: readonly ValueLimit[] = [],
): Promise<CheckedTable> {
  const opened = await openTable(c, load, formats, options, limits);
  const { spec, sources } = opened;
  const all = allRowsSql(opened);
  const check = await withProgress(c, spec.name, 'checking', options.onProgress, sources, () =>
    firstRow(c, `SELECT count(*) AS n, count(*) FILTER (WHERE err <> 0) AS bad,
      count(DISTINCT ${raw(spec.key)}) FILTER (WHERE err = 0) AS keys FROM (${all})`),
  );
  const rowsRead = Number(check['n']);
  const rejected = Number(check['bad']);
  const good = rowsRead - rejected;
  const repeated = good - Number(check['keys']);
  const typed = typedColumns(spec);
  const rowsSql =
    repeated > 0
      ? // The last occurrence of a key wins; numbering the rows costs a window, so only when needed.
        `SELECT ${typed} FROM (${sources.map((_, i) => checkedSql(opened, i, true)).join(' UNION ALL ')}) WHERE err = 0
         QUALIFY row_number() OVER (PARTITION BY ${raw(spec.key)} ORDER BY file_index DESC, line DESC) = 1`
      : rejected === 0
        ? // With no bad row there is nothing to filter: the writing pass skips the rules.
          plainRowsSql(opened)
        : `SELECT ${typed} FROM (${all}) WHERE err = 0`;
  return { ...opened, rowsRead, rejected, expected: good - repeated, rowsSql, log: loadLog(load, options, rowsRead, rejected) };
}

/** The typed rows of files known to hold no bad row and no repeated key. */
export function plainRowsSql(t: Pick<CheckedTable, 'spec' | 'sources'>): string {
  return `SELECT ${typedColumns(t.spec)} FROM (${t.sources.map((s) => `SELECT * FROM (${s.selectSql})`).join(' UNION ALL ')})`;
}

export function loadLog(load: TableFiles, options: IngestTablesOptions, rowsRead: number, rejected: number): LoadLog {
  return { source: load.files.join(', ').slice(0, 1000), via: options.via ?? 'cli', rowsRead, rejected };
}

/** The good rows of a checked table, as an {@link TableFiles.admit} check sees them. */
export function checkedRows(c: DuckDBConnection, t: CheckedTable): CheckedRows {
  return {
    distinct: async (column) => {
      if (!t.spec.columns.some((col) => col.name === column)) throw new Error(`${t.spec.name} has no column ${column}`);
      const reader = await c.runAndReadAll(`SELECT DISTINCT CAST(${column} AS VARCHAR) AS v FROM (${t.rowsSql})`);
      return reader.getRowObjects().map((r) => (r['v'] === null || r['v'] === undefined ? null : String(r['v'])));
    },
  };
}
