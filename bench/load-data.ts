/**
 * The load bench's data, in a temporary folder of its own: the demo's offers and customers loaded
 * into a DuckDB file through uprate's ingest (as the main bench loads them), and a second demo set
 * of offers as a CSV file to post during the load, its offer ids renamed so that every row is new.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeDemoFiles } from '../src/demo/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { DuckDbStore, sqlString } from '../src/store/index.js';

export interface LoadData {
  readonly store: DuckDbStore;
  /** Offers in the store. */
  readonly offers: number;
  /** The CSV of new offers (ids `n-…`, the stored customers) and its row count. */
  readonly moreCsv: string;
  readonly moreOffers: number;
  /** The first and last day of either data set (YYYY-MM-DD), for a KPI range that holds them all. */
  readonly from: string;
  readonly to: string;
  /** Closes the store and deletes the folder. */
  cleanUp(): Promise<void>;
}

export async function buildLoadData(options: { offers: number; moreOffers: number; end: Date }): Promise<LoadData> {
  const dir = await mkdtemp(join(tmpdir(), 'uprate-load-bench-'));
  let store: DuckDbStore | undefined;
  const cleanUp = async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = await writeDemoFiles({ rows: options.offers, seed: 7, end: options.end, dir: join(dir, 'base'), format: 'csv' });
    // The same number of customers as the stored set, so the new offers belong to stored customers.
    const more = await writeDemoFiles({ rows: options.moreOffers, customers: base.customerRows, seed: 8, end: options.end, dir: join(dir, 'more'), format: 'csv' });
    const moreCsv = join(dir, 'more-offers.csv');
    await renameOfferIds(more.offers, moreCsv, 'n-');
    store = await DuckDbStore.open(join(dir, 'load.duckdb'));
    await ingestFiles(store, { table: 'customers', files: [base.customers] });
    await ingestFiles(store, { table: 'offers', files: [base.offers] });
    // ISO days compare as text; the posted file is read as text, as it travels.
    const [range] = await store.query<{ first: string; last: string; offers: bigint }>(
      `SELECT min(d) AS first, max(d) AS last, (SELECT count(*) FROM offers) AS offers
       FROM (SELECT strftime(offered_at, '%Y-%m-%d') AS d FROM offers
             UNION ALL SELECT left(offered_at, 10) FROM read_csv(${sqlString(moreCsv)}, header = true, all_varchar = true))`,
    );
    if (!range) throw new Error('the load bench data has no offers');
    return { store, offers: Number(range.offers), moreCsv, moreOffers: more.offerRows, from: range.first, to: range.last, cleanUp };
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

/** Copies an offers CSV with `o-` at the start of every offer id replaced by `prefix`. */
async function renameOfferIds(from: string, to: string, prefix: string): Promise<void> {
  const out = await open(to, 'w');
  try {
    let batch: string[] = [];
    let header = true;
    for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
      if (header) {
        header = false;
        batch.push(line);
        continue;
      }
      if (!line.startsWith('o-')) throw new Error(`${from}: an offer id should start with 'o-': ${line.slice(0, 40)}`);
      batch.push(prefix + line.slice(2));
      if (batch.length >= 16_384) {
        await out.write(`${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length > 0) await out.write(`${batch.join('\n')}\n`);
  } finally {
    await out.close();
  }
}
