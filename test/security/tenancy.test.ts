/**
 * Two tenants on one server (security filter Customers.region from a `region` claim), on every
 * engine: each tenant asks every endpoint and every Cube query shape — filters that OR the other
 * tenant in, ungrouped rows, segments, compareDateRange, queryType=multi, /sql, /dry-run, report,
 * alerts, insights, compare — and no marker or number of the other tenant appears. Ingest: a
 * tenant cannot add, move or re-own another tenant's rows; the ingest claim can.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { alertSetup } from '../../src/alerts/index.js';
import { configSchema } from '../../src/config/index.js';
import { ingestFiles } from '../../src/ingest/index.js';
import { loadModel, shippedModelDir } from '../../src/model/index.js';
import { buildApp } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { openClickHouseStore } from '../../src/engines/clickhouse/index.js';
import { locateServer, skipUnlessReady, type EngineSlot } from '../engines.js';

const SECRET = 'tenancy-suite-secret-of-at-least-32-bytes!';
const AT = new Date('2025-07-15T00:00:00Z');
const ISOLATION = `uprate_tenancy_${process.pid}`;

/** Each tenant's rows carry its marker in every text field, and a revenue only it has. */
const TENANTS = {
  europe: { marker: 'ZZEURO', customers: 9, offers: 61, revenue: 1111.25 },
  apac: { marker: 'ZZAPAC', customers: 7, offers: 43, revenue: 4242.75 },
} as const;
type Tenant = keyof typeof TENANTS;
const OTHER: Record<Tenant, Tenant> = { europe: 'apac', apac: 'europe' };

