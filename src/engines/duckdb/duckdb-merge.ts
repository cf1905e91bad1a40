import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../../core/errors.js';
import type { TableName } from '../../core/schema.js';
import type { LoadCounts, RollupsUpkeep } from '../../store/store.js';
import { applyRefresh, planRefresh, rollupsKept, splitWholeRebuilds, type RefreshPlan } from '../../rollups/maintain.js';
import { Upkeep } from '../../rollups/upkeep.js';
import { refillOpenWindows } from '../../rollups/open-window.js';
import { duckDbExec } from './duckdb-exec.js';
import { sameValuesSql } from '../../store/sql-literal.js';
import type { CheckedTable } from '../../ingest/check-rows.js';
import type { IngestProgress } from '../../ingest/ingest-options.js';
import { firstRow, inputChanged, withProgress } from '../../ingest/statement-progress.js';
import { checkUnchanged } from '../../ingest/source-sql.js';

/**
 * DuckDB: writes every checked table in one transaction, in order (customers first), each with
 * its load log entry; a failure anywhere rolls all of them back. Per table, stored rows whose key
 * the load holds are compared with their new version (NULL-safe): equal ones are left alone
 * (unchanged), changed ones are deleted and inserted again (updated), new keys inserted.
 */
export async function mergeTables(
  c: DuckDBConnection,
  tables: readonly CheckedTable[],
  onProgress: ((p: IngestProgress) => void) | undefined,
  committed: () => void = () => undefined,
  onRollups?: (upkeep: RollupsUpkeep) => void,
): Promise<LoadCounts[]> {
  await c.run('BEGIN TRANSACTION');
  const upkeep = new Upkeep(onRollups);
  let rebuild: RefreshPlan;
  let counts: LoadCounts[];
  const exec = duckDbExec(c);
  try {
    // Rollups change with their rows, in the same commit: which partitions, known before the rows
    // move. One rebuilt whole is rebuilt right after the commit (splitWholeRebuilds), stale until then.
    const plan = await upkeep.timed(() => planRefresh(exec, 'duckdb', tables.map((t) => ({ table: t.spec.name, rowsSql: t.rowsSql, key: t.spec.key, replace: t.load.replace ?? false, columns: t.spec.columns.map((col) => col.name), rows: t.expected }))));
    upkeep.plan(rollupsKept(plan));
    const { inLoad, afterLoad } = splitWholeRebuilds(plan);
    rebuild = afterLoad;
    counts = [];
    for (const t of tables) {
      // An engine's refusal (a constraint) is a DB_ERROR, not a file that cannot be read.
      const written = await withProgress(c, t.spec.name, 'loading', onProgress, t.sources, () => mergeTable(c, t).catch((e: unknown) => Promise.reject(rolledBack(t.spec.name, e))));
      await c.run(
        `INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)`,
        [t.spec.name, `${t.log.via}: ${t.log.source}`, t.log.rowsRead, written.inserted, written.updated, t.log.rejected],
      );
      counts.push(written);
    }
    await upkeep.timed(() => applyRefresh(exec, 'duckdb', inLoad, upkeep.start));
    // The writing pass read the files again: they must be the files that were checked.
    checkUnchanged(tables.flatMap((t) => t.sources));
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK');
    throw rolledBack(tables.map((t) => t.spec.name).join(' and '), e);
  }
  committed();
  if (rebuild.rollups.length > 0) {
    if (!(await upkeep.timed(() => afterTheCommit(c, `rebuilding ${rebuild.rollups.map((r) => r.stored.name).join(', ')}`, () => applyRefresh(exec, 'duckdb', rebuild, upkeep.start))))) upkeep.fail();
    committed();
  }
  if (!(await upkeep.timed(() => afterTheCommit(c, "refreshing the rollups' open windows", () => refillOpenWindows(exec, 'duckdb', tables.map((t) => t.spec.name), Date.now(), { keepCurrent: true }))))) upkeep.fail();
  committed();
  upkeep.finish();
  return counts;
}

/** Work on the rollups after a load's commit, in a transaction of its own: when it fails (false), the rows stay loaded and what it would refresh stays stale (read from the rows). */
async function afterTheCommit(c: DuckDBConnection, what: string, work: () => Promise<void>): Promise<boolean> {
  await c.run('BEGIN TRANSACTION');
  try {
    await work();
    await c.run('COMMIT');
    return true;
  } catch (e) {
    await c.run('ROLLBACK');
    process.emitWarning(`the rows are loaded, but ${what} failed (${errorMessage(e)}): queries read the rows instead until \`uprate rollups build\``, { code: 'UPRATE_ROLLUPS_STALE' });
    return false;
  }
}

function rolledBack(table: TableName | string, e: unknown): UprateError {
  if (e instanceof UprateError) return e;
  return new UprateError('DB_ERROR', `loading ${table} failed and was rolled back: ${errorMessage(e)}`, { cause: e });
}

/** One table inside {@link mergeTables}' transaction. */
async function mergeTable(c: DuckDBConnection, t: CheckedTable): Promise<LoadCounts> {
  const { spec, rowsSql, expected } = t;
  const table = spec.name;
  const key = spec.key;
  const columns = spec.columns.map((col) => col.name).join(', ');
  const stored = t.load.replace ? 0 : Number((await firstRow(c, `SELECT count(*) AS n FROM ${table}`))['n']);
  if (t.load.replace || stored === 0) {
    if (t.load.replace) await c.run(`DELETE FROM ${table}`);
    const written = Number((await c.run(`INSERT INTO ${table} (${columns}) ${rowsSql}`)).rowsChanged);
    if (written !== expected) throw inputChanged(expected, written);
    return { inserted: written, updated: 0, unchanged: 0 };
  }
  const same = sameValuesSql(spec.columns.map((col) => col.name), 's', 'n');
  const matched = `FROM (${rowsSql}) n JOIN ${table} s ON s.${key} = n.${key}`;
  const counted = await firstRow(c, `SELECT count(*) AS stored, count(*) FILTER (WHERE ${same}) AS unchanged ${matched}`);
  const unchanged = Number(counted['unchanged']);
  const updated = Number(counted['stored']) - unchanged;
  if (updated > 0) {
    const deleted = Number((await c.run(`DELETE FROM ${table} WHERE ${key} IN (SELECT n.${key} ${matched} WHERE NOT (${same}))`)).rowsChanged);
    if (deleted !== updated) throw inputChanged(updated, deleted);
  }
  // New keys, and the changed rows just deleted: the unchanged ones stay as they are.
  const written = Number(
    (await c.run(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM (${rowsSql}) n WHERE NOT EXISTS (SELECT 1 FROM ${table} s WHERE s.${key} = n.${key})`)).rowsChanged,
  );
  if (written + unchanged !== expected) throw inputChanged(expected, written + unchanged);
  return { inserted: written - updated, updated, unchanged };
}
