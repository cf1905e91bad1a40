/**
 * What one request may cost (config `limits`). Every limit names its config key in the 400 it
 * causes, so a user who needs more knows what to raise. The config schema takes its defaults from
 * here, and code without a config (tests, the CLI on a local file) uses them as they are.
 */
export interface Limits {
  /** Distinct measures + dimensions + time dimensions + segments in one query. */
  readonly maxMembers: number;
  /** Values across all filters of one query. */
  readonly maxFilterValues: number;
  /** How deep `and`/`or` filters may nest. */
  readonly maxFilterDepth: number;
  /** Rows × columns one answer may hold (all queries of a request together). */
  readonly maxCells: number;
  /** Groups an endpoint that enumerates a dimension (insights, breakdown, leaderboard) may see. */
  readonly maxGroups: number;
  /** Periods in one time series. */
  readonly maxPeriods: number;
  /** A statement running longer is cancelled in the engine. */
  readonly queryTimeoutMs: number;
  /** Data reads running at once; more wait in a queue. */
  readonly maxConcurrentQueries: number;
  /** Reads waiting for a slot; beyond that the answer is 503 with Retry-After. */
  readonly maxQueuedQueries: number;
  /** Characters in one ingested text field. */
  readonly maxFieldLength: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxMembers: 64,
  maxFilterValues: 10_000,
  maxFilterDepth: 16,
  maxCells: 2_000_000,
  maxGroups: 5_000,
  maxPeriods: 5_000,
  queryTimeoutMs: 30_000,
  maxConcurrentQueries: 4,
  maxQueuedQueries: 64,
  maxFieldLength: 10_000,
});

/** The hint every limit error ends with. */
export function raiseLimitHint(key: keyof Limits, what: string): string {
  return `${what}, or raise limits.${key} in uprate.config.yaml`;
}
