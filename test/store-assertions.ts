/** Assertions the store and end-to-end tests share. */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { UprateError } from '../src/core/errors.js';

/** `p` rejects with an UprateError of `code` whose full description matches `pattern`; returns it. */
export async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<UprateError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UprateError, `not an UprateError: ${String(e)}`);
    assert.equal(e.code, code, e.describe());
    assert.match(e.describe(), pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

/** Every schema and every relation outside the system schemas: what "created nothing" is checked against. */
export async function catalog(client: pg.Client): Promise<string[]> {
  const rows = await client.query<{ r: string }>(`
    SELECT 'schema ' || nspname AS r FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    UNION ALL
    SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    ORDER BY 1`);
  return rows.rows.map((r) => r.r);
}
