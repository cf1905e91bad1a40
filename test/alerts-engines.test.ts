/**
 * Alert state on every engine whose SQL it speaks (DuckDB and PostgreSQL): the same demo files
 * loaded with `uprate ingest`, a drop planted with plain SQL, two evaluators at once — one
 * notification, the same numbers on each engine, one resolution. ClickHouse has no
 * `INSERT … ON CONFLICT`: its store adapts ALERT_TABLES_DDL and the lease (not done yet).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlertMonitor, alertSetup, listAlerts, type Finding } from '../src/alerts/index.js';
import { configSchema } from '../src/config/index.js';
import { writeDemoFiles } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { startReceiver, type Receiver } from './alerts-receiver.js';
import { uprate } from './cli-helpers.js';
import { dropPostgresSchema, locateEngines, skipUnlessReady } from './engines.js';

const AT = new Date('2025-06-30T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'uprate-alerts-engines-'));
const isolation = `uprate_alerts_${process.pid}`;
const slots = (await locateEngines(isolation, join(dir, 'alerts.duckdb'))).filter((s) => s.engine !== 'clickhouse');
let files: { offers: string; customers: string };
let model: Model;
let receiver: Receiver;
const findingsBy = new Map<string, Finding[]>();

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: 20_000, seed: 11, end: AT });
  model = await loadModel(shippedModelDir());
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  const pg = slots.find((s) => s.engine === 'postgres')?.ready;
  await dropPostgresSchema(pg?.where, isolation);
  rmSync(dir, { recursive: true, force: true });
});

const APRIL = `offered_at >= TIMESTAMP '2025-04-01 00:00:00' AND offered_at < TIMESTAMP '2025-05-01 00:00:00'`;

describe('alert state on each engine', () => {
  for (const slot of slots) {
    test(`${slot.engine}: two evaluators, one notification, one resolution`, { skip: skipUnlessReady(slot) }, async () => {
      const engine = slot.ready;
      assert.ok(engine);
      const r = uprate(['ingest', ...engine.args, files.customers, files.offers]);
      assert.equal(r.code, 0, r.stderr);
      const store: Store = await openStore({ db: engine.where, url: engine.engine === 'duckdb' ? undefined : engine.where, engine: engine.engine });
      try {
        await store.run(`CREATE TABLE planted_backup AS SELECT offer_id, accepted_at FROM offers WHERE ${APRIL} AND accepted_at IS NOT NULL`);
        await store.run(`UPDATE offers SET accepted_at = NULL WHERE ${APRIL} AND accepted_at IS NOT NULL AND CAST(substr(offer_id, 3) AS BIGINT) % 5 < 3`);
        const setup = alertSetup(
          configSchema.parse({
            alerts: {
              channels: { hook: { type: 'webhook', url: receiver.url, retries: 0 } },
              rules: [{ name: `drop-${engine.engine}`, condition: { type: 'drop' }, channels: ['hook'] }],
            },
          }),
          model,
        );
        const start = receiver.requests.length;
        const a = new AlertMonitor({ store, model, setup, owner: 'a' });
        const b = new AlertMonitor({ store, model, setup, owner: 'b' });
        const [ra] = await Promise.all([a.check({ at: AT }), b.check({ at: AT })]);
        assert.equal(ra.firing, 1);
        assert.equal(receiver.requests.length, start + 1, 'one notification');
        findingsBy.set(engine.engine, ra.rows.map((row) => row.finding));
        const listed = await listAlerts(store, AT);
        assert.equal(listed.firing.length, 1);
        assert.equal(listed.firing[0]?.firingSince, AT.toISOString());

        await store.run(`UPDATE offers SET accepted_at = (SELECT b.accepted_at FROM planted_backup b WHERE b.offer_id = offers.offer_id) WHERE offer_id IN (SELECT offer_id FROM planted_backup)`);
        await Promise.all([a.check({ at: AT }), b.check({ at: AT })]);
        assert.equal(receiver.requests.length, start + 2, 'one resolution');
        assert.equal((JSON.parse(receiver.requests.at(-1)?.body ?? '{}') as { kind: string }).kind, 'resolved');
        const after = await listAlerts(store, AT);
        assert.deepEqual([after.firing.length, after.recent.length, after.recent[0]?.resolvedAt], [0, 1, AT.toISOString()]);
      } finally {
        await store.close();
      }
    });
  }

  test('the same finding on every engine', (t) => {
    const reference = findingsBy.get('duckdb');
    if (!reference || findingsBy.size < 2) return t.skip('only one engine ran');
    for (const [engine, found] of findingsBy) {
      assert.deepEqual(found.map((f) => ({ ...f, rule: '' })), reference.map((f) => ({ ...f, rule: '' })), engine);
    }
  });
});