function files(dir: string): { customers: string; offers: string } {
  const customers = ['customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr'];
  const offers = ['offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue'];
  for (const [region, t] of Object.entries(TENANTS)) {
    for (let c = 0; c < t.customers; c++) customers.push(`${t.marker}-c${c},${['smb', 'enterprise'][c % 2]},adoption,${40 + c},saas,${region},${t.marker}-plan,100`);
    for (let o = 0; o < t.offers; o++) {
      const day = new Date(Date.UTC(2025, 0, 2) + o * 3 * 86_400_000).toISOString();
      const accepted = o % 3 === 0 ? new Date(Date.parse(day) + 5 * 86_400_000).toISOString() : '';
      offers.push(`${t.marker}-o${o},${t.marker}-c${o % t.customers},${day},${o % 2 ? 'upsell' : 'cross_sell'},${t.marker}-offer,${t.marker}-channel,${t.marker}-campaign,${accepted},,${accepted ? t.revenue : ''}`);
    }
  }
  writeFileSync(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
  writeFileSync(join(dir, 'offers.csv'), `${offers.join('\n')}\n`);
  return { customers: join(dir, 'customers.csv'), offers: join(dir, 'offers.csv') };
}

const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

/** Every read a tenant can make: path → why. */
function reads(): { name: string; method: 'GET' | 'POST'; url: string; body?: unknown }[] {
  const q = (query: unknown, extra = '') => `?query=${encodeURIComponent(JSON.stringify(query))}${extra}`;
  const orOther = { or: [{ member: 'Customers.region', operator: 'equals', values: ['apac'] }, { member: 'Customers.region', operator: 'equals', values: ['europe'] }, { member: 'Customers.region', operator: 'notSet' }] };
  const shapes: Record<string, unknown> = {
    plain: { measures: ['Offers.count', 'Offers.accepted', 'Offers.expansionRevenue', 'Offers.customersOffered'] },
    orOther: { measures: ['Offers.count', 'Offers.expansionRevenue'], filters: [orOther] },
    byRegion: { measures: ['Offers.count'], dimensions: ['Customers.region', 'Offers.campaign', 'Offers.offerName', 'Offers.channel', 'Customers.plan'] },
    ungrouped: { dimensions: ['Offers.offerId', 'Offers.customerId', 'Offers.campaign', 'Customers.region'], ungrouped: true, limit: 5000 },
    customers: { dimensions: ['Customers.customerId', 'Customers.plan'], measures: ['Customers.count'] },
    segments: { measures: ['Offers.count'], segments: ['Offers.upsells', 'Customers.enterprise'] },
    compare: { measures: ['Offers.count', 'Offers.expansionRevenue'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-03-31'], ['2025-04-01', '2025-12-31']] }] },
    monthly: { measures: ['Offers.conversionRate', 'Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }], total: true },
    measureFilter: { measures: ['Offers.count'], dimensions: ['Offers.campaign'], filters: [{ member: 'Offers.count', operator: 'gt', values: ['0'] }, orOther] },
  };
  const out: { name: string; method: 'GET' | 'POST'; url: string; body?: unknown }[] = [];
  for (const [name, query] of Object.entries(shapes)) {
    out.push({ name: `load ${name}`, method: 'GET', url: `/cubejs-api/v1/load${q(query)}` });
    out.push({ name: `load POST ${name}`, method: 'POST', url: '/cubejs-api/v1/load', body: { query } });
    out.push({ name: `load multi ${name}`, method: 'GET', url: `/cubejs-api/v1/load${q(query, '&queryType=multi')}` });
    out.push({ name: `sql ${name}`, method: 'GET', url: `/cubejs-api/v1/sql${q(query)}` });
    out.push({ name: `dry-run ${name}`, method: 'POST', url: '/cubejs-api/v1/dry-run', body: { query } });
  }
  const range = 'from=2025-01-01&to=2025-07-10&asOf=2025-07-15';
  const regionFilter = encodeURIComponent(JSON.stringify([{ member: 'Customers.region', operator: 'equals', values: ['apac'] }]));
  for (const path of [
    `/api/v1/kpi?${range}`,
    `/api/v1/kpi?${range}&filters=${regionFilter}`,
    `/api/v1/timeseries?${range}&grain=month&includeProvisional=true`,
    `/api/v1/timeseries?${range}&grain=week`,
    `/api/v1/breakdown?${range}&by=Customers.region`,
    `/api/v1/breakdown?${range}&by=Offers.campaign,Customers.plan`,
    `/api/v1/leaderboard?${range}&by=Offers.offerName`,
    `/api/v1/leaderboard?${range}&by=Offers.campaign`,
    `/api/v1/compare?${range}&a=${regionFilter}&b=[]`,
    `/api/v1/insights?${range}`,
    `/api/v1/insights?${range}&dimensions=Customers.region,Offers.campaign,Offers.channel,Customers.plan`,
    `/api/v1/sample-size?${range}&mde=0.02`,
    `/api/v1/timeseries?${range}&grain=month&by=Customers.region`,
    `/api/v1/time-to-accept?${range}&by=Customers.region`,
    '/api/v1/propensity?asOf=2025-07-15',
    '/api/v1/opportunities?asOf=2025-07-15&limit=10000',
    '/api/v1/opportunities?asOf=2025-07-15&limit=10000&format=csv',
    `/api/v1/opportunities?asOf=2025-07-15&filters=${encodeURIComponent(JSON.stringify([{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }]))}`,
    '/api/v1/report?by=region',
    '/api/v1/report?by=campaign,plan&grain=month',
    '/api/v1/report',
    '/api/v1/report?grain=none&asOf=2025-07-15',
    '/api/v1/report/monthly?month=2025-06&asOf=2025-07-15',
    `/api/v1/report/monthly?month=2025-06&asOf=2025-07-15&filters=${regionFilter}`,
    '/api/v1/alerts',
    '/cubejs-api/v1/meta',
  ]) out.push({ name: path, method: 'GET', url: path });
  return out;
}

async function suite(slot: EngineSlot): Promise<void> {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  const tokens = {} as Record<Tenant | 'admin' | 'none', string>;
  const ready = slot.ready;
  // Alert state is not kept on ClickHouse 18.16 (no ON CONFLICT): alerts run on DuckDB and PostgreSQL.
  const withAlerts = slot.engine !== 'clickhouse';

  before(async () => {
    if (!ready) return;
    dir = mkdtempSync(join(tmpdir(), 'uprate-tenancy-'));
    store = await openStore({ db: ready.engine === 'duckdb' ? join(dir, 't.duckdb') : ':memory:', url: ready.engine === 'duckdb' ? undefined : ready.where, engine: ready.engine });
    const f = files(dir);
    await ingestFiles(store, { table: 'customers', files: [f.customers] });
    await ingestFiles(store, { table: 'offers', files: [f.offers] });
    const model = await loadModel(shippedModelDir());
    const config = configSchema.parse({
      security: { filters: [{ member: 'Customers.region', claim: 'region' }], ingestClaim: 'role=admin' },
      alerts: {
        rules: [
          { name: 'per-region', scope: { by: 'Customers.region' }, condition: { type: 'below', threshold: 0.99, basis: 'rate' }, minOffers: 1 },
          { name: 'everyone', condition: { type: 'below', threshold: 0.99, basis: 'rate' }, minOffers: 1 },
        ],
      },
    });
    ({ app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', model, clock: () => AT, securityRules: config.security.filters, ingestClaim: config.security.ingestClaim, ...(withAlerts ? { alerts: alertSetup(config, model) } : {}) }));
    await app.ready();
    tokens.europe = await token({ region: 'europe' });
    tokens.apac = await token({ region: 'apac' });
    tokens.admin = await token({ role: 'admin', region: ['europe', 'apac'] });
    tokens.none = await token({ sub: 'no-region' });
    // The admin runs the alert checks (they notify); tenants only read their own alerts.
    if (withAlerts) {
      const check = await app.inject({ method: 'POST', url: '/api/v1/alerts/check', headers: { authorization: `Bearer ${tokens.admin}` } });
      assert.equal(check.statusCode, 200, check.body);
    }
  });
  after(async () => {
    if (!ready) return;
    await app.close();
    if (ready.engine === 'postgres') await store.run(`DROP SCHEMA IF EXISTS ${ISOLATION} CASCADE`);
    await store.close();
    if (ready.engine === 'clickhouse') {
      const ch = await openClickHouseStore(ready.where, { migrate: false });
      for (const shard of ch.shards) for (const db of [ISOLATION, `${ISOLATION}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
      await ch.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (who: keyof typeof tokens, r: { method: 'GET' | 'POST'; url: string; body?: unknown }) =>
    app.inject({ method: r.method, url: r.url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(r.body === undefined ? {} : { payload: r.body as object }) });

  for (const tenant of ['europe', 'apac'] as const) {
    test(`${tenant}: no endpoint and no query shape shows the other tenant's rows`, async () => {
      const other = TENANTS[OTHER[tenant]];
      const leaks: string[] = [];
      for (const r of reads()) {
        const answer = await ask(tenant, r);
        if (answer.statusCode !== 200) leaks.push(`${r.name}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        if (answer.body.includes(other.marker)) leaks.push(`${r.name}: shows ${other.marker}`);
        if (answer.body.includes(String(other.revenue))) leaks.push(`${r.name}: shows the other tenant's revenue`);
      }
      assert.deepEqual(leaks, []);
    });

    test(`${tenant}: counts are its own, even when the query ORs the other tenant in`, async () => {
      const mine = TENANTS[tenant];
      const load = async (query: unknown) => (await ask(tenant, { method: 'POST', url: '/cubejs-api/v1/load', body: { query } })).json() as { data: Record<string, unknown>[] };
      const plain = await load({ measures: ['Offers.count', 'Customers.count'] });
      assert.equal(Number(plain.data[0]?.['Offers.count']), mine.offers);
      const ored = await load({ measures: ['Offers.count'], filters: [{ or: [{ member: 'Customers.region', operator: 'equals', values: [OTHER[tenant]] }, { member: 'Customers.region', operator: 'notSet' }] }] });
      assert.equal(Number(ored.data[0]?.['Offers.count'] ?? 0), 0);
      const kpi = (await ask(tenant, { method: 'GET', url: '/api/v1/kpi?from=2025-01-01&to=2025-12-31&asOf=2025-12-31' })).json() as { counts?: { offers: number }; offers?: number };
      assert.equal(kpi.counts?.offers ?? kpi.offers, mine.offers);
      // The sample-size plan measures its design effect on the caller's offers only.
      const plan = (await ask(tenant, { method: 'GET', url: '/api/v1/sample-size?from=2025-01-01&to=2025-12-31&asOf=2025-12-31&mde=0.02' })).json() as { clustering: string | null };
      assert.match(plan.clustering ?? '', new RegExp(`^measured on ${mine.offers.toLocaleString('en-US')} offers to `));
      const report = (await ask(tenant, { method: 'GET', url: '/api/v1/report?by=region' })).json() as { total: { offers: number }; rows: { segment: { region: string } }[] };
      assert.equal(report.total.offers, mine.offers);
      assert.deepEqual(report.rows.map((r) => r.segment.region), [tenant]);
      const alerts = (await ask(tenant, { method: 'GET', url: '/api/v1/alerts' })).json() as { firing: { rule: string; scope: string }[] };
      assert.deepEqual(alerts.firing.map((a) => `${a.rule} ${a.scope}`), withAlerts ? [`per-region Customers.region=${tenant}`] : []);
    });
  }

  test('a token without the region claim reads nothing; only the admin runs alert checks', async () => {
    for (const r of reads().filter((x) => !x.url.includes('/meta'))) {
      const answer = await ask('none', r);
      assert.equal(answer.statusCode, 403, `${r.name}: ${answer.body.slice(0, 200)}`);
    }
    const check = await ask('europe', { method: 'POST', url: '/api/v1/alerts/check' });
    assert.equal(check.statusCode, 403);
    assert.equal(check.json().code, 'FORBIDDEN');
    // The rules name every tenant's scope and channel: an admin's view too.
    const rules = await ask('europe', { method: 'GET', url: '/api/v1/alerts/rules' });
    assert.equal(rules.statusCode, 403);
    assert.equal(rules.json().code, 'FORBIDDEN');
    assert.equal((await ask('admin', { method: 'GET', url: '/api/v1/alerts/rules' })).statusCode, 200);
    const all = (await ask('admin', { method: 'GET', url: '/api/v1/alerts' })).json() as { firing: unknown[] };
    assert.equal(all.firing.length, withAlerts ? 3 : 0);
  });

  test('ingest: a tenant writes only its own rows; the ingest claim writes any', async () => {
    const count = async (table: string) => Number((await store.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
    const before = { customers: await count('customers'), offers: await count('offers') };
    const post = (who: keyof typeof tokens, table: string, csv: string) =>
      app.inject({ method: 'POST', url: `/api/v1/ingest/${table}`, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'text/csv' }, payload: csv });
    const refused = async (who: keyof typeof tokens, table: string, csv: string, pattern: RegExp) => {
      const answer = await post(who, table, csv);
      assert.equal(answer.statusCode, 403, answer.body);
      assert.equal(answer.json().code, who === 'none' ? 'AUTH_INVALID' : 'FORBIDDEN');
      assert.match(answer.json().error, pattern);
    };
    const customerHeader = 'customer_id,region\n';
    const offerHeader = 'offer_id,customer_id,offered_at,offer_type,offer_name\n';
    await refused('europe', 'customers', `${customerHeader}new-apac-customer,apac\n`, /region/);
    await refused('europe', 'customers', `${customerHeader}new-customer-no-region,\n`, /region/);
    await refused('europe', 'customers', `${customerHeader}ZZAPAC-c1,europe\n`, /another tenant/);
    await refused('europe', 'offers', `${offerHeader}new-offer,ZZAPAC-c1,2025-05-01,upsell,x\n`, /ZZAPAC-c1/);
    await refused('europe', 'offers', `${offerHeader}new-offer,no-such-customer,2025-05-01,upsell,x\n`, /no-such-customer/);
    await refused('europe', 'offers', `${offerHeader}ZZAPAC-o1,ZZEURO-c1,2025-05-01,upsell,x\n`, /another tenant/);
    await refused('none', 'offers', `${offerHeader}new-offer,ZZEURO-c1,2025-05-01,upsell,x\n`, /region/);
    assert.deepEqual({ customers: await count('customers'), offers: await count('offers') }, before, 'nothing written by a refused load');
    // Its own rows load, re-loads of its own rows too.
    assert.equal((await post('europe', 'offers', `${offerHeader}eu-new-offer,ZZEURO-c1,2025-05-01,upsell,x\nZZEURO-o1,ZZEURO-c1,2025-01-05,upsell,x\n`)).statusCode, 200);
    assert.equal((await post('europe', 'customers', `${customerHeader}eu-new-customer,europe\n`)).statusCode, 200);
    // The ingest claim writes any tenant's rows.
    assert.equal((await post('admin', 'customers', `${customerHeader}admin-apac-customer,apac\n`)).statusCode, 200);
    assert.deepEqual({ customers: await count('customers'), offers: await count('offers') }, { customers: before.customers + 2, offers: before.offers + 1 });
  });
}

for (const engine of ['duckdb', 'postgres', 'clickhouse'] as const) {
  const slot: EngineSlot = engine === 'duckdb' ? { engine, ready: { engine, args: [], where: '' } } : await locateServer(engine, ISOLATION);
  describe(`tenancy on ${engine}`, { skip: skipUnlessReady(slot) }, () => suite(slot));
}
