import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import type { TableName, TableSpec } from '../core/schema.js';
import { tableSpec } from '../core/schema.js';
import type { DuckDbStore } from '../store/duckdb-store.js';
import { sqlString } from '../store/sql-literal.js';
import { brokenRules, errorMaskExpression, raw, reasonsExpression, rowRules, typedExpression, type RowRule } from './rules.js';
import { checkSource, formatFromName, type SourceFormat } from './source-format.js';
import { openSource, readError, type Source } from './source-sql.js';

export interface IngestOptions {
  readonly table: TableName;
  readonly files: readonly string[];
  /** Force a format instead of reading it from each file's name. */
  readonly format?: SourceFormat;
  /** Load the good rows and write the bad ones here, with their reasons (CSV). */
  readonly rejectFile?: string;
  /** A name for the load log, e.g. 'cli' or 'http'. */
  readonly via?: string;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** How many row errors to describe in full (the rest are counted). */
  readonly maxErrors?: number;
}

export interface IngestProgress {
  readonly phase: 'reading' | 'validating' | 'merging' | 'done';
  readonly file?: string;
  /** 0–100 within the phase, where the engine reports it. */
  readonly percent: number;
  readonly rows?: number;
}

export interface RowError {
  readonly file: string;
  /** `offers.csv:17` (text line) or `offers.parquet#17` (record number). */
  readonly location: string;
  readonly line: number;
  readonly field: string;
  readonly value: string | null;
  readonly rule: string;
}

export interface IngestSummary {
  readonly table: TableName;
  readonly files: readonly string[];
  readonly rowsRead: number;
  readonly inserted: number;
  readonly updated: number;
  readonly rejected: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly rejectFile?: string;
}

const STAGE = 'uprate_stage';

/**
 * Loads files into a table, all or nothing: every row is checked first; one bad row and nothing
 * is written (unless a reject file takes the bad rows). A row whose key is already stored
 * replaces the old row, and within a load the last occurrence wins, so re-loading is idempotent.
 */
