/**
 * What the ingest unit tests (src/ingest/*.mutants.test.ts) share: a temporary folder to write
 * source files in, an in-memory DuckDB connection, tables checked over CSV files, the header
 * lines of both tables, and the fields of an UprateError as a plain object. It lives under test/,
 * not beside the code, so a mutation run of src/ingest does not mutate it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UprateError } from '../src/core/errors.js';
import type { TableName } from '../src/core/schema.js';
import { checkTable, type CheckedTable } from '../src/ingest/check-rows.js';

/** The header line of an offers CSV file: every column, in the table's order. */
export const OFFERS_HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
/** The header line of a customers CSV file: every column, in the table's order. */
export const CUSTOMERS_HEADER = 'customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr';
/** The rule a timestamp that is not ISO 8601 breaks. */
export const ISO_RULE = 'must be an ISO 8601 timestamp such as 2025-03-04T10:11:12Z (UTC when no zone is given)';

/** A folder of the system's temporary folder, removed with all it holds after the file's tests. */
export interface TempFolder {
  readonly dir: string;
  /** Writes `content` as it is to the file `name` of the folder; answers its path. */
  readonly write: (name: string, content: string | Buffer) => string;
  /** Writes `lines`, each ended by a newline, to the file `name` of the folder; answers its path. */
  readonly writeLines: (name: string, lines: readonly string[]) => string;
  /** Writes an offers CSV file: the header, then `rows`, each line ended by a newline; answers its path. */
  readonly writeOffers: (name: string, rows: readonly string[]) => string;
}

/** A new folder `uprate-<label>-XXXXXX` in the temporary folder, removed by an `after` hook. */
export function tempFolder(label: string): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), `uprate-${label}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const writeLines = (name: string, lines: readonly string[]): string => write(name, `${lines.join('\n')}\n`);
  const writeOffers = (name: string, rows: readonly string[]): string => writeLines(name, [OFFERS_HEADER, ...rows]);
  return { dir, write, writeLines, writeOffers };
}

/** A file's whole text, read as UTF-8. */
export const readText = (path: string): string => readFileSync(path, 'utf8');

/** A connection to an in-memory DuckDB, and its answers to a query as JS values. */
export interface MemoryDuckDb {
  readonly c: DuckDBConnection;
  /** The rows of a query as objects, their columns in order. */
  readonly rows: (sql: string) => Promise<Record<string, unknown>[]>;
  /** The rows of a query as arrays of their values, in column order. */
  readonly values: (sql: string) => Promise<unknown[][]>;
}

/**
 * A connection to a new in-memory DuckDB (its time zone set to UTC when `utc`), both closed by an
 * `after` hook.
 */
export async function memoryDuckDb(options: { readonly utc?: boolean } = {}): Promise<MemoryDuckDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  after(() => {
    c.closeSync();
    instance.closeSync();
  });
  if (options.utc) await c.run("SET TimeZone = 'UTC'");
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await c.runAndReadAll(sql)).getRowObjectsJS();
  const values = async (sql: string): Promise<unknown[][]> => (await rows(sql)).map((r) => Object.values(r));
  return { c, rows, values };
}

/** Checks each table over CSV files (every file read as CSV, no options) on the connection. */
export interface CsvTables {
  readonly offers: (files: string[]) => Promise<CheckedTable>;
  readonly customers: (files: string[]) => Promise<CheckedTable>;
}

export function csvTables(c: DuckDBConnection): CsvTables {
  const check = (table: TableName) => (files: string[]) => checkTable(c, { table, files }, files.map(() => 'csv' as const), {});
  return { offers: check('offers'), customers: check('customers') };
}

/** What `fn` throws; fails with `expected` when it throws nothing. */
export function thrown(fn: () => unknown, expected = 'expected an error'): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail(expected);
}

/** An UprateError's code, message, location and hint, as a plain object (anything else fails). */
export function refusalOf(e: unknown): Record<string, unknown> {
  assert.ok(e instanceof UprateError, String(e));
  return { code: e.code, message: e.message, location: e.location, hint: e.hint };
}

/** An UprateError's code, message, location, hint and details, as a plain object (anything else fails). */
export function refusalWithDetails(e: unknown): Record<string, unknown> {
  assert.ok(e instanceof UprateError, String(e));
  return { code: e.code, message: e.message, location: e.location, hint: e.hint, details: e.details };
}
