/**
 * On ClickHouse a load's refresh builds each plain rollup a new generation. When the copy of the
 * rows was taken from the previous one, and the loads since wrote no other table the rollup reads,
 * that generation is its current one but for the months the loads wrote — those of the rows they
 * wrote and of the stored rows with those keys (an offer moved to another month changes both) —
 * read again from the copy. Each such generation must hold exactly what a whole build from the
 * rows holds (the reference: `buildRollups` again, from the views), after a load of new offers in
 * one month, one moving offers between two months and changing acceptances, a load of customers
 * (the rollups of their attributes are built whole; the others are not refreshed at all), and a
 * load reaching too many months to be worth it (built whole).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { plainRefreshed, refillClickHouseOpenWindows } from '../src/engines/clickhouse/clickhouse-rollups.js';
import type { ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { buildRollups, rollupStatus } from '../src/rollups/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { DEMO_END } from './cross-engine-queries.js';
import { locateServer, skipUnlessReady } from './engines.js';
import { dropClickHouse } from './readme/test-servers.js';
import { shiftDays } from './rollup-reads.js';

const PLAIN = ['Offers.daily', 'Offers.segments', 'Offers.regions', 'Offers.timeToAccept'];
/** The plain rollups that read the customers' attributes. */
const WITH_CUSTOMERS = ['Offers.segments', 'Offers.regions'];
const dir = mkdtempSync(join(tmpdir(), 'uprate-refresh-months-'));
const slot = await locateServer('clickhouse', `uprate_months_${process.pid}`);

