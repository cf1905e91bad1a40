import type { DuckDBConnection } from '@duckdb/node-api';
import { tableSpec, type TableSpec } from '../core/schema.js';
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

/** The checking pass over one table's files: one statement counts rows, bad rows and distinct good keys. */
export async function checkTable(c: DuckDBConnection, load: TableFiles, formats: readonly SourceFormat[], options: IngestTablesOptions): Promise<CheckedTable> {
  const spec = tableSpec(load.table);
  const rules = rowRules(spec, options.maxFieldLength === undefined ? {} : { maxFieldLength: options.maxFieldLength });
  const sources: Source[] = [];
  for (const [i, file] of load.files.entries()) sources.push(await openSource(c, spec, file, formats[i] ?? 'csv'));
  const shape = { sources, mask: errorMaskExpression(rules) };
  const all = sources.map((_, i) => checkedSql(shape, i)).join(' UNION ALL ');
  const check = await withProgress(c, spec.name, 'checking', options.onProgress, sources, () =>
    firstRow(c, `SELECT count(*) AS n, count(*) FILTER (WHERE err <> 0) AS bad,
      count(DISTINCT ${raw(spec.key)}) FILTER (WHERE err = 0) AS keys FROM (${all})`),
  );
  const rowsRead = Number(check['n']);
  const rejected = Number(check['bad']);
  const good = rowsRead - rejected;
  const repeated = good - Number(check['keys']);
  const typed = spec.columns.map((col) => `${typedExpression(col)} AS ${col.name}`).join(', ');
  // With no bad row there is nothing to filter: the writing pass skips the rules.
  const plain = sources.map((s) => `SELECT * FROM (${s.selectSql})`).join(' UNION ALL ');
  const rowsSql =
    repeated > 0
      ? // The last occurrence of a key wins; numbering the rows costs a window, so only when needed.
        `SELECT ${typed} FROM (${sources.map((_, i) => checkedSql(shape, i, true)).join(' UNION ALL ')}) WHERE err = 0
         QUALIFY row_number() OVER (PARTITION BY ${raw(spec.key)} ORDER BY file_index DESC, line DESC) = 1`
      : rejected === 0
        ? `SELECT ${typed} FROM (${plain})`
        : `SELECT ${typed} FROM (${all}) WHERE err = 0`;
  return {
    load,
    spec,
    rules,
    ...shape,
    rowsRead,
    rejected,
    expected: good - repeated,
    rowsSql,
    log: { source: load.files.join(', ').slice(0, 1000), via: options.via ?? 'cli', rowsRead, rejected },
  };
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
