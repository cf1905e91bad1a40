/**
 * The whole product over a user's own table and model: the seed's `UpsellOffers` Cube model
 * (examples/seed-upsell-offers) over its aggregated `upsell_offers` table of 1,000,000 rows,
 * bound with `kpi:` in the config. Every number is checked against plain SQL on the same table:
 * `/load`, the KPI with its customer-clustered interval, a breakdown, the timeseries, and an
 * alert check. Nothing of uprate's own is created in the user's database.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { alertSetup } from '../src/alerts/index.js';
import { configSchema } from '../src/config/index.js';
import type { BreakdownResponse, KpiResponse, TimeseriesResponse } from '../src/insights/index.js';
import { loadModel, type Model } from '../src/model/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore, openStore, type Store } from '../src/store/index.js';
import { locateServer, skipUnlessReady } from './engines.js';
import { catalog } from './store-assertions.js';

export const ROWS = 1_000_000;
const EXAMPLE = new URL('../examples/seed-upsell-offers/', import.meta.url);
/** The example's table, made by plain SQL (the same statement on every engine). */
export const TABLE_SQL = readFileSync(new URL('upsell_offers.sql', EXAMPLE), 'utf8').replace(':rows', String(ROWS));
/** The clock: the last offers are a month old. */
const AT = new Date('2026-02-01T00:00:00Z');

export const KPI = {
  offers: 'UpsellOffers.totalUpsellOffers',
  accepted: 'UpsellOffers.successfulUpsells',
  time: 'UpsellOffers.offerDate',
  customer: 'UpsellOffers.customerId',
  dimensions: ['UpsellOffers.tier'],
};

/**
 * The example's model with one dimension a user would add to break the rate down by (a tier
 * derived from the customer id, as a stand-in for a segment column of their own).
 */
export function seedModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-seed-model-'));
  mkdirSync(join(dir, 'model'));
  const text = readFileSync(new URL('model/upsell_offers.js', EXAMPLE), 'utf8').replace(
    '  dimensions: {\n',
    "  dimensions: {\n    tier: { sql: `CASE WHEN customer_id % 5 = 0 THEN 'large' ELSE 'small' END`, type: 'string', title: 'Tier' },\n",
  );
  writeFileSync(join(dir, 'model', 'upsell_offers.js'), text);
  return join(dir, 'model');
}

interface Reference {
  offers: number;
  accepted: number;
  customers: number;
  designEffect: number;
  byTier: Map<string, { offers: number; accepted: number }>;
  byMonth: Map<string, { offers: number; accepted: number }>;
}

/** Plain SQL on the table: the sums, and the cluster-robust over binomial variance of the rate. */
export async function reference(store: Store): Promise<Reference> {
  const num = (v: unknown) => Number(v);
  const [t] = await store.query(`SELECT SUM(total_upsell_offers) AS n, SUM(successful_upsells) AS k, COUNT(DISTINCT customer_id) AS c FROM upsell_offers`);
  const n = num(t?.['n']);
  const k = num(t?.['k']);
  const c = num(t?.['c']);
  const r = k / n;
  // Σ over customers of (kᵢ − r·nᵢ)², with the small-sample factor C/(C − 1).
  const [s] = await store.query(
    `SELECT SUM((ki - ${r} * ni) * (ki - ${r} * ni)) AS s FROM (SELECT customer_id, SUM(successful_upsells) AS ki, SUM(total_upsell_offers) AS ni FROM upsell_offers GROUP BY customer_id) AS per_customer`,
  );
  const clustered = ((c / (c - 1)) * num(s?.['s'])) / (n * n);
  const binomial = (r * (1 - r)) / n;
  const byTier = new Map<string, { offers: number; accepted: number }>();
  for (const row of await store.query(`SELECT CASE WHEN customer_id % 5 = 0 THEN 'large' ELSE 'small' END AS tier, SUM(total_upsell_offers) AS n, SUM(successful_upsells) AS k FROM upsell_offers GROUP BY 1`)) {
    byTier.set(String(row['tier']), { offers: num(row['n']), accepted: num(row['k']) });
  }
  const byMonth = new Map<string, { offers: number; accepted: number }>();
  for (const row of await store.query(
    `SELECT CAST(EXTRACT(YEAR FROM offer_date) AS INTEGER) AS y, CAST(EXTRACT(MONTH FROM offer_date) AS INTEGER) AS m, SUM(total_upsell_offers) AS n, SUM(successful_upsells) AS k FROM upsell_offers GROUP BY 1, 2`,
  )) {
    byMonth.set(`${num(row['y'])}-${String(num(row['m'])).padStart(2, '0')}`, { offers: num(row['n']), accepted: num(row['k']) });
  }
  return { offers: n, accepted: k, customers: c, designEffect: Math.max(1, clustered / binomial), byTier, byMonth };
}

