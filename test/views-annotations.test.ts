/**
 * Saved views and annotations (/api/v1/views, /api/v1/annotations, `uprate annotate`): one suite,
 * run on DuckDB, PostgreSQL and the 2-shard ClickHouse cluster — a round trip through the API,
 * the validation errors naming their field, tenant isolation on a server with security filters
 * and on the store directly, overwrites and deletes (also several in one millisecond, the clock
 * held still), and the CLI on the store directly — whose notes a server without filters then
 * lists. On ClickHouse also: every shard holds the same copy, and a row another process wrote
 * with a clock ahead of this one is still overtaken. Expected values are the inputs themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { buildApp } from '../src/server/index.js';
import { openStore, type Store } from '../src/store/index.js';
import type { ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { addAnnotation, deleteView, listAnnotations, listViews, removeAnnotation, saveView, tenantKey } from '../src/saved/index.js';
import { cliArgs, uprate } from './cli-helpers.js';
import { locateEngines, skipUnlessReady } from './engines.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-saved-'));
const isolation = `uprate_saved_${process.pid}`;
const slots = await locateEngines(isolation, join(dir, 'saved.duckdb'));
const SECRET = 'saved-views-test-secret-0123456789abcdef';
const CLOCK = new Date('2026-03-15T10:00:00Z');

after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI without blocking this process (its server must answer the CLI meanwhile). */
function uprateAsync(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(args), { env: { ...process.env, CI: 'true' }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

for (const slot of slots) {
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
        for (const shard of ch.shards) for (const db of [ch.database, ch.shardDb]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
      } else if (store.engine === 'postgres') {
        await store.run(`DROP SCHEMA IF EXISTS ${isolation} CASCADE`);
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

    // The store directly, as the routes and `uprate annotate` call it; each test under tenants of its own.
    const region = (r: string) => tenantKey([{ member: 'Customers.region', operator: 'equals', values: [r] }]);

    test('overwriting a view keeps one row with the new state; deleting it leaves none', async () => {
      const writer = { tenant: region('overwrite'), by: 'olga' };
      const later = new Date(CLOCK.getTime() + 60_000);
      assert.deepEqual(await saveView(store, writer, 'Quarterly', 'grain=quarter', CLOCK), {
        view: { name: 'Quarterly', state: 'grain=quarter', createdAt: CLOCK.toISOString(), createdBy: 'olga' },
        replaced: false,
      });
      assert.equal((await saveView(store, writer, 'Quarterly', 'grain=quarter&type=cross_sell', later)).replaced, true);
      assert.deepEqual(await listViews(store, writer.tenant), [{ name: 'Quarterly', state: 'grain=quarter&type=cross_sell', createdAt: later.toISOString(), createdBy: 'olga' }]);
      assert.equal(await deleteView(store, writer.tenant, 'Quarterly', later), true);
      assert.deepEqual(await listViews(store, writer.tenant), []);
      assert.equal(await deleteView(store, writer.tenant, 'Quarterly', later), false, 'a deleted view is not deleted twice');
      // Saved again after its delete: back, with the new state only.
      await saveView(store, writer, 'Quarterly', 'range=ytd', later);
      assert.deepEqual((await listViews(store, writer.tenant)).map((v) => [v.name, v.state]), [['Quarterly', 'range=ytd']]);
      assert.equal(await deleteView(store, writer.tenant, 'Quarterly', later), true);
    });

    test('saves in one millisecond keep the later one; a delete in it hides the view (the clock held still)', async (t) => {
      const writer = { tenant: region('same-ms'), by: null };
      const frozen = Date.now();
      t.mock.method(Date, 'now', () => frozen);
      const states = ['grain=week', 'grain=month', 'grain=quarter', 'range=all', 'type=upsell', 'range=3m&grain=week'];
      for (const [i, state] of states.entries()) {
        assert.equal((await saveView(store, writer, 'Same ms', state, CLOCK)).replaced, i > 0, state);
        assert.deepEqual(await listViews(store, writer.tenant), [{ name: 'Same ms', state, createdAt: CLOCK.toISOString(), createdBy: null }], `after saving ${state}`);
      }
      assert.equal(await deleteView(store, writer.tenant, 'Same ms', CLOCK), true);
      assert.deepEqual(await listViews(store, writer.tenant), []);
      const note = await addAnnotation(store, writer, '2026-03-02', 'same millisecond', CLOCK);
      assert.equal(await removeAnnotation(store, writer.tenant, note.id, CLOCK), true);
      assert.deepEqual(await listAnnotations(store, writer.tenant, null, null), []);
      assert.equal(Date.now(), frozen, 'the clock stood still throughout');
    });

    test('a second tenant sees, replaces and deletes none of the first tenant\'s views and notes', async () => {
      const first = { tenant: region('north'), by: 'nora' };
      const second = { tenant: region('south'), by: 'sven' };
      await saveView(store, first, 'Shared name', 'grain=week', CLOCK);
      await saveView(store, first, 'Only north', 'type=cross_sell', CLOCK);
      const note = await addAnnotation(store, first, '2026-02-14', 'north campaign', CLOCK);

      assert.deepEqual(await listViews(store, second.tenant), []);
      assert.deepEqual(await listAnnotations(store, second.tenant, null, null), []);
      assert.equal(await deleteView(store, second.tenant, 'Only north', CLOCK), false);
      assert.equal(await removeAnnotation(store, second.tenant, note.id, CLOCK), false);
      assert.equal((await saveView(store, second, 'Shared name', 'grain=month', CLOCK)).replaced, false, 'the same name is a view of its own');

      assert.deepEqual((await listViews(store, first.tenant)).map((v) => [v.name, v.state, v.createdBy]), [['Only north', 'type=cross_sell', 'nora'], ['Shared name', 'grain=week', 'nora']]);
      assert.deepEqual((await listViews(store, second.tenant)).map((v) => [v.name, v.state, v.createdBy]), [['Shared name', 'grain=month', 'sven']]);
      assert.deepEqual((await listAnnotations(store, first.tenant, null, null)).map((n) => [n.id, n.day, n.text]), [[note.id, '2026-02-14', 'north campaign']]);
      // The second tenant's delete of the shared name takes its own view only.
      assert.equal(await deleteView(store, second.tenant, 'Shared name', CLOCK), true);
      assert.deepEqual((await listViews(store, first.tenant)).map((v) => v.name), ['Only north', 'Shared name']);
      assert.deepEqual(await listViews(store, second.tenant), []);

      for (const name of ['Only north', 'Shared name']) assert.equal(await deleteView(store, first.tenant, name, CLOCK), true);
      assert.equal(await removeAnnotation(store, first.tenant, note.id, CLOCK), true);
      assert.deepEqual(await listViews(store, first.tenant), []);
    });

    test('a note\'s day: any YYYY-MM-DD on DuckDB and PostgreSQL; on ClickHouse 1970 to 2105, else a 400 naming `day`', async () => {
      const early = await send(open, 'POST', '/api/v1/annotations', { day: '1969-12-31', text: 'before 1970' });
      if (slot.engine === 'clickhouse') {
        assert.equal(early.status, 400, JSON.stringify(early.body));
        assert.equal(early.body['code'], 'BAD_ARGUMENT');
        assert.equal(early.body['location'], 'day');
        assert.match(String(early.body['error']), /1970-01-01 to 2105-12-31/);
        assert.deepEqual((await send(open, 'GET', '/api/v1/annotations')).body, { annotations: [] });
      } else {
        assert.equal(early.status, 200, JSON.stringify(early.body));
        const listed = (await send(open, 'GET', '/api/v1/annotations')).body['annotations'] as { id: string; day: string; text: string }[];
        assert.deepEqual(listed.map((n) => [n.day, n.text]), [['1969-12-31', 'before 1970']]);
        assert.equal((await send(open, 'DELETE', `/api/v1/annotations/${listed[0]?.id}`)).status, 200);
      }
    });

    test('ClickHouse: every shard holds the same full copy, and a row from a clock ahead of ours is still overtaken', { skip: slot.engine !== 'clickhouse' && 'ClickHouse only: its rows carry versions' }, async () => {
      const ch = store as unknown as ClickHouseStore;
      assert.equal(ch.shards.length, 2, 'the cluster has two shards');
      const tenant = region('shards');
      const copies = async () => {
        const out: unknown[] = [];
        for (const shard of ch.shards) {
          const answer = await shard.select(
            `SELECT name, count() AS n, argMax(state, version) AS s, argMax(is_deleted, version) AS d FROM ${ch.shardDb}.saved_views WHERE tenant = '${tenant}' GROUP BY name ORDER BY name`,
          );
          out.push(answer.data.map((r) => [r['name'], Number(r['n']), r['s'], Number(r['d'])]));
        }
        return out;
      };
      await saveView(store, { tenant, by: null }, 'Copied', 'grain=week', CLOCK);
      await saveView(store, { tenant, by: null }, 'Copied', 'grain=month', CLOCK);
      await saveView(store, { tenant, by: null }, 'Gone', 'range=all', CLOCK);
      await deleteView(store, tenant, 'Gone', CLOCK);
      const both = [['Copied', 2, 'grain=month', 0], ['Gone', 2, '', 1]];
      assert.deepEqual(await copies(), [both, both]);

      // Another process, its clock an hour ahead, saved the view last on every shard.
      const ahead = (Date.now() + 3_600_000) * 1000;
      const row = JSON.stringify({ tenant, name: 'Copied', state: 'range=12m', created_at: '2026-03-15 10:00:00', created_by: 'other', version: ahead, is_deleted: 0 });
      for (const shard of ch.shards) await shard.request(`INSERT INTO ${ch.shardDb}.saved_views FORMAT JSONEachRow`, { body: row });
      assert.deepEqual((await listViews(store, tenant)).map((v) => [v.name, v.state, v.createdBy]), [['Copied', 'range=12m', 'other']]);
      await saveView(store, { tenant, by: 'us' }, 'Copied', 'grain=quarter', CLOCK);
      assert.deepEqual((await listViews(store, tenant)).map((v) => [v.name, v.state, v.createdBy]), [['Copied', 'grain=quarter', 'us']]);
      await deleteView(store, tenant, 'Copied', CLOCK);
      assert.deepEqual(await listViews(store, tenant), []);
      const gone = [['Copied', 5, '', 1], ['Gone', 2, '', 1]];
      assert.deepEqual(await copies(), [gone, gone]);
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
