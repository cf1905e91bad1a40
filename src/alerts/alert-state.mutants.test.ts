// Tests for alert-state.ts, written for the mutation run, on a real in-memory DuckDB: the episode
// a finding moves the stored row to, read back with plain SQL, and the transition (kind and
// once-only key) it returns. Clock values are chosen by hand (T0 and days after it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../store/index.js';
import { applyFinding, isLostRace, listStates, markNotified, readState, tryWrite, type AlertState } from './alert-state.js';
import { ensureAlertTables } from './alert-tables.js';
import type { Finding } from './finding.js';
import { ruleSchema } from './rules-schema.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

const rule = ruleSchema.parse({ name: 'drop', condition: { type: 'drop' } });
const daily = ruleSchema.parse({ name: 'drop', condition: { type: 'drop' }, repeat: 'daily' });

function finding(status: Finding['status'], message = `${status} message`, extra: Partial<Finding> = {}): Finding {
  return { rule: 'drop', scope: 'all', status, severity: 'warning', message, period: null, grain: 'month', numbers: { offers: 10 }, test: null, filters: [], ...extra };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alert-state-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function fresh(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  assert.equal(await ensureAlertTables(store), true);
  return store;
}

/** The stored row as plain SQL reads it. */
async function row(store: DuckDbStore, scope = 'all'): Promise<Record<string, unknown> | undefined> {
  const rows = await store.query(`SELECT * FROM uprate_alert_state WHERE rule = 'drop' AND scope = $1`, [scope]);
  return rows[0];
}

test('isLostRace: write conflicts and duplicate keys of either engine, in any case; other errors are not', () => {
  for (const message of [
    'TransactionContext Error: Conflict on tuple deletion!',
    'Constraint Error: Duplicate key "rule: r, scope: all" violates primary key constraint',
    'duplicate key value violates unique constraint "uprate_alert_state_pkey"',
    'could not serialize access due to concurrent update',
    'Catalog write-write conflict on create with "uprate_alert_state"',
    'CONFLICT ON TUPLE',
  ]) {
    assert.equal(isLostRace(new Error(message)), true, message);
  }
  for (const message of ['Catalog Error: Table with name uprate_alert_state does not exist!', 'Conflict', 'Duplicate', 'serialize', 'write conflict', 'key value']) {
    assert.equal(isLostRace(new Error(message)), false, message);
  }
});

test('tryWrite: true when the write returned a row, false when none or the race was lost; other errors are thrown', async () => {
  const store = await fresh();
  try {
    const insert = `INSERT INTO uprate_alert_state VALUES ('drop', 'all', 'firing', 1, 'warning', 'm', '{}', $1, NULL, NULL, $1) RETURNING rule`;
    assert.equal(await tryWrite(store, insert, [T0]), true);
    // The same key again: DuckDB's "Duplicate key" — someone else won.
    assert.equal(await tryWrite(store, insert, [T0]), false);
    assert.equal(await tryWrite(store, `UPDATE uprate_alert_state SET episode = 2 WHERE rule = 'none' RETURNING rule`, []), false);
    await assert.rejects(tryWrite(store, 'UPDATE no_such_table SET x = 1 RETURNING x', []), /no_such_table/);
  } finally {
    await store.close();
  }
});

test('a first firing finding starts episode 1: every column as written, a firing transition keyed on the episode', async () => {
  const store = await fresh();
  try {
    const f = finding('firing', 'fell', { severity: 'critical' });
    const t = await applyFinding(store, rule, f, T0);
    const expected: AlertState = {
      rule: 'drop',
      scope: 'all',
      state: 'firing',
      episode: 1,
      severity: 'critical',
      message: 'fell',
      finding: f,
      firingSince: T0,
      resolvedAt: null,
      lastNotifiedAt: null,
      evaluatedAt: T0,
    };
    assert.deepEqual(t, { kind: 'firing', state: expected, key: 'drop|all|1|firing' });
    assert.deepEqual(await readState(store, 'drop', 'all'), expected);
    assert.deepEqual(await row(store), {
      rule: 'drop',
      scope: 'all',
      state: 'firing',
      episode: 1,
      severity: 'critical',
      message: 'fell',
      finding: JSON.stringify(f),
      firing_since: T0,
      resolved_at: null,
      last_notified_at: null,
      evaluated_at: T0,
    });
    assert.equal(await readState(store, 'drop', 'other'), undefined);
    assert.equal(await readState(store, 'other', 'all'), undefined);
  } finally {
    await store.close();
  }
});

test('still firing: the row takes the new message, severity and finding; announced again only until someone was told', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing', 'first'), T0);
    const second = finding('firing', 'second', { severity: 'critical', numbers: { offers: 11 } });
    const t = await applyFinding(store, rule, second, hours(1));
    // Nobody was told yet (no delivery): the same episode is announced again.
    assert.equal(t?.kind, 'firing');
    assert.equal(t?.key, 'drop|all|1|firing');
    const r = await row(store);
    assert.deepEqual([r?.['episode'], r?.['severity'], r?.['message'], r?.['finding'], r?.['firing_since'], r?.['evaluated_at']], [1, 'critical', 'second', JSON.stringify(second), T0, hours(1)]);
    const state = await readState(store, 'drop', 'all');
    assert.ok(state);
    await markNotified(store, state, hours(1));
    assert.deepEqual((await row(store))?.['last_notified_at'], hours(1));
    // Told: the same day nothing more, even with daily reminders.
    assert.equal(await applyFinding(store, daily, finding('firing'), hours(2)), null);
    assert.equal(await applyFinding(store, rule, finding('firing'), hours(30)), null, 'no reminders without repeat: daily');
  } finally {
    await store.close();
  }
});