export async function seedApp(store: Store, model: Model): Promise<FastifyInstance> {
  const config = configSchema.parse({ kpi: KPI });
  const { app } = await buildApp({
    store,
    dev: true,
    logLevel: 'silent',
    model,
    clock: () => AT,
    kpiSettings: { kpi: config.kpi },
    alerts: alertSetup(config, model),
  });
  return app;
}

/** The checks every engine passes: /load, /api/v1/kpi, breakdown, timeseries, binding, alerts. */
export function seedChecks(get: () => { app: FastifyInstance; ref: Reference }, tablesOf: () => Promise<string[]>): void {
  const json = async <T>(url: string, method: 'GET' | 'POST' = 'GET'): Promise<T> => {
    const res = await get().app.inject({ method, url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json() as T;
  };

  test('/load answers the sums and the fixed rate measure as plain SQL does', async () => {
    const { ref } = get();
    const query = { measures: [KPI.offers, KPI.accepted, 'UpsellOffers.upsellConversionRate'] };
    const body = await json<{ data: Record<string, string>[] }>(`/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}`);
    const row = body.data[0] ?? {};
    assert.equal(Number(row[KPI.offers]), ref.offers);
    assert.equal(Number(row[KPI.accepted]), ref.accepted);
    assert.ok(Math.abs(Number(row['UpsellOffers.upsellConversionRate']) - ref.accepted / ref.offers) < 1e-12);
  });

  test('/api/v1/kpi: the rate of sums, clustered by customer', async () => {
    const { ref } = get();
    const kpi = await json<KpiResponse>('/api/v1/kpi');
    assert.equal(kpi.offers, ref.offers);
    assert.equal(kpi.accepted, ref.accepted);
    assert.ok(Math.abs((kpi.rate ?? -1) - ref.accepted / ref.offers) < 1e-12);
    assert.equal(kpi.interval.variance, 'customer-clustered');
    assert.ok(Math.abs(kpi.interval.designEffect - ref.designEffect) < 1e-6 * ref.designEffect, `design effect ${kpi.interval.designEffect} vs ${ref.designEffect}`);
    assert.ok(kpi.interval.lower !== null && kpi.interval.upper !== null && kpi.interval.lower < kpi.rate! && kpi.rate! < kpi.interval.upper);
  });

  test('a breakdown by a dimension of the model', async () => {
    const { ref } = get();
    const bd = await json<BreakdownResponse>('/api/v1/breakdown?by=UpsellOffers.tier');
    assert.equal(bd.rows.length, ref.byTier.size);
    for (const row of bd.rows) {
      const want = ref.byTier.get(String(row.segment['UpsellOffers.tier']));
      assert.ok(want, `segment ${JSON.stringify(row.segment)}`);
      assert.equal(row.offers, want.offers);
      assert.equal(row.accepted, want.accepted);
    }
  });

  test('the monthly timeseries', async () => {
    const { ref } = get();
    const ts = await json<TimeseriesResponse>('/api/v1/timeseries?grain=month');
    assert.equal(ts.points.length, ref.byMonth.size);
    for (const p of ts.points) {
      const want = ref.byMonth.get(p.period.slice(0, 7));
      assert.ok(want, p.period);
      assert.equal(p.offers, want.offers);
      assert.equal(p.accepted, want.accepted);
    }
  });

  test('reading the KPI created none of uprate\'s data tables', async () => {
    // Alert history (kept where the database may be written) is the one feature that needs tables here.
    assert.deepEqual((await tablesOf()).filter((t) => !/(^|\.)uprate_alert_/.test(t)), ['upsell_offers']);
  });

  test('/api/v1/binding says what this model cannot support', async () => {
    const doc = await json<{ bound: boolean; capabilities: { name: string; available: boolean; reason?: string }[] }>('/api/v1/binding');
    assert.equal(doc.bound, true);
    const off = doc.capabilities.filter((c) => !c.available).map((c) => c.name);
    assert.ok(off.some((n) => n.includes('pending')), off.join('; '));
    assert.ok(off.some((n) => n.includes('upsell / cross-sell')), off.join('; '));
    assert.ok(!off.some((n) => n.includes('customer-clustered')), off.join('; '));
  });

  test('offerType, which the model lacks, is a 400 naming the binding', async () => {
    const res = await get().app.inject({ method: 'GET', url: '/api/v1/kpi?offerType=upsell' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json<{ error: string }>().error, /binding names no offer-type dimension/);
  });

  test('alerts check runs the default rules on the bound model', async () => {
    const result = await json<{ errors: unknown[]; rows: { rule: string; status: string }[] }>('/api/v1/alerts/check?dryRun=true', 'POST');
    assert.deepEqual(result.errors, []);
    assert.ok(result.rows.length > 0, JSON.stringify(result));
  });
}

describe('the seed model over 1,000,000 aggregated rows in DuckDB', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let ref: Reference;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'uprate-seed-duckdb-'));
    store = await DuckDbStore.open(join(dir, 'seed.duckdb'), { migrate: false });
    await store.run(TABLE_SQL);
    ref = await reference(store);
    app = await seedApp(store, await loadModel(seedModelDir()));
  });
  after(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  seedChecks(
    () => ({ app, ref }),
    async () => (await store.query(`SELECT table_name FROM information_schema.tables ORDER BY 1`)).map((r) => String(r['table_name'])),
  );
});

