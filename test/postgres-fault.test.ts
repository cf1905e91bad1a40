/**
 * Faults on PostgreSQL: a private server (its own data folder and port, started and stopped with
 * scripts/services/postgres.sh, never the shared one) goes down under a running uprate server.
 * Queries must fail at once with ENGINE_UNAVAILABLE / HTTP 503 naming the engine and its URL —
 * not hang, not answer from half a result — and succeed again, with no restart of uprate, once
 * the database is back.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { UprateError } from '../src/core/errors.js';
import { ingestFiles } from '../src/ingest/index.js';
import { buildApp } from '../src/server/index.js';
import { PostgresStore } from '../src/store/index.js';
import { IN_CI } from './engines.js';

const SCRIPT = fileURLToPath(new URL('../scripts/services/postgres.sh', import.meta.url));

function installed(): boolean {
  try {
    return readdirSync('/usr/lib/postgresql').length > 0;
  } catch {
    return false;
  }
}

const skip = installed() ? false : 'PostgreSQL is not installed (scripts/services/postgres.sh start installs it as root)';
if (skip && IN_CI) throw new Error(`CI needs PostgreSQL: ${skip}`);
if (skip) console.log(`# postgres-fault: skipping: ${skip}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let dir: string;
let env: NodeJS.ProcessEnv;
let url: string;
let store: PostgresStore;
let app: FastifyInstance;

const service = (command: 'start' | 'stop') => execFileSync(SCRIPT, [command], { env, encoding: 'utf8', timeout: 120_000 }).trim();

const QUERY = { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.offerType'], order: [['Offers.offerType', 'asc']], renewQuery: true };
async function load(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(QUERY))}` });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'uprate-pg-fault-'));
  chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
  env = { ...process.env, UPRATE_SERVICES_DIR: dir, UPRATE_PG_PORT: String(await freePort()) };
  url = service('start').split('\n').pop() ?? '';
  store = await PostgresStore.open(url, { timeoutMs: 3_000 });
  const offers = join(dir, 'offers.csv');
  writeFileSync(offers, 'offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at\no1,c1,2025-01-01,upsell,A,2025-01-02\no2,c1,2025-01-02,cross_sell,B,\no3,c2,2025-01-03,upsell,A,\n');
  await ingestFiles(store, { table: 'offers', files: [offers] });
  ({ app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => new Date('2025-06-01T00:00:00Z'), continueWaitMs: 60_000 }));
});

after(async () => {
  if (skip) return;
  await app?.close();
  await store?.close().catch(() => undefined);
  try {
    service('stop');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('PostgreSQL going away and coming back', { skip }, () => {
  // The timeout is a guard against a hang, not a speed assertion.
  test('down: 503 naming the engine and URL; back: the same server answers again', { timeout: 120_000 }, async () => {
    const expected = [
      { 'Offers.offerType': 'cross_sell', 'Offers.count': '1', 'Offers.accepted': '0' },
      { 'Offers.offerType': 'upsell', 'Offers.count': '2', 'Offers.accepted': '1' },
    ];
    const up = await load();
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.deepEqual(up.body['data'], expected);

    service('stop');
    const down = await load();
    assert.equal(down.status, 503, JSON.stringify(down.body));
    assert.equal(down.body['code'], 'ENGINE_UNAVAILABLE');
    assert.match(String(down.body['error']), new RegExp(`PostgreSQL at postgres://uprate:\\*\\*\\*@127\\.0\\.0\\.1:${env['UPRATE_PG_PORT']}/uprate is not available`));
    assert.doesNotMatch(String(down.body['error']), /uprate:uprate@/);
    // Directly on the store as well (a second attempt: no pooled connection is left to break).
    await assert.rejects(store.query('SELECT 1'), (e: unknown) => e instanceof UprateError && e.code === 'ENGINE_UNAVAILABLE');

    service('start');
    const back = await load();
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.deepEqual(back.body['data'], expected);
  });

  test('a restart between two queries goes unnoticed: the next query answers', { timeout: 120_000 }, async () => {
    assert.equal((await load()).status, 200);
    service('stop');
    service('start');
    const after = await load();
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.equal((after.body['data'] as unknown[]).length, 2);
  });
});