test('repeat daily: a reminder once a later UTC day starts, keyed on that day', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, daily, finding('firing'), T0);
    const state = await readState(store, 'drop', 'all');
    assert.ok(state);
    await markNotified(store, state, T0);
    // 14:59 UTC the same day (T0 + 14 h = 23:00): still 2026-03-01.
    assert.equal(await applyFinding(store, daily, finding('firing'), hours(14)), null);
    const t = await applyFinding(store, daily, finding('firing', 'next day'), hours(15));
    assert.equal(t?.kind, 'reminder');
    assert.equal(t?.key, 'drop|all|1|reminder|2026-03-02');
    assert.equal(t?.state.message, 'next day');
    assert.deepEqual(t?.state.lastNotifiedAt, T0);
  } finally {
    await store.close();
  }
});

test('an ok finding resolves a firing alert once; another ok, or an ok with no alert, changes nothing', async () => {
  const store = await fresh();
  try {
    assert.equal(await applyFinding(store, rule, finding('ok'), T0), null);
    assert.equal(await row(store), undefined, 'an ok finding never creates a row');
    await applyFinding(store, rule, finding('firing'), T0);
    const f = finding('ok', 'back to normal');
    const t = await applyFinding(store, rule, f, hours(5));
    assert.deepEqual(t, {
      kind: 'resolved',
      key: 'drop|all|1|resolved',
      state: { rule: 'drop', scope: 'all', state: 'resolved', episode: 1, severity: 'warning', message: 'back to normal', finding: f, firingSince: T0, resolvedAt: hours(5), lastNotifiedAt: null, evaluatedAt: hours(5) },
    });
    assert.equal(await applyFinding(store, rule, finding('ok', 'still fine'), hours(6)), null);
    const r = await row(store);
    assert.deepEqual([r?.['message'], r?.['resolved_at'], r?.['evaluated_at']], ['back to normal', hours(5), hours(5)]);
  } finally {
    await store.close();
  }
});

test('firing again after resolving: a new episode, its own start, nothing told yet, no resolution', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing'), T0);
    const first = await readState(store, 'drop', 'all');
    assert.ok(first);
    await markNotified(store, first, T0);
    await applyFinding(store, rule, finding('ok'), hours(1));
    const f = finding('firing', 'again', { severity: 'critical' });
    const t = await applyFinding(store, rule, f, hours(2));
    assert.deepEqual(t, {
      kind: 'firing',
      key: 'drop|all|2|firing',
      state: { rule: 'drop', scope: 'all', state: 'firing', episode: 2, severity: 'critical', message: 'again', finding: f, firingSince: hours(2), resolvedAt: null, lastNotifiedAt: null, evaluatedAt: hours(2) },
    });
  } finally {
    await store.close();
  }
});

test('a skipped finding leaves the state alone', async () => {
  const store = await fresh();
  try {
    assert.equal(await applyFinding(store, rule, finding('skipped'), T0), null);
    assert.equal(await row(store), undefined);
    await applyFinding(store, rule, finding('firing', 'fell'), T0);
    assert.equal(await applyFinding(store, rule, finding('skipped', 'too few'), hours(1)), null);
    const r = await row(store);
    assert.deepEqual([r?.['state'], r?.['message'], r?.['evaluated_at']], ['firing', 'fell', T0]);
  } finally {
    await store.close();
  }
});

test('markNotified touches only the episode it was given', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing'), T0);
    const state = await readState(store, 'drop', 'all');
    assert.ok(state);
    await markNotified(store, { ...state, episode: 2 }, hours(1));
    assert.equal((await row(store))?.['last_notified_at'], null);
    await markNotified(store, state, hours(1));
    assert.deepEqual((await row(store))?.['last_notified_at'], hours(1));
  } finally {
    await store.close();
  }
});

