/**
 * What the rest of uprate needs from a database: run SQL with bound parameters and read rows back.
 * Writing SQL is not running SQL (STYLE habit 1): callers build text + params, a store executes.
 */
export type SqlValue = string | number | boolean | null | Date | bigint;
export type Row = Record<string, unknown>;

export interface Store {
  readonly engine: 'duckdb' | 'postgres' | 'clickhouse';
  /** A human name for messages: the file path or the server URL without credentials. */
  readonly target: string;
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** A counter that moves whenever data changes: result caches key on it. */
  dataVersion(): Promise<number>;
  close(): Promise<void>;
}
