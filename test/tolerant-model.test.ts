import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { startUprate, uprate } from './cli-helpers.js';

// Issue 12.3: a model with errors still serves its valid members, as Cube does. The seed's
// upsellConversionRate (a number measure over raw columns) and a measure built on it are left
// out; the rest is served, and only queries naming the broken ones fail, with the diagnostic.
const SEED = `cube('UpsellOffers', {
  sql: \`SELECT * FROM upsell_offers\`,
  measures: {
    totalUpsellOffers: { sql: \`total_upsell_offers\`, type: 'sum' },
    successfulUpsells: { sql: \`successful_upsells\`, type: 'sum' },
    upsellConversionRate: { sql: \`successful_upsells * 1.0 / NULLIF(total_upsell_offers, 0)\`, type: 'number' },
    upsellPercent: { sql: \`\${upsellConversionRate} * 100\`, type: 'number' },
    ratioOfSums: { sql: \`\${successfulUpsells} * 1.0 / NULLIF(\${totalUpsellOffers}, 0)\`, type: 'number' },
  },
  dimensions: {
    id: { sql: \`id\`, type: 'number', primaryKey: true },
    region: { sql: \`region\`, type: 'string' },
  },
});
`;
const RATE_DIAGNOSTIC = /upsell_offers\.js:6 UpsellOffers\.upsellConversionRate: error: number measure UpsellOffers\.upsellConversionRate uses raw columns \(successful_upsells, total_upsell_offers\)[^\n]*\n {2}fix: compute it from measures \(a ratio of sums\): sql: `\$\{successfulUpsells\} \* 1\.0 \/ NULLIF\(\$\{totalUpsellOffers\}, 0\)`/;

const dir = mkdtempSync(join(tmpdir(), 'uprate-tolerant-model-'));
const modelDir = join(dir, 'model');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A model folder holding the seed (and, with `shipped`, the shipped cubes, which the default alert rules count with). */
function writeModel(folder: string, shipped = false): void {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'upsell_offers.js'), SEED);
  if (shipped) for (const f of ['offers.js', 'customers.js']) copyFileSync(join(shippedModelDir(), f), join(folder, f));
}

