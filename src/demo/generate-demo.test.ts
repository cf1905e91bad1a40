import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_SIZES, LIFECYCLE_STAGES, OFFER_TYPES } from '../core/schema.js';
import { UprateError } from '../core/errors.js';
import { generateDemo } from './index.js';
import { checksums, END, tempStore } from './demo-test-helpers.js';

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

test('the same seed gives the same data; another seed gives other data', async () => {
  const a = await tempStore();
  const b = await tempStore();
  try {
    await generateDemo(a.store, { rows: 20_000, seed: 7, end: END });
    const first = await checksums(a.store);
    await generateDemo(b.store, { rows: 20_000, seed: 7, end: END });
    assert.deepEqual(await checksums(b.store), first, 'a second store, same options');
    await generateDemo(a.store, { rows: 20_000, seed: 8, end: END });
    const other = await checksums(a.store);
    assert.notEqual(other.offers, first.offers);
    assert.notEqual(other.customers, first.customers);
    await generateDemo(a.store, { rows: 20_000, seed: 7, end: END });
    assert.deepEqual(await checksums(a.store), first, 'regenerating replaces the contents');
  } finally {
    await a.close();
    await b.close();
  }
});

test('a later load on another pooled connection reads its own source', async () => {
  const t = await tempStore();
  try {
    await generateDemo(t.store, { rows: 2_000, seed: 1, end: END });
    // Holding the connection the first load used makes the second one run on a new connection.
    await t.store.withConnection(() => generateDemo(t.store, { rows: 3_000, seed: 2, end: END }));
    assert.match((await checksums(t.store)).offers, /^3000:/);
  } finally {
    await t.close();
  }
});

test('every row keeps the data-model rules', async () => {
  const t = await tempStore();
  try {
    const summary = await generateDemo(t.store, { rows: 30_000, seed: 3, end: END });
    assert.equal(summary.offers, 30_000);
    assert.equal(summary.customers, 3_000);
    assert.equal(summary.from.toISOString(), '2023-06-30T12:00:00.000Z');
    const one = async (sql: string): Promise<Record<string, unknown>> => (await t.store.query(sql))[0] ?? {};
    const end = `TIMESTAMP '2025-06-30 12:00:00'`;
    const broken = await one(`SELECT
        count(*) FILTER (WHERE offer_id IS NULL OR customer_id IS NULL OR offered_at IS NULL OR offer_type IS NULL OR offer_name IS NULL) AS missing,
        count(*) FILTER (WHERE offer_type NOT IN (${list(OFFER_TYPES)})) AS bad_type,
        count(*) FILTER (WHERE channel NOT IN ('in_app', 'email', 'sales', 'checkout')) AS bad_channel,
        count(*) FILTER (WHERE NOT regexp_full_match(offer_id, 'o-[0-9]{8}') OR NOT regexp_full_match(customer_id, 'c-[0-9]{6}')) AS bad_id,
        count(*) FILTER (WHERE offered_at < ${end} - INTERVAL 24 MONTH OR offered_at > ${end}) AS outside,
        count(*) FILTER (WHERE accepted_at < offered_at OR accepted_at > ${end}) AS bad_accepted,
        count(*) FILTER (WHERE declined_at < offered_at OR declined_at > ${end}) AS bad_declined,
        count(*) FILTER (WHERE accepted_at IS NOT NULL AND declined_at IS NOT NULL) AS both,
        count(*) FILTER (WHERE revenue < 0 OR (revenue IS NOT NULL AND accepted_at IS NULL)) AS bad_revenue,
        count(*) FILTER (WHERE revenue IS NOT NULL AND revenue <> round(revenue, 2)) AS bad_cents,
        count(*) - count(DISTINCT offer_id) AS duplicate_ids,
        count(*) FILTER (WHERE customer_id NOT IN (SELECT customer_id FROM customers)) AS orphans
      FROM offers`);
    for (const [rule, n] of Object.entries(broken)) assert.equal(Number(n), 0, `offers breaking ${rule}`);
    const customers = await one(`SELECT
        count(*) FILTER (WHERE customer_id IS NULL) AS missing,
        count(*) - count(DISTINCT customer_id) AS duplicate_ids,
        count(*) FILTER (WHERE account_size NOT IN (${list(ACCOUNT_SIZES)})) AS bad_size,
        count(*) FILTER (WHERE lifecycle_stage NOT IN (${list(LIFECYCLE_STAGES)})) AS bad_stage,
        count(*) FILTER (WHERE engagement_score < 0 OR engagement_score > 100) AS bad_score,
        count(*) FILTER (WHERE mrr < 0) AS bad_mrr
      FROM customers`);
    for (const [rule, n] of Object.entries(customers)) assert.equal(Number(n), 0, `customers breaking ${rule}`);
    // A few percent of each optional customer attribute is unknown, never most of it.
    const nulls = await one(`SELECT avg((account_size IS NULL)::INT) AS account_size, avg((lifecycle_stage IS NULL)::INT) AS lifecycle_stage,
        avg((engagement_score IS NULL)::INT) AS engagement_score, avg((industry IS NULL)::INT) AS industry,
        avg((region IS NULL)::INT) AS region, avg((plan IS NULL)::INT) AS plan, avg((mrr IS NULL)::INT) AS mrr FROM customers`);
    for (const [column, share] of Object.entries(nulls)) {
      assert.ok(Number(share) > 0.002 && Number(share) < 0.06, `${column} null share ${share}`);
    }
    const shape = await one(`SELECT count(DISTINCT offer_name) AS names, count(DISTINCT channel) AS channels,
        count(DISTINCT campaign) AS campaigns, avg((channel IS NULL)::INT) AS no_channel, avg((campaign IS NULL)::INT) AS no_campaign
      FROM offers`);
    assert.equal(Number(shape['names']), 14);
    assert.equal(Number(shape['channels']), 4);
    assert.ok(Number(shape['campaigns']) >= 8, 'a campaign per quarter');
    assert.ok(Number(shape['no_channel']) > 0 && Number(shape['no_channel']) < 0.05);
    assert.ok(Number(shape['no_campaign']) > 0.5 && Number(shape['no_campaign']) < 0.7);
    const loads = await t.store.query<{ source: string; rows_inserted: bigint }>(
      `SELECT source, rows_inserted FROM uprate_loads ORDER BY load_id DESC LIMIT 1`,
    );
    assert.deepEqual(loads, [{ source: 'demo', rows_inserted: 30_000n }]);
  } finally {
    await t.close();
  }
});

