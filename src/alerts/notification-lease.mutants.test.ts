// Tests for notification-lease.ts, written for the mutation run: the lease on one in-memory
// DuckDB in this process (notification-lease.test.ts runs the takeover in a second process, which
// the mutation run does not follow). Who holds each row and what it says is read with plain SQL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDbStore } from '../store/index.js';
import { ensureAlertTables } from './alert-tables.js';
import { claimNotification, listDeadLetters, markDelivered, recordDeadLetter, type LeaseClaim } from './notification-lease.js';

let store: DuckDbStore;
before(async () => {
  store = await DuckDbStore.open(':memory:');
  await ensureAlertTables(store);
});
after(() => store.close());

const claim = (key: string): LeaseClaim => ({ key, rule: 'drop', scope: 'all', episode: 1, kind: 'firing', channel: 'ops' });
const T0 = new Date('2025-07-01T07:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const holder = async (key: string) =>
  (await store.query(`SELECT owner, strftime(claimed_at, '%Y-%m-%d %H:%M:%S.%g') AS claimed, status FROM uprate_alert_notifications WHERE notification_key = $1`, [key]))[0];

test('a sending row is taken over only once its lease has run out: not at exactly leaseMs, a millisecond after', async () => {
  assert.equal(await claimNotification(store, claim('k1'), 'A', T0, 60_000), true);
  assert.equal(await claimNotification(store, claim('k1'), 'B', later(1_000), 60_000), false);
  // Claimed at T0 with a 60 s lease: at T0 + 60 s the claim is not older than the lease.
  assert.equal(await claimNotification(store, claim('k1'), 'B', later(60_000), 60_000), false);
  assert.deepEqual(await holder('k1'), { owner: 'A', claimed: '2025-07-01 07:00:00.000', status: 'sending' });
  assert.equal(await claimNotification(store, claim('k1'), 'B', later(60_001), 60_000), true);
  assert.deepEqual(await holder('k1'), { owner: 'B', claimed: '2025-07-01 07:01:00.001', status: 'sending' });
});

test('a delivered row is never taken over', async () => {
  assert.equal(await claimNotification(store, claim('k2'), 'A', T0, 1), true);
  await markDelivered(store, 'k2', 1, later(5));
  assert.equal(await claimNotification(store, claim('k2'), 'B', later(3_600_000), 1), false);
  assert.deepEqual(await holder('k2'), { owner: 'A', claimed: '2025-07-01 07:00:00.000', status: 'delivered' });
});

test('dead letters: listed oldest first, every field as recorded', async () => {
  const dead = (key: string, error: string, attempts: number) => ({ claim: { ...claim(key), scope: `Offers.channel=${key}` }, url: `https://hooks.example/${key}`, payload: `{"key":"${key}"}`, error, attempts });
  await claimNotification(store, claim('d2'), 'A', T0, 1);
  await claimNotification(store, claim('d1'), 'A', T0, 1);
  await recordDeadLetter(store, dead('d2', 'HTTP 500', 5), later(2_000));
  await recordDeadLetter(store, dead('d1', 'HTTP 404 (not retried: the receiver refused the request)', 1), later(1_000));
  assert.deepEqual(await listDeadLetters(store), [
    { key: 'd1', rule: 'drop', scope: 'Offers.channel=d1', kind: 'firing', channel: 'ops', error: 'HTTP 404 (not retried: the receiver refused the request)', attempts: 1, payload: '{"key":"d1"}' },
    { key: 'd2', rule: 'drop', scope: 'Offers.channel=d2', kind: 'firing', channel: 'ops', error: 'HTTP 500', attempts: 5, payload: '{"key":"d2"}' },
  ]);
  assert.equal((await holder('d2'))?.['status'], 'dead');
});
