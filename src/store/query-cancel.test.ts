/**
 * Per-statement timeouts and cancellation (`Store.query(sql, params, { timeoutMs, signal })`) on
 * every engine: DuckDB always, PostgreSQL and ClickHouse where their servers answer (under CI a
 * missing server fails, see test/engines.ts). One suite, called once per engine: a statement
 * that would run for many seconds is stopped at its deadline (QUERY_TIMEOUT) or when its signal
 * aborts (QUERY_CANCELLED); afterwards it no longer runs anywhere — not in the server's process
 * list (PostgreSQL pg_stat_activity, every ClickHouse shard's system.processes), not on DuckDB's
 * threads (the process's CPU time stops growing) — and the same store answers again. Every wait
 * is bounded, and the stores' own timeouts (20 s) bound a statement nothing else stopped.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { locateServer, skipUnlessReady } from '../../test/engines.js';
import { UprateError } from '../core/errors.js';
import { openClickHouseStore, type ClickHouseStore } from '../engines/clickhouse/index.js';
import { DuckDbStore } from '../engines/duckdb/index.js';
import { PostgresStore } from '../engines/postgres/index.js';
import type { Store } from './store.js';

const ISOLATION = `uprate_cancel_${process.pid}`;
/** The store-level timeout: the backstop for a statement these tests failed to stop. */
const STORE_TIMEOUT_MS = 20_000;
/** How long a stopped statement may take to reject, and to leave the server. */
const REJECT_WITHIN_MS = 5_000;
const GONE_WITHIN_MS = 3_000;

/** One engine as the suite drives it. */
interface Subject {
  readonly store: Store;
  /** A statement that runs for many seconds, carrying `tag` where the server's process list shows it. */
  slow(tag: string): string;
  /** Is a statement carrying `tag` still running? */
  running(tag: string): Promise<boolean>;
  /** Clean-up: stop whatever still runs with `tag` (a failed test must not leave work behind). */
  stop(tag: string): Promise<void>;
  /** Extra checks once a statement was stopped (the connection's session is as before). */
  healthy?(): Promise<void>;
}

type Settled<T> = { readonly value: T } | { readonly error: unknown } | undefined;

/** Waits for `p` at most `ms`: its value, its error, or undefined when it is still pending. */
async function within<T>(p: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p.then((value) => ({ value }), (error: unknown) => ({ error })), late]);
  } finally {
    clearTimeout(timer);
  }
}

function assertRejected(settled: Settled<unknown>, code: string, message: RegExp): UprateError {
  assert.ok(settled, `the statement was still running after ${REJECT_WITHIN_MS} ms`);
  if ('value' in settled) {
    assert.fail(`the statement answered instead of failing with ${code}: ${JSON.stringify(settled.value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
  const e = settled.error;
  assert.ok(e instanceof UprateError, `not an UprateError: ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, message);
  return e;
}

/** Polls until `check` is false; true when it became false within `ms`. */
async function becomesFalse(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (!(await check())) return true;
    if (performance.now() > end) return false;
    await sleep(100);
  }
}

/** Polls until `check` is true (at most `ms`). */
async function becomesTrue(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  return becomesFalse(async () => !(await check()), ms);
}