/** The lines of a CSV file: its header's columns and its rows' cells. */
function csv(file: string): { header: string[]; rows: string[][] } {
  const [head = '', ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

function write(name: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`);
  return file;
}

/** A rollup table's rows, each a sorted list of [column, value] (sums of money rounded to a millionth: the order of the additions differs). */
async function rowsOf(store: Store, table: string): Promise<string[]> {
  const rows = await store.query(`SELECT * FROM ${table}`);
  return rows
    .map((r) =>
      JSON.stringify(
        Object.entries(r)
          .map(([k, v]) => {
            const x = typeof v === 'bigint' ? Number(v) : v;
            return [k, typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 1e6) / 1e6 : typeof x === 'string' && /^-?\d+(\.\d+)?$/.test(x) ? Math.round(Number(x) * 1e6) / 1e6 : x];
          })
          .sort(),
      ),
    )
    .sort();
}

describe('clickhouse: a plain rollup refreshed from its current generation and the months a load wrote', { skip: skipUnlessReady(slot) }, () => {
  let store: Store;
  let model: Model;
  let files: { customers: string; offers: string };

  before(async () => {
    files = await writeDemoFiles({ dir, format: 'csv', rows: 6_000, seed: 11, end: DEMO_END });
    model = await loadModel(shippedModelDir());
    store = await openStore({ db: ':memory:', url: slot.ready?.where ?? '', engine: 'clickhouse' });
    await ingestFiles(store, { table: 'customers', files: [files.customers] });
    await ingestFiles(store, { table: 'offers', files: [files.offers] });
    await buildRollups(store, model, PLAIN);
  });

  after(async () => {
    await store?.close();
    if (slot.ready) await dropClickHouse(slot.ready.where);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Loads a file, answering how each plain rollup was refreshed. */
  const load = async (table: 'offers' | 'customers', file: string): Promise<Record<string, string>> => {
    const how: Record<string, string> = {};
    const seen = (m: unknown) => {
      const { rollup, how: way } = m as { rollup: string; how: string };
      how[rollup] = way;
    };
    plainRefreshed.subscribe(seen);
    try {
      await ingestFiles(store, { table, files: [file] });
    } finally {
      plainRefreshed.unsubscribe(seen);
    }
    return how;
  };

  /** Each plain rollup's generation holds what a whole build from the rows holds (all built again at once, as `uprate rollups build` does: the next load starts from them). */
  const sameAsWholeBuild = async (label: string) => {
    const refreshed = new Map<string, { table: string; rows: string[] }>();
    for (const name of PLAIN) {
      const stored = (await rollupStatus(store, model)).find((s) => s.name === name);
      assert.equal(stored?.state, 'fresh', `${label}: ${name} is fresh`);
      const table = stored?.stored?.table ?? '';
      refreshed.set(name, { table, rows: await rowsOf(store, table) });
    }
    await buildRollups(store, model, PLAIN);
    for (const name of PLAIN) {
      const rebuilt = (await rollupStatus(store, model)).find((s) => s.name === name)?.stored?.table ?? '';
      assert.notEqual(rebuilt, refreshed.get(name)?.table, `${label}: ${name} built again`);
      const whole = await rowsOf(store, rebuilt);
      assert.ok(whole.length > 0, `${label}: ${name} has rows`);
      assert.deepEqual(refreshed.get(name)?.rows, whole, `${label}: ${name}`);
    }
  };

  const offerColumn = (header: readonly string[], name: string): number => {
    const i = header.indexOf(name);
    assert.ok(i >= 0, name);
    return i;
  };

  /** A file of `count` stored offers of `month` ('YYYY-MM') again, under new ids (`prefix` + id): new offers in that month only. */
  const newOffersIn = (month: string, count: number, prefix: string): string => {
    const { header, rows } = csv(files.offers);
    const [id, at] = [offerColumn(header, 'offer_id'), offerColumn(header, 'offered_at')];
    const chosen = rows.filter((r) => (r[at] ?? '').startsWith(month)).slice(0, count).map((r) => r.map((c, i) => (i === id ? `${prefix}${c}` : c)));
    assert.equal(chosen.length, count);
    return write(`offers-${prefix}${month}.csv`, header, chosen);
  };

  test('new offers in one month: every plain rollup reads that month again and keeps the others', async () => {
    const how = await load('offers', newOffersIn('2025-03', 40, 'm-'));
    assert.deepEqual(PLAIN.map((n) => how[n]), PLAIN.map(() => 'months'));
    await sameAsWholeBuild('new offers in March');
  });

  test('offers moved from January to March, and acceptances changed in May: the three months again (January only through the rows before the load)', async () => {
    const { header, rows } = csv(files.offers);
    const [at, accepted, declined] = [offerColumn(header, 'offered_at'), offerColumn(header, 'accepted_at'), offerColumn(header, 'declined_at')];
    const moved = rows
      .filter((r) => (r[at] ?? '').startsWith('2025-01-1'))
      .slice(0, 30)
      .map((r) => {
        const cells = [...r];
        for (const i of [at, accepted, declined]) cells[i] = shiftDays(cells[i] ?? '', 59);
        return cells;
      });
    const flipped = rows
      .filter((r) => (r[at] ?? '').startsWith('2025-05'))
      .slice(0, 30)
      .map((r) => {
        const cells = [...r];
        if (cells[accepted]) cells[accepted] = '';
        else {
          cells[accepted] = shiftDays(cells[at] ?? '', 1);
          cells[declined] = '';
        }
        return cells;
      });
    assert.ok(moved.length === 30 && flipped.length === 30 && moved.every((r) => (r[at] ?? '').startsWith('2025-03')));
    const how = await load('offers', write('offers-moved.csv', header, [...moved, ...flipped]));
    assert.deepEqual(PLAIN.map((n) => how[n]), PLAIN.map(() => 'months'));
    await sameAsWholeBuild('offers moved from January to March, acceptances changed in May');
  });

  test('a load of customers: the rollups of their attributes built whole, the others not at all (re-recorded as they are)', async () => {
    const { header, rows } = csv(files.customers);
    const size = header.indexOf('account_size');
    const changed = rows.filter((_, i) => i % 7 === 0).map((r) => r.map((c, i) => (i === size ? (c === 'smb' ? 'enterprise' : 'smb') : c)));
    const how = await load('customers', write('customers-changed.csv', header, changed));
    assert.deepEqual(PLAIN.map((n) => how[n]), PLAIN.map((n) => (WITH_CUSTOMERS.includes(n) ? 'whole' : undefined)));
    await sameAsWholeBuild('a load of customers');
  });

  test('offers in every month: built whole', async () => {
    const { header, rows } = csv(files.offers);
    const id = offerColumn(header, 'offer_id');
    const spread = rows.filter((_, i) => i % 50 === 0).map((r) => r.map((c, i) => (i === id ? `s-${c}` : c)));
    const how = await load('offers', write('offers-spread.csv', header, spread));
    assert.deepEqual(PLAIN.map((n) => how[n]), PLAIN.map(() => 'whole'));
    await sameAsWholeBuild('offers in every month');
  });

  test("a load's refresh switches to every new generation at once: one registry insert a shard; each recorded with its rows and its open window's as counted; it and the one before kept", async () => {
    const ch = store as unknown as ClickHouseStore;
    const asked: string[] = [];
    for (const shard of ch.shards) {
      const request = shard.request.bind(shard);
      shard.request = (sql, options) => {
        asked.push(sql);
        return request(sql, options);
      };
    }
    try {
      await load('offers', newOffersIn('2025-05', 20, 'r-'));
    } finally {
      // The instances' own request hides the class's: deleted, the class's answers again.
      for (const shard of ch.shards) delete (shard as { request?: unknown }).request;
    }
    assert.equal(asked.filter((sql) => /^INSERT INTO \S+\.rollups FORMAT/.test(sql)).length, ch.shards.length, 'the registry written once on each shard');
    const count = async (table: string) => Number((await store.query<{ n: string }>(`SELECT toString(count()) AS n FROM ${table}`))[0]?.n);
    const states = (await rollupStatus(store, model)).filter((s) => PLAIN.includes(s.name));
    assert.equal(states.length, PLAIN.length);
    for (const s of states) {
      const stored = s.stored;
      assert.ok(stored && s.state === 'fresh', s.name);
      assert.equal(stored.rows, await count(stored.table), `${s.name}: its rows`);
      if (stored.open) assert.equal(stored.open.rows, await count(`${stored.table}_open`), `${s.name}: its open window's rows`);
      const base = stored.table.replace(/_\d+$/, '');
      for (const database of [ch.shardDb, ch.database]) {
        const [kept] = await store.query<{ n: string }>(`SELECT toString(count()) AS n FROM system.tables WHERE database = '${database}' AND match(name, '^${base}_[0-9]+$')`);
        assert.equal(Number(kept?.n), 2, `${s.name}: two generations in ${database}`);
      }
    }
  });

  test('open windows filled again at another clock (new generations from the same copy): the next load still reads only its months', async () => {
    const filled = await refillClickHouseOpenWindows(store as unknown as ClickHouseStore, Date.parse('2027-01-01T00:00:00Z'));
    assert.ok(filled >= 3, `${filled} open windows filled`);
    const how = await load('offers', newOffersIn('2024-12', 25, 'w-'));
    assert.deepEqual(PLAIN.map((n) => how[n]), PLAIN.map(() => 'months'));
    await sameAsWholeBuild('new offers in December after the open windows were filled again');
  });
});
