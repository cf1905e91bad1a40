/**
 * Alerts end to end against a real webhook receiver on 127.0.0.1: a drop planted in demo data with
 * plain SQL fires one notification, is not repeated, survives a restart, and resolves once; retries,
 * dead letters, and two evaluators at once. Expected numbers come from plain SQL on the same data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlertMonitor, alertSetup, ensureAlertTables, listAlerts, listDeadLetters, readState, type AlertSetup, type Notification } from '../src/alerts/index.js';
import { configSchema } from '../src/config/index.js';
import { generateDemo } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { perCustomer, population, raoScottZ } from './alerts-hand.js';
import { deadUrl, signatureValid, startReceiver, type Receiver } from './alerts-receiver.js';

const AT = new Date('2025-06-30T12:00:00Z');
const SECRET = 'receiver-secret';
let dir: string;
let model: Model;
let receiver: Receiver;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alerts-'));
  model = await loadModel(shippedModelDir());
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

let dbCount = 0;
async function demoStore(): Promise<{ store: DuckDbStore; path: string }> {
  const path = join(dir, `demo-${++dbCount}.duckdb`);
  const store = await DuckDbStore.open(path);
  await generateDemo(store, { rows: 40_000, seed: 7, end: AT });
  return { store, path };
}

const APRIL = `offered_at >= TIMESTAMP '2025-04-01' AND offered_at < TIMESTAMP '2025-05-01'`;

/** Takes 3 in 5 of April's acceptances away (by offer id), keeping them aside to put back. */
async function plantDrop(store: DuckDbStore): Promise<void> {
  await store.run(`CREATE TABLE IF NOT EXISTS planted_backup AS SELECT offer_id, accepted_at FROM offers WHERE ${APRIL} AND accepted_at IS NOT NULL`);
  await store.run(`UPDATE offers SET accepted_at = NULL WHERE ${APRIL} AND accepted_at IS NOT NULL AND CAST(substr(offer_id, 3) AS BIGINT) % 5 < 3`);
}

async function fixDrop(store: DuckDbStore): Promise<void> {
  await store.run(`UPDATE offers SET accepted_at = b.accepted_at FROM planted_backup b WHERE offers.offer_id = b.offer_id`);
}

/** Offers and offers accepted within 30 days (and by AT) in [from, to), by plain SQL. */
async function counts(store: DuckDbStore, from: string, to: string): Promise<{ n: number; k: number }> {
  const [row] = await store.query<{ n: bigint; k: bigint }>(
    `SELECT count(*) AS n,
            count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= $1::TIMESTAMP) AS k
     FROM offers WHERE offered_at >= $2::TIMESTAMP AND offered_at < $3::TIMESTAMP`,
    [AT.toISOString().replace('Z', ''), from, to],
  );
  return { n: Number(row?.n), k: Number(row?.k) };
}

function setup(url: string, rule: Record<string, unknown> = {}, channel: Record<string, unknown> = {}): AlertSetup {
  const config = configSchema.parse({
    alerts: {
      publicUrl: 'http://dash.example:4000',
      channels: { hook: { type: 'webhook', url, secret: SECRET, retries: 2, backoffMs: 100, timeoutMs: 5000, ...channel } },
      rules: [{ name: 'monthly-drop', condition: { type: 'drop', versus: 'previous' }, channels: ['hook'], ...rule }],
    },
  });
  return alertSetup(config, model);
}

const sleeps: number[] = [];
/** Retries without waiting: the delays asked for are recorded instead. */
const instant = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };

function monitor(store: DuckDbStore, s: AlertSetup, owner?: string): AlertMonitor {
  return new AlertMonitor({ store, model, setup: s, delivery: instant, ...(owner ? { owner } : {}) });
}

