/**
 * One truth on every engine: the same demo data set, written as files and loaded with
 * `uprate ingest` into DuckDB, PostgreSQL and ClickHouse, must give the same answers to the same
 * questions (test/cross-engine-queries.ts) through the same HTTP server: counts exactly, every
 * other number (rates, intervals, test statistics, revenue) within 1e-9 (relative to the value
 * when it is above 1). DuckDB is the reference. Servers come from scripts/services/*.sh; an
 * engine whose server is down is skipped with a message, or fails the run under CI=true.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { writeDemoFiles } from '../src/demo/index.js';
import { buildApp } from '../src/server/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { API_CASES, CUBE_CASES, DEMO_END, NOW, type CubeCase } from './cross-engine-queries.js';
import { openClickHouseStore } from '../src/engines/clickhouse/index.js';
import { dropPostgresSchema, IN_CI, locateEngines, type EngineUnderTest } from './engines.js';

const ROWS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'uprate-cross-engine-'));
const isolation = `uprate_xeng_${process.pid}`;
const slots = await locateEngines(isolation, join(dir, 'reference.duckdb'));
const ready = slots.flatMap((s) => (s.ready ? [s.ready] : []));
const others = ready.filter((e) => e.engine !== 'duckdb');

interface Running {
  readonly engine: EngineUnderTest;
  readonly store: Store;
  readonly app: FastifyInstance;
}
const running: Running[] = [];

before(async () => {
  const files = await writeDemoFiles({ dir, format: 'csv', rows: ROWS, seed: 20250630, end: DEMO_END });
  for (const engine of ready) {
    // The way a user loads data: the CLI, files in, all or nothing.
    const r = uprate(['ingest', ...engine.args, files.customers, files.offers]);
    assert.equal(r.code, 0, `uprate ingest into ${engine.engine} failed:\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`offers: ${ROWS.toLocaleString('en-US')} rows read, ${ROWS.toLocaleString('en-US')} inserted`));
    const store = await openStore({ db: engine.where, url: engine.engine === 'duckdb' ? undefined : engine.where, engine: engine.engine, readOnly: true });
    const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => NOW, continueWaitMs: 120_000 });
    running.push({ engine, store, app });
  }
});

after(async () => {
  for (const r of running) {
    await r.app.close();
    await r.store.close();
  }
  // Drop this run's PostgreSQL schema (through a read-write store: the ones above are read-only).
  const pg = ready.find((e) => e.engine === 'postgres');
  await dropPostgresSchema(pg?.where, isolation);
  // And this run's ClickHouse databases, on every shard.
  const ch = ready.find((e) => e.engine === 'clickhouse');
  if (ch) {
    const store = await openClickHouseStore(ch.where, { migrate: false });
    for (const shard of store.shards) {
      for (const db of [isolation, `${isolation}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
    }
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Agreement: counts exactly, everything else within 1e-9.

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** Fields that name the engine or the moment, not the data. */
const ENGINE_FIELDS = new Set(['dbType', 'lastRefreshTime', 'engine', 'database', 'dataVersion']);

function sameNumber(a: number, b: number): boolean {
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every difference between `expected` and `actual`, as `path: expected ≠ actual`. */
function differences(expected: unknown, actual: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 15) return out;
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 120);
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!sameNumber(expected, actual)) out.push(`${path}: ${expected} ≠ ${actual}`);
  } else if (typeof expected === 'string' && typeof actual === 'string' && NUMERIC.test(expected) && NUMERIC.test(actual)) {
    if (!sameNumber(Number(expected), Number(actual))) out.push(`${path}: ${expected} ≠ ${actual}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: ${expected.length} items ≠ ${actual.length} items`);
    expected.slice(0, actual.length).forEach((e, i) => differences(e, actual[i], `${path}[${i}]`, out));
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (ENGINE_FIELDS.has(k)) continue;
      differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (expected !== actual) {
    out.push(`${path}: ${show(expected)} ≠ ${show(actual)}`);
  }
  return out;
}

async function get(app: FastifyInstance, url: string): Promise<unknown> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, `${url}: HTTP ${res.statusCode} ${res.body.slice(0, 500)}`);
  return res.json() as unknown;
}

