import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMERS, OFFERS } from '../core/schema.js';
import { ingestFiles } from '../ingest/index.js';
import { sqlString } from '../store/index.js';
import { generateDemo, writeDemoFiles } from './index.js';
import { checksums, END, tempStore } from './demo-test-helpers.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const options = { rows: 20_000, seed: 11, end: END };

test('CSV files are byte-identical for the same options and differ for another seed', async () => {
  const t = await tempStore();
  try {
    const a = await writeDemoFiles({ ...options, dir: join(t.dir, 'a'), format: 'csv' });
    const b = await writeDemoFiles({ ...options, dir: join(t.dir, 'b'), format: 'csv' });
    const c = await writeDemoFiles({ ...options, seed: 12, dir: join(t.dir, 'c'), format: 'csv' });
    assert.equal(sha(a.offers), sha(b.offers));
    assert.equal(sha(a.customers), sha(b.customers));
    assert.notEqual(sha(a.offers), sha(c.offers));
    assert.deepEqual([a.offerRows, a.customerRows], [20_000, 2_000]);
    const lines = readFileSync(a.offers, 'utf8').split('\n');
    assert.equal(lines[0], OFFERS.columns.map((col) => col.name).join(','));
    assert.equal(lines.length, 20_000 + 2, 'header, rows, final newline');
    assert.match(lines[1]!, /^o-00000001,c-\d{6},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,(upsell|cross_sell),/);
    assert.equal(readFileSync(a.customers, 'utf8').split('\n')[0], CUSTOMERS.columns.map((col) => col.name).join(','));
  } finally {
    await t.close();
  }
});

test('the CSV holds exactly the rows generateDemo stores, and ingests without a rejected row', async () => {
  const t = await tempStore();
  try {
    const files = await writeDemoFiles({ ...options, dir: t.dir, format: 'csv' });
    await generateDemo(t.store, options);
    const expected = await checksums(t.store);
    // Field by field, as text: the store's values printed in the file's format.
    const differences = await t.store.query<{ n: bigint }>(
      `SELECT count(*) AS n FROM (
         (SELECT offer_id, customer_id, strftime(offered_at, '%Y-%m-%dT%H:%M:%SZ'), offer_type, offer_name, channel, campaign,
            strftime(accepted_at, '%Y-%m-%dT%H:%M:%SZ'), strftime(declined_at, '%Y-%m-%dT%H:%M:%SZ'), CAST(revenue AS VARCHAR) FROM offers
          EXCEPT ALL SELECT * FROM read_csv(${sqlString(files.offers)}, header = true, all_varchar = true))
         UNION ALL
         (SELECT * FROM read_csv(${sqlString(files.offers)}, header = true, all_varchar = true)
          EXCEPT ALL SELECT offer_id, customer_id, strftime(offered_at, '%Y-%m-%dT%H:%M:%SZ'), offer_type, offer_name, channel, campaign,
            strftime(accepted_at, '%Y-%m-%dT%H:%M:%SZ'), strftime(declined_at, '%Y-%m-%dT%H:%M:%SZ'), CAST(revenue AS VARCHAR) FROM offers))`,
    );
    assert.equal(differences[0]?.n, 0n);
    const fresh = await tempStore();
    try {
      const customers = await ingestFiles(fresh.store, { table: 'customers', files: [files.customers] });
      const offers = await ingestFiles(fresh.store, { table: 'offers', files: [files.offers] });
      assert.deepEqual([customers.rejected, offers.rejected], [0, 0]);
      assert.deepEqual(await checksums(fresh.store), expected);
    } finally {
      await fresh.close();
    }
  } finally {
    await t.close();
  }
});

test('NDJSON and Parquet carry the same data set', async () => {
  const t = await tempStore();
  try {
    await generateDemo(t.store, options);
    const expected = await checksums(t.store);
    for (const format of ['ndjson', 'parquet'] as const) {
      const files = await writeDemoFiles({ ...options, dir: join(t.dir, format), format });
      const fresh = await tempStore();
      try {
        await ingestFiles(fresh.store, { table: 'customers', files: [files.customers] });
        const offers = await ingestFiles(fresh.store, { table: 'offers', files: [files.offers] });
        assert.equal(offers.rejected, 0);
        assert.deepEqual(await checksums(fresh.store), expected, format);
      } finally {
        await fresh.close();
      }
    }
    const again = await writeDemoFiles({ ...options, dir: join(t.dir, 'parquet-again'), format: 'parquet' });
    assert.equal(sha(again.offers), sha(join(t.dir, 'parquet', 'offers.parquet')), 'Parquet is byte-identical too');
    const first = readFileSync(join(t.dir, 'ndjson', 'offers.ndjson'), 'utf8').split('\n')[0]!;
    assert.deepEqual(Object.keys(JSON.parse(first) as object), OFFERS.columns.map((col) => col.name));
  } finally {
    await t.close();
  }
});
