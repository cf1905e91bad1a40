/** Shared by the demo tests: a store in a temp folder and order-independent checksums in SQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../store/index.js';

export const END = new Date('2025-06-30T12:00:00Z');

export interface TempStore {
  readonly store: DuckDbStore;
  readonly dir: string;
  close(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-demo-'));
  const store = await DuckDbStore.open(join(dir, 'demo.duckdb'));
  return {
    store,
    dir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Checksums {
  offers: string;
  customers: string;
}

/** Row counts and a hash over every value of every row, independent of row order. */
export async function checksums(store: DuckDbStore): Promise<Checksums> {
  const [o] = await store.query<{ n: bigint; h: bigint }>(
    `SELECT count(*) AS n, sum(hash(offer_id, customer_id, offered_at, offer_type, offer_name, channel, campaign,
       accepted_at, declined_at, revenue)) AS h FROM offers`,
  );
  const [c] = await store.query<{ n: bigint; h: bigint }>(
    `SELECT count(*) AS n, sum(hash(customer_id, account_size, lifecycle_stage, engagement_score, industry, region, plan, mrr)) AS h
     FROM customers`,
  );
  return { offers: `${o?.n}:${o?.h}`, customers: `${c?.n}:${c?.h}` };
}
