import type { TableName } from '../core/schema.js';
import type { SourceFormat } from './source-format.js';

/** One table of a load and the files that hold its rows. */
export interface TableFiles {
  readonly table: TableName;
  readonly files: readonly string[];
  /** Replace every stored row of the table instead of upserting by key (the demo). */
  readonly replace?: boolean;
  /**
   * Sees the checked rows before anything is written (the server's tenant rules) and throws to
   * refuse the load: nothing is written then.
   */
  readonly admit?: (rows: CheckedRows) => Promise<void>;
}

/** What applies to every table of a load. */
export interface IngestTablesOptions {
  /** Force a format instead of reading it from each file's name. */
  readonly format?: SourceFormat;
  /** Load the good rows and write the bad ones (of every table) here, with their reasons (CSV). */
  readonly rejectFile?: string;
  /** A name for the load log, e.g. 'cli' or 'http'. */
  readonly via?: string;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** How many row errors to describe in full, over all tables (the rest are counted). */
  readonly maxErrors?: number;
  /** Characters one text field may hold; longer values are bad rows (default: limits.maxFieldLength's, 10,000). */
  readonly maxFieldLength?: number;
}

/** One table's load: {@link TableFiles} and {@link IngestTablesOptions} together. */
export interface IngestOptions extends TableFiles, IngestTablesOptions {}

/** The rows a load would write, for a {@link TableFiles.admit} check. */
export interface CheckedRows {
  /** The distinct values of one of the table's columns among the rows to write (as text; null kept). */
  distinct(column: string): Promise<(string | null)[]>;
}

export interface IngestProgress {
  /** The table being checked or loaded. */
  readonly table: TableName;
  /** `rollups`: keeping the rollups over the loaded tables current (`rollup`: the one being kept). */
  readonly phase: 'checking' | 'loading' | 'rollups' | 'done';
  /** 0–100 within the phase, as the engine reports it. */
  readonly percent: number;
  readonly rows?: number;
  readonly rollup?: string;
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
  /** Rows stored under a key that was not stored before. */
  readonly inserted: number;
  /** Stored rows that changed. */
  readonly updated: number;
  /** Rows whose key was stored with every value equal (NULL equal to NULL): left as they were. */
  readonly unchanged: number;
  readonly rejected: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly rejectFile?: string;
  /**
   * The load's upkeep of the rollups over the tables it loaded (absent: it kept none): how many it
   * kept current and the seconds of the load's time they took — the same for every table of a load
   * of several. `uprate rollups status` shows each rollup's share.
   */
  readonly rollups?: { readonly kept: number; readonly seconds: number };
}
