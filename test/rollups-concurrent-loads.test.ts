/**
 * PostgreSQL takes loads at the same time (upserts, no table lock). A load that maintains rollups
 * reads which keys are stored and then changes the rollups from what it read, so loads that
 * maintain rollups take turns: a second one waits for the first one's commit. Checked two ways:
 * a load waits while another transaction holds the turn, and two loads of offers sharing keys
 * and months, run together, leave rollups equal to plain SQL over the rows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { buildRollups } from '../src/rollups/index.js';
import { planRefresh } from '../src/rollups/maintain.js';
import { inTransaction } from '../src/rollups/transaction.js';
import { openStore, type Store } from '../src/store/index.js';
import { locateServer, skipUnlessReady } from './engines.js';

const isolation = `uprate_rollups_turns_${process.pid}`;
const slot = await locateServer('postgres', isolation);
const dir = mkdtempSync(join(tmpdir(), 'uprate-rollup-turns-'));
let store: Store;
let offers: string;

before(async () => {
  if (!slot.ready) return;
  store = await openStore({ db: ':memory:', url: slot.ready.where, engine: 'postgres' });
  const files = await writeDemoFiles({ dir, format: 'csv', rows: 4_000, seed: 11, end: new Date('2025-06-30T23:59:59Z') });
  offers = files.offers;
  await ingestFiles(store, { table: 'customers', files: [files.customers] });
  await ingestFiles(store, { table: 'offers', files: [files.offers] });
  await buildRollups(store, await loadModel(shippedModelDir()));
});

after(async () => {
  if (slot.ready) {
    await store.run(`DROP SCHEMA IF EXISTS ${isolation} CASCADE`);
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Copies of every `every`-th stored offer under ids with `prefix`: new offers in the months the store holds. */
function copies(prefix: string, every: number, name: string): string {
  const lines = readFileSync(offers, 'utf8').trimEnd().split('\n');
  const kept = lines.slice(1).filter((_, i) => i % every === 0).map((line) => `${prefix}${line}`);
  const file = join(dir, name);
  writeFileSync(file, `${[lines[0], ...kept].join('\n')}\n`);
  return file;
}

/** The daily rollup's counts as plain SQL over the rows (accepted within the 30-day window), and as stored. */
const FROM_ROWS = `SELECT date_trunc('day', offered_at) AS d, offer_type, channel, offer_name, campaign, count(*) AS n,
    count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL '30 days') AS accepted
  FROM offers GROUP BY 1, 2, 3, 4, 5`;
const FROM_ROLLUP = `SELECT offers__offered_at_day AS d, offers__offer_type, offers__channel, offers__offer_name, offers__campaign,
    sum(offers__count) AS n, sum(offers__accepted) AS accepted FROM uprate_rollup_offers_daily GROUP BY 1, 2, 3, 4, 5`;
const difference = () => store.query(`SELECT count(*)::int AS n FROM ((${FROM_ROWS} EXCEPT ALL ${FROM_ROLLUP}) UNION ALL (${FROM_ROLLUP} EXCEPT ALL ${FROM_ROWS})) AS d`);

describe('PostgreSQL: loads that maintain rollups take turns', { skip: skipUnlessReady(slot) }, () => {
  test('a load waits while another transaction maintains the rollups, then goes on', async () => {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = (): void => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const rollBack = new Error('rolled back on purpose');
    const holder = inTransaction(store, async (exec) => {
      await planRefresh(exec, 'postgres', []);
      holding();
      await released;
      throw rollBack;
    }).catch((e: unknown) => {
      if (e !== rollBack) throw e;
    });
    await held;
    let settled = false;
    const load = ingestFiles(store, { table: 'offers', files: [copies('w-', 50, 'waiting.csv')] }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(settled, false, 'the load went on while another transaction held the turn');
    release();
    await holder;
    const summary = await load;
    assert.ok(summary.inserted > 0);
    assert.deepEqual(await difference(), [{ n: 0 }]);
  });

  test('two loads sharing keys and months, at once: the rollups equal the rows', async () => {
    // b- offers are in both files (one load inserts them, the other finds them stored); a- and c- in one each.
    const first = copies('a-', 7, 'first.csv');
    const second = copies('c-', 9, 'second.csv');
    const shared = copies('b-', 5, 'shared.csv');
    const both = (file: string) => {
      const body = readFileSync(file, 'utf8').trimEnd().split('\n');
      const extra = readFileSync(shared, 'utf8').trimEnd().split('\n').slice(1);
      writeFileSync(file, `${[...body, ...extra].join('\n')}\n`);
      return file;
    };
    await Promise.all([ingestFiles(store, { table: 'offers', files: [both(first)] }), ingestFiles(store, { table: 'offers', files: [both(second)] })]);
    const [loaded] = await store.query("SELECT count(*)::int AS n FROM offers WHERE offer_id LIKE 'b-%'");
    assert.ok(Number(loaded?.['n']) > 0);
    assert.deepEqual(await difference(), [{ n: 0 }]);
  });
});
