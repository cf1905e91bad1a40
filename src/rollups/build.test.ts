/**
 * A build stopped by its signal while a rollup is being filled: the engine's statement is stopped
 * (DuckDB interrupts it, PostgreSQL cancels it from another connection) and the fill rolled back,
 * so that rollup stays missing, the one before stays built, and the store takes the next build.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { dropPostgresSchema, locateServer, skipUnlessReady } from '../../test/engines.js';
import { writeDemoFiles } from '../demo/index.js';
import { ingestFiles } from '../ingest/index.js';
import { openStore } from '../store/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { buildRollups } from './build.js';
import { rollupStatus } from './availability.js';
import { inTransaction } from './transaction.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-build-stop-'));
const isolation = `uprate_build_stop_${process.pid}`;
const pg = await locateServer('postgres', isolation);
after(async () => {
  await dropPostgresSchema(pg.ready?.where, isolation);
  rmSync(dir, { recursive: true, force: true });
});

for (const engine of ['duckdb', 'postgres'] as const) {
  describe(engine, { skip: engine === 'postgres' ? skipUnlessReady(pg) : false }, () => {
    test('a build stopped inside a fill (a family of moments) rolls that fill back and keeps what it built before', async () => {
      const model = await loadModel(shippedModelDir());
      const store = engine === 'duckdb' ? await openStore({ db: ':memory:' }) : await openStore({ db: ':memory:', url: pg.ready?.where ?? '', engine: 'postgres' });
      try {
        const files = await writeDemoFiles({ dir: mkdtempSync(join(dir, engine)), format: 'csv', rows: 3_000, seed: 33, end: new Date('2025-06-30T00:00:00Z') });
        await ingestFiles(store, { table: 'customers', files: [files.customers], replace: true });
        await ingestFiles(store, { table: 'offers', files: [files.offers], replace: true });
        const names = ['Offers.daily', 'Offers.momentsTotal', 'Offers.momentsBySize'];
        const controller = new AbortController();
        let fills = 0;
        // The second fill (the family) is under way when the signal aborts: its first statement is stopped.
        const eachFill = <T>(fill: () => Promise<T>): Promise<T> => {
          const running = fill();
          if (++fills === 2) controller.abort();
          return running;
        };
        const built = await buildRollups(store, model, names, undefined, { signal: controller.signal, eachFill });
        assert.equal(fills, 2);
        assert.deepEqual(built.map((b) => b.name), ['Offers.daily']);
        const state = async () => (await rollupStatus(store, model)).filter((s) => names.includes(s.name)).map((s) => [s.name, s.state]);
        assert.deepEqual(await state(), [['Offers.daily', 'fresh'], ['Offers.momentsTotal', 'missing'], ['Offers.momentsBySize', 'missing']]);
        const [tables] = await store.query<{ n: bigint | number }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'uprate_rollup_offers_moments%'");
        assert.equal(Number(tables?.n), 0, 'nothing of the interrupted family is left');
        // Every connection is usable again (none left inside the rolled-back transaction).
        assert.deepEqual((await buildRollups(store, model, names.slice(1))).map((b) => b.name), names.slice(1));
        assert.deepEqual(await state(), names.map((n) => [n, 'fresh']));
      } finally {
        await store.close();
      }
    });

    test('the signal stops the statement running (a minutes-long one) and rolls back what the transaction wrote', async () => {
      const store = engine === 'duckdb' ? await openStore({ db: ':memory:' }) : await openStore({ db: ':memory:', url: pg.ready?.where ?? '', engine: 'postgres' });
      try {
        await store.run('CREATE TABLE IF NOT EXISTS stop_probe (n INTEGER)');
        const controller = new AbortController();
        const long = engine === 'duckdb' ? 'SELECT max(i % 7919) AS m FROM range(1000000000000) t(i)' : 'SELECT pg_sleep(120)';
        const started = performance.now();
        const timer = setTimeout(() => controller.abort(), 300);
        const outcome = await inTransaction(store, async (exec) => {
          await exec('INSERT INTO stop_probe VALUES (1)');
          await exec(long);
          return 'finished';
        }, controller.signal).catch((e: unknown) => e);
        clearTimeout(timer);
        const seconds = (performance.now() - started) / 1000;
        assert.ok(outcome instanceof Error && /interrupt|cancel/i.test(outcome.message), `the statement was not stopped: ${String(outcome)}`);
        // Stopped within seconds of the signal, not after the statement's minutes.
        assert.ok(seconds < 30, `stopped after ${seconds.toFixed(1)} s`);
        const [row] = await store.query<{ n: bigint | number }>('SELECT count(*) AS n FROM stop_probe');
        assert.equal(Number(row?.n), 0, 'the insert before it was rolled back');
        // The store goes on: a transaction after it commits.
        await inTransaction(store, (exec) => exec('INSERT INTO stop_probe VALUES (2)'));
        const [after] = await store.query<{ n: bigint | number }>('SELECT count(*) AS n FROM stop_probe');
        assert.equal(Number(after?.n), 1);
        await store.run('DROP TABLE stop_probe');
      } finally {
        await store.close();
      }
    });
  });
}
