import type { DuckDBConnection } from '@duckdb/node-api';
import { UprateError } from '../core/errors.js';
import { checkedSql, type CheckedTable } from './check-rows.js';
import { listed } from './files-exist.js';
import type { RowError } from './ingest-options.js';
import { brokenRules, raw } from './rules.js';
import type { Source } from './source-sql.js';

/**
 * The one error for a load whose tables hold bad rows (and no reject file takes them): the first
 * `max` broken rules over all tables, by file:line, field, value and rule; how many rows broke
 * the rules in each table; and, when other tables were checked and are good, that they are not
 * loaded either.
 */
export async function invalidRows(c: DuckDBConnection, tables: readonly CheckedTable[], max: number, via: string | undefined): Promise<UprateError> {
  const bad = tables.filter((t) => t.rejected > 0);
  const errors: RowError[] = [];
  for (const t of bad) errors.push(...(await describeErrors(c, t, max - errors.length)));
  const shown = errors
    .slice(0, max)
    .map((e) => `  ${e.location}  ${e.field}=${e.value === null ? '(empty)' : JSON.stringify(e.value)}  ${e.rule}`)
    .join('\n');
  const rejected = bad.reduce((n, t) => n + t.rejected, 0);
  const rowsRead = bad.reduce((n, t) => n + t.rowsRead, 0);
  const more = rejected > new Set(errors.map((e) => e.location)).size ? `\n  … ${rejected} bad rows in all` : '';
  const counts = listed(bad.map((t) => `${t.rejected} of ${t.rowsRead} ${t.spec.name} rows`));
  const goodFiles = tables.filter((t) => t.rejected === 0).flatMap((t) => t.load.files);
  const either = goodFiles.length === 0 ? '' : ` (${listed(goodFiles)} ${goodFiles.length === 1 ? 'was' : 'were'} checked and ${goodFiles.length === 1 ? 'is' : 'are'} not loaded either)`;
  return new UprateError('INVALID_ROWS', `${counts} break the data model rules; nothing was loaded${either}\n${shown}${more}`, {
    // Over HTTP there is no --reject-file: the sender fixes the rows (or loads the file with the CLI while no server holds the database).
    hint:
      via === 'http'
        ? 'correct those rows and run the command again (or stop the server and load the file with --reject-file PATH to set the bad rows aside)'
        : 'correct those rows, or pass --reject-file PATH to load the good rows and set the bad ones aside',
    details: {
      rejected,
      rowsRead,
      errors: errors.slice(0, max),
      tables: bad.map((t) => ({ table: t.spec.name, rejected: t.rejected, rowsRead: t.rowsRead })),
    },
  });
}

/** Up to `max` broken rules of one table, file by file, in line order. */
async function describeErrors(c: DuckDBConnection, t: CheckedTable, max: number): Promise<RowError[]> {
  const errors: RowError[] = [];
  for (const [index, source] of t.sources.entries()) {
    if (errors.length >= max) break;
    // Only on this failure path are the rows numbered, to name the lines.
    const bad = (await c.runAndReadAll(`SELECT * FROM (${checkedSql(t, index, true)}) WHERE err <> 0 ORDER BY line LIMIT ${Math.max(1, max)}`)).getRowObjectsJS();
    for (const row of bad) {
      const line = Number(row['line']);
      for (const rule of brokenRules(t.rules, BigInt(row['err'] as bigint))) {
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
  return errors.slice(0, Math.max(0, max));
}

function locate(source: Source, line: number): string {
  return source.position === 'line' ? `${source.file}:${line}` : `${source.file}#${line}`;
}

/** A value as an error shows it: an over-long one cut to its first 100 characters and `…`. */
function shortened(value: string): string {
  return value.length <= 200 ? value : `${value.slice(0, 100).replace(/[\uD800-\uDBFF]$/, '')}…`;
}