/** The suite, once per engine. `subject` is called inside the tests (after `before` opened it). */
function cancellationSuite(engine: string, subject: () => Subject): void {
  /** Runs a test with a fresh tag; whatever it left running is stopped before the next one. */
  const tagged = (fn: (s: Subject, tag: string) => Promise<void>) => async () => {
    const s = subject();
    const tag = `uprate_cancel_test_${randomUUID().replaceAll('-', '')}`;
    try {
      await fn(s, tag);
    } finally {
      await s.stop(tag).catch(() => undefined);
    }
  };

  test(`${engine}: a statement past timeoutMs is cancelled with QUERY_TIMEOUT and stops running`, { timeout: 30_000 }, tagged(async (s, tag) => {
    const started = performance.now();
    const settled = await within(s.store.query(s.slow(tag), [], { timeoutMs: 300 }), REJECT_WITHIN_MS);
    const ms = performance.now() - started;
    const e = assertRejected(settled, 'QUERY_TIMEOUT', /^the query ran longer than 300 ms and was cancelled$/);
    assert.match(e.hint ?? '', /limits\.queryTimeoutMs in uprate\.config\.yaml/);
    assert.ok(ms >= 290, `rejected after ${ms.toFixed(0)} ms, before its 300 ms`);
    console.log(`# ${engine}: timeoutMs 300 rejected after ${ms.toFixed(0)} ms`);
    assert.ok(await becomesFalse(() => s.running(tag), GONE_WITHIN_MS), `the statement still runs ${GONE_WITHIN_MS} ms after its timeout`);
    assert.deepEqual(await s.store.query('SELECT 1 AS one'), [{ one: 1 }]);
    await s.healthy?.();
  }));

  test(`${engine}: aborting the signal cancels the statement with QUERY_CANCELLED and stops it`, { timeout: 30_000 }, tagged(async (s, tag) => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = s.store.query(s.slow(tag), [], { signal: controller.signal });
    pending.catch(() => undefined); // awaited below; a rejection before that is not unhandled
    assert.ok(await becomesTrue(() => s.running(tag), REJECT_WITHIN_MS), 'the statement never showed up as running');
    await sleep(Math.max(0, 300 - (performance.now() - started)));
    const aborted = performance.now();
    controller.abort();
    const settled = await within(pending, REJECT_WITHIN_MS);
    const ms = performance.now() - aborted;
    assertRejected(settled, 'QUERY_CANCELLED', /^the query was cancelled: the client went away$/);
    console.log(`# ${engine}: abort after ${(aborted - started).toFixed(0)} ms rejected ${ms.toFixed(0)} ms later`);
    assert.ok(await becomesFalse(() => s.running(tag), GONE_WITHIN_MS), `the statement still runs ${GONE_WITHIN_MS} ms after the abort`);
    assert.deepEqual(await s.store.query('SELECT 1 AS one'), [{ one: 1 }]);
    await s.healthy?.();
  }));

  test(`${engine}: an already-aborted signal rejects at once, without running anything`, { timeout: 30_000 }, tagged(async (s, tag) => {
    const started = performance.now();
    const settled = await within(s.store.query(s.slow(tag), [], { signal: AbortSignal.abort() }), REJECT_WITHIN_MS);
    const ms = performance.now() - started;
    assertRejected(settled, 'QUERY_CANCELLED', /client went away/);
    assert.ok(ms < 200, `took ${ms.toFixed(0)} ms`);
    assert.equal(await s.running(tag), false);
  }));

  test(`${engine}: a statement within its limits answers as without them`, { timeout: 30_000 }, async () => {
    const s = subject();
    const options = { timeoutMs: 10_000, signal: new AbortController().signal };
    assert.deepEqual(await s.store.query('SELECT 1 AS one', [], options), [{ one: 1 }]);
    assert.deepEqual(await s.store.query('SELECT 2 AS two', [], { timeoutMs: 10_000 }), [{ two: 2 }]);
    await s.healthy?.();
  });
}

// ---------------------------------------------------------------------------------------------
// DuckDB: no process list to read; a statement still running keeps a core busy.

describe('query timeout and cancellation: duckdb', () => {
  let store: DuckDbStore | undefined;
  before(async () => {
    store = await DuckDbStore.open(':memory:');
  });
  after(async () => store?.close());
  cancellationSuite('duckdb', () => {
    if (!store) throw new Error('DuckDB store not open');
    return {
      store,
      // Single-threaded and quadratic in DuckDB: many seconds on any machine, interruptible at once.
      slow: (tag) => `WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < 200000) SELECT count(*) AS n, '${tag}' AS tag FROM t`,
      running: async () => {
        const before = process.cpuUsage();
        await sleep(400);
        const used = process.cpuUsage(before);
        // Idle, the process uses a few ms of CPU in 400 ms; the statement uses a core, or on a
        // loaded machine at least its share of one.
        return (used.user + used.system) / 1000 > 50;
      },
      stop: async () => undefined,
    };
  });
});

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a pool of one connection, so the one that ran the stopped statement is the one
// that answers next; an observer store reads pg_stat_activity.