type Row = Record<string, unknown>;
interface LoadBody {
  readonly data?: Row[];
  readonly total?: number | null;
  readonly results?: { data: Row[]; total: number | null }[];
}

/** The data of a /load answer (every compared range), rows sorted unless their order was asked for. */
function answerOf(body: LoadBody, c: CubeCase): unknown {
  const results = body.results ?? [{ data: body.data ?? [], total: body.total ?? null }];
  const measures = new Set(c.query.measures ?? []);
  const key = (row: Row) => JSON.stringify(Object.entries(row).filter(([k]) => !measures.has(k)));
  return results.map((r) => ({ total: r.total, data: c.ordered ? r.data : [...r.data].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) }));
}

function load(app: FastifyInstance, c: CubeCase): Promise<unknown> {
  const multi = c.query.timeDimensions?.some((td) => td.compareDateRange) ? '&queryType=multi' : '';
  return get(app, `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(c.query))}${multi}`);
}

// ---------------------------------------------------------------------------------------------

describe('same model, same answers on every engine', () => {
  test('which engines take part', () => {
    for (const s of slots) if (s.skip) console.log(`# cross-engine: skipping ${s.skip}`);
    const missing = slots.filter((s) => s.skip && !/no \w+ store yet|left out by/.test(s.skip));
    if (IN_CI) assert.deepEqual(missing.map((s) => s.skip), [], 'CI starts every engine with scripts/ci-services.sh: none may be missing');
    // A guard, so the comparisons below cannot pass by comparing nothing.
    assert.ok(CUBE_CASES.length >= 40, `only ${CUBE_CASES.length} Cube queries`);
  });

  test('the comparison notices a count off by one and a rate off by 1e-8', () => {
    const a = { data: [{ 'Offers.count': '20000', 'Offers.conversionRate': '0.1834', 'Offers.channel': null }] };
    assert.deepEqual(differences(a, structuredClone(a)), []);
    assert.equal(differences(a, { data: [{ ...a.data[0], 'Offers.count': '20001' }] }).length, 1);
    assert.equal(differences(a, { data: [{ ...a.data[0], 'Offers.conversionRate': '0.18340001' }] }).length, 1);
    assert.equal(differences(a, { data: [{ ...a.data[0], 'Offers.conversionRate': '0.1834000000001' }] }).length, 0);
    assert.equal(differences(a, { data: [{ ...a.data[0], 'Offers.channel': '' }] }).length, 1);
    assert.equal(differences(a, { data: [] }).length, 1);
    assert.equal(running.length, ready.length, 'every ready engine was loaded and served');
  });

  const skipAll = others.length === 0 ? `no engine besides DuckDB is running (${slots.filter((s) => s.skip).map((s) => s.engine).join(', ')}): nothing to compare` : false;

  for (const c of CUBE_CASES) {
    test(`Cube /load: ${c.name}`, { skip: skipAll }, async () => {
      const [reference, ...rest] = running;
      assert.ok(reference && reference.engine.engine === 'duckdb');
      const expected = answerOf((await load(reference.app, c)) as LoadBody, c);
      if (!c.mayBeEmpty) {
        const rows = (expected as { data: Row[] }[]).reduce((n, r) => n + r.data.length, 0);
        assert.ok(rows > 0, `${c.name}: the reference answer is empty, so it proves nothing`);
      }
      for (const r of rest) {
        const actual = answerOf((await load(r.app, c)) as LoadBody, c);
        assert.deepEqual(differences(expected, actual), [], `${r.engine.engine} disagrees with duckdb on "${c.name}"`);
      }
    });
  }

  for (const c of API_CASES) {
    test(`API ${c.name}`, { skip: skipAll }, async () => {
      const [reference, ...rest] = running;
      assert.ok(reference);
      const expected = await get(reference.app, c.path);
      for (const r of rest) {
        assert.deepEqual(differences(expected, await get(r.app, c.path)), [], `${r.engine.engine} disagrees with duckdb on ${c.path}`);
      }
    });
  }
});
