/**
 * Saved views and annotations (/api/v1/views, /api/v1/annotations, `uprate annotate`) on every
 * engine: a round trip through the API, the validation errors naming their field, tenant
 * isolation on a server with security filters, and the CLI on the store directly — whose notes
 * a server without filters then lists. Expected values are the inputs themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { buildApp } from '../src/server/index.js';
import { openStore, type Store } from '../src/store/index.js';
import type { ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { uprate } from './cli-helpers.js';
import { locateEngines, skipUnlessReady } from './engines.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-saved-'));
const isolation = `uprate_saved_${process.pid}`;
const slots = await locateEngines(isolation, join(dir, 'saved.duckdb'));
const SECRET = 'saved-views-test-secret-0123456789abcdef';
const CLOCK = new Date('2026-03-15T10:00:00Z');

after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI without blocking this process (its server must answer the CLI meanwhile). */
function uprateAsync(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, CI: 'true' }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

for (const slot of slots) {
  if (slot.engine === 'clickhouse') {
    describe('saved views and annotations on clickhouse: refused with a clear error', { skip: skipUnlessReady(slot) }, () => {
      test('the API answers 409 with a JSON error naming ClickHouse, for views and notes alike', async () => {
        if (!slot.ready) return;
        const store = await openStore({ db: ':memory:', url: slot.ready.where });
        const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => CLOCK });
        try {
          for (const [method, url, payload] of [
            ['GET', '/api/v1/views', undefined],
            ['POST', '/api/v1/views', { name: 'mine', state: 'grain=week' }],
            ['GET', '/api/v1/annotations', undefined],
            ['POST', '/api/v1/annotations', { day: '2025-03-01', text: 'pricing change' }],
          ] as const) {
            const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
            assert.equal(res.statusCode, 409, `${method} ${url}: ${res.body}`);
            assert.match((res.json() as { error: string }).error, /not kept on a ClickHouse store/);
          }
        } finally {
          await app.close();
          await store.close();
        }
      });
    });
    continue;
  }
  describe(`saved views and annotations on ${slot.engine}`, { skip: skipUnlessReady(slot) }, () => {
    let store: Store;
    let open: FastifyInstance;
    let secured: FastifyInstance;
    let url = '';
    const target = slot.ready;
    // The CLI on the store directly: DuckDB's file is held by this process, so it gets one of its own.
    const cliArgs = target?.engine === 'duckdb' ? ['--db', join(dir, 'cli.duckdb')] : [...(target?.args ?? [])];

    before(async () => {
      if (!target) return;
      store = await openStore(target.engine === 'duckdb' ? { db: target.where } : { db: ':memory:', url: target.where });
      ({ app: open } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => CLOCK }));
      ({ app: secured } = await buildApp({
        store,
        secret: SECRET,
        logLevel: 'silent',
        clock: () => CLOCK,
        securityRules: [{ member: 'Customers.region', claim: 'region', required: true }],
      }));
      url = await open.listen({ host: '127.0.0.1', port: 0 });
      await secured.ready();
    });

    after(async () => {
      if (!target) return;
      await open.close();
      await secured.close();
      if (store.engine === 'clickhouse') {
        const ch = store as unknown as ClickHouseStore;
        for (const shard of ch.shards) for (const t of ['saved_views', 'annotations']) await shard.request(`DROP TABLE IF EXISTS ${ch.shardDb}.${t}`);
      } else {
        await store.run('DROP TABLE IF EXISTS uprate_views');
        await store.run('DROP TABLE IF EXISTS uprate_annotations');
      }
      await store.close();
    });

    const send = async (app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, auth?: string) => {
      const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }), headers: auth ? { authorization: `Bearer ${auth}` } : {} });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };

    test('a view saved is listed with its state; the same name replaces it; delete removes it', async () => {
      const state = 'grain=week&filter=Customers.accountSize%3Denterprise';
      const first = await send(open, 'POST', '/api/v1/views', { name: 'Enterprise weekly', state: `?${state}` });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body, { view: { name: 'Enterprise weekly', state, createdAt: CLOCK.toISOString(), createdBy: null }, replaced: false });
      assert.deepEqual((await send(open, 'GET', '/api/v1/views')).body, { views: [{ name: 'Enterprise weekly', state, createdAt: CLOCK.toISOString(), createdBy: null }] });

      const again = await send(open, 'POST', '/api/v1/views', { name: 'Enterprise weekly', state: 'range=all&type=upsell' });
      assert.equal(again.status, 200);
      assert.equal(again.body['replaced'], true);
      await send(open, 'POST', '/api/v1/views', { name: 'A first', state: '' });
      const listed = (await send(open, 'GET', '/api/v1/views')).body['views'] as { name: string; state: string }[];
      assert.deepEqual(listed.map((v) => [v.name, v.state]), [['A first', ''], ['Enterprise weekly', 'range=all&type=upsell']]);

      assert.deepEqual(await send(open, 'DELETE', `/api/v1/views/${encodeURIComponent('Enterprise weekly')}`), { status: 200, body: { deleted: 'Enterprise weekly' } });
      const gone = await send(open, 'DELETE', `/api/v1/views/${encodeURIComponent('Enterprise weekly')}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body['code'], 'NOT_FOUND');
      assert.deepEqual(((await send(open, 'GET', '/api/v1/views')).body['views'] as { name: string }[]).map((v) => v.name), ['A first']);
      await send(open, 'DELETE', '/api/v1/views/A%20first');
    });

    test('annotations: added, listed by day within from/to, removed', async () => {
      const a = await send(open, 'POST', '/api/v1/annotations', { day: '2026-03-01', text: 'pricing change' });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      const b = await send(open, 'POST', '/api/v1/annotations', { day: '2026-01-10', text: 'new checkout' });
      const added = [a.body['annotation'], b.body['annotation']] as { id: string; day: string; text: string }[];
      assert.match(added[0]?.id ?? '', /^[0-9a-f]{8}$/);
      assert.notEqual(added[0]?.id, added[1]?.id);
      const all = (await send(open, 'GET', '/api/v1/annotations')).body['annotations'] as { id: string; day: string; text: string }[];
      assert.deepEqual(all.map((n) => [n.day, n.text]), [['2026-01-10', 'new checkout'], ['2026-03-01', 'pricing change']]);
      const march = (await send(open, 'GET', '/api/v1/annotations?from=2026-02-01&to=2026-03-01')).body['annotations'] as { text: string }[];
      assert.deepEqual(march.map((n) => n.text), ['pricing change']);
      assert.deepEqual((await send(open, 'GET', '/api/v1/annotations?to=2026-01-09')).body, { annotations: [] });
      for (const n of added) assert.equal((await send(open, 'DELETE', `/api/v1/annotations/${n.id}`)).status, 200);
      assert.deepEqual((await send(open, 'GET', '/api/v1/annotations')).body, { annotations: [] });
      assert.equal((await send(open, 'DELETE', `/api/v1/annotations/${added[0]?.id}`)).status, 404);
    });

    test('bad input is a 400 naming the field', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/api/v1/views', { name: '', state: '' }, 'name'],
        ['POST', '/api/v1/views', { name: 'x'.repeat(81), state: '' }, 'name'],
        ['POST', '/api/v1/views', { state: '' }, 'name'],
        ['POST', '/api/v1/views', { name: 'ok', state: 'colour=red' }, 'state'],
        ['POST', '/api/v1/views', { name: 'ok', state: 'grain=daily' }, 'state'],
        ['POST', '/api/v1/views', { name: 'ok', state: 'from=2026-03-01' }, 'state'],
        ['POST', '/api/v1/views', { name: 'ok', state: `filter=${'Customers.region%3Deurope&filter='.repeat(60)}` }, 'state'],
        ['POST', '/api/v1/annotations', { day: '2026-13-01', text: 'x' }, 'day'],
        ['POST', '/api/v1/annotations', { day: '01/03/2026', text: 'x' }, 'day'],
        ['POST', '/api/v1/annotations', { day: '2026-03-01', text: 'x'.repeat(201) }, 'text'],
        ['POST', '/api/v1/annotations', { day: '2026-03-01', text: '  ' }, 'text'],
        ['GET', '/api/v1/annotations?from=March', undefined, 'from'],
      ];
      for (const [method, url, body, field] of cases) {
        const res = await send(open, method as 'GET' | 'POST', url, body);
        assert.equal(res.status, 400, `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body['location'], field, `${url} ${JSON.stringify(body)?.slice(0, 80)}`);
        assert.equal(res.body['code'], 'BAD_ARGUMENT');
      }
      assert.deepEqual((await send(open, 'GET', '/api/v1/views')).body, { views: [] }, 'nothing was saved');
    });

    test('with security filters a tenant sees and changes only its own views and notes', async () => {
      const europe = await token({ region: 'europe', sub: 'eva' });
      const europe2 = await token({ region: 'europe', sub: 'emil' });
      const apac = await token({ region: 'apac', sub: 'ana' });
      assert.equal((await send(secured, 'GET', '/api/v1/views')).status, 403, 'a token is needed');
      assert.equal((await send(secured, 'POST', '/api/v1/views', { name: 'x', state: '' })).status, 403);
      const saved = await send(secured, 'POST', '/api/v1/views', { name: 'Mine', state: 'grain=quarter' }, europe);
      assert.equal(saved.status, 200);
      assert.equal(saved.body['replaced'], false);
      assert.equal((saved.body['view'] as { createdBy: string }).createdBy, 'eva');
      await send(secured, 'POST', '/api/v1/annotations', { day: '2026-02-02', text: 'europe launch' }, europe);

      // Another token of the same tenant shares them; another tenant sees none of them.
      assert.deepEqual(((await send(secured, 'GET', '/api/v1/views', undefined, europe2)).body['views'] as { name: string }[]).map((v) => v.name), ['Mine']);
      assert.deepEqual((await send(secured, 'GET', '/api/v1/views', undefined, apac)).body, { views: [] });
      assert.deepEqual((await send(secured, 'GET', '/api/v1/annotations', undefined, apac)).body, { annotations: [] });
      assert.equal((await send(secured, 'DELETE', '/api/v1/views/Mine', undefined, apac)).status, 404);
      const note = ((await send(secured, 'GET', '/api/v1/annotations', undefined, europe)).body['annotations'] as { id: string }[])[0];
      assert.ok(note);
      assert.equal((await send(secured, 'DELETE', `/api/v1/annotations/${note.id}`, undefined, apac)).status, 404);
      // The same name in another tenant is a view of its own, not a replacement.
      const theirs = await send(secured, 'POST', '/api/v1/views', { name: 'Mine', state: 'type=upsell' }, apac);
      assert.equal(theirs.status, 200);
      assert.equal(theirs.body['replaced'], false);
      const ours = (await send(secured, 'GET', '/api/v1/views', undefined, europe)).body['views'] as { state: string }[];
      assert.deepEqual(ours.map((v) => v.state), ['grain=quarter']);
      // Nor does the server without filters (the shared tenant) see them.
      assert.deepEqual((await send(open, 'GET', '/api/v1/views')).body, { views: [] });
      assert.deepEqual((await send(open, 'GET', '/api/v1/annotations')).body, { annotations: [] });
      assert.equal((await send(secured, 'DELETE', `/api/v1/annotations/${note.id}`, undefined, europe)).status, 200);
      assert.equal((await send(secured, 'DELETE', '/api/v1/views/Mine', undefined, europe)).status, 200);
      assert.equal((await send(secured, 'DELETE', '/api/v1/views/Mine', undefined, apac)).status, 200);
    });

    test('uprate annotate add, list and remove on the store directly', () => {
      const args = cliArgs;
      const added = uprate(['annotate', 'add', '2026-03-01', 'pricing change', ...args]);
      assert.equal(added.code, 0, added.stderr);
      const id = /^added ([0-9a-f]{8}): 2026-03-01 pricing change$/m.exec(added.stdout)?.[1];
      assert.ok(id, added.stdout);
      const listed = uprate(['annotate', 'list', '--format', 'json', ...args]);
      assert.equal(listed.code, 0, listed.stderr);
      const notes = (JSON.parse(listed.stdout) as { annotations: { id: string; day: string; text: string }[] }).annotations;
      assert.deepEqual(notes.map((n) => [n.id, n.day, n.text]), [[id, '2026-03-01', 'pricing change']]);
      if (target?.engine === 'duckdb') {
        const bad = uprate(['annotate', 'add', '2026-02-30', 'x', ...args]);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /<day>/);
      }
      const removed = uprate(['annotate', 'remove', id, ...args]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(removed.stdout, `removed ${id}\n`);
      const again = uprate(['annotate', 'remove', id, ...args]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, new RegExp(`no annotation with id '${id}'`));
    });

    test('uprate annotate through --server: the API lists what it added, and it removes it', async () => {
      const added = await uprateAsync(['annotate', 'add', '2026-04-01', 'spring campaign', '--server', url]);
      assert.equal(added.code, 0, added.stderr);
      const list = (await send(open, 'GET', '/api/v1/annotations')).body['annotations'] as { day: string; text: string; id: string }[];
      assert.deepEqual(list.map((n) => [n.day, n.text]), [['2026-04-01', 'spring campaign']]);
      assert.equal(added.stdout, `added ${list[0]?.id}: 2026-04-01 spring campaign\n`);
      const removed = await uprateAsync(['annotate', 'remove', list[0]?.id ?? '', '--server', url]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual((await send(open, 'GET', '/api/v1/annotations')).body, { annotations: [] });
    });
  });
}

describe('annotations on the trend chart', () => {
  const point = (period: string, periodEnd: string) => ({ period, periodEnd });
  const pts = [point('2025-01-01', '2025-03-31'), point('2025-04-01', '2025-06-30'), point('2025-07-01', '2025-09-30')];

  test('each note goes to the period holding its day; notes of one period share a line; others are left out', async () => {
    const { annotatedPeriods } = await import('../src/report-html/chart-options.js');
    const notes = [
      { day: '2025-04-01', text: 'pricing change' },
      { day: '2025-03-31', text: 'end of Q1' },
      { day: '2025-06-30', text: 'new checkout' },
      { day: '2024-12-31', text: 'before the range' },
    ];
    assert.deepEqual(annotatedPeriods(pts as never, notes), [
      { index: 0, text: 'end of Q1' },
      { index: 1, text: 'pricing change; new checkout' },
    ]);
    assert.deepEqual(annotatedPeriods(pts as never, []), []);
  });
});