describe('the seed model over 1,000,000 aggregated rows in a read-only PostgreSQL database', async () => {
  const TAG = `uprate_seed_${process.pid}`;
  const slot = await locateServer('postgres', TAG);
  const skip = skipUnlessReady(slot);
  /** The server's URL for `database`, as `user` when given. */
  const urlOf = (database: string, user?: string): string => {
    const u = new URL(slot.ready?.where ?? 'postgres://localhost/x');
    u.searchParams.delete('schema');
    u.pathname = `/${database}`;
    if (user) {
      u.username = user;
      u.password = 'reader-password';
    }
    return u.toString();
  };
  const database = `${TAG}_db`;
  const reader = `${TAG}_reader`;
  let admin: pg.Client;
  let owner: pg.Client;
  let store: Store;
  let app: FastifyInstance;
  let ref: Reference;
  let catalogBefore: string[];

  before(async () => {
    if (skip) return;
    admin = new pg.Client({ connectionString: urlOf(new URL(slot.ready!.where).pathname.slice(1)) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`DROP ROLE IF EXISTS ${reader}`);
    await admin.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader-password'`);
    owner = new pg.Client({ connectionString: urlOf(database) });
    await owner.connect();
    await owner.query(TABLE_SQL);
    // The analyst's role reads the table and may create nothing, anywhere in the database.
    await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await owner.query(`REVOKE CREATE, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    await owner.query(`GRANT CONNECT ON DATABASE ${database} TO ${reader}`);
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${reader}`);
    await owner.query(`GRANT SELECT ON public.upsell_offers TO ${reader}`);
    catalogBefore = await catalog(owner);
    store = await openStore({ db: '', url: urlOf(database, reader), ownTables: 'on-demand' });
    ref = await reference(store);
    app = await seedApp(store, await loadModel(seedModelDir()));
  });
  after(async () => {
    if (skip) return;
    await app?.close();
    await store?.close();
    await owner?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${reader}`);
    await admin.end();
  });

  test('the store knows it may not write', { skip }, () => {
    assert.equal(store.readOnly, true);
  });
  if (!skip) seedChecks(() => ({ app, ref }), async () => (await catalog(owner)).filter((r) => r.startsWith('r ')).map((r) => r.replace(/^r public\./, '')));
  test('nothing was created anywhere in the database (tables, schemas, views, indexes)', { skip }, async () => {
    assert.deepEqual(await catalog(owner), catalogBefore);
  });
});