test('a failure part-way changes nothing', async () => {
  const t = await tempStore();
  try {
    await generateDemo(t.store, { rows: 5_000, seed: 1, end: END });
    const before = await checksums(t.store);
    const loads = Number((await t.store.query<{ n: bigint }>('SELECT count(*) AS n FROM uprate_loads'))[0]?.n);
    const boom = new Error('stop here');
    await assert.rejects(
      generateDemo(t.store, {
        rows: 6_000,
        seed: 2,
        end: END,
        onProgress: () => {
          throw boom;
        },
      }),
      (e) => e === boom,
    );
    assert.deepEqual(await checksums(t.store), before);
    const after = Number((await t.store.query<{ n: bigint }>('SELECT count(*) AS n FROM uprate_loads'))[0]?.n);
    assert.equal(after, loads);
    // The store is still usable afterwards.
    await generateDemo(t.store, { rows: 1_000, seed: 2, end: END });
    assert.match((await checksums(t.store)).offers, /^1000:/);
  } finally {
    await t.close();
  }
});

test('progress is reported up to the total', async () => {
  const t = await tempStore();
  try {
    const seen: number[] = [];
    await generateDemo(t.store, { rows: 250_000, customers: 1_000, seed: 5, end: END, onProgress: (done, total) => seen.push(done / total) });
    assert.ok(seen.length >= 2, `${seen.length} reports`);
    assert.deepEqual([...seen].sort((x, y) => x - y), seen);
    assert.equal(seen.at(-1), 1);
    const [row] = await t.store.query<{ n: bigint }>('SELECT count(DISTINCT customer_id) AS n FROM customers');
    assert.equal(row?.n, 1_000n);
  } finally {
    await t.close();
  }
});

test('bad options are refused before anything is touched', async () => {
  const t = await tempStore();
  try {
    const bad = [
      { rows: 0, seed: 1, end: END },
      { rows: 1.5, seed: 1, end: END },
      { rows: 10, seed: -1, end: END },
      { rows: 10, seed: 1, end: new Date('nope') },
      { rows: 10, seed: 1, end: END, customers: 0 },
    ];
    for (const options of bad) {
      await assert.rejects(generateDemo(t.store, options), (e) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
    }
  } finally {
    await t.close();
  }
});
