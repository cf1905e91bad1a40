/**
 * A registry made by an older uprate (without the columns added since) gains them on the next
 * build (a family's members recorded in one transaction, the columns listed once there), and what
 * the build records reads back whole.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DuckDbStore } from '../store/index.js';
import { storedRollups } from './availability.js';
import { buildRollups } from './build.js';
import { REGISTRY_DDL } from './registry.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-registry-'));
let store: DuckDbStore;
let model: Model;

before(async () => {
  store = await DuckDbStore.open(join(dir, 'registry.duckdb'));
  await generateDemo(store, { rows: 2_000, seed: 11, end: new Date('2025-06-30T23:59:59Z') });
  model = await loadModel(shippedModelDir());
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const registryColumns = async () =>
  (await store.query(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'uprate_rollups' ORDER BY ordinal_position`)).map((r) => String(r['c']));

test('a registry without merge_columns, layout, open_window, refresh_seconds and compact_rows gains them on a build; the rollups recorded read back whole', async () => {
  // The registry as uprate made it before those five columns: the DDL without its last five lines.
  const older = REGISTRY_DDL.replace(/,\s*merge_columns VARCHAR,\s*layout VARCHAR,\s*open_window VARCHAR,\s*refresh_seconds DOUBLE PRECISION,\s*compact_rows BIGINT\s*\)$/, '\n)');
  assert.notEqual(older, REGISTRY_DDL, 'the registry still ends with the five columns added last');
  await store.run('DROP TABLE IF EXISTS uprate_rollups');
  await store.run(older);
  assert.deepEqual((await registryColumns()).slice(-3), ['built_at', 'row_count', 'build_seconds']);
  // A plain rollup and a family of two rollups of moments (recorded in one transaction).
  await buildRollups(store, model, ['Offers.daily', 'Offers.momentsTotal', 'Offers.momentsBySize']);
  assert.deepEqual((await registryColumns()).slice(-5), ['merge_columns', 'layout', 'open_window', 'refresh_seconds', 'compact_rows']);
  const stored = new Map((await storedRollups(store)).map((s) => [s.name, s]));
  assert.deepEqual([...stored.keys()].sort(), ['Offers.daily', 'Offers.momentsBySize', 'Offers.momentsTotal']);
  assert.ok(stored.get('Offers.daily')?.mergeColumns?.length, 'the plain rollup records how its columns merge');
  assert.equal(stored.get('Offers.daily')?.layout, null);
  for (const name of ['Offers.momentsTotal', 'Offers.momentsBySize']) assert.equal(stored.get(name)?.layout?.moments, true, `${name} records its layout`);
  // Built again: the columns are there, nothing is added twice.
  await buildRollups(store, model, ['Offers.daily']);
  const columns = await registryColumns();
  assert.equal(columns.length, new Set(columns).size);
  assert.equal(columns.length, 18);
  assert.equal(stored.get('Offers.daily')?.refreshSeconds, null, 'no load has maintained it since its build');
  assert.equal(stored.get('Offers.daily')?.compactRows, null, 'as built: one row a group');
});
