/**
 * The rollups built beside a serving app (what `uprate demo` does): the server answers from the
 * first moment, a load sent meanwhile waits for one rollup and not the whole build, and stopping
 * leaves every rollup built whole or not at all.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDemo } from '../demo/index.js';
import { DuckDbStore } from '../store/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { modelRollups, rollupStatus } from '../rollups/index.js';
import { buildApp } from './app.js';
import { buildInBackground } from './background-rollups.js';

let model: Model;
let total: number;

before(async () => {
  model = await loadModel(shippedModelDir());
  total = modelRollups(model).length;
});

async function served(seed: number) {
  const store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 3_000, seed, end: new Date('2025-06-30T00:00:00Z') });
  const { app, context } = await buildApp({ store, dev: true, model, logLevel: 'silent', clock: () => new Date('2025-07-10T00:00:00Z') });
  return { store, app, context, close: async () => { await app.close(); await store.close(); } };
}

const states = async (store: DuckDbStore) => (await rollupStatus(store, model)).map((s) => s.state);
const count = (list: readonly string[], state: string) => list.filter((s) => s === state).length;

/** Waits until at least one rollup is fresh (the build has committed its first). */
async function firstBuilt(store: DuckDbStore): Promise<void> {
  for (let i = 0; i < 1_000 && count(await states(store), 'fresh') === 0; i++) await sleep(10);
}

test('the server answers while its rollups build; a load sent meanwhile waits for one rollup, is kept by every rollup, and all end fresh', async () => {
  const { store, app, context, close } = await served(31);
  try {
    const said: string[] = [];
    const build = await buildInBackground(context, model, (line) => said.push(line));
    assert.equal(build.rollups, total);
    const kpi = await app.inject({ method: 'GET', url: '/api/v1/kpi?from=2025-01-01&to=2025-06-29' });
    assert.equal(kpi.statusCode, 200, kpi.body);
    const [rows] = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM offers WHERE offered_at >= '2025-01-01' AND offered_at < '2025-06-30'");
    assert.equal(kpi.json().offers, Number(rows?.n));

    // A writer queued once the first rollup committed runs before the next rollup starts.
    await firstBuilt(store);
    const between = await context.writeLock.run(() => states(store));
    assert.ok(count(between, 'fresh') > 0 && count(between, 'fresh') < total, `between two rollups: ${count(between, 'fresh')} of ${total} fresh`);
    assert.equal(count(between, 'stale'), 0);

    const [customer] = await store.query<{ id: string }>('SELECT customer_id AS id FROM customers ORDER BY customer_id LIMIT 1');
    const csv = ['offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at', ...[1, 2, 3].map((i) => `during-build-${i},${customer?.id},2025-06-1${i}T10:00:00Z,upsell,Premium,`)].join('\n');
    const load = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: `${csv}\n` });
    assert.equal(load.statusCode, 200, load.body);
    assert.equal(load.json().inserted, 3);

    await build.done;
    assert.deepEqual(await states(store), Array.from({ length: total }, () => 'fresh'));
    assert.match(said.join('\n'), new RegExp(`^rollups: ${total} built in [\\d.]+ s`));
    // Rollups built before the load were maintained by it, those after read it: the daily counts hold every offer.
    const [held] = await store.query<{ n: bigint; rows: bigint }>('SELECT (SELECT sum(offers__count) FROM uprate_rollup_offers_daily) AS n, (SELECT count(*) FROM offers) AS rows');
    assert.equal(Number(held?.n), Number(held?.rows));
  } finally {
    await close();
  }
});

test('stopping ends the build between two rollups or inside one: each rollup is built whole or missing, and the next build finishes the rest', async () => {
  const { store, context, close } = await served(32);
  try {
    const said: string[] = [];
    const build = await buildInBackground(context, model, (line) => said.push(line));
    await firstBuilt(store);
    await build.stop();
    const after = await states(store);
    const fresh = count(after, 'fresh');
    assert.ok(fresh > 0 && fresh < total, `${fresh} of ${total} fresh`);
    assert.equal(count(after, 'fresh') + count(after, 'missing'), total, `no rollup half built: ${after.join(', ')}`);
    assert.deepEqual(said, [`rollups: stopped after ${fresh} of ${total} (\`uprate rollups build\` builds the others)`]);
    // The connections the build used are whole: a build again completes what is missing.
    const again = await buildInBackground(context, model, () => undefined);
    assert.equal(again.rollups, total - fresh);
    await again.done;
    assert.equal(count(await states(store), 'fresh'), total);
  } finally {
    await close();
  }
});

test('a build asked of the server (POST /api/v1/rollups/build) takes turns with loads the same way', async () => {
  const { store, app, close } = await served(34);
  try {
    const building = app.inject({ method: 'POST', url: '/api/v1/rollups/build' });
    await firstBuilt(store);
    const [customer] = await store.query<{ id: string }>('SELECT customer_id AS id FROM customers ORDER BY customer_id LIMIT 1');
    const csv = `offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at\nasked-build-1,${customer?.id},2025-06-20T10:00:00Z,upsell,Premium,\n`;
    const load = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: csv });
    assert.equal(load.statusCode, 200, load.body);
    const during = count(await states(store), 'fresh');
    assert.ok(during < total, `the load waited for the whole build (${during} of ${total} fresh when it answered)`);
    const built = await building;
    assert.equal(built.statusCode, 200, built.body);
    assert.equal((built.json() as { built: unknown[] }).built.length, total);
    assert.equal(count(await states(store), 'fresh'), total);
  } finally {
    await close();
  }
});
