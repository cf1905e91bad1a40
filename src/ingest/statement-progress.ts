import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import type { TableName } from '../core/schema.js';
import type { IngestProgress } from './ingest-options.js';
import { readError, type Source } from './source-sql.js';

/** Runs a long statement while reporting DuckDB's own progress; reader errors name the file. */
export async function withProgress<T>(
  c: DuckDBConnection,
  table: TableName,
  phase: IngestProgress['phase'],
  onProgress: ((progress: IngestProgress) => void) | undefined,
  sources: readonly Source[],
  fn: () => Promise<T>,
): Promise<T> {
  const timer = onProgress
    ? setInterval(() => {
        const p = c.progress;
        onProgress({ table, phase, percent: Math.max(0, Number(p.percentage)), rows: Number(p.rows_processed) });
      }, 150)
    : undefined;
  try {
    // DuckDB tracks a statement's progress only with its progress bar on (-1 % otherwise); the bar
    // itself is not printed. A per-connection setting, left on for the connection's later statements.
    if (onProgress) await c.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    onProgress?.({ table, phase, percent: 0 });
    return await fn();
  } catch (e) {
    if (e instanceof UprateError) throw e;
    const file = sources.find((s) => errorMessage(e).includes(s.file))?.file ?? sources.map((s) => s.file).join(', ');
    throw readError(file, e);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The first row of a query's answer (`{}` when there is none). */
export async function firstRow(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
  return rows[0] ?? {};
}

/** The file changed between the checking pass and the writing pass. */
export function inputChanged(expected: number, written: number): UprateError {
  return new UprateError('FILE_FORMAT', `the input changed while it was being loaded (${expected} good rows checked, ${written} read the second time)`, {
    hint: 'load a file that is not being written to',
  });
}