describe('alert lifecycle against a loopback receiver', () => {
  test('a planted drop fires once, is not repeated, survives a restart, and resolves once', async () => {
    const { store: first, path } = await demoStore();
    let store = first;
    const start = receiver.requests.length;
    const s = setup(receiver.url);
    const before = await monitor(store, s).check({ at: AT });
    assert.equal(before.firing, 0, 'clean demo data: nothing fires');
    assert.equal(receiver.requests.length, start);

    await plantDrop(store);
    const april = await counts(store, '2025-04-01', '2025-05-01');
    const march = await counts(store, '2025-03-01', '2025-04-01');
    const fired = await monitor(store, s).check({ at: AT });
    assert.equal(fired.firing, 1);
    const sent = receiver.requests.slice(start);
    assert.equal(sent.length, 1, 'exactly one notification');
    const request = sent[0];
    assert.ok(request && signatureValid(request, SECRET), 'HMAC-SHA256 signature checks out');
    const body = JSON.parse(request.body) as Notification;
    assert.equal(body.kind, 'firing');
    assert.equal(body.rule.name, 'monthly-drop');
    assert.equal(body.scope, 'all');
    assert.equal(body.severity, 'warning');
    assert.equal(body.period?.label, '2025-04');
    const numbers = body.numbers;
    assert.deepEqual([numbers['offers'], numbers['accepted'], numbers['previousOffers'], numbers['previousAccepted']], [april.n, april.k, march.n, march.k]);
    // The pooled z statistic by hand, on each month's customer-clustered effective counts (Rao–Scott).
    const asOf = AT.toISOString().slice(0, 19).replace('T', ' ');
    const aprilPop = population(await perCustomer(store, asOf, '2025-04-01', '2025-05-01'));
    const marchPop = population(await perCustomer(store, asOf, '2025-03-01', '2025-04-01'));
    assert.deepEqual([aprilPop.n, aprilPop.k, marchPop.n, marchPop.k], [april.n, april.k, march.n, march.k]);
    assert.ok(aprilPop.d > 1 && marchPop.d > 1, `design effects ${aprilPop.d}, ${marchPop.d}`);
    const p1 = april.k / april.n;
    const p0 = march.k / march.n;
    const z = raoScottZ(aprilPop, marchPop);
    assert.equal(body.test?.name, 'pooled two-proportion z test (Rao–Scott, customer-clustered)');
    assert.ok(Math.abs((body.test?.statistic ?? 0) - z) < 1e-9, `z ${body.test?.statistic} vs ${z}`);
    assert.ok(Math.abs(Number(numbers['designEffect']) - aprilPop.d) < 1e-9 && Math.abs(Number(numbers['previousDesignEffect']) - marchPop.d) < 1e-9);
    assert.ok((body.test?.pValue ?? 1) < 1e-6);
    assert.match(body.message, new RegExp(`fell from ${(p0 * 100).toFixed(1)}% in 2025-03 .* to ${(p1 * 100).toFixed(1)}% in 2025-04`));
    assert.equal(body.link, 'http://dash.example:4000/?from=2025-04-01&to=2025-04-30&grain=month');
    assert.equal(request.headers['x-uprate-delivery'], 'monthly-drop|all|1|firing|hook');

    const again = await monitor(store, s).check({ at: AT });
    assert.equal(again.firing, 1, 'still firing');
    assert.equal(receiver.requests.length, start + 1, 'a second evaluation does not repeat it');

    // Restart: close the file and open it again.
    const stateBefore = await readState(store, 'monthly-drop', 'all');
    await store.close();
    store = await DuckDbStore.open(path);
    const stateAfter = await readState(store, 'monthly-drop', 'all');
    assert.deepEqual(stateAfter, stateBefore, 'state survives a restart');
    assert.equal(stateAfter?.state, 'firing');
    assert.ok(stateAfter?.lastNotifiedAt);
    await monitor(store, s).check({ at: AT });
    assert.equal(receiver.requests.length, start + 1, 'no repeat after the restart');

    await fixDrop(store);
    const resolved = await monitor(store, s).check({ at: AT });
    assert.equal(resolved.firing, 0);
    const after = receiver.requests.slice(start + 1);
    assert.equal(after.length, 1, 'one resolution message');
    const resolution = JSON.parse(after[0]?.body ?? '{}') as Notification;
    assert.equal(resolution.kind, 'resolved');
    assert.match(resolution.message, /^Resolved: /);
    assert.equal(resolution.resolvedAt, AT.toISOString());
    await monitor(store, s).check({ at: AT });
    assert.equal(receiver.requests.length, start + 2, 'resolution is not repeated either');

    const views = await listAlerts(store, AT);
    assert.deepEqual(views.firing, []);
    assert.equal(views.recent.length, 1);
    assert.deepEqual(Object.keys(views.recent[0] ?? {}).sort(), ['firingSince', 'lastNotifiedAt', 'message', 'resolvedAt', 'rule', 'scope', 'severity', 'state']);
    assert.equal(views.recent[0]?.state, 'resolved');

    // It can start again: a new episode, a new notification.
    await plantDrop(store);
    await monitor(store, s).check({ at: AT });
    const third = receiver.requests.slice(start + 2);
    assert.equal(third.length, 1);
    assert.equal(third[0]?.headers['x-uprate-delivery'], 'monthly-drop|all|2|firing|hook');
    await store.close();
  });

  test('500 twice then 200: retried with backoff and delivered once', async () => {
    const { store } = await demoStore();
    await plantDrop(store);
    const start = receiver.requests.length;
    sleeps.length = 0;
    receiver.answer(500, 500);
    const result = await monitor(store, setup(receiver.url)).check({ at: AT });
    const sent = receiver.requests.slice(start);
    assert.deepEqual(sent.map((r) => r.status), [500, 500, 200]);
    assert.equal(new Set(sent.map((r) => r.body)).size, 1, 'the same notification each time');
    // backoff 100 ms · 2^(retry − 1) · (0.5 + jitter/2), jitter 0.5.
    assert.deepEqual(sleeps, [75, 150]);
    const delivery = result.rows.flatMap((r) => r.deliveries)[0];
    assert.deepEqual({ delivered: delivery?.delivered, attempts: delivery?.attempts }, { delivered: true, attempts: 3 });
    const [row] = await store.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM uprate_alert_notifications`);
    assert.deepEqual(row, { status: 'delivered', attempts: 3 });
    assert.deepEqual(await listDeadLetters(store), []);
    await monitor(store, setup(receiver.url)).check({ at: AT });
    assert.equal(receiver.requests.length, start + 3, 'delivered once');
    await store.close();
  });

  test('receiver down: the last retry leaves a dead letter, and it is not sent again', async () => {
    const { store } = await demoStore();
    await plantDrop(store);
    const s = setup(await deadUrl());
    const result = await monitor(store, s).check({ at: AT });
    assert.equal(result.firing, 1);
    const dead = await listDeadLetters(store);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.attempts, 3);
    assert.equal(dead[0]?.rule, 'monthly-drop');
    assert.match(dead[0]?.error ?? '', /ECONNREFUSED|fetch failed/);
    assert.equal((JSON.parse(dead[0]?.payload ?? '{}') as { kind: string }).kind, 'firing', 'the payload is kept for replay');
    const state = await readState(store, 'monthly-drop', 'all');
    assert.equal(state?.state, 'firing');
    assert.equal(state?.lastNotifiedAt, null, 'nobody was told');
    await monitor(store, s).check({ at: AT });
    assert.equal((await listDeadLetters(store)).length, 1);
    const [n] = await store.query<{ c: bigint }>(`SELECT count(*) AS c FROM uprate_alert_notifications WHERE status = 'dead'`);
    assert.equal(Number(n?.c), 1);
    await store.close();
  });

  test('two evaluators at once send once (start and resolution)', async () => {
    const { store } = await demoStore();
    await plantDrop(store);
    const start = receiver.requests.length;
    const s = setup(receiver.url);
    const a = monitor(store, s, 'evaluator-a');
    const b = monitor(store, s, 'evaluator-b');
    const both = await Promise.all([a.check({ at: AT }), b.check({ at: AT }), a.check({ at: AT }), b.check({ at: AT })]);
    assert.ok(both.every((r) => r.firing === 1));
    assert.equal(receiver.requests.length, start + 1, 'one notification');
    const claims = both.flatMap((r) => r.rows.flatMap((row) => row.deliveries));
    assert.equal(claims.filter((d) => d.claimed).length, 1);
    await fixDrop(store);
    await Promise.all([a.check({ at: AT }), b.check({ at: AT })]);
    assert.equal(receiver.requests.length, start + 2, 'one resolution');
    assert.equal((JSON.parse(receiver.requests.at(-1)?.body ?? '{}') as { kind: string }).kind, 'resolved');
    await store.close();
  });

  test('a lease left "sending" by a crashed evaluator is taken over after leaseMs', async () => {
    const { store } = await demoStore();
    await plantDrop(store);
    const s = setup(receiver.url);
    const start = receiver.requests.length;
    // A sender that claimed the notification two minutes ago and died before sending it.
    await ensureAlertTables(store);
    await store.run(`INSERT INTO uprate_alert_notifications VALUES ('monthly-drop|all|1|firing|hook', 'monthly-drop', 'all', 1, 'firing', 'hook', 'sending', 'crashed', $1, 0, NULL, NULL)`, [
      new Date(Date.now() - 120_000),
    ]);
    const patient = new AlertMonitor({ store, model, setup: s, delivery: instant, leaseMs: 600_000 });
    await patient.check({ at: AT });
    assert.equal(receiver.requests.length, start, 'within the lease: the other sender may still send it');
    const first = new AlertMonitor({ store, model, setup: s, delivery: instant, leaseMs: 60_000 });
    await first.check({ at: AT });
    const sent = receiver.requests.slice(start);
    assert.equal(sent.length, 1, 'taken over and sent');
    const [row] = await store.query<{ owner: string; status: string }>(`SELECT owner, status FROM uprate_alert_notifications`);
    assert.equal(row?.status, 'delivered');
    assert.notEqual(row?.owner, 'crashed');
    await store.close();
  });
});
