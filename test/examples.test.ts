/**
 * The examples the README's "Use your own data" runs: their configs load, their models compile
 * without problems, their bindings fit, and the Parquet example answers the KPI from files read in
 * place — checked against plain SQL over the same files.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/index.js';
import { writeDemoFiles } from '../src/demo/index.js';
import type { KpiResponse, LeaderboardResponse } from '../src/insights/index.js';
import { checkBinding } from '../src/kpi/index.js';
import { loadModel, validateModel } from '../src/model/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const AT = new Date('2025-07-01T12:00:00Z');

for (const name of ['seed-upsell-offers', 'parquet-offers']) {
  test(`examples/${name}: the config loads, the model has no problems, the binding fits`, async () => {
    const config = loadConfig(join(EXAMPLES, name, 'uprate.config.yaml'));
    const dir = join(EXAMPLES, name, config.model ?? 'model');
    assert.deepEqual(await validateModel(dir, { conversionWindowDays: config.conversionWindowDays }), []);
    const check = checkBinding(await loadModel(dir, { conversionWindowDays: config.conversionWindowDays }), config.kpi);
    assert.deepEqual(check.problems, []);
    assert.ok(check.binding);
  });
}

describe('examples/parquet-offers: event-grain offers read in place from Parquet', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;
  let offersFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'uprate-parquet-example-'));
    const model = join(dir, 'model');
    mkdirSync(model);
    copyFileSync(join(EXAMPLES, 'parquet-offers/model/proposals.js'), join(model, 'proposals.js'));
    const files = await writeDemoFiles({ dir: join(model, 'data'), format: 'parquet', rows: 5000, seed: 11, end: new Date('2025-06-30T23:59:59Z') });
    offersFile = files.offers;
    const config = loadConfig(join(EXAMPLES, 'parquet-offers/uprate.config.yaml'));
    store = await DuckDbStore.open(join(dir, 'queries.duckdb'), { migrate: false, files: { base: model, roots: [join(model, 'data')] } });
    ({ app } = await buildApp({
      store,
      dev: true,
      logLevel: 'silent',
      model: await loadModel(model, { conversionWindowDays: config.conversionWindowDays }),
      clock: () => AT,
      kpiSettings: { kpi: config.kpi, conversionWindowDays: config.conversionWindowDays },
    }));
  });
  after(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/health answers 200 over a model without uprate\'s own tables: no row counts, the data version', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<Record<string, unknown>>();
    assert.equal(body['status'], 'ok');
    assert.equal(typeof body['dataVersion'], 'number');
    assert.equal('offers' in body, false, 'no offers table to count');
  });

  test('/api/v1/kpi: offers, won within 30 days and still open, as plain SQL over the file counts them', async () => {
    const at = AT.toISOString().slice(0, 19).replace('T', ' ');
    const [ref] = await store.query(`
      SELECT count(*) AS n,
        count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${at}') AS k,
        count(*) FILTER (WHERE NOT (accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${at}')
          AND NOT (declined_at IS NOT NULL AND declined_at <= TIMESTAMP '${at}') AND offered_at + INTERVAL 30 DAY > TIMESTAMP '${at}') AS open
      FROM read_parquet('${offersFile}') WHERE offered_at <= TIMESTAMP '${at}'`);
    const res = await app.inject({ method: 'GET', url: '/api/v1/kpi' });
    assert.equal(res.statusCode, 200, res.body);
    const kpi = res.json<KpiResponse>();
    assert.equal(kpi.offers, Number(ref?.['n']));
    assert.equal(kpi.accepted, Number(ref?.['k']));
    assert.equal(kpi.pending, Number(ref?.['open']));
    assert.ok(kpi.pending > 0, 'the last month is still converting');
    assert.equal(kpi.interval.variance, 'customer-clustered');
  });

  test('the leaderboard ranks the bound offer dimension', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/leaderboard' });
    assert.equal(res.statusCode, 200, res.body);
    const board = res.json<LeaderboardResponse>();
    assert.equal(board.by, 'Proposals.product');
    assert.ok(board.rows.length > 1);
  });
});