const pgSlot = await locateServer('postgres', ISOLATION);
const pgSkip = skipUnlessReady(pgSlot);
if (pgSkip) console.log(`# query-cancel: skipping postgres: ${pgSkip}`);

describe('query timeout and cancellation: postgres', { skip: pgSkip }, () => {
  let store: PostgresStore | undefined;
  let observer: PostgresStore | undefined;
  before(async () => {
    const url = pgSlot.ready?.where ?? '';
    store = await PostgresStore.open(url, { poolSize: 1, timeoutMs: STORE_TIMEOUT_MS });
    observer = await PostgresStore.open(url, { timeoutMs: STORE_TIMEOUT_MS });
  });
  after(async () => {
    await store?.close();
    await observer?.run(`DROP SCHEMA IF EXISTS ${ISOLATION} CASCADE`);
    await observer?.close();
  });
  const activeWith = async (tag: string) => {
    if (!observer) throw new Error('PostgreSQL observer not open');
    const rows = await observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'`,
      [tag],
    );
    return rows.map((r) => r.pid);
  };
  cancellationSuite('postgres', () => {
    if (!store || !observer) throw new Error('PostgreSQL store not open');
    const s = store;
    const o = observer;
    return {
      store: s,
      slow: (tag) => `SELECT pg_sleep(30) AS slept, '${tag}' AS tag`,
      running: async (tag) => (await activeWith(tag)).length > 0,
      stop: async (tag) => {
        for (const pid of await activeWith(tag)) await o.query('SELECT pg_cancel_backend($1)', [pid]);
      },
      // The statement's own timeout was RESET: the session's (the store's) applies again.
      healthy: async () => assert.deepEqual(await s.query('SHOW statement_timeout'), [{ statement_timeout: `${STORE_TIMEOUT_MS / 1000}s` }]),
    };
  });
});

// ---------------------------------------------------------------------------------------------
// ClickHouse: a distributed statement (every shard works on it); each shard's system.processes
// lists its part, with the tag in the text it was sent.

const chSlot = await locateServer('clickhouse', ISOLATION);
const chSkip = skipUnlessReady(chSlot);
if (chSkip) console.log(`# query-cancel: skipping clickhouse: ${chSkip}`);

describe('query timeout and cancellation: clickhouse', { skip: chSkip }, () => {
  let store: ClickHouseStore | undefined;
  before(async () => {
    store = await openClickHouseStore(chSlot.ready?.where ?? '', { timeoutMs: STORE_TIMEOUT_MS });
  });
  after(async () => {
    if (!store) return;
    for (const shard of store.shards) {
      for (const db of [ISOLATION, store.shardDb]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
    }
    await store.close();
  });
  const processesWith = async (tag: string) => {
    if (!store) throw new Error('ClickHouse store not open');
    let n = 0;
    for (const shard of store.shards) {
      const answer = await shard.select(`SELECT count() AS n FROM system.processes WHERE query LIKE '%${tag}%' AND query NOT LIKE '%system.processes%'`);
      n += Number(answer.data[0]?.['n'] ?? 0);
    }
    return n;
  };
  cancellationSuite('clickhouse', () => {
    if (!store) throw new Error('ClickHouse store not open');
    const s = store;
    return {
      store: s,
      // Endless but for the limits: system.numbers on every shard of the cluster.
      slow: (tag) => `SELECT count() AS n FROM cluster('${s.cluster}', system, numbers) WHERE toString(number) != '${tag}'`,
      running: async (tag) => (await processesWith(tag)) > 0,
      stop: async (tag) => {
        for (const shard of s.shards) await shard.request(`KILL QUERY WHERE query LIKE '%${tag}%' AND query NOT LIKE '%KILL QUERY%' ASYNC`, { what: 'test clean-up' });
      },
    };
  });
});
