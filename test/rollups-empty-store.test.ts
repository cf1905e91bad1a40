/**
 * Rollups built before any data (`uprate rollups build` on a new store, before the first load) are
 * built empty and fresh on every engine, and the first load fills them: then every query reads the
 * same answer with rollups on and off, and some read a rollup. ClickHouse answers a DateTime's
 * min() over no rows with its zero (0000-00-00 00:00:00), not NULL: the bounds of the open windows
 * and of the rollups of moments once read it as an instant and stopped the build with an internal
 * error. One rollup of each kind is built (the same reads of the bounds serve every rollup of a kind).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery, type CubeQuery } from '../src/query/index.js';
import { buildRollups, rollupStatus } from '../src/rollups/index.js';
import { assertSameAnswer, engineSession, ONE_OF_EACH_KIND, rollupEngines } from './rollup-reads.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-rollups-empty-'));
const isolation = `uprate_rollups_empty_${process.pid}`;
const { engines, dropServers } = await rollupEngines(join(dir, 'empty.duckdb'), isolation);
const END = new Date('2025-06-30T23:59:59Z');
const NOW = new Date('2025-07-10T00:00:00Z');
const RATE = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate'];
const QUERIES: CubeQuery[] = [
  { measures: RATE, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: ['2025-05-01', '2025-06-30'] }] },
  { measures: RATE, dimensions: ['Customers.accountSize'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] },
  { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-07-01', '2025-06-30'] }] },
  // Grouped as customersMonthly is: its distinct customers.
  { measures: ['Offers.count', 'Offers.customersOffered', 'Offers.customersConverted'], dimensions: ['Offers.offerType', 'Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2024-07-01', '2025-06-30'] }] },
];
let files: { customers: string; offers: string };
let model: Model;

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: 3_000, seed: 808, end: END });
  model = await loadModel(shippedModelDir());
});

after(async () => {
  await dropServers();
  rmSync(dir, { recursive: true, force: true });
});

for (const { engine, skip } of engines) {
  describe(`rollups built before any data on ${engine.engine}`, { skip }, () => {
    const { open, close } = engineSession(engine);
    after(close);
    /** The built ones' states (ClickHouse keeps no rollup by customer: it is not built there). */
    const states = async () => (await rollupStatus(await open(), model)).filter((s) => ONE_OF_EACH_KIND.includes(s.name) && !(engine.engine === 'clickhouse' && s.name === 'Offers.perCustomer'));

    test('built empty and fresh, no error', async () => {
      const built = await buildRollups(await open(), model, ONE_OF_EACH_KIND);
      assert.ok(built.length >= ONE_OF_EACH_KIND.length - 1, built.map((b) => b.name).join(', '));
      assert.deepEqual(built.filter((b) => b.rows !== 0).map((b) => b.name), [], 'no rows to hold');
      assert.deepEqual((await states()).map((s) => [s.name, s.state]), (await states()).map((s) => [s.name, 'fresh']));
      for (const query of QUERIES) {
        const answer = await answerQuery(await open(), model, query, { now: NOW, access: allAccess('local') });
        assert.ok((answer.results[0]?.data ?? []).every((row) => !Number(row['Offers.count'])), `${JSON.stringify(query)}: no offers`);
      }
    });

    test('the first load fills them: fresh, and every answer the rows’ answer', async () => {
      const store = await open();
      await ingestFiles(store, { table: 'customers', files: [files.customers] });
      await ingestFiles(store, { table: 'offers', files: [files.offers] });
      const now = await states();
      assert.deepEqual(now.filter((s) => s.state !== 'fresh').map((s) => `${s.name}: ${s.state} (${s.why})`), []);
      assert.ok(now.every((s) => (s.stored?.rows ?? 0) > 0), now.map((s) => `${s.name}: ${s.stored?.rows}`).join(', '));
      let served = 0;
      for (const query of QUERIES) {
        const access = allAccess('local');
        const [raw, rolled] = [await answerQuery(store, model, query, { now: NOW, access, useRollups: false }), await answerQuery(store, model, query, { now: NOW, access })];
        const [r, o] = [raw.results[0], rolled.results[0]];
        assert.ok(r && o);
        assert.ok(r.data.length > 0, JSON.stringify(query));
        assertSameAnswer(r, o, false, `${engine.engine} ${JSON.stringify(query)}`);
        if (o.rollup?.used) served++;
      }
      assert.ok(served >= 3, `${served} of ${QUERIES.length} read a rollup`);
    });
  });
}
