/**
 * The fast path into DuckDB: a table function that DuckDB pulls from while one INSERT … SELECT
 * turns its numbers into rows. JavaScript fills only numeric vectors (a memory copy per column,
 * no per-value call into the engine, no staging table); ids, names and timestamps are built by
 * DuckDB's vectorised SQL. Nothing is buffered beyond one data chunk.
 */
import { DuckDBTableFunction, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { errorMessage } from '../core/errors.js';

/** Rows per call (DuckDB's standard vector size). */
export const CHUNK_ROWS = 2048;

export interface NumericColumn {
  readonly name: string;
  readonly type: DuckDBType;
  /** The value of row `i` of the current chunk, or null. */
  readonly value: (i: number) => number | null;
}

export interface NumericSource {
  readonly columns: readonly NumericColumn[];
  /** Makes the next chunk (at most CHUNK_ROWS rows) current; returns its row count, 0 at the end. */
  next(): number;
}

interface Holder {
  /** The table function's name on this connection. */
  readonly name: string;
  source: NumericSource | undefined;
  error: unknown;
}

/**
 * The table function is registered once per connection; each run points it at its source. A
 * registered function belongs to the whole database, not the connection, and a second function of
 * the same name is ignored: so each connection registers its own name, or a later load on another
 * pooled connection would bind the first connection's (empty) source.
 */
const registered = new WeakMap<DuckDBConnection, Holder>();
const SOURCE_FUNCTION = 'uprate_demo_source';
let registrations = 0;

function register(c: DuckDBConnection): Holder {
  const known = registered.get(c);
  if (known) return known;
  const holder: Holder = { name: `${SOURCE_FUNCTION}_${++registrations}`, source: undefined, error: undefined };
  c.registerTableFunction(
    DuckDBTableFunction.create({
      name: holder.name,
      bindFunction: (info) => {
        if (!holder.source) return info.setError(`${holder.name}() is only for the demo generator`);
        for (const col of holder.source.columns) info.addResultColumn(col.name, col.type);
      },
      // One scanning thread: the source is a single ordered stream.
      initFunction: (info) => info.setMaxThreads(1),
      mainFunction: (info, output) => {
        const source = holder.source;
        try {
          const n = source ? source.next() : 0;
          output.rowCount = n;
          if (!source || n === 0) return;
          source.columns.forEach((col, k) => {
            const vector = output.getColumnVector(k);
            const value = col.value;
            for (let i = 0; i < n; i++) vector.setItem(i, value(i));
            vector.flush();
          });
        } catch (e) {
          holder.error = e;
          output.rowCount = 0;
          info.setError(errorMessage(e));
        }
      },
    }),
  );
  registered.set(c, holder);
  return holder;
}

/**
 * Runs the statement `sql` makes of the table function's call (`uprate_demo_source_1()`) with
 * `source` behind it. An error thrown by the source is rethrown as itself.
 */
export async function runWithSource(c: DuckDBConnection, source: NumericSource, sql: (sourceCall: string) => string): Promise<void> {
  const holder = register(c);
  holder.source = source;
  holder.error = undefined;
  try {
    await c.run(sql(`${holder.name}()`));
  } catch (e) {
    throw holder.error ?? e;
  } finally {
    holder.source = undefined;
  }
}
