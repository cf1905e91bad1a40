import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { redactUrl } from './database-url.js';
import { chooseStore, openStore } from './open-store.js';

const PG = 'postgres://uprate:secret@127.0.0.1:54329/uprate';
const CH = 'clickhouse://default@127.0.0.1:18123/default?cluster=uprate';

function refuses(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && pattern.test(e.describe()) && !e.describe().includes('secret'));
}

describe('choosing the store', () => {
  test('the DuckDB file by default, even with other flags empty', () => {
    assert.deepEqual(chooseStore({ db: 'x.duckdb', env: {} }), { engine: 'duckdb', db: 'x.duckdb' });
  });

  test('the URL names the engine; UPRATE_DATABASE_URL stands in for --url; --url wins over it', () => {
    assert.deepEqual(chooseStore({ db: 'x', url: PG, env: {} }), { engine: 'postgres', url: PG, timeoutMs: 30_000 });
    assert.deepEqual(chooseStore({ db: 'x', env: { UPRATE_DATABASE_URL: PG } }), { engine: 'postgres', url: PG, timeoutMs: 30_000 });
    assert.deepEqual(chooseStore({ db: 'x', url: CH, env: { UPRATE_DATABASE_URL: PG } }), { engine: 'clickhouse', url: CH, timeoutMs: 30_000 });
    assert.equal(chooseStore({ db: 'x', url: PG.replace('postgres:', 'postgresql:'), env: {} }).engine, 'postgres');
  });

  test('--engine duckdb keeps the file even when UPRATE_DATABASE_URL is set', () => {
    assert.deepEqual(chooseStore({ db: 'x.duckdb', engine: 'duckdb', env: { UPRATE_DATABASE_URL: PG } }), { engine: 'duckdb', db: 'x.duckdb' });
  });

  test('timeouts: --timeout, else UPRATE_DB_TIMEOUT_MS, else 30 s', () => {
    assert.deepEqual(chooseStore({ db: 'x', url: PG, timeoutMs: 500, env: { UPRATE_DB_TIMEOUT_MS: '900' } }), { engine: 'postgres', url: PG, timeoutMs: 500 });
    const choice = chooseStore({ db: 'x', url: PG, env: { UPRATE_DB_TIMEOUT_MS: '900' } });
    assert.equal(choice.engine === 'postgres' ? choice.timeoutMs : 0, 900);
    refuses(() => chooseStore({ db: 'x', url: PG, env: { UPRATE_DB_TIMEOUT_MS: 'soon' } }), /UPRATE_DB_TIMEOUT_MS must be a whole number/);
  });

  test('mistakes are named with their fix, and never show the password', () => {
    refuses(() => chooseStore({ db: 'x', engine: 'mysql', env: {} }), /--engine must be one of duckdb, postgres, clickhouse, not 'mysql'/);
    refuses(() => chooseStore({ db: 'x', engine: 'postgres', env: {} }), /--engine postgres needs the server's URL[\s\S]*fix: pass --url or set UPRATE_DATABASE_URL/);
    refuses(() => chooseStore({ db: 'x', engine: 'clickhouse', url: PG, env: {} }), /--engine clickhouse does not match --url 'postgres:\/\/uprate:\*\*\*@127\.0\.0\.1:54329\/uprate'/);
    refuses(() => chooseStore({ db: 'x', url: 'mysql://root:secret@db/x', env: {} }), /--url 'mysql:\/\/root:\*\*\*@db\/x' names no engine uprate knows/);
    refuses(() => chooseStore({ db: 'x', env: { UPRATE_DATABASE_URL: 'nonsense' } }), /UPRATE_DATABASE_URL 'nonsense' names no engine/);
  });

  test('duckdb:PATH is the same as --db PATH', () => {
    assert.deepEqual(chooseStore({ db: 'x', url: 'duckdb:/tmp/a.duckdb', env: {} }), { engine: 'duckdb', db: '/tmp/a.duckdb' });
  });

  test('openStore on an unreachable server is ENGINE_UNAVAILABLE, not a hang', async () => {
    await assert.rejects(openStore({ db: 'x', url: 'postgres://u:secret@127.0.0.1:9/db', timeoutMs: 2_000, env: {} }), (e: unknown) => e instanceof UprateError && e.code === 'ENGINE_UNAVAILABLE' && !e.describe().includes('secret'));
  });
});

test('redactUrl hides the password and nothing else', () => {
  assert.equal(redactUrl('postgres://uprate:p%40ss@host:5432/db?schema=a'), 'postgres://uprate:***@host:5432/db?schema=a');
  assert.equal(redactUrl('clickhouse://default@127.0.0.1:18123/default?cluster=uprate'), 'clickhouse://default@127.0.0.1:18123/default?cluster=uprate');
  assert.equal(redactUrl('./uprate.duckdb'), './uprate.duckdb');
});
