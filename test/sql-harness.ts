/**
 * What the SQL compiler's own tests (src/sql/*.mutants.test.ts) share: a model compiled from its
 * text, an in-memory DuckDB holding a few hand-made tables, and a Cube query planned as the API
 * plans it — so each test states only its model, its rows and what it expects.
 */
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { compileModel, type Model } from '../src/model/index.js';
import { allAccess, buildPlan, normalizeRequest, type QueryPlan } from '../src/query/index.js';

export interface SqlHarness {
  /** The compiled model (a harness opened without one has none: reading it throws). */
  readonly model: Model;
  /** The rows DuckDB returns, as arrays; numbers (DuckDB's big integers and decimals) as numbers. */
  run(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  close(): void;
}

/** Compiles `model` (when given), opens an in-memory DuckDB and runs `data` (its CREATE and INSERT statements). */
export async function openSqlHarness(model: { readonly file: string; readonly text: string } | null, data: readonly string[] = []): Promise<SqlHarness> {
  const compiled = model ? compileModel([model]) : null;
  if (compiled) assert.ok(compiled.model, compiled.problems.map((p) => p.message).join('\n'));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  for (const sql of data) await con.run(sql);
  return {
    get model(): Model {
      assert.ok(compiled?.model, 'this harness was opened without a model');
      return compiled.model;
    },
    async run(sql, params = []) {
      const reader = await con.runAndReadAll(sql, params as never[]);
      return reader.getRowsJson().map((r) => r.map((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
    },
    close() {
      con.closeSync();
      db.closeSync();
    },
  };
}

/** A Cube query planned as the API plans it, at `now`, for a caller who sees every row. */
export function planOf(model: Model, query: Record<string, unknown>, now: Date): QueryPlan {
  const request = normalizeRequest(query, now);
  const [q] = request.queries;
  assert.ok(q, 'the request holds one query');
  return buildPlan(model, q, request.orderGiven, { now, access: allAccess('local') });
}
