import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { loadModel, shippedModelDir } from '../model/index.js';
import { DuckDbStore } from '../store/index.js';
import { buildApp } from './app.js';
import { errorHandler } from './error-handler.js';
import { spoolRoot } from './ingest-spool.js';
import { ingestRoutes } from './routes/ingest.js';

// A temp dir of this test's own, so the spool and the "no temp path" checks see only this run.
const ownTmp = mkdtempSync(join(tmpdir(), 'uprate-spool-test-'));
process.env['TMPDIR'] = ownTmp;
process.env['TMP'] = ownTmp;
process.env['TEMP'] = ownTmp;

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,campaign';
const GOOD = 'o1,c1,2025-01-01T00:00:00Z,upsell,Premium,spring';

after(() => rmSync(ownTmp, { recursive: true, force: true }));

async function setup() {
  const store = await DuckDbStore.open(':memory:');
  const { app, context } = await buildApp({ store, dev: true, logLevel: 'silent' });
  return { store, app, context, close: async () => { await app.close(); await store.close(); } };
}

/** The temp paths a client must never see: the temp dir (as given and as resolved) and the spool. */
function assertNoTempPath(body: string): void {
  assert.equal(tmpdir(), ownTmp);
  for (const path of [ownTmp, realpathSync(ownTmp), spoolRoot(), 'uprate-ingest-spool']) assert.ok(!body.includes(path), `${path} in ${body}`);
}

const csv = (payload: string, source?: string) => ({
  method: 'POST' as const,
  url: '/api/v1/ingest/offers',
  headers: { 'content-type': 'text/csv', ...(source ? { 'x-uprate-source': source } : {}) },
  payload,
});

describe('HTTP ingest spool', () => {
  before(() => rmSync(spoolRoot(), { recursive: true, force: true }));

  test('every error names the upload, never the temp path', async () => {
    const { app, close } = await setup();
    try {
      const cases = [
        { request: { ...csv('offer_id,customer_id\no1,c1\n'), url: '/api/v1/ingest/customers' }, code: 'BAD_HEADER', name: 'http-body.csv' },
        { request: csv('{"offer_id": "x"}\n'), code: 'FILE_FORMAT', name: 'http-body.csv' },
        { request: csv(`${HEADER}\n${GOOD}\no9,c1\n`, 'export.csv'), code: 'FILE_FORMAT', name: 'export.csv' },
        { request: csv('   \n'), code: 'FILE_EMPTY', name: 'http-body.csv' },
        { request: { ...csv('{"offer_id": 1'), headers: { 'content-type': 'application/json' } }, code: 'FILE_FORMAT', name: 'http-body.json' },
        { request: csv(`${HEADER}\no2,c1,2025-01-01T00:00:00Z,upsell,Pre\0mium,\n`, 'export.csv'), code: 'INVALID_ROWS', name: 'export.csv:2' },
      ];
      for (const { request, code, name } of cases) {
        const res = await app.inject(request);
        assert.equal(res.statusCode, 400, res.body);
        const body = res.json() as { code: string; error: string; location?: string };
        assert.equal(body.code, code, res.body);
        assert.ok(res.body.includes(name), `${name} named in ${res.body}`);
        assertNoTempPath(res.body);
      }
    } finally {
      await close();
    }
  });

  test('a NUL byte or an over-long field is a 400 naming the upload line and field; nothing is stored', async () => {
    const { app, store, close } = await setup();
    try {
      const long = await app.inject(csv(`${HEADER}\n${GOOD}\no2,c1,2025-01-01T00:00:00Z,upsell,Premium,${'x'.repeat(10_001)}\n`));
      assert.equal(long.statusCode, 400, long.body);
      const errors = (long.json() as { details: { errors: { location: string; field: string; rule: string }[] } }).details.errors;
      assert.deepEqual(errors.map((e) => [e.location, e.field]), [['http-body.csv:3', 'campaign']]);
      assert.match(errors[0]?.rule ?? '', /at most 10000 characters.*limits\.maxFieldLength/);
      const nul = await app.inject(csv(`${HEADER}\n${GOOD}\no3,c\0,2025-01-01T00:00:00Z,upsell,Premium,\n`));
      assert.equal(nul.statusCode, 400, nul.body);
      assert.match(nul.json().error, /http-body\.csv:3 {2}customer_id="c\\u0000" {2}must not contain a NUL byte/);
      const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
      assert.equal(Number(row?.n), 0);
      const ok = await app.inject(csv(`${HEADER}\n${GOOD}\n`));
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json().files, ['http-body.csv']);
      assertNoTempPath(ok.body);
      // Each upload's folder is gone once it is answered.
      assert.deepEqual(readdirSync(spoolRoot()).filter((n) => n.startsWith(`${process.pid}-`)), []);
    } finally {
      await close();
    }
  });

  test('ingestRoutes takes the field limit', async () => {
    const { context, close } = await setup();
    const app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    const model = await loadModel(shippedModelDir());
    await app.register(async (scope) => ingestRoutes(scope, context, { maxFieldLength: 5, model }));
    try {
      const res = await app.inject(csv(`${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Prem,sixsix\n`));
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().error, /http-body\.csv:2 {2}campaign="sixsix" {2}must be at most 5 characters/);
    } finally {
      await app.close();
      await close();
    }
  });

  test("starting removes the spool folders of stopped servers, never a live one's", async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      assert.ok(dead !== undefined && live.pid !== undefined);
      const folder = (name: string) => {
        const dir = join(spoolRoot(), name);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'http-body.csv'), `${HEADER}\n`);
        return dir;
      };
      const stale = folder(`${dead}-abc123`);
      const busy = folder(`${live.pid}-def456`);
      const foreign = folder('not-a-spool-folder');
      const { close } = await setup();
      await close();
      assert.equal(existsSync(stale), false, 'the dead server\'s folder is removed');
      assert.equal(existsSync(busy), true, 'the live server\'s folder stays');
      assert.equal(existsSync(foreign), true, 'a folder not named <pid>-… is left alone');
    } finally {
      live.kill();
    }
  });
});