describe('a model with errors is served without its broken members', () => {
  let store: DuckDbStore;
  let app: FastifyInstance;
  before(async () => {
    writeModel(modelDir);
    store = await DuckDbStore.open(':memory:');
    await store.run(`CREATE TABLE upsell_offers AS
      SELECT i AS id, ['emea', 'amer', 'apac'][1 + i % 3] AS region, 10 + i % 7 AS total_upsell_offers, (i * 13) % 5 AS successful_upsells
      FROM range(200) t(i)`);
    const model = await loadModel(modelDir, { tolerant: true });
    ({ app } = await buildApp({ store, dev: true, logLevel: 'silent', model }));
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const load = (query: unknown) => app.inject({ method: 'GET', url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}` });

  test('/meta lists the members that compiled, and nothing about the broken ones', async () => {
    const res = await app.inject({ method: 'GET', url: '/cubejs-api/v1/meta' });
    assert.equal(res.statusCode, 200, res.body);
    const cubes = res.json().cubes as { name: string; measures: { name: string }[]; dimensions: { name: string }[] }[];
    assert.deepEqual(cubes.map((c) => c.name), ['UpsellOffers']);
    assert.deepEqual(cubes[0]?.measures.map((m) => m.name), ['UpsellOffers.totalUpsellOffers', 'UpsellOffers.successfulUpsells', 'UpsellOffers.ratioOfSums']);
    assert.deepEqual(cubes[0]?.dimensions.map((d) => d.name), ['UpsellOffers.region']);
    assert.doesNotMatch(res.body, /upsellConversionRate|upsellPercent|upsell_offers\.js|error|SELECT/);
  });

  test('/load on members that compiled answers as plain SQL does', async () => {
    const res = await load({ measures: ['UpsellOffers.totalUpsellOffers', 'UpsellOffers.successfulUpsells', 'UpsellOffers.ratioOfSums'], dimensions: ['UpsellOffers.region'], order: { 'UpsellOffers.region': 'asc' } });
    assert.equal(res.statusCode, 200, res.body);
    const data = res.json().data as Record<string, string>[];
    const expected = await store.query(`SELECT region, sum(total_upsell_offers) AS t, sum(successful_upsells) AS s,
        sum(successful_upsells) * 1.0 / NULLIF(sum(total_upsell_offers), 0) AS r
      FROM upsell_offers GROUP BY region ORDER BY region`);
    assert.equal(data.length, 3);
    assert.deepEqual(
      data.map((row) => [row['UpsellOffers.region'], Number(row['UpsellOffers.totalUpsellOffers']), Number(row['UpsellOffers.successfulUpsells'])]),
      expected.map((e) => [e['region'], Number(e['t']), Number(e['s'])]),
    );
    data.forEach((row, i) => assert.ok(Math.abs(Number(row['UpsellOffers.ratioOfSums']) - Number(expected[i]?.['r'])) < 1e-9));
  });

  test('/load on a broken member, or one built on it, is a 400 carrying the diagnostic', async () => {
    const broken = await load({ measures: ['UpsellOffers.totalUpsellOffers', 'UpsellOffers.upsellConversionRate'] });
    assert.equal(broken.statusCode, 400, broken.body);
    const body = broken.json() as { code: string; error: string; location: string };
    assert.equal(body.code, 'QUERY_INVALID');
    assert.equal(body.location, 'measures[1]');
    assert.match(body.error, /UpsellOffers\.upsellConversionRate cannot be queried/);
    assert.match(body.error, RATE_DIAGNOSTIC);
    assert.doesNotMatch(body.error, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no server path');

    const dependent = await load({ measures: ['UpsellOffers.upsellPercent'] });
    assert.equal(dependent.statusCode, 400, dependent.body);
    assert.match(dependent.json().error, /upsell_offers\.js:7 UpsellOffers\.upsellPercent: error: uses UpsellOffers\.upsellConversionRate, which has an error/);
    assert.match(dependent.json().error, RATE_DIAGNOSTIC);

    const filtered = await load({ measures: ['UpsellOffers.totalUpsellOffers'], filters: [{ member: 'UpsellOffers.upsellConversionRate', operator: 'gt', values: ['0'] }] });
    assert.equal(filtered.statusCode, 400, filtered.body);
    assert.match(filtered.json().error, RATE_DIAGNOSTIC);
  });
});

describe('the CLI on a model with errors', () => {
  test('serves what compiles and logs each problem once at startup', async () => {
    const folder = join(dir, 'with-shipped');
    writeModel(folder, true);
    const server = await startUprate(['serve', '--dev', '--port', '0', '--db', join(dir, 'tolerant.duckdb'), '--model', folder], /uprate is serving/);
    try {
      const log = server.output();
      assert.equal(log.match(/UpsellOffers\.upsellConversionRate: error: number measure/g)?.length, 1, log);
      assert.equal(log.match(/UpsellOffers\.upsellPercent: error: uses UpsellOffers\.upsellConversionRate/g)?.length, 1, log);
      const meta = (await (await fetch(`${server.url()}/cubejs-api/v1/meta`)).json()) as { cubes: { name: string; measures: { name: string }[] }[] };
      const upsell = meta.cubes.find((c) => c.name === 'UpsellOffers');
      assert.deepEqual(upsell?.measures.map((m) => m.name), ['UpsellOffers.totalUpsellOffers', 'UpsellOffers.successfulUpsells', 'UpsellOffers.ratioOfSums']);
      assert.ok(meta.cubes.some((c) => c.name === 'Offers'));
    } finally {
      await server.stop();
    }
  });

  test('uprate query answers from what compiled and fails only on a broken member', () => {
    writeModel(modelDir);
    const good = uprate(['query', '--sql', '--model', modelDir, JSON.stringify({ measures: ['UpsellOffers.ratioOfSums'] })]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stderr, /left out \(a query naming them fails with the problem\): UpsellOffers\.upsellConversionRate, UpsellOffers\.upsellPercent/);
    assert.ok(JSON.parse(good.stdout).sql, good.stdout);
    const bad = uprate(['query', '--sql', '--model', modelDir, JSON.stringify({ measures: ['UpsellOffers.upsellConversionRate'] })]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /measures\[0\]: UpsellOffers\.upsellConversionRate cannot be queried/);
    assert.match(bad.stderr, RATE_DIAGNOSTIC);
  });

  test('serve --strict refuses to start, naming every problem', () => {
    writeModel(modelDir);
    const r = uprate(['serve', '--strict', '--dev', '--port', '0', '--db', join(dir, 'strict.duckdb'), '--model', modelDir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /upsell_offers\.js:6 UpsellOffers\.upsellConversionRate: error: number measure/);
    assert.match(r.stderr, /fix: compute it from measures \(a ratio of sums\)/);
    assert.doesNotMatch(r.stdout, /uprate is serving/);
  });
});
