/**
 * Loading files into the ClickHouse cluster (the shared test servers, in a database of this
 * file's own): a table without an earlier load is loaded without comparing with stored rows; a
 * load that fails half-way — some of its rows already on the shards — leaves nothing visible and
 * its rows deleted; and after a committed load the next one is compared row by row again. The
 * expected numbers are plain SQL over the same CSV files, in DuckDB.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateServer, skipUnlessReady } from '../../../test/engines.js';
import { rejects } from '../../../test/store-assertions.js';
import { openClickHouseStore, type ClickHouseStore } from './clickhouse-store.js';
import { DuckDbStore } from '../../store/index.js';
import type { IngestProgress } from '../../ingest/ingest-options.js';
import { ingestFiles } from '../../ingest/ingest.js';

const NAME = `uprate_ch_ingest_${process.pid}`;
const slot = await locateServer('clickhouse', NAME);
const skip = skipUnlessReady(slot);
const dir = mkdtempSync(join(tmpdir(), 'uprate-ch-ingest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const ROWS = 20_000;

/** Offer `i` as a CSV line: 500 customers, a minute apart from 2025-01-01, some values empty, some text that needs quoting. */
function offer(i: number, change: { customer?: string; campaign?: string } = {}): string {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000);
  const accepted = i % 3 === 0 ? new Date(at.getTime() + 86_400_000).toISOString() : '';
  const name = i % 7 === 0 ? '"Seats, ""extra"""' : i % 11 === 0 ? '\\N' : 'Premium';
  const campaign = change.campaign ?? (i % 5 === 0 ? 'spring' : '');
  return [`o${i}`, change.customer ?? `c${(i * 7919) % 500}`, at.toISOString(), i % 2 ? 'upsell' : 'cross_sell', name, 'email', campaign, accepted, '', i % 4 === 0 ? (i / 8).toFixed(2) : ''].join(',');
}

