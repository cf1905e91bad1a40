/**
 * A load appends its change to each rollup of moments (the loaded customers' moments after the
 * load less before it) instead of summing the pairs it reaches again: the table's groups then
 * hold several rows, which reads sum. Checked on DuckDB, load after load: each member's rows summed
 * by group (plain SQL) equal what a build from the rows gives (a reference store built afresh), the
 * table never grows past MOMENTS_GROWTH times its rows when last compacted, compaction leaves a row
 * per group, and the clustered reads answer from the rollups what they answer from the rows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../demo/index.js';
import { ingestFiles } from '../ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, answerClustered, type ClusterRequest } from '../query/index.js';
import { DuckDbStore } from '../store/index.js';
import { buildRollups, dropRollups } from './build.js';
import { rollupStatus } from './availability.js';
import { MOMENTS_GROWTH } from './clustered.js';
import { momentsColumns } from './moments.js';

// A monthly family (the total and by two attributes), one by offer dimensions, and one of each week's own moments.
const FAMILY = ['Offers.momentsTotal', 'Offers.momentsByStage', 'Offers.momentsByRegion', 'Offers.momentsByTypeChannel', 'Offers.weeklyByStage'];
const NOW = new Date('2025-07-31T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'uprate-moments-changes-'));
let store: DuckDbStore;
let reference: DuckDbStore;
let model: Model;
let files: { customers: string; offers: string };

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: 5_000, seed: 2718, end: new Date('2025-06-30T23:59:59Z') });
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(join(dir, 'moments.duckdb'));
  reference = await DuckDbStore.open(join(dir, 'reference.duckdb'));
  for (const s of [store, reference]) {
    await ingestFiles(s, { table: 'customers', files: [files.customers] });
    await ingestFiles(s, { table: 'offers', files: [files.offers] });
  }
  await buildRollups(store, model, FAMILY);
});

after(async () => {
  await store.close();
  await reference.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each member's stored state: its table, layout and rows. */
async function members(s: DuckDbStore) {
  const states = (await rollupStatus(s, model)).filter((r) => FAMILY.includes(r.name));
  return states.map((r) => {
    assert.equal(r.state, 'fresh', `${r.name} is fresh`);
    const stored = r.stored ?? assert.fail(r.name);
    return { name: r.name, table: stored.table, layout: stored.layout ?? assert.fail(`${r.name}: a layout`), rows: stored.rows };
  });
}

/** A table of moments' groups, each summed over its rows (those summing to nothing left out), as sorted text. */
async function summedGroups(s: DuckDbStore, table: string, keys: readonly string[], measures: number): Promise<string[]> {
  const q = (c: string) => `"${c}"`;
  const columns = momentsColumns(measures).map(q);
  const by = [...keys.map(q), '"uprate_hi"', '"uprate_lo"'];
  const rows = await s.query(`SELECT ${by.join(', ')}, ${columns.map((c) => `CAST(sum(${c}) AS BIGINT) AS ${c}`).join(', ')} FROM ${q(table)} GROUP BY ${by.join(', ')} HAVING ${columns.map((c) => `sum(${c}) <> 0`).join(' OR ')}`);
  return rows.map((r) => JSON.stringify(Object.entries(r).sort(), (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).sort();
}

const REQUEST: ClusterRequest = { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.count'], ['Offers.accepted', 'Offers.accepted'], ['Offers.accepted', 'Offers.count']], positive: ['Offers.accepted'] };
const READS = [
  { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-07-01', '2025-06-30'] as [string, string] }] },
  { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.lifecycleStage'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-10-01', '2025-06-30'] as [string, string], granularity: 'month' as const }] },
  { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.region'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-01-01', '2025-06-30'] as [string, string] }] },
  { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-07-01', '2025-06-30'] as [string, string] }], filters: [{ member: 'Offers.offerType', operator: 'equals' as const, values: ['upsell'] }] },
  { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.lifecycleStage'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-03-03', '2025-06-29'] as [string, string], granularity: 'week' as const }] },
];

let batch = 0;
/** New offers (stored ones again under new ids) of `customers` customers in every month they have offers: a change to most pairs of months. */
function newOffers(customers: number): string {
  const [head = '', ...rows] = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
  const header = head.split(',');
  const [id, customer] = [header.indexOf('offer_id'), header.indexOf('customer_id')];
  const chosen = [...new Set(rows.map((r) => r.split(',')[customer] ?? ''))].slice(batch * customers, (batch + 1) * customers);
  batch += 1;
  const picked = rows.filter((r) => chosen.includes(r.split(',')[customer] ?? '')).map((r) => r.split(',').map((c, i) => (i === id ? `m${batch}-${c}` : c)).join(','));
  const file = join(dir, `new-${batch}.csv`);
  writeFileSync(file, `${[head, ...picked].join('\n')}\n`);
  return file;
}

