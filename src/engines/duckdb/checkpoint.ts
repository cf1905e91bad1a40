import { UprateError } from '../../core/errors.js';

/** The variable that sets how much a long-running server's DuckDB file may hold in its log (WAL) before it checkpoints. */
export const CHECKPOINT_VARIABLE = 'UPRATE_DUCKDB_CHECKPOINT_THRESHOLD';

/** The server's default: several day's loads into a 10 M-offer store with every rollup (~23 MB of log each). */
export const SERVER_CHECKPOINT_THRESHOLD = '128MB';

const SIZE = /^\d+(?:\.\d+)?\s*(?:B|KB|MB|GB|KiB|MiB|GiB)$/i;

/**
 * DuckDB's `checkpoint_threshold` for `uprate serve`: UPRATE_DUCKDB_CHECKPOINT_THRESHOLD as a size
 * DuckDB reads, else 128 MB where DuckDB's own is 16 MB. A checkpoint costs about 8 ms for every
 * table a load changed, however few rows it added (20 tables with 100 rows appended each: 0.17 s),
 * and a day's load with the shipped rollups changes ~95 tables and logs ~23 MB: past 16 MB every
 * load checkpointed in its commit (0.9 s of 6 s at 10 M offers). A server takes many loads and
 * closes rarely, so letting a few loads' changes wait in the log checkpoints each table once for
 * all of them. Commands that exit after one load gain nothing: the file checkpoints when it closes.
 * The log is replayed when the file is opened after a crash (a 23 MB log: 0.56 s at 10 M offers).
 */
export function duckDbCheckpointThreshold(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[CHECKPOINT_VARIABLE]?.trim();
  if (!raw) return SERVER_CHECKPOINT_THRESHOLD;
  if (SIZE.test(raw)) return raw.replace(/\s+/g, '');
  throw new UprateError('CONFIG_INVALID', `"${raw}" is not a size`, {
    location: CHECKPOINT_VARIABLE,
    hint: `a size DuckDB reads ("128MB", "1GiB"); unset, ${SERVER_CHECKPOINT_THRESHOLD} for uprate serve (DuckDB's own 16MB elsewhere)`,
  });
}
