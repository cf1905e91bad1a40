// Tests for alert-tables.ts, written for the mutation run, on real DuckDB stores: the tables made
// (their columns read back from DuckDB's catalog), once per store, a read-only store left alone
// and said so once, a failed creation tried once more, and a failure not remembered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../store/index.js';
import { ALERT_TABLES_DDL, ensureAlertTables, keepsAlertState } from './alert-tables.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alert-tables-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const columns = async (store: DuckDbStore, table: string) =>
  (await store.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  )).map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`);

test('the three alert tables with their columns, keys and nullability', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    assert.equal(ALERT_TABLES_DDL.length, 3);
    assert.equal(await ensureAlertTables(store), true);
    assert.equal(keepsAlertState(store), true);
    assert.deepEqual(await columns(store, 'uprate_alert_state'), [
      'rule VARCHAR NOT NULL',
      'scope VARCHAR NOT NULL',
      'state VARCHAR NOT NULL',
      'episode INTEGER NOT NULL',
      'severity VARCHAR NOT NULL',
      'message VARCHAR NOT NULL',
      'finding VARCHAR NOT NULL',
      'firing_since TIMESTAMP NOT NULL',
      'resolved_at TIMESTAMP',
      'last_notified_at TIMESTAMP',
      'evaluated_at TIMESTAMP NOT NULL',
    ]);
    assert.deepEqual(await columns(store, 'uprate_alert_notifications'), [
      'notification_key VARCHAR NOT NULL',
      'rule VARCHAR NOT NULL',
      'scope VARCHAR NOT NULL',
      'episode INTEGER NOT NULL',
      'kind VARCHAR NOT NULL',
      'channel VARCHAR NOT NULL',
      'status VARCHAR NOT NULL',
      'owner VARCHAR NOT NULL',
      'claimed_at TIMESTAMP NOT NULL',
      'attempts INTEGER NOT NULL',
      'delivered_at TIMESTAMP',
      'last_error VARCHAR',
    ]);
    assert.deepEqual(await columns(store, 'uprate_alert_dead_letters'), [
      'notification_key VARCHAR NOT NULL',
      'rule VARCHAR NOT NULL',
      'scope VARCHAR NOT NULL',
      'kind VARCHAR NOT NULL',
      'channel VARCHAR NOT NULL',
      'url VARCHAR NOT NULL',
      'payload VARCHAR NOT NULL',
      'error VARCHAR NOT NULL',
      'attempts INTEGER NOT NULL',
      'failed_at TIMESTAMP NOT NULL',
    ]);
    const keys = await store.query<{ table_name: string; constraint_text: string }>(
      `SELECT table_name, constraint_text FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND table_name LIKE 'uprate_alert%' ORDER BY table_name`,
    );
    assert.deepEqual(keys.map((k) => [k.table_name, k.constraint_text]), [
      ['uprate_alert_dead_letters', 'PRIMARY KEY(notification_key)'],
      ['uprate_alert_notifications', 'PRIMARY KEY(notification_key)'],
      ['uprate_alert_state', 'PRIMARY KEY("rule", "scope")'],
    ]);
  } finally {
    await store.close();
  }
});

test('once per store: the same answer again without running the DDL again', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    let runs = 0;
    const run = store.run.bind(store);
    const spied = Object.create(store) as DuckDbStore;
    spied.run = (async (sql: string, ...rest: unknown[]) => {
      runs++;
      return (run as (...a: unknown[]) => Promise<void>)(sql, ...rest);
    }) as DuckDbStore['run'];
    const first = ensureAlertTables(spied);
    assert.equal(ensureAlertTables(spied), first);
    assert.equal(await first, true);
    assert.equal(await ensureAlertTables(spied), true);
    assert.equal(runs, 3, 'one CREATE per table, once');
  } finally {
    await store.close();
  }
});

test('a creation that fails once (two processes in the catalog at once) is tried once more', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    let failures = 1;
    const run = store.run.bind(store);
    const spied = Object.create(store) as DuckDbStore;
    spied.run = (async (sql: string, ...rest: unknown[]) => {
      if (failures > 0) {
        failures--;
        throw new Error('Catalog write-write conflict on create');
      }
      return (run as (...a: unknown[]) => Promise<void>)(sql, ...rest);
    }) as DuckDbStore['run'];
    assert.equal(await ensureAlertTables(spied), true);
    assert.equal((await columns(store, 'uprate_alert_dead_letters')).length, 10);
  } finally {
    await store.close();
  }
});

test('a creation that keeps failing is thrown, and not remembered: the next call tries again', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    let failing = true;
    const run = store.run.bind(store);
    const spied = Object.create(store) as DuckDbStore;
    spied.run = (async (sql: string, ...rest: unknown[]) => {
      if (failing) throw new Error('disk full');
      return (run as (...a: unknown[]) => Promise<void>)(sql, ...rest);
    }) as DuckDbStore['run'];
    await assert.rejects(ensureAlertTables(spied), /disk full/);
    failing = false;
    assert.equal(await ensureAlertTables(spied), true);
    assert.equal(keepsAlertState(spied), true);
  } finally {
    await store.close();
  }
});

test('a store refusing its own tables for another reason than read-only: thrown, state still kept', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    const spied = Object.create(store) as DuckDbStore;
    spied.ensureOwnTables = async () => {
      throw new Error('permission denied for schema uprate');
    };
    await assert.rejects(ensureAlertTables(spied), /permission denied/);
    assert.equal(keepsAlertState(spied), true);
  } finally {
    await store.close();
  }
});

test('a read-only store: nothing created, false, said once; state not kept', async () => {
  const path = join(dir, 'ro.duckdb');
  await (await DuckDbStore.open(path)).close();
  const store = await DuckDbStore.open(path, { readOnly: true });
  try {
    assert.equal(keepsAlertState(store), false);
    const said: string[] = [];
    assert.equal(await ensureAlertTables(store, (m) => said.push(m)), false);
    assert.equal(await ensureAlertTables(store, (m) => said.push(m)), false);
    assert.equal(said.length, 1);
    assert.match(said[0] ?? '', /^alert history and notification state are not kept: .+; alerts are evaluated and reported, nothing is sent$/);
    assert.deepEqual(await columns(store, 'uprate_alert_state'), []);
  } finally {
    await store.close();
  }
});

test('a store that refuses uprate’s tables (READ_ONLY from ensureOwnTables) keeps no state, though writable', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    const spied = Object.create(store) as DuckDbStore;
    const { UprateError } = await import('../core/errors.js');
    spied.ensureOwnTables = async () => {
      throw new UprateError('READ_ONLY', 'no CREATE on the schema');
    };
    assert.equal(keepsAlertState(spied), true);
    assert.equal(await ensureAlertTables(spied), false);
    assert.equal(keepsAlertState(spied), false);
    assert.equal(keepsAlertState(store), true, 'another store is not affected');
  } finally {
    await store.close();
  }
});

test('the store is asked for its own tables as "alert history": a read-only store names that feature', async () => {
  const path = join(dir, 'ro-feature.duckdb');
  await (await DuckDbStore.open(path)).close();
  const store = await DuckDbStore.open(path, { readOnly: true });
  try {
    const said: string[] = [];
    assert.equal(await ensureAlertTables(store, (m) => said.push(m)), false);
    assert.match(said[0] ?? '', /^alert history and notification state are not kept: alert history needs uprate's own tables, but the database is open read-only \(/);
  } finally {
    await store.close();
  }
});

test('only an UprateError coded READ_ONLY means state is not kept: another UprateError (DB_ERROR), or a plain error that merely carries code READ_ONLY, is thrown and state stays kept', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    const { UprateError } = await import('../core/errors.js');
    const refusing = (error: Error) => {
      const spied = Object.create(store) as DuckDbStore;
      spied.ensureOwnTables = async () => {
        throw error;
      };
      return spied;
    };
    const dbError = refusing(new UprateError('DB_ERROR', 'the catalog is locked'));
    await assert.rejects(ensureAlertTables(dbError), (e: unknown) => e instanceof UprateError && e.code === 'DB_ERROR' && e.message === 'the catalog is locked');
    assert.equal(keepsAlertState(dbError), true);
    const coded = refusing(Object.assign(new Error('not one of ours'), { code: 'READ_ONLY' }));
    await assert.rejects(ensureAlertTables(coded), /^Error: not one of ours$/);
    assert.equal(keepsAlertState(coded), true);
  } finally {
    await store.close();
  }
});
