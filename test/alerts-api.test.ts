/**
 * Alerts inside the server: an ingest that plants a drop triggers a check through the context's
 * dataChanged hook, the loopback receiver gets one notification, and GET /api/v1/alerts shows it
 * in the shape the dashboard reads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { alertSetup, type AlertList, type Notification } from '../src/alerts/index.js';
import { configSchema } from '../src/config/index.js';
import { generateDemo } from '../src/demo/index.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { startReceiver, type Receiver } from './alerts-receiver.js';

const AT = new Date('2025-06-30T12:00:00Z');
let dir: string;
let store: DuckDbStore;
let receiver: Receiver;
let app: FastifyInstance;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alerts-api-'));
  store = await DuckDbStore.open(join(dir, 'demo.duckdb'));
  await generateDemo(store, { rows: 40_000, seed: 7, end: AT });
  receiver = await startReceiver();
  const model = await loadModel(shippedModelDir());
  const config = configSchema.parse({
    alerts: {
      channels: { hook: { type: 'webhook', url: receiver.url, retries: 0 } },
      rules: [{ name: 'monthly-drop', condition: { type: 'drop' }, channels: ['hook'], severity: 'critical' }],
    },
  });
  ({ app } = await buildApp({ store, dev: true, logLevel: 'silent', model, clock: () => AT, alerts: alertSetup(config, model) }));
  await app.ready();
});
after(async () => {
  await app.close();
  await store.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(condition(), `waited for ${what}`);
}

/** April's accepted offers, 3 in 5 of them re-sent without their acceptance (the same offer ids). */
async function plantedCsv(): Promise<string> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT offer_id, customer_id, offered_at, offer_type, offer_name, channel, campaign, declined_at FROM offers
     WHERE offered_at >= TIMESTAMP '2025-04-01' AND offered_at < TIMESTAMP '2025-05-01' AND accepted_at IS NOT NULL
       AND CAST(substr(offer_id, 3) AS BIGINT) % 5 < 3 ORDER BY offer_id`,
  );
  const text = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));
  const header = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
  return [header, ...rows.map((r) => [r['offer_id'], r['customer_id'], r['offered_at'], r['offer_type'], r['offer_name'], r['channel'], r['campaign'], null, r['declined_at'], null].map(text).join(','))].join('\n') + '\n';
}

test('an ingest triggers a check; one notification; GET /api/v1/alerts shows it', async () => {
  // The check at start found nothing on clean data.
  const first = await app.inject({ method: 'POST', url: '/api/v1/alerts/check' });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().firing, 0);
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/alerts' })).json(), { firing: [], recent: [] });

  const ingest = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: await plantedCsv() });
  assert.equal(ingest.statusCode, 200, ingest.body);
  await until(() => receiver.requests.length > 0, 'the notification after the ingest');
  const check = await app.inject({ method: 'POST', url: '/api/v1/alerts/check' });
  assert.equal(check.json().firing, 1);
  assert.equal(receiver.requests.length, 1, 'one notification, not repeated by the next check');
  const sent = JSON.parse(receiver.requests[0]?.body ?? '{}') as Notification;
  assert.equal(sent.kind, 'firing');
  assert.equal(sent.link, 'http://127.0.0.1:4000/?from=2025-04-01&to=2025-04-30&grain=month', 'not listening: the default public URL');

  const list = (await app.inject({ method: 'GET', url: '/api/v1/alerts' })).json() as AlertList;
  assert.equal(list.firing.length, 1);
  const view = list.firing[0];
  assert.deepEqual(Object.keys(view ?? {}).sort(), ['firingSince', 'lastNotifiedAt', 'message', 'resolvedAt', 'rule', 'scope', 'severity', 'state']);
  assert.equal(view?.rule, 'monthly-drop');
  assert.equal(view?.scope, 'all');
  assert.equal(view?.state, 'firing');
  assert.equal(view?.severity, 'critical');
  assert.equal(view?.firingSince, AT.toISOString());
  assert.equal(view?.resolvedAt, null);
  assert.equal(view?.lastNotifiedAt, AT.toISOString());
  assert.match(view?.message ?? '', /^Conversion rate fell from \d+\.\d% in 2025-03 .* to \d+\.\d% in 2025-04 .*: a significant drop$/);

  const dry = await app.inject({ method: 'POST', url: '/api/v1/alerts/check?dryRun=true&at=2025-06-30' });
  assert.equal(dry.statusCode, 200);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/alerts/check?when=now' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'BAD_ARGUMENT');
});

test('a server without alert rules lists nothing and refuses a check', async () => {
  const bare = await DuckDbStore.open(':memory:');
  const { app: plain } = await buildApp({ store: bare, dev: true, logLevel: 'silent' });
  assert.deepEqual((await plain.inject({ method: 'GET', url: '/api/v1/alerts' })).json(), { firing: [], recent: [] });
  const check = await plain.inject({ method: 'POST', url: '/api/v1/alerts/check' });
  assert.equal(check.statusCode, 404);
  await plain.close();
  await bare.close();
});
