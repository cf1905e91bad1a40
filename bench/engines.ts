/**
 * The server engines, each measured against itself: uprate's ingest against the engine's own bulk
 * load of the same CSV file, and the monthly-by-account-size question through the semantic layer
 * against the same question hand-written for that engine, on the same tables.
 *
 * An engine runs when its URL is given (BENCH_POSTGRES_URL, BENCH_CLICKHOUSE_URL — the local
 * services print theirs with `scripts/services/<engine>.sh url`); its tables go to their own
 * schema / database (`uprate_bench`, `uprate_bench_raw`), dropped and made again for every run.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { OFFERS } from '../src/core/schema.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { answerQuery } from '../src/query/index.js';
import { clickhouseColumnType, openClickHouseStore, type ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { MONTHLY_BY_SIZE_QUERY } from './cube-load.js';
import { median, timeIt } from './measure.js';
import { allAccess } from '../src/query/index.js';

export interface EngineBenchContext {
  readonly runs: number;
  readonly rows: number;
  readonly asOf: Date;
  readonly offersCsv: string;
  readonly customersCsv: string;
}

/** The question both sides answer: offers, accepted and rate per month and account size. */
const QUERY = { ...MONTHLY_BY_SIZE_QUERY, limit: 10000 };

const PG_ACCEPTED = `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL '30 days' AND o.accepted_at <= $1::timestamp`;
const POSTGRES_SQL = `SELECT date_trunc('month', o.offered_at) AS month, c.account_size,
    count(o.offer_id) AS offers,
    count(*) FILTER (WHERE ${PG_ACCEPTED}) AS accepted,
    count(*) FILTER (WHERE ${PG_ACCEPTED}) * 1.0 / NULLIF(count(o.offer_id), 0) AS rate
  FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
  GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 10000`;

// 18.16 takes no query parameters: the clock is a literal, as a hand-writer would type it. No
// table aliases either: 18.16 drops them when it rewrites a Distributed query for the shards.
const clickhouseSql = (asOf: Date) => {
  const clock = `toDateTime('${asOf.toISOString().slice(0, 19).replace('T', ' ')}', 'UTC')`;
  const accepted = `offers.accepted_at IS NOT NULL AND offers.accepted_at <= addDays(offers.offered_at, 30) AND offers.accepted_at <= ${clock}`;
  return `SELECT toStartOfMonth(offers.offered_at) AS month, customers.account_size AS account_size,
    count() AS offers_n, countIf(${accepted}) AS accepted, accepted / offers_n AS rate
  FROM offers AS offers LEFT JOIN customers AS customers ON offers.customer_id = customers.customer_id
  GROUP BY month, account_size ORDER BY month, account_size LIMIT 10000`;
};

interface Engine {
  readonly name: 'postgres' | 'clickhouse';
  /** What the engine's own bulk load is, for the printed line. */
  readonly bulkLoadName: string;
  readonly note?: string;
  /** Drops uprate's bench tables and opens a store on fresh ones (migrated). */
  fresh(): Promise<Store>;
  /** The engine's own bulk load of the offers file into a fresh table like uprate's. */
  rawLoad(file: string): Promise<void>;
  rawQuery(store: Store, asOf: Date): Promise<unknown[]>;
  cleanUp(): Promise<void>;
}