test('listStates: firing first (newest start first), then resolved; ties by rule, then scope', async () => {
  const store = await fresh();
  try {
    const put = (r: string, scope: string, state: string, since: Date) =>
      store.run(`INSERT INTO uprate_alert_state VALUES ($1, $2, $3, 1, 'warning', 'm', '{}', $4, NULL, NULL, $4)`, [r, scope, state, since]);
    await put('b', 'all', 'resolved', hours(5));
    await put('a', 'x=2', 'firing', T0);
    await put('a', 'x=1', 'firing', T0);
    await put('c', 'all', 'firing', hours(1));
    await put('a', 'all', 'resolved', hours(9));
    await put('0', 'all', 'firing', T0);
    const states = await listStates(store);
    assert.deepEqual(states.map((s) => [s.rule, s.scope, s.state]), [
      ['c', 'all', 'firing'],
      ['0', 'all', 'firing'],
      ['a', 'x=1', 'firing'],
      ['a', 'x=2', 'firing'],
      ['a', 'all', 'resolved'],
      ['b', 'all', 'resolved'],
    ]);
  } finally {
    await store.close();
  }
});

test('a stored row read back: an unknown state reads as resolved, an unknown severity as warning', async () => {
  const store = await fresh();
  try {
    await store.run(`INSERT INTO uprate_alert_state VALUES ('drop', 'all', 'paused', 3, 'info', 'm', '{"a":1}', $1, $2, $3, $4)`, [T0, hours(1), hours(2), hours(3)]);
    assert.deepEqual(await readState(store, 'drop', 'all'), {
      rule: 'drop',
      scope: 'all',
      state: 'resolved',
      episode: 3,
      severity: 'warning',
      message: 'm',
      finding: { a: 1 },
      firingSince: T0,
      resolvedAt: hours(1),
      lastNotifiedAt: hours(2),
      evaluatedAt: hours(3),
    });
  } finally {
    await store.close();
  }
});

test('timestamps a store gives as text are read as UTC: with a space or a T, with a zone or without', async () => {
  // A table with the same columns, its times as text (as some engines' drivers give them). The
  // process runs in another time zone meanwhile, so a time read as local time would be off.
  const store = await DuckDbStore.open(':memory:');
  const zone = process.env['TZ'];
  process.env['TZ'] = 'America/New_York';
  try {
    await store.run(`CREATE TABLE uprate_alert_state (rule VARCHAR, scope VARCHAR, state VARCHAR, episode INTEGER, severity VARCHAR, message VARCHAR, finding VARCHAR,
      firing_since VARCHAR, resolved_at VARCHAR, last_notified_at VARCHAR, evaluated_at VARCHAR)`);
    await store.run(`INSERT INTO uprate_alert_state VALUES ('drop', 'all', 'resolved', 1, 'critical', 'm', '{}',
      '2026-03-01 09:00:00', '2026-03-01T10:00:00Z', '2026-03-01 12:00:00+02:00', '2026-03-01 13:00:00.5-0130')`);
    assert.deepEqual(await readState(store, 'drop', 'all'), {
      rule: 'drop',
      scope: 'all',
      state: 'resolved',
      episode: 1,
      severity: 'critical',
      message: 'm',
      finding: {},
      firingSince: new Date('2026-03-01T09:00:00Z'),
      resolvedAt: new Date('2026-03-01T10:00:00Z'),
      lastNotifiedAt: new Date('2026-03-01T10:00:00Z'),
      evaluatedAt: new Date('2026-03-01T14:30:00.5Z'),
    });
  } finally {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
    await store.close();
  }
});

test('a read-only store keeps no state: nothing written, nothing to notify, the state never stored', async () => {
  const path = join(dir, 'read-only.duckdb');
  const writable = await DuckDbStore.open(path);
  await writable.close();
  const store = await DuckDbStore.open(path, { readOnly: true });
  try {
    assert.equal(await ensureAlertTables(store), false);
    assert.equal(await applyFinding(store, rule, finding('firing'), T0), null);
    assert.equal(await readState(store, 'drop', 'all'), undefined, 'no table: never stored');
    assert.equal(await tryWrite(store, 'SELECT 1 AS one', []), false, 'not even tried');
    await markNotified(store, { rule: 'drop', scope: 'all', episode: 1 } as AlertState, T0);
  } finally {
    await store.close();
  }
});

test('a writable store without the alert tables: reading the state is an error, not "never stored"', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    await assert.rejects(readState(store, 'drop', 'all'), /uprate_alert_state/);
    await assert.rejects(listStates(store), /uprate_alert_state/);
  } finally {
    await store.close();
  }
});

