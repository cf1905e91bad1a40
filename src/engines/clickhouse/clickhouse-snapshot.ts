/**
 * Copies of the committed rows on a ClickHouse cluster (clickhouse-rollups.ts snapshotRows): where
 * a statement reads one of their tables, it reads the copy instead.
 */

/**
 * A copy of the committed rows of some of uprate's tables, taken once for a build or refresh of
 * several rollups: each table's view keeps every stored version and picks each key's newest at
 * every read (a GROUP BY over all of them: 4 s of a 1 M-offer family's 22 s), so the rollups read
 * the copy instead — each shard copying its own rows, which its view already tells apart. Taken
 * after the version the rollups record is read: a load committed meanwhile makes them stale.
 */
export interface RowsSnapshot {
  /** The database holding the copies (Distributed tables named as the tables they copy); null: none taken. */
  readonly database: string | null;
  readonly tables: readonly string[];
}

/** A statement reading the snapshot's copies where it reads their tables (`FROM t AS`, `JOIN t AS`). */
export function reading(rows: RowsSnapshot | undefined, sql: string): string {
  if (!rows?.database) return sql;
  const db = `\`${rows.database.replaceAll('`', '')}\``;
  let out = sql;
  for (const table of rows.tables.filter((x) => /^[a-z_][a-z0-9_]*$/.test(x))) {
    out = out.replace(new RegExp(`\\b(FROM|JOIN)\\s+${table}\\s+AS\\b`, 'g'), (_, word: string) => `${word} ${db}.${table} AS`);
    // The layout's read of the time table's bounds (rollups/clustered.ts layoutFor).
    out = out.replace(new RegExp(`\\bFROM\\s+"${table}"(?=\\s|$)`, 'g'), `FROM ${db}.${table}`);
  }
  return out;
}

/**
 * `sql` reading the copy (as {@link reading}) of `table`'s rows of one part of the clusters only
 * — those whose `column` hashes to `part.index` modulo `part.of` — filtered as the copy is read,
 * so that what the statement groups before its moments holds that part alone: a filter on the
 * statement's own rows comes after its grouping of every row (at 10 M offers, 3.7 GiB in any
 * number of parts). Unchanged without a copy.
 */
export function readingPart(rows: RowsSnapshot | undefined, sql: string, table: string, column: string, part: { readonly index: number; readonly of: number }): string {
  return readingWhere(rows, sql, table, `cityHash64(\`${column.replaceAll('`', '')}\`) % ${part.of} = ${part.index}`);
}

/** `sql` reading the copy (as {@link reading}) of those of `table`'s rows that meet `condition`, filtered as the copy is read (before any join or grouping). Unchanged without a copy. */
export function readingWhere(rows: RowsSnapshot | undefined, sql: string, table: string, condition: string): string {
  const read = reading(rows, sql);
  if (!rows?.database || !/^[a-z_][a-z0-9_]*$/.test(table)) return read;
  const db = `\`${rows.database.replaceAll('`', '')}\``;
  const from = new RegExp(`\\b(FROM|JOIN)\\s+${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.${table}\\s+AS\\b`, 'g');
  return read.replace(from, (_, word: string) => `${word} (SELECT * FROM ${db}.${table} WHERE ${condition}) AS`);
}

/** Where the copies of the rows reads may use are listed, on every shard (the newest per data version wins). */
export const SNAPSHOTS = 'rows_snapshots';
/** The copies listed in it, the newest first (the last taken of the newest data version; within a second, the later number). */
export const NEWEST_FIRST = 'ORDER BY data_version DESC, taken_at DESC, length(database) DESC, database DESC';
/** Which rollup generations were built from which copy, on every shard: a refresh builds from the current generation only what changed since the copy it was built from. */
export const SNAPSHOT_BUILDS = 'rows_snapshot_builds';
