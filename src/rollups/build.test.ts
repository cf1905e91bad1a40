/**
 * A build stopped by its signal while a rollup is being filled: DuckDB's statement is
 * interrupted and the fill rolled back, so that rollup stays missing, the one before stays built,
 * and the connection it ran on takes the next build.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { DuckDbStore } from '../store/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { buildRollups } from './build.js';
import { rollupStatus } from './availability.js';

test('a build stopped inside a fill (a family of moments) rolls that fill back and keeps what it built before', async () => {
  const model = await loadModel(shippedModelDir());
  const store = await DuckDbStore.open(':memory:');
  try {
    await generateDemo(store, { rows: 3_000, seed: 33, end: new Date('2025-06-30T00:00:00Z') });
    const names = ['Offers.daily', 'Offers.momentsTotal', 'Offers.momentsBySize'];
    const controller = new AbortController();
    let fills = 0;
    // The second fill (the family) is under way when the signal aborts: its first statement is interrupted.
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
    const [tables] = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'uprate_rollup_offers_moments%'");
    assert.equal(Number(tables?.n), 0, 'nothing of the interrupted family is left');
    // Every connection is usable again (none left inside the rolled-back transaction).
    assert.deepEqual((await buildRollups(store, model, names.slice(1))).map((b) => b.name), names.slice(1));
    assert.deepEqual(await state(), names.map((n) => [n, 'fresh']));
  } finally {
    await store.close();
  }
});
