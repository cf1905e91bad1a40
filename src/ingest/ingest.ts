import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import type { TableName, TableSpec } from '../core/schema.js';
import { tableSpec } from '../core/schema.js';
import { DuckDbStore } from '../store/duckdb-store.js';
import { sqlString } from '../store/sql-literal.js';
import { isBulkLoadingStore, type BulkLoadingStore, type Store } from '../store/store.js';
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
  /** Replace every stored row of the table instead of upserting by key (the demo). */
  readonly replace?: boolean;
  /**
   * Sees the checked rows before anything is written (the server's tenant rules) and throws to
   * refuse the load: nothing is written then.
   */
  readonly admit?: (rows: CheckedRows) => Promise<void>;
  /** Characters one text field may hold; longer values are bad rows (default: limits.maxFieldLength's, 10,000). */
  readonly maxFieldLength?: number;
}

/** The rows a load would write, for an {@link IngestOptions.admit} check. */
export interface CheckedRows {
  /** The distinct values of one of the table's columns among the rows to write (as text; null kept). */
  distinct(column: string): Promise<(string | null)[]>;
}

export interface IngestProgress {
  readonly phase: 'checking' | 'loading' | 'done';
  /** 0–100 within the phase, as the engine reports it. */
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

/**
 * Loads files into a table, all or nothing, in two streaming passes over the files (nothing is
 * staged in memory): the first checks every row and counts repeated keys; the second, inside one
 * transaction, replaces stored rows that share a key and inserts. One bad row and nothing is
 * written (unless a reject file takes the bad rows); within a load the last occurrence of a key
 * wins, so loading the same file twice changes nothing.
 *
 * Every engine gets the same checks: the files are read and checked by DuckDB (the store itself,
 * or an in-memory one for a server engine), and a server engine receives the good rows, already
 * de-duplicated, as one bulk load ({@link BulkLoadingStore}).
 */
export async function ingestFiles(store: Store, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const spec = tableSpec(options.table);
  if (options.files.length === 0) throw new UprateError('BAD_ARGUMENT', 'no input file given', { hint: 'name one or more files' });
  const formats = options.files.map((f) => {
    const format = options.format ?? formatFromName(f);
    checkSource(f, format);
    return format;
  });
  // Before a row is read: a read-only store refuses at once, naming the feature.
  await store.ensureOwnTables(options.via === 'demo' ? 'demo load' : 'ingest');
  let result: Omit<IngestSummary, 'seconds' | 'rowsPerSecond'>;
  if (store instanceof DuckDbStore) {
    result = await store.withConnection((c) =>
      ingestWith(c, spec, formats, options, (plan) =>
        withProgress(c, 'loading', options.onProgress, plan.sources, () => merge(c, spec, plan.rowsSql, plan.checkedSql, plan.expected, plan.log, options.replace ?? false)),
      ),
    );
  } else if (isBulkLoadingStore(store)) {
    result = await throughChecker((c, scratch) => ingestWith(c, spec, formats, options, (plan) => sendRows(c, store, spec, plan, scratch, options)));
  } else {
    throw new UprateError('ENGINE_UNAVAILABLE', `the ${store.engine} store at ${store.target} cannot load files yet`, { hint: 'load the files with another engine, or use --engine duckdb' });
  }
  const seconds = (performance.now() - started) / 1000;
  options.onProgress?.({ phase: 'done', percent: 100, rows: result.rowsRead });
  return { ...result, seconds, rowsPerSecond: seconds > 0 ? result.rowsRead / seconds : result.rowsRead };
}

/** What the checking pass hands to the writer: the good rows as SQL, and what the log records. */
interface CheckedLoad {
  /** The typed good rows, one per key (the last occurrence). */
  readonly rowsSql: string;
  /** Every row with its error mask `err` (for the keys of a keyed delete). */
  readonly checkedSql: string;
  readonly expected: number;
  readonly log: LoadLog;
  readonly sources: readonly Source[];
}

interface LoadLog {
  readonly source: string;
  readonly via: string;
  readonly rowsRead: number;
  readonly rejected: number;
}

type Written = { inserted: number; updated: number };

/** The checking pass (shared by every engine), then `write` with the good rows. */
async function ingestWith(
  c: DuckDBConnection,
  spec: TableSpec,
  formats: readonly SourceFormat[],
  options: IngestOptions,
  write: (plan: CheckedLoad) => Promise<Written>,
): Promise<Omit<IngestSummary, 'seconds' | 'rowsPerSecond'>> {
  const rules = rowRules(spec, options.maxFieldLength === undefined ? {} : { maxFieldLength: options.maxFieldLength });
  const sources: Source[] = [];
  for (const [i, file] of options.files.entries()) sources.push(await openSource(c, spec, file, formats[i] ?? 'csv'));
  const mask = errorMaskExpression(rules);
  const checked = (s: Source, i: number, numbered = false) =>
    `SELECT ${i} AS file_index, *, ${mask} AS err FROM (${numbered ? s.numberedSql : s.selectSql})`;
  const all = sources.map((s, i) => checked(s, i)).join(' UNION ALL ');

  const check = await withProgress(c, 'checking', options.onProgress, sources, () =>
    one(c, `SELECT count(*) AS n, count(*) FILTER (WHERE err <> 0) AS bad,
      count(DISTINCT ${raw(spec.key)}) FILTER (WHERE err = 0) AS keys FROM (${all})`),
  );
  const rowsRead = Number(check['n']);
  const rejected = Number(check['bad']);
  const good = rowsRead - rejected;
  const repeated = good - Number(check['keys']);
  if (rejected > 0) {
    if (!options.rejectFile) {
      const errors = await describeErrors(c, rules, sources, checked, options.maxErrors ?? 20);
      throw invalidRows(spec, rejected, rowsRead, errors);
    }
    await writeRejects(c, spec, rules, sources, checked, options.rejectFile);
  }
  const typed = spec.columns.map((col) => `${typedExpression(col)} AS ${col.name}`).join(', ');
  // With no bad row there is nothing to filter: the second pass skips the rules.
  const plain = sources.map((s) => `SELECT * FROM (${s.selectSql})`).join(' UNION ALL ');
  const rowsSql =
    repeated > 0
      ? // The last occurrence of a key wins; numbering the rows costs a window, so only when needed.
        `SELECT ${typed} FROM (${sources.map((s, i) => checked(s, i, true)).join(' UNION ALL ')}) WHERE err = 0
         QUALIFY row_number() OVER (PARTITION BY ${raw(spec.key)} ORDER BY file_index DESC, line DESC) = 1`
      : rejected === 0
        ? `SELECT ${typed} FROM (${plain})`
        : `SELECT ${typed} FROM (${all}) WHERE err = 0`;
  const plan: CheckedLoad = {
    rowsSql,
    checkedSql: all,
    expected: good - repeated,
    log: { source: options.files.join(', ').slice(0, 1000), via: options.via ?? 'cli', rowsRead, rejected },
    sources,
  };
  if (options.admit) {
    await options.admit({
      distinct: async (column) => {
        if (!spec.columns.some((col) => col.name === column)) throw new Error(`${spec.name} has no column ${column}`);
        const reader = await c.runAndReadAll(`SELECT DISTINCT CAST(${column} AS VARCHAR) AS v FROM (${rowsSql})`);
        return reader.getRowObjects().map((r) => (r['v'] === null || r['v'] === undefined ? null : String(r['v'])));
      },
    });
  }
  const { inserted, updated } = await write(plan);
  return {
    table: spec.name,
    files: options.files,
    rowsRead,
    inserted,
    updated,
    rejected,
    ...(options.rejectFile && rejected > 0 ? { rejectFile: options.rejectFile } : {}),
  };
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

/** Writes the good rows as CSV (the {@link BulkLoad} format) and hands them to the server engine. */
async function sendRows(c: DuckDBConnection, store: BulkLoadingStore, spec: TableSpec, plan: CheckedLoad, scratch: string, options: IngestOptions): Promise<Written> {
  const file = join(scratch, `${spec.name}.csv`);
  // Writing the file is the first fifth of the loading phase, sending it the rest.
  const onProgress = options.onProgress;
  const scaled = onProgress ? (p: IngestProgress) => onProgress({ ...p, percent: p.percent / 5 }) : undefined;
  const written = await withProgress(c, 'loading', scaled, plan.sources, async () =>
    Number((await c.run(`COPY (${plan.rowsSql}) TO ${sqlString(file)} (HEADER, DELIMITER ',')`)).rowsChanged),
  );
  if (written !== plan.expected) throw inputChanged(plan.expected, written);
  return store.bulkLoad({
    table: spec,
    file,
    rows: written,
    replace: options.replace ?? false,
    log: plan.log,
    ...(onProgress ? { onProgress: (f: number) => onProgress({ phase: 'loading', percent: 20 + 80 * f, rows: Math.round(f * written) }) } : {}),
  });
}

function inputChanged(expected: number, written: number): UprateError {
  return new UprateError('FILE_FORMAT', `the input changed while it was being loaded (${expected} good rows checked, ${written} read the second time)`, {
    hint: 'load a file that is not being written to',
  });
}

async function one(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
  return rows[0] ?? {};
}

/** Runs a long statement while reporting DuckDB's own progress; reader errors name the file. */
async function withProgress<T>(
  c: DuckDBConnection,
  phase: IngestProgress['phase'],
  onProgress: IngestOptions['onProgress'],
  sources: readonly Source[],
  fn: () => Promise<T>,
): Promise<T> {
  const timer = onProgress
    ? setInterval(() => {
        const p = c.progress;
        onProgress({ phase, percent: Math.max(0, Number(p.percentage)), rows: Number(p.rows_processed) });
      }, 150)
    : undefined;
  try {
    onProgress?.({ phase, percent: 0 });
    return await fn();
  } catch (e) {
    if (e instanceof UprateError) throw e;
    const file = sources.find((s) => errorMessage(e).includes(s.file))?.file ?? sources.map((s) => s.file).join(', ');
    throw readError(file, e);
  } finally {
    if (timer) clearInterval(timer);
  }
}

type Checked = (s: Source, i: number, numbered?: boolean) => string;

function locate(source: Source, line: number): string {
  return source.position === 'line' ? `${source.file}:${line}` : `${source.file}#${line}`;
}

async function describeErrors(c: DuckDBConnection, rules: readonly RowRule[], sources: readonly Source[], checked: Checked, max: number): Promise<RowError[]> {
  const errors: RowError[] = [];
  for (const [index, source] of sources.entries()) {
    if (errors.length >= max) break;
    // Only on this failure path are the rows numbered, to name the lines.
    const bad = (await c.runAndReadAll(`SELECT * FROM (${checked(source, index, true)}) WHERE err <> 0 ORDER BY line LIMIT ${Math.max(1, max)}`)).getRowObjectsJS();
    for (const row of bad) {
      const line = Number(row['line']);
      for (const rule of brokenRules(rules, BigInt(row['err'] as bigint))) {
        const value = row[raw(rule.field)];
        errors.push({
          file: source.file,
          location: locate(source, line),
          line,
          field: rule.field,
          value: value === null || value === undefined ? null : shortened(String(value)),
          rule: rule.rule,
        });
      }
    }
  }
  return errors.slice(0, max);
}

/** A value as an error shows it: an over-long one cut to its first 100 characters and `…`. */
function shortened(value: string): string {
  return value.length <= 200 ? value : `${value.slice(0, 100).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

function invalidRows(spec: TableSpec, rejected: number, rowsRead: number, errors: readonly RowError[]): UprateError {
  const shown = errors
    .map((e) => `  ${e.location}  ${e.field}=${e.value === null ? '(empty)' : JSON.stringify(e.value)}  ${e.rule}`)
    .join('\n');
  const more = rejected > new Set(errors.map((e) => e.location)).size ? `\n  … ${rejected} bad rows in all` : '';
  return new UprateError(
    'INVALID_ROWS',
    `${rejected} of ${rowsRead} ${spec.name} rows break the data model rules; nothing was loaded\n${shown}${more}`,
    {
      hint: 'correct those rows, or pass --reject-file PATH to load the good rows and set the bad ones aside',
      details: { rejected, rowsRead, errors },
    },
  );
}

async function writeRejects(c: DuckDBConnection, spec: TableSpec, rules: readonly RowRule[], sources: readonly Source[], checked: Checked, path: string): Promise<void> {
  const columns = spec.columns.map((col) => `${raw(col.name)} AS ${col.name}`).join(', ');
  const parts = sources.map(
    (source, i) => `SELECT ${sqlString(source.file)} AS file, line, ${columns}, ${reasonsExpression(rules, 'err')} AS reasons
       FROM (${checked(source, i, true)}) WHERE err <> 0`,
  );
  try {
    await c.run(`COPY (SELECT * FROM (${parts.join(' UNION ALL ')}) ORDER BY file, line) TO ${sqlString(path)} (HEADER, DELIMITER ',')`);
  } catch (e) {
    throw new UprateError('BAD_ARGUMENT', `cannot write the reject file ${path}: ${errorMessage(e)}`, { location: path, cause: e });
  }
}

/** DuckDB: replaces stored rows that share a key with the load, then inserts, in one transaction. */
async function merge(
  c: DuckDBConnection,
  spec: TableSpec,
  rowsSql: string,
  checkedSql: string,
  expected: number,
  log: LoadLog,
  replace: boolean,
): Promise<Written> {
  const key = spec.key;
  const columns = spec.columns.map((col) => col.name).join(', ');
  await c.run('BEGIN TRANSACTION');
  try {
    let updated = 0;
    const stored = Number((await one(c, `SELECT count(*) AS n FROM ${spec.name}`))['n']);
    if (replace) {
      await c.run(`DELETE FROM ${spec.name}`);
    } else if (stored > 0) {
      const keys = `SELECT ${raw(key)} FROM (${checkedSql}) WHERE err = 0`;
      const result = await c.run(`DELETE FROM ${spec.name} WHERE ${key} IN (${keys})`);
      updated = Number(result.rowsChanged);
    }
    const written = Number((await c.run(`INSERT INTO ${spec.name} (${columns}) ${rowsSql}`)).rowsChanged);
    if (written !== expected) throw inputChanged(expected, written);
    await c.run(
      `INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)`,
      [spec.name, `${log.via}: ${log.source}`, log.rowsRead, written - updated, updated, log.rejected],
    );
    await c.run('COMMIT');
    return { inserted: written - updated, updated };
  } catch (e) {
    await c.run('ROLLBACK');
    if (e instanceof UprateError) throw e;
    throw new UprateError('DB_ERROR', `loading ${spec.name} failed and was rolled back: ${errorMessage(e)}`, { cause: e });
  }
}