/** The store with `first` run by "another evaluator" just before this one's statement matching `when`. */
function racing(store: DuckDbStore, when: RegExp, first: string): DuckDbStore {
  const query = store.query.bind(store);
  let pending = true;
  const spied = Object.create(store) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (pending && when.test(sql)) {
      pending = false;
      await store.run(first);
    }
    return (query as (...a: unknown[]) => Promise<Record<string, unknown>[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return spied;
}

test('a race lost while still firing: the other evaluator resolved it first, so nothing to announce', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing'), T0);
    const raced = racing(store, /^UPDATE uprate_alert_state SET severity/, `UPDATE uprate_alert_state SET state = 'resolved', resolved_at = TIMESTAMP '2026-03-01 09:30:00'`);
    assert.equal(await applyFinding(raced, rule, finding('firing', 'later'), hours(1)), null);
    const r = await row(store);
    assert.deepEqual([r?.['state'], r?.['message']], ['resolved', 'firing message'], 'the winner’s state stands');
  } finally {
    await store.close();
  }
});

test('a race lost while resolving: the other evaluator resolved, fired and resolved again, so the episode read back is not ours', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing'), T0);
    const raced = racing(store, /^UPDATE uprate_alert_state SET state = 'resolved'/, `UPDATE uprate_alert_state SET state = 'resolved', episode = 2, resolved_at = TIMESTAMP '2026-03-01 09:30:00'`);
    assert.equal(await applyFinding(raced, rule, finding('ok'), hours(1)), null);
    const r = await row(store);
    assert.deepEqual([r?.['state'], r?.['episode'], r?.['resolved_at']], ['resolved', 2, new Date('2026-03-01T09:30:00Z')]);
    // Or it fired again: the row read back is firing, not resolved.
    const store2 = await fresh();
    try {
      await applyFinding(store2, rule, finding('firing'), T0);
      const again = racing(store2, /^UPDATE uprate_alert_state SET state = 'resolved'/, `UPDATE uprate_alert_state SET episode = 2, firing_since = TIMESTAMP '2026-03-01 09:30:00'`);
      assert.equal(await applyFinding(again, rule, finding('ok'), hours(1)), null);
    } finally {
      await store2.close();
    }
  } finally {
    await store.close();
  }
});

test('a row gone under the write (deleted by hand): nothing to announce, no error', async () => {
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing'), T0);
    const firing = racing(store, /^UPDATE uprate_alert_state SET severity/, `DELETE FROM uprate_alert_state`);
    assert.equal(await applyFinding(firing, rule, finding('firing'), hours(1)), null);
    await applyFinding(store, rule, finding('firing'), T0);
    const resolving = racing(store, /^UPDATE uprate_alert_state SET state = 'resolved'/, `DELETE FROM uprate_alert_state`);
    assert.equal(await applyFinding(resolving, rule, finding('ok'), hours(1)), null);
  } finally {
    await store.close();
  }
});

test('a read-only store holding alert state from earlier: the state is read, but a finding moves nothing and announces nothing', async () => {
  const path = join(dir, 'read-only-with-state.duckdb');
  const writable = await DuckDbStore.open(path);
  await ensureAlertTables(writable);
  await applyFinding(writable, rule, finding('firing', 'fell'), T0);
  await writable.close();
  const store = await DuckDbStore.open(path, { readOnly: true });
  try {
    assert.equal((await readState(store, 'drop', 'all'))?.lastNotifiedAt, null, 'firing, nobody told yet');
    assert.equal(await applyFinding(store, rule, finding('firing', 'still'), hours(1)), null);
    assert.equal(await applyFinding(store, rule, finding('ok', 'fine'), hours(1)), null);
    const state = await readState(store, 'drop', 'all');
    assert.deepEqual([state?.state, state?.message], ['firing', 'fell']);
  } finally {
    await store.close();
  }
});

test('a resolve that loses a write conflict while the winner keeps the episode firing: nothing to announce', async () => {
  // The other evaluator updated the firing row (still firing, still episode 1) in a transaction
  // that overlapped ours: DuckDB refuses our resolve with a write conflict, a lost race.
  const store = await fresh();
  try {
    await applyFinding(store, rule, finding('firing', 'fell'), T0);
    const query = store.query.bind(store);
    const conflicted = Object.create(store) as DuckDbStore;
    conflicted.query = (async (sql: string, ...rest: unknown[]) => {
      if (/^UPDATE uprate_alert_state SET state = 'resolved'/.test(sql)) throw new Error('TransactionContext Error: Conflict on tuple deletion!');
      return (query as (...a: unknown[]) => Promise<Record<string, unknown>[]>)(sql, ...rest);
    }) as DuckDbStore['query'];
    assert.equal(await applyFinding(conflicted, rule, finding('ok', 'fine'), hours(1)), null);
    const r = await row(store);
    assert.deepEqual([r?.['state'], r?.['episode'], r?.['message']], ['firing', 1, 'fell'], 'the winner’s firing state stands');
  } finally {
    await store.close();
  }
});