function withPath(url: string, change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

function postgresEngine(baseUrl: string): Engine {
  const pool = new pg.Pool({ connectionString: baseUrl, max: 2 });
  const storeUrl = withPath(baseUrl, (u) => u.searchParams.set('schema', 'uprate_bench'));
  const columns = OFFERS.columns.map((c) => c.name).join(', ');
  return {
    name: 'postgres',
    bulkLoadName: "PostgreSQL's own COPY … FROM STDIN (CSV) into a table like uprate's",
    async fresh() {
      await pool.query('DROP SCHEMA IF EXISTS uprate_bench CASCADE');
      return openStore({ engine: 'postgres', url: storeUrl, db: '', timeoutMs: 3_600_000 });
    },
    async rawLoad(file) {
      await pool.query('DROP SCHEMA IF EXISTS uprate_bench_raw CASCADE');
      await pool.query('CREATE SCHEMA uprate_bench_raw');
      // The same columns, types, key and indexes as uprate's table.
      await pool.query('CREATE TABLE uprate_bench_raw.offers (LIKE uprate_bench.offers INCLUDING ALL)');
      const client = await pool.connect();
      try {
        const copy = client.query(copyFrom(`COPY uprate_bench_raw.offers (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true)`));
        await pipeline(createReadStream(file), copy);
      } finally {
        client.release();
      }
    },
    rawQuery: (store, asOf) => store.query(POSTGRES_SQL, [asOf.toISOString()]),
    async cleanUp() {
      await pool.query('DROP SCHEMA IF EXISTS uprate_bench CASCADE');
      await pool.query('DROP SCHEMA IF EXISTS uprate_bench_raw CASCADE');
      await pool.end();
    },
  };
}

function clickhouseEngine(baseUrl: string): Engine {
  const storeUrl = withPath(baseUrl, (u) => (u.pathname = '/uprate_bench'));
  const open = () => openClickHouseStore(storeUrl, { timeoutMs: 3_600_000 });
  const onShards = async (store: ClickHouseStore, sql: readonly string[]) => {
    for (const shard of store.shards) for (const s of sql) await shard.request(s, { what: 'bench setup' });
  };
  const drop = ['DROP DATABASE IF EXISTS uprate_bench', 'DROP DATABASE IF EXISTS uprate_bench_shard', 'DROP DATABASE IF EXISTS uprate_bench_raw'];
  const columns = OFFERS.columns.map((c) => `${c.name} ${clickhouseColumnType(c)}`).join(', ');
  let current: ClickHouseStore | undefined;
  return {
    name: 'clickhouse',
    bulkLoadName: "ClickHouse's own INSERT … FORMAT CSVWithNames through a Distributed table like uprate's",
    note: '18.16 reads an empty CSV field as the default, not NULL: the raw table is for its speed only',
    async fresh() {
      const store = await open();
      await onShards(store, drop);
      await store.close();
      current = await open();
      return current;
    },
    async rawLoad(file) {
      const store = current ?? (await open());
      // Per shard a MergeTree as uprate's row table (same key and partitions), then one Distributed
      // table over them sharded by the same hash: the layout uprate writes through.
      await onShards(store, [
        'DROP DATABASE IF EXISTS uprate_bench_raw',
        'CREATE DATABASE uprate_bench_raw',
        `CREATE TABLE uprate_bench_raw.offers_local (${columns}) ENGINE = MergeTree PARTITION BY toYYYYMM(offered_at) ORDER BY offer_id`,
        `CREATE TABLE uprate_bench_raw.offers AS uprate_bench_raw.offers_local ENGINE = Distributed(${store.cluster}, uprate_bench_raw, offers_local, cityHash64(customer_id))`,
      ]);
      const endpoint = store.shards[0]?.endpoint;
      if (!endpoint) throw new Error('ClickHouse cluster has no shard');
      const search = new URLSearchParams({
        query: 'INSERT INTO uprate_bench_raw.offers FORMAT CSVWithNames',
        date_time_input_format: 'best_effort',
        // Returns when every shard has its rows, as uprate's load does.
        insert_distributed_sync: '1',
      });
      const response = await fetch(`${endpoint}/?${search.toString()}`, {
        method: 'POST',
        body: createReadStream(file) as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (!response.ok) throw new Error(`ClickHouse raw load failed: ${await response.text()}`);
    },
    rawQuery: (store, asOf) => store.query(clickhouseSql(asOf)),
    async cleanUp() {
      const store = current ?? (await open());
      await onShards(store, drop);
      await store.close();
    },
  };
}

async function benchEngine(engine: Engine, context: EngineBenchContext, model: Model): Promise<string[]> {
  const ours: number[] = [];
  const theirs: number[] = [];
  let store: Store | undefined;
  for (let run = 0; run < context.runs; run++) {
    // Interleaved, so drift on a shared machine hits both sides alike.
    await store?.close();
    store = await engine.fresh();
    const s = store;
    ours.push(await timeIt(() => ingestFiles(s, { table: 'offers', files: [context.offersCsv] })));
    theirs.push(await timeIt(() => engine.rawLoad(context.offersCsv)));
    process.stdout.write('.');
  }
  if (!store) throw new Error('no run');
  const loaded = store;
  await ingestFiles(loaded, { table: 'customers', files: [context.customersCsv] });
  const ask = () => answerQuery(loaded, model, QUERY, { now: context.asOf, access: allAccess('local') });
  // Both sides must answer the same numbers, or the timing means nothing.
  const a = (await ask()).results[0]?.data ?? [];
  const b = await engine.rawQuery(loaded, context.asOf);
  const sum = (rows: readonly Record<string, unknown>[], key: string) => rows.reduce((t, r) => t + Number(r[key]), 0);
  const rawRows = b as Record<string, unknown>[];
  if (a.length !== rawRows.length || sum(a, 'Offers.accepted') !== sum(rawRows, 'accepted') || sum(a, 'Offers.count') !== sum(rawRows, engine.name === 'clickhouse' ? 'offers_n' : 'offers')) {
    throw new Error(`${engine.name}: the semantic layer and the hand-written SQL disagree (${a.length} vs ${rawRows.length} rows)`);
  }
  const q: number[] = [];
  const r: number[] = [];
  for (let run = 0; run < context.runs + 1; run++) {
    const x = await timeIt(ask);
    const y = await timeIt(() => engine.rawQuery(loaded, context.asOf));
    if (run > 0) {
      q.push(x);
      r.push(y);
    }
  }
  process.stdout.write('\n');
  await loaded.close();
  await engine.cleanUp();
  const ingestRatio = median(theirs) / median(ours);
  const queryRatio = median(q) / median(r);
  const rate = (s: number) => `${Math.round(context.rows / s).toLocaleString('en-US')} rows/s`;
  return [
    `${engine.name} ingest CSV: uprate ingest (validate + upsert): ${median(ours).toFixed(3)} s (${rate(median(ours))})`,
    `${engine.name} ingest CSV: ${engine.bulkLoadName}: ${median(theirs).toFixed(3)} s (${rate(median(theirs))})`,
    `  ratio ${ingestRatio.toFixed(2)} (target ≥ 0.5) ${ingestRatio >= 0.5 ? 'met' : 'MISSED'}${engine.note ? `; ${engine.note}` : ''}`,
    '',
    `${engine.name} monthly conversion × account size through the semantic layer (${a.length} rows): ${median(q).toFixed(3)} s`,
    `${engine.name} the same question in hand-written SQL on the same tables: ${median(r).toFixed(3)} s`,
    `  ratio ${queryRatio.toFixed(2)} (target ≤ 1.3) ${queryRatio <= 1.3 ? 'met' : 'MISSED'}`,
    '',
  ];
}

/** Every server engine with a URL; a line saying how to include each one without. */
export async function benchEngines(context: EngineBenchContext): Promise<string[]> {
  const model = await loadModel(shippedModelDir(), { conversionWindowDays: 30 });
  const lines: string[] = [];
  const engines: [string, string | undefined, (url: string) => Engine][] = [
    ['postgres', process.env['BENCH_POSTGRES_URL'], postgresEngine],
    ['clickhouse', process.env['BENCH_CLICKHOUSE_URL'], clickhouseEngine],
  ];
  for (const [name, url, make] of engines) {
    if (!url) {
      const variable = `BENCH_${name.toUpperCase()}_URL`;
      lines.push(`${name}: skipped — start it with scripts/services/${name}.sh start and run with ${variable}=$(scripts/services/${name}.sh url)`, '');
      continue;
    }
    console.log(`\n${name}: ${context.runs} runs of each side …`);
    lines.push(...(await benchEngine(make(url), context, model)));
  }
  return lines;
}