function csv(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

const first = Array.from({ length: ROWS }, (_, i) => offer(i + 1));
// The edges of ClickHouse's DateTime as uprate writes it: 5 s after 1970 (a short number of
// seconds) and a fraction of a second (dropped).
first.push('early,c1,1970-01-01T00:00:05Z,upsell,Premium,,,,,', 'fraction,c2,2025-03-01T10:00:00.900Z,upsell,Premium,,,,,');

/** Plain SQL over a CSV file, in DuckDB (every value as the file spells it). */
async function plain<T>(sql: (file: string) => string, file: string): Promise<T> {
  const duck = await DuckDbStore.open(':memory:');
  try {
    const from = `read_csv('${file}', header = true, all_varchar = true)`;
    const [row] = await duck.query<Record<string, unknown>>(sql(from));
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T;
  } finally {
    await duck.close();
  }
}

describe('ClickHouse ingest', { skip }, () => {
  let store: ClickHouseStore;
  const rowsOnShards = async () => {
    let n = 0;
    for (const s of store.shards) n += Number((await s.select(`SELECT count() AS n FROM ${store.shardDb}.offers_rows`)).data[0]?.['n']);
    return n;
  };
  const visible = async () => {
    const [row] = await store.query<{ n: number; keys: number; loads: number }>(
      `SELECT count() AS n, uniqExact(offer_id) AS keys, (SELECT count() FROM uprate_loads WHERE table_name = 'offers') AS loads FROM offers`,
    );
    return { n: Number(row?.n), keys: Number(row?.keys), loads: Number(row?.loads) };
  };

  before(async () => {
    // Small insert requests, so a load of 20,000 rows takes many of them.
    store = await openClickHouseStore(slot.ready?.where ?? '', { loadRequestBytes: 64 * 1024 });
  });
  after(async () => {
    if (!store) return;
    for (const shard of store.shards) for (const db of [NAME, store.shardDb]) await shard.request(`DROP DATABASE IF EXISTS ${db}`);
    await store.close();
  });

  test('a load that fails half-way, rows already on the shards, leaves nothing visible and deletes its rows', async () => {
    const file = csv('first.csv', first);
    let onShardsWhenBroken = -1;
    let sharePassed = 0;
    const onProgress = (p: IngestProgress) => {
      if (p.phase !== 'loading' || p.percent <= 0 || onShardsWhenBroken >= 0) return;
      sharePassed = p.percent;
      // Synchronously, before the next request goes out: the write table goes away on every
      // server, and the rows already received are counted.
      onShardsWhenBroken = Number(execFileSync(process.execPath, ['-e', breakWriteTable(store)], { encoding: 'utf8' }).trim());
    };
    try {
      await rejects(ingestFiles(store, { table: 'offers', files: [file], onProgress }), 'DB_ERROR', /loading offers into .* failed; nothing of it is visible: .*offers_write/s);
    } finally {
      for (const shard of store.shards) await shard.request(`RENAME TABLE ${NAME}.offers_write_away TO ${NAME}.offers_write`).catch(() => undefined);
    }
    assert.ok(sharePassed > 0 && sharePassed < 100, `the load failed half-way (${sharePassed}% sent)`);
    assert.ok(onShardsWhenBroken > 0, 'rows of the load were on the shards when it failed');
    assert.deepEqual(await visible(), { n: 0, keys: 0, loads: 0 });
    // Deleted by a background mutation shortly after.
    for (let i = 0; i < 300 && (await rowsOnShards()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await rowsOnShards(), 0);
  });

  test('a table without an earlier load: every row inserted, each key visible once, values as in the file', async () => {
    const file = csv('first.csv', first);
    const progress: IngestProgress[] = [];
    const summary = await ingestFiles(store, { table: 'offers', files: [file], onProgress: (p) => progress.push(p) });
    // Read once: the rows were written while they were checked, so loading starts with rows
    // already sent (a writing pass would start the loading phase at 0 %).
    assert.ok((progress.find((p) => p.phase === 'loading')?.percent ?? 0) > 0, JSON.stringify(progress.slice(0, 5)));
    const want = await plain<{ n: number; keys: number; accepted: number; named: number; revenue: string }>(
      (f) => `SELECT count(*) AS n, count(DISTINCT offer_id) AS keys, count(accepted_at) AS accepted,
        count(*) FILTER (WHERE offer_name = 'Seats, "extra"') AS named, sum(revenue::DECIMAL(18, 2))::VARCHAR AS revenue FROM ${f}`,
      file,
    );
    assert.deepEqual([summary.rowsRead, summary.inserted, summary.updated, summary.unchanged], [want.n, want.keys, 0, 0]);
    assert.deepEqual(await visible(), { n: want.keys, keys: want.keys, loads: 1 });
    const [got] = await store.query<Record<string, unknown>>(
      `SELECT countIf(accepted_at IS NOT NULL) AS accepted, countIf(offer_name = 'Seats, "extra"') AS named,
        countIf(offer_name = '\\\\N') AS backslash_n, toString(round(sum(revenue), 2)) AS revenue FROM offers`,
    );
    assert.deepEqual(
      { accepted: Number(got?.['accepted']), named: Number(got?.['named']), revenue: Number(got?.['revenue']) },
      { accepted: want.accepted, named: want.named, revenue: Number(want.revenue) },
    );
    assert.ok(Number(got?.['backslash_n']) > 0, 'the text \\N stays text');
    const edges = await store.query<{ offer_id: string; at: string }>(`SELECT offer_id, toString(offered_at) AS at FROM offers WHERE offer_id IN ('early', 'fraction') ORDER BY offer_id`);
    assert.deepEqual(edges, [
      { offer_id: 'early', at: '1970-01-01 00:00:05' },
      { offer_id: 'fraction', at: '2025-03-01 10:00:00' },
    ]);
    const perShard = await Promise.all(store.shards.map(async (s) => Number((await s.select(`SELECT count() AS n FROM ${store.shardDb}.offers`)).data[0]?.['n'])));
    assert.equal(perShard.reduce((a, b) => a + b, 0), want.keys);
    assert.ok(perShard.every((n) => n > 0), `both shards hold offers: ${perShard.join(', ')}`);
  });

  test('after a committed load the next one is compared: unchanged, updated and moved rows counted, each key once', async () => {
    const a = csv('first.csv', first);
    // Half the rows again as they are, a quarter changed, one offer moved to another customer, and new ones.
    const second = [
      ...first.slice(0, ROWS / 2),
      ...Array.from({ length: ROWS / 4 }, (_, i) => offer(ROWS / 2 + i + 1, { campaign: 'autumn' })),
      offer(ROWS, { customer: 'c-moved' }),
      ...Array.from({ length: 1000 }, (_, i) => offer(ROWS + 1000 + i)),
    ];
    const b = csv('second.csv', second);
    const want = await plain<{ inserted: number; updated: number; unchanged: number }>(
      (f) => `SELECT count(*) FILTER (WHERE o.offer_id IS NULL) AS inserted,
        count(*) FILTER (WHERE o.offer_id IS NOT NULL AND (n.customer_id, n.campaign) IS DISTINCT FROM (o.customer_id, o.campaign)) AS updated,
        count(*) FILTER (WHERE o.offer_id IS NOT NULL AND (n.customer_id, n.campaign) IS NOT DISTINCT FROM (o.customer_id, o.campaign)) AS unchanged
        FROM ${f} n LEFT JOIN ${f.replace('second.csv', 'first.csv')} o ON o.offer_id = n.offer_id`,
      b,
    );
    const all = await plain<{ keys: number }>((f) => `SELECT count(DISTINCT offer_id) AS keys FROM (SELECT offer_id FROM ${f} UNION ALL SELECT offer_id FROM ${f.replace('first.csv', 'second.csv')})`, a);
    const summary = await ingestFiles(store, { table: 'offers', files: [b] });
    assert.deepEqual([summary.inserted, summary.updated, summary.unchanged], [want.inserted, want.updated, want.unchanged]);
    assert.deepEqual(await visible(), { n: all.keys, keys: all.keys, loads: 2 });
    const moved = await store.query<{ customer_id: string }>(`SELECT customer_id FROM offers WHERE offer_id = 'o${ROWS}'`);
    assert.deepEqual(moved, [{ customer_id: 'c-moved' }]);
    const [autumn] = await store.query<{ n: number }>(`SELECT count() AS n FROM offers WHERE campaign = 'autumn'`);
    assert.equal(Number(autumn?.n), ROWS / 4);
  });

  test('a time ClickHouse cannot hold is a bad row, named by file, line, field and value; nothing is loaded', async () => {
    const before = await visible();
    const file = csv('early.csv', ['ok1,c1,2025-05-01,upsell,Premium,,,,,', 'ok2,c1,1969-12-31T23:59:59Z,upsell,Premium,,,,,']);
    await rejects(
      ingestFiles(store, { table: 'offers', files: [file] }),
      'INVALID_ROWS',
      /1 of 2 offers rows .*nothing was loaded\n {2}.*early\.csv:3 {2}offered_at="1969-12-31T23:59:59Z" {2}must be from 1970 to 2105 on ClickHouse/,
    );
    assert.deepEqual(await visible(), before);
  });

  test('a key repeated in the file: its last row wins, on its own shard, counted once', async () => {
    const before = await visible();
    const file = csv('repeated.csv', [
      'r1,c1,2025-05-01,upsell,Premium,,first,,,',
      'r2,c3,2025-05-01,upsell,Premium,,first,,,',
      'r1,c2,2025-05-02,upsell,Premium,,last,,,',
      'r2,c3,2025-05-01,upsell,Premium,,last,,,',
    ]);
    const summary = await ingestFiles(store, { table: 'offers', files: [file] });
    assert.deepEqual([summary.rowsRead, summary.inserted, summary.updated], [4, 2, 0]);
    const rows = await store.query<{ offer_id: string; customer_id: string; campaign: string }>(`SELECT offer_id, customer_id, campaign FROM offers WHERE offer_id IN ('r1', 'r2') ORDER BY offer_id`);
    assert.deepEqual(rows, [
      { offer_id: 'r1', customer_id: 'c2', campaign: 'last' },
      { offer_id: 'r2', customer_id: 'c3', campaign: 'last' },
    ]);
    assert.deepEqual(await visible(), { n: before.n + 2, keys: before.keys + 2, loads: before.loads + 1 });
  });
});

/**
 * A script for a child node process: renames the write table away on every server of the
 * cluster and prints how many rows the shards hold (run synchronously from a progress callback).
 */
function breakWriteTable(store: ClickHouseStore): string {
  const endpoints = JSON.stringify(store.shards.map((s) => s.endpoint));
  return `(async () => {
    const post = async (endpoint, sql) => { const r = await fetch(endpoint + '/', { method: 'POST', body: sql }); const t = await r.text(); if (!r.ok) throw new Error(t); return t; };
    const endpoints = ${endpoints};
    for (const e of endpoints) await post(e, 'RENAME TABLE ${NAME}.offers_write TO ${NAME}.offers_write_away');
    let n = 0;
    for (const e of endpoints) n += Number(await post(e, 'SELECT count() FROM ${store.shardDb}.offers_rows'));
    process.stdout.write(String(n));
  })().catch((e) => { console.error(e); process.exit(1); });`;
}