describe('duckdb: a load appends its change to each rollup of moments', () => {
  test('load after load: the groups summed equal a build from the rows, the table stays within its growth bound and is compacted, and reads equal the rows', async () => {
    const built = await members(store);
    const compactions: string[] = [];
    let last = new Map(built.map((m) => [m.name, m.rows]));
    for (let load = 1; load <= 4; load += 1) {
      const file = newOffers(40);
      for (const s of [store, reference]) await ingestFiles(s, { table: 'offers', files: [file] });
      const now = await members(store);
      await buildRollups(reference, model, FAMILY);
      const theirs = await members(reference);
      for (const m of now) {
        const fresh = theirs.find((t) => t.name === m.name) ?? assert.fail(m.name);
        const [mine, whole] = [await summedGroups(store, m.table, m.layout.dimensions, m.layout.measures.length), await summedGroups(reference, fresh.table, fresh.layout.dimensions, fresh.layout.measures.length)];
        assert.ok(whole.length > 0, `${m.name} has groups`);
        assert.deepEqual(mine, whole, `load ${load}: ${m.name}, summed by group, is what a build gives`);
        // A build leaves a row per group: the reference's rows are its groups.
        assert.equal(fresh.rows, whole.length, `${m.name}: a build is compact`);
        // The registry's rows (the rows held plus those appended, not counted after a load) are the table's.
        const [held] = await store.query(`SELECT count(*) AS n FROM "${m.table}"`);
        assert.equal(m.rows, Number(held?.['n']), `load ${load}: ${m.name}'s recorded rows are its table's`);
        const bound = m.layout.compactRows ?? assert.fail(`${m.name}: its rows when last compacted are recorded`);
        assert.ok(m.rows <= MOMENTS_GROWTH * bound, `load ${load}: ${m.name} holds ${m.rows} rows, compacted at ${bound}`);
        if (m.rows < (last.get(m.name) ?? 0)) {
          compactions.push(`${m.name} at load ${load}`);
          assert.equal(m.rows, mine.length, `${m.name}: compacted to a row per group`);
          assert.equal(bound, m.rows);
        }
      }
      last = new Map(now.map((m) => [m.name, m.rows]));
      await dropRollups(reference, model, FAMILY);
      for (const query of READS) {
        const rows = await answerClustered(store, model, query, { ...REQUEST, clustersFirst: 'never' }, { now: NOW, access: allAccess('local'), useRollups: false });
        const asked: string[] = [];
        const inner = store.query.bind(store);
        store.query = ((sql: string, ...rest: never[]) => {
          asked.push(sql);
          return inner(sql, ...rest);
        }) as DuckDbStore['query'];
        let read;
        try {
          read = await answerClustered(store, model, query, REQUEST, { now: NOW, access: allAccess('local') });
        } finally {
          delete (store as { query?: unknown }).query;
        }
        assert.ok(asked.some((sql) => /uprate_rollup_offers_(moments|weekly)_/.test(sql)), `load ${load}: ${JSON.stringify(query)} is read from a rollup of moments`);
        assert.deepEqual(read, rows, `load ${load}: ${JSON.stringify(query)}`);
      }
    }
    assert.ok(compactions.length > 0, 'some member compacted');
  });

  test('a load that changes nothing (the same offers again) appends no row to any member, and one moving an offer appends only the groups it moves', async () => {
    const file = join(dir, `new-${batch}.csv`);
    const before = await members(store);
    await ingestFiles(store, { table: 'offers', files: [file] });
    const after = await members(store);
    for (const m of before) assert.equal(after.find((a) => a.name === m.name)?.rows, m.rows, `${m.name}: the same offers again leave its rows as they were`);
    // One offer given a day later in the same month: only the pairs of that month with its customer's months move.
    const [head = '', ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const header = head.split(',');
    const [at, accepted] = [header.indexOf('offered_at'), header.indexOf('accepted_at')];
    // One never accepted: a day's move cannot bring an acceptance into its window or out of it.
    const cells = (rows.find((r) => (r.split(',')[accepted] ?? '') === '') ?? assert.fail('an offer not accepted')).split(',');
    const day = new Date(cells[at] ?? '');
    const later = new Date(day.getTime() + (day.getUTCDate() < 28 ? 86_400_000 : -86_400_000));
    cells[at] = later.toISOString();
    const moved = join(dir, 'moved-one.csv');
    writeFileSync(moved, `${head}\n${cells.join(',')}\n`);
    await ingestFiles(store, { table: 'offers', files: [moved] });
    for (const m of await members(store)) {
      const was = before.find((b) => b.name === m.name)?.rows ?? assert.fail(m.name);
      // Its counts in the month are as they were: a day within a month moves nothing a monthly member keeps.
      if (!m.layout.grain || m.layout.grain === 'month') assert.equal(m.rows, was, `${m.name}: an offer moved within its month appends nothing`);
    }
  });
});