export async function ingestFiles(store: DuckDbStore, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const spec = tableSpec(options.table);
  if (options.files.length === 0) throw new UprateError('BAD_ARGUMENT', 'no input file given', { hint: 'name one or more files' });
  const formats = options.files.map((f) => {
    const format = options.format ?? formatFromName(f);
    checkSource(f, format);
    return format;
  });
  const rules = rowRules(spec);
  return store.withConnection(async (c) => {
    await c.run(`DROP TABLE IF EXISTS ${STAGE}`);
    try {
      const sources: Source[] = [];
      for (const [i, file] of options.files.entries()) {
        const source = await openSource(c, spec, file, formats[i] ?? 'csv');
        sources.push(source);
        await stageSource(c, spec, rules, source, i, options.onProgress);
      }
      options.onProgress?.({ phase: 'validating', percent: 0 });
      const counts = await one(c, `SELECT count(*) AS n, count(*) FILTER (WHERE err <> 0) AS bad FROM ${STAGE}`);
      const rowsRead = Number(counts['n']);
      const rejected = Number(counts['bad']);
      if (rejected > 0) {
        if (!options.rejectFile) {
          const errors = await describeErrors(c, rules, sources, options.maxErrors ?? 20);
          throw invalidRows(spec, rejected, rowsRead, errors);
        }
        await writeRejects(c, spec, rules, sources, options.rejectFile);
      }
      options.onProgress?.({ phase: 'merging', percent: 0 });
      const { inserted, updated } = await merge(c, spec, {
        source: options.files.join(', ').slice(0, 1000),
        via: options.via ?? 'cli',
        rowsRead,
        rejected,
      });
      const seconds = (performance.now() - started) / 1000;
      options.onProgress?.({ phase: 'done', percent: 100, rows: rowsRead });
      return {
        table: spec.name,
        files: options.files,
        rowsRead,
        inserted,
        updated,
        rejected,
        seconds,
        rowsPerSecond: seconds > 0 ? rowsRead / seconds : rowsRead,
        ...(options.rejectFile && rejected > 0 ? { rejectFile: options.rejectFile } : {}),
      };
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${STAGE}`);
    }
  });
}

async function one(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
  return rows[0] ?? {};
}

/** Reads one file into the stage table: typed values, line numbers, and each row's error mask. */
async function stageSource(
  c: DuckDBConnection,
  spec: TableSpec,
  rules: readonly RowRule[],
  source: Source,
  fileIndex: number,
  onProgress: IngestOptions['onProgress'],
): Promise<void> {
  const typed = spec.columns.map((col) => `${typedExpression(col)} AS ${col.name}`).join(', ');
  const select = `SELECT ${fileIndex} AS file_index, line, ${typed}, ${errorMaskExpression(rules)} AS err FROM (${source.selectSql})`;
  const sql = fileIndex === 0 ? `CREATE TEMP TABLE ${STAGE} AS ${select}` : `INSERT INTO ${STAGE} ${select}`;
  const timer = onProgress
    ? setInterval(() => {
        const p = c.progress;
        onProgress({ phase: 'reading', file: source.file, percent: Math.max(0, Number(p.percentage)), rows: Number(p.rows_processed) });
      }, 150)
    : undefined;
  try {
    onProgress?.({ phase: 'reading', file: source.file, percent: 0 });
    await c.run(sql);
    onProgress?.({ phase: 'reading', file: source.file, percent: 100 });
  } catch (e) {
    throw readError(source.file, e);
  } finally {
    if (timer) clearInterval(timer);
  }
}

function locate(source: Source, line: number): string {
  return source.position === 'line' ? `${source.file}:${line}` : `${source.file}#${line}`;
}

async function describeErrors(c: DuckDBConnection, rules: readonly RowRule[], sources: readonly Source[], max: number): Promise<RowError[]> {
  const bad = (await c.runAndReadAll(`SELECT file_index, line, err FROM ${STAGE} WHERE err <> 0 ORDER BY file_index, line LIMIT ${Math.max(1, max)}`)).getRowObjectsJS();
  const errors: RowError[] = [];
  for (const [index, source] of sources.entries()) {
    const mine = bad.filter((b) => Number(b['file_index']) === index);
    if (mine.length === 0) continue;
    const lines = mine.map((b) => Number(b['line']));
    // Only the failing rows are read back as text, to show the offending values.
    const rawRows = (await c.runAndReadAll(`SELECT * FROM (${source.selectSql}) WHERE line IN (${lines.join(', ')})`)).getRowObjectsJS();
    const byLine = new Map(rawRows.map((r) => [Number(r['line']), r]));
    for (const b of mine) {
      const line = Number(b['line']);
      for (const rule of brokenRules(rules, BigInt(b['err'] as bigint))) {
        const value = byLine.get(line)?.[raw(rule.field)];
        errors.push({
          file: source.file,
          location: locate(source, line),
          line,
          field: rule.field,
          value: value === null || value === undefined ? null : String(value),
          rule: rule.rule,
        });
      }
    }
  }
  return errors.slice(0, max);
}

function invalidRows(spec: TableSpec, rejected: number, rowsRead: number, errors: readonly RowError[]): UprateError {
  const shown = errors
    .map((e) => `  ${e.location}  ${e.field}=${e.value === null ? '(empty)' : JSON.stringify(e.value)}  ${e.rule}`)
    .join('\n');
  const more = rejected > new Set(errors.map((e) => e.location)).size ? `\n  … and more: ${rejected} bad rows in all` : '';
  return new UprateError(
    'INVALID_ROWS',
    `${rejected} of ${rowsRead} ${spec.name} rows break the data model rules; nothing was loaded\n${shown}${more}`,
    {
      hint: 'correct those rows, or pass --reject-file PATH to load the good rows and set the bad ones aside',
      details: { rejected, rowsRead, errors },
    },
  );
}

async function writeRejects(c: DuckDBConnection, spec: TableSpec, rules: readonly RowRule[], sources: readonly Source[], path: string): Promise<void> {
  const columns = spec.columns.map((col) => `src.${raw(col.name)} AS ${col.name}`).join(', ');
  const parts = sources.map(
    (source, i) =>
      `SELECT ${sqlString(source.file)} AS file, src.line, ${columns}, ${reasonsExpression(rules, 'bad.err')} AS reasons
       FROM (${source.selectSql}) src JOIN (SELECT line, err FROM ${STAGE} WHERE file_index = ${i} AND err <> 0) bad USING (line)`,
  );
  try {
    await c.run(`COPY (SELECT * FROM (${parts.join(' UNION ALL ')}) ORDER BY file, line) TO ${sqlString(path)} (HEADER, DELIMITER ',')`);
  } catch (e) {
    throw new UprateError('BAD_ARGUMENT', `cannot write the reject file ${path}: ${errorMessage(e)}`, { location: path, cause: e });
  }
}

/** Replaces stored rows that share a key with the load, then inserts, in one transaction. */
async function merge(
  c: DuckDBConnection,
  spec: TableSpec,
  log: { source: string; via: string; rowsRead: number; rejected: number },
): Promise<{ inserted: number; updated: number }> {
  const key = spec.key;
  const columns = spec.columns.map((col) => col.name).join(', ');
  await c.run('BEGIN TRANSACTION');
  try {
    const dup = await one(c, `SELECT count(*) - count(DISTINCT ${key}) AS d FROM ${STAGE} WHERE err = 0`);
    // The last occurrence of a key in a load wins; the common case (no repeats) skips the window.
    const good =
      Number(dup['d']) > 0
        ? `(SELECT * FROM ${STAGE} WHERE err = 0 QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY file_index DESC, line DESC) = 1)`
        : `(SELECT * FROM ${STAGE} WHERE err = 0)`;
    const updatedRow = await one(c, `SELECT count(*) AS n FROM ${spec.name} WHERE ${key} IN (SELECT ${key} FROM ${STAGE} WHERE err = 0)`);
    const updated = Number(updatedRow['n']);
    if (updated > 0) await c.run(`DELETE FROM ${spec.name} WHERE ${key} IN (SELECT ${key} FROM ${STAGE} WHERE err = 0)`);
    const result = await c.run(`INSERT INTO ${spec.name} (${columns}) SELECT ${columns} FROM ${good}`);
    const written = Number(result.rowsChanged);
    await c.run(
      `INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)`,
      [spec.name, `${log.via}: ${log.source}`, log.rowsRead, written - updated, updated, log.rejected],
    );
    await c.run('COMMIT');
    return { inserted: written - updated, updated };
  } catch (e) {
    await c.run('ROLLBACK');
    throw new UprateError('DB_ERROR', `loading ${spec.name} failed and was rolled back: ${errorMessage(e)}`, { cause: e });
  }
}
