/**
 * The propensity reads on every engine: the same demo files loaded with `uprate ingest` into
 * DuckDB, PostgreSQL and ClickHouse give the same offer events (the same customers sampled by the
 * same hash — node:crypto's md5 decides them too) and the same customer snapshots, with and
 * without a tenant's access. DuckDB is the reference; a server that is down is skipped with a
 * message (a failure under CI=true).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { openClickHouseStore } from '../src/engines/clickhouse/index.js';
import type { KpiContext } from '../src/insights/kpi-context.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { findOpportunities } from '../src/propensity/index.js';
import { featureMembers, readCustomerSnapshots, readOfferEvents } from '../src/propensity/read.js';
import type { CustomerSnapshot, OfferEvents, OpportunitiesResponse } from '../src/propensity/types.js';
import { allAccess, answerRows, inSample, tenantAccess, type Access } from '../src/query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../src/stats/band.js';
import { openStore, type Store } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { dropPostgresSchema, locateEngines, skipUnlessReady } from './engines.js';

const ROWS = 8_000;
const AS_OF = new Date('2025-07-10T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'uprate-propensity-read-'));
const isolation = `uprate_propread_${process.pid}`;
const slots = await locateEngines(isolation, join(dir, 'reference.duckdb'));
const EUROPE = tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]);

let model: Model;
const stores = new Map<string, Store>();

before(async () => {
  model = await loadModel(shippedModelDir());
  const files = await writeDemoFiles({ dir, format: 'csv', rows: ROWS, seed: 31, end: new Date('2025-06-30T00:00:00Z') });
  for (const slot of slots) {
    const engine = slot.ready;
    if (!engine) continue;
    const r = uprate(['ingest', ...engine.args, files.customers, files.offers]);
    assert.equal(r.code, 0, `uprate ingest into ${engine.engine} failed:\n${r.stderr}`);
    stores.set(engine.engine, await openStore({ db: engine.where, url: engine.engine === 'duckdb' ? undefined : engine.where, engine: engine.engine, readOnly: true }));
  }
});

after(async () => {
  for (const store of stores.values()) await store.close();
  const pg = slots.find((s) => s.engine === 'postgres')?.ready;
  await dropPostgresSchema(pg?.where, isolation);
  const ch = slots.find((s) => s.engine === 'clickhouse')?.ready;
  if (ch) {
    const store = await openClickHouseStore(ch.where, { migrate: false });
    for (const shard of store.shards) {
      for (const db of [isolation, `${isolation}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
    }
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

function context(store: Store, access: Access = allAccess('local')): KpiContext {
  return { store, model, asOf: AS_OF, access, windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson' };
}

interface Answers {
  readonly full: OfferEvents;
  readonly sampled: OfferEvents;
  readonly europe: OfferEvents;
  readonly snapshots: readonly CustomerSnapshot[];
  readonly europeSnapshots: readonly CustomerSnapshot[];
  readonly sampledByRows: readonly string[];
  /** The whole pipeline on top of the reads: training (sampled), validation, opportunities (training time left out). */
  readonly opportunities: Omit<OpportunitiesResponse, 'report'> & { readonly report: Omit<OpportunitiesResponse['report'], 'trainingMs'> };
}

async function answers(store: Store): Promise<Answers> {
  const ctx = context(store);
  const features = featureMembers(ctx);
  const europe = context(store, EUROPE);
  const rows = await answerRows(store, model, { dimensions: ['Offers.customerId'], measures: ['Offers.count'] }, { now: AS_OF, access: allAccess('local'), sample: { member: 'Offers.customerId', fraction: 0.25 } });
  return {
    full: await readOfferEvents(ctx, { features, fraction: 1 }),
    sampled: await readOfferEvents(ctx, { features, fraction: 0.3 }),
    europe: await readOfferEvents(europe, { features, fraction: 1 }),
    snapshots: await readCustomerSnapshots(ctx, { features }),
    europeSnapshots: await readCustomerSnapshots(europe, { features }),
    sampledByRows: rows.map((r) => String(r['Offers.customerId'])).sort(),
    opportunities: withoutTime(await findOpportunities(ctx, { maxTrainingOffers: 5_000, limit: 20 })),
  };
}

/** Numbers equal within 1e-9 (relative above 1): revenue shares divide exact decimals on some engines, doubles on others. */
function close(expected: unknown, actual: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected)), `${path}: ${expected} ≠ ${actual}`);
  } else if (expected instanceof Map && actual instanceof Map) {
    close([...expected.entries()], [...actual.entries()], path);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    assert.equal(actual.length, expected.length, `${path}: ${expected.length} items ≠ ${actual.length}`);
    expected.forEach((e, i) => close(e, actual[i], `${path}[${i}]`));
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected)) close((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

function withoutTime(o: OpportunitiesResponse): Answers['opportunities'] {
  const { trainingMs: _ms, ...report } = o.report;
  return { ...o, report };
}

let reference: Answers;

describe('propensity reads on every engine', { timeout: 600_000 }, () => {
  for (const slot of slots) {
    test(`${slot.engine}: offer events and customer snapshots${slot.engine === 'duckdb' ? ' (the reference)' : ' as on DuckDB'}`, { skip: skipUnlessReady(slot) }, async () => {
      const store = stores.get(slot.engine);
      assert.ok(store);
      const got = await answers(store);
      // The sample is the customers node:crypto's md5 puts in the first 30 % (25 %) of the hash space.
      const customers = [...new Set(got.full.events.map((e) => e.customer))];
      assert.deepEqual([...new Set(got.sampled.events.map((e) => e.customer))].sort(), customers.filter((c) => inSample(c, 0.3)).sort());
      assert.deepEqual(got.sampledByRows, customers.filter((c) => inSample(c, 0.25)).sort());
      assert.equal(got.sampled.totalOffers, got.full.events.length);
      assert.ok(got.europe.events.length > 0 && [...got.europe.attributes.values()].every((a) => a['Customers.region'] === 'europe'));
      assert.ok(got.europeSnapshots.length > 0 && got.europeSnapshots.length < got.snapshots.length);
      assert.ok(got.europeSnapshots.every((s) => s.attributes['Customers.region'] === 'europe'));
      if (slot.engine === 'duckdb') {
        reference = got;
        return;
      }
      assert.ok(reference, 'the DuckDB reference ran first');
      close(reference.full, got.full, 'full');
      close(reference.sampled, got.sampled, 'sampled');
      close(reference.europe, got.europe, 'europe');
      close(reference.snapshots, got.snapshots, 'snapshots');
      close(reference.europeSnapshots, got.europeSnapshots, 'europeSnapshots');
      close(reference.sampledByRows, got.sampledByRows, 'sampledByRows');
      close(reference.opportunities, got.opportunities, 'opportunities');
    });
  }
});
