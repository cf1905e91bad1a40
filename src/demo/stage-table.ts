/**
 * The fast path into DuckDB: numbers only. Batches of typed arrays go into a temporary table
 * through data chunks (a memory copy per column, no per-value call into the engine), and one
 * INSERT … SELECT per slab turns them into the real rows (ids, names, timestamps) inside DuckDB.
 * Strings never cross from JavaScript one value at a time.
 */
import { DuckDBDataChunk, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';

/** Rows in a DuckDB data chunk (its standard vector size). */
export const CHUNK_ROWS = 2048;

export interface StageColumn {
  readonly name: string;
  readonly type: DuckDBType;
  /** The value of row `i` of the current batch, or null. */
  readonly value: (i: number) => number | null;
}

export class StageTable {
  private constructor(
    private readonly c: DuckDBConnection,
    readonly name: string,
    private readonly columns: readonly StageColumn[],
  ) {}

  static async create(c: DuckDBConnection, name: string, columns: readonly StageColumn[]): Promise<StageTable> {
    const list = columns.map((col) => `${col.name} ${col.type.toString()}`).join(', ');
    await c.run(`CREATE OR REPLACE TEMP TABLE ${name} (${list})`);
    return new StageTable(c, name, columns);
  }

  /** Appends rows 0 … n-1 of the current batch. */
  async append(n: number): Promise<void> {
    const appender = await this.c.createAppender(this.name, 'main', 'temp');
    try {
      const chunk = DuckDBDataChunk.create(this.columns.map((col) => col.type));
      for (let from = 0; from < n; from += CHUNK_ROWS) {
        const rows = Math.min(CHUNK_ROWS, n - from);
        chunk.reset();
        chunk.rowCount = rows;
        this.columns.forEach((col, k) => {
          const vector = chunk.getColumnVector(k);
          const value = col.value;
          for (let i = 0; i < rows; i++) vector.setItem(i, value(from + i));
          vector.flush();
        });
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Moves the staged rows into their table with `insert` (an INSERT … SELECT … FROM this table). */
  async drain(insert: string): Promise<void> {
    await this.c.run(insert);
    await this.c.run(`DELETE FROM ${this.name}`);
  }

  async drop(): Promise<void> {
    await this.c.run(`DROP TABLE IF EXISTS temp.main.${this.name}`);
  }
}
