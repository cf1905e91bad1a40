/**
 * The notification lease across two processes on one database: evaluator A claims three
 * notifications and delivers one, dead-letters one and leaves one `sending` (as a crash would);
 * then evaluator B, another process with its own store on the same DuckDB file (A has closed it:
 * DuckDB lets one process write a file) or the same PostgreSQL schema (A still connected), tries
 * to claim each of them. Within the lease nothing is taken; with `leaseMs: 1` and the lease long
 * run out, only the `sending` one is taken over — a delivered or dead notification is never sent
 * again. What each row holds afterwards is read with plain SQL.
 *
 * The test file is also B: run with UPRATE_LEASE_CHILD set, it makes the claims asked for and
 * prints their answers as JSON.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { DuckDbStore, PostgresStore, type Store } from '../store/index.js';
import { ensureAlertTables } from './alert-tables.js';
import { claimNotification, markDelivered, recordDeadLetter, type LeaseClaim } from './notification-lease.js';

const CHILD = 'UPRATE_LEASE_CHILD';

/** What B is asked to do: claim these notifications at `now`, each with its own lease. */
interface ChildJob {
  readonly engine: 'duckdb' | 'postgres';
  readonly where: string;
  readonly owner: string;
  readonly now: string;
  readonly attempts: readonly { readonly claim: LeaseClaim; readonly leaseMs: number }[];
}

function openAt(engine: ChildJob['engine'], where: string): Promise<Store> {
  return engine === 'duckdb' ? DuckDbStore.open(where) : PostgresStore.open(where);
}

const job = process.env[CHILD];
if (job) {
  // Evaluator B, in its own process.
  const { engine, where, owner, now, attempts } = JSON.parse(job) as ChildJob;
  const store = await openAt(engine, where);
  const answers: boolean[] = [];
  try {
    for (const a of attempts) answers.push(await claimNotification(store, a.claim, owner, new Date(now), a.leaseMs));
  } finally {
    await store.close();
  }
  process.stdout.write(`${JSON.stringify(answers)}\n`);
} else {
  await leaseSuites();
}

async function leaseSuites(): Promise<void> {
  const { locateServer, skipUnlessReady } = await import('../../test/engines.js');
  const NAME = `uprate_lease_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'uprate-lease-'));
  const postgres = await locateServer('postgres', NAME);
  after(() => rmSync(dir, { recursive: true, force: true }));

  const T0 = new Date('2026-03-01T09:00:00.000Z');
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const claimOf = (name: string): LeaseClaim => ({ key: `drop|all|1|firing|${name}`, rule: 'drop', scope: 'all', episode: 1, kind: 'firing', channel: name });
  const delivered = claimOf('delivered');
  const dead = claimOf('dead');
  const crashed = claimOf('crashed');

  /** Runs evaluator B in a child process; answers its claims in order. */
  const evaluatorB = (engine: ChildJob['engine'], where: string, now: Date, attempts: ChildJob['attempts']): boolean[] => {
    const spec: ChildJob = { engine, where, owner: 'evaluator-b', now: now.toISOString(), attempts };
    // A plain process, not a test of this run (node --test marks its children with NODE_TEST_CONTEXT).
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...env, [CHILD]: JSON.stringify(spec) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `evaluator B failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null') as boolean[];
  };

  /** Each notification's status, owner, claim time (as the engine prints it) and attempts, by plain SQL. */
  const rows = async (store: Store) =>
    (await store.query(`SELECT channel, status, owner, CAST(claimed_at AS VARCHAR) AS claimed, attempts FROM uprate_alert_notifications ORDER BY channel`)).map((r) => [
      String(r['channel']),
      String(r['status']),
      String(r['owner']),
      String(r['claimed']),
      Number(r['attempts']),
    ]);

  const ENGINES = [
    { engine: 'duckdb' as const, where: join(dir, 'lease.duckdb'), skip: false as string | false, keepOpen: false },
    { engine: 'postgres' as const, where: postgres.ready?.where ?? '', skip: skipUnlessReady(postgres), keepOpen: true },
  ];

  for (const e of ENGINES) {
    describe(`the notification lease on ${e.engine}, across two processes`, { skip: e.skip }, () => {
      after(async () => {
        if (e.engine !== 'postgres' || e.skip) return;
        const store = await PostgresStore.open(e.where);
        await store.run(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`);
        await store.close();
      });

      test('a delivered or dead-lettered notification is never claimed again; a "sending" one is, once its lease ran out', async () => {
        // Evaluator A: three claims at T0; one delivered, one given up on, one left "sending".
        const a = await openAt(e.engine, e.where);
        let aOpen = true;
        try {
          await ensureAlertTables(a);
          for (const c of [delivered, dead, crashed]) assert.equal(await claimNotification(a, c, 'evaluator-a', T0, 600_000), true, `A claims ${c.channel}`);
          await markDelivered(a, delivered.key, 1, later(1_000));
          await recordDeadLetter(a, { claim: dead, url: 'http://hook.example/', payload: '{}', error: 'HTTP 500', attempts: 3 }, later(2_000));
          const asLeft = [
            ['crashed', 'sending', 'evaluator-a', '2026-03-01 09:00:00', 0],
            ['dead', 'dead', 'evaluator-a', '2026-03-01 09:00:00', 3],
            ['delivered', 'delivered', 'evaluator-a', '2026-03-01 09:00:00', 1],
          ];
          assert.deepEqual(await rows(a), asLeft);
          if (!e.keepOpen) {
            await a.close();
            aOpen = false;
          }

          // Evaluator B, a minute later: within a 10-minute lease nothing is taken; with a lease of
          // 1 ms only the notification still "sending" is.
          const answers = evaluatorB(e.engine, e.where, later(60_000), [
            { claim: crashed, leaseMs: 600_000 },
            { claim: delivered, leaseMs: 600_000 },
            { claim: delivered, leaseMs: 1 },
            { claim: dead, leaseMs: 1 },
            { claim: crashed, leaseMs: 1 },
          ]);
          assert.deepEqual(answers, [false, false, false, false, true], 'B claims: crashed within the lease, delivered (twice), dead, crashed after the lease');

          const store = aOpen ? a : await openAt(e.engine, e.where);
          try {
            assert.deepEqual(await rows(store), [
              ['crashed', 'sending', 'evaluator-b', '2026-03-01 09:01:00', 0],
              ['dead', 'dead', 'evaluator-a', '2026-03-01 09:00:00', 3],
              ['delivered', 'delivered', 'evaluator-a', '2026-03-01 09:00:00', 1],
            ]);
            const deadLetters = await store.query(`SELECT notification_key, attempts FROM uprate_alert_dead_letters`);
            assert.deepEqual(deadLetters.map((r) => [String(r['notification_key']), Number(r['attempts'])]), [[dead.key, 3]]);
          } finally {
            if (!aOpen) await store.close();
          }
        } finally {
          if (aOpen) await a.close();
        }
      });
    });
  }
}
