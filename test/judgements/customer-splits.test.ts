/**
 * Calibration of the customer-clustered judgements on the demo data (200,000 offers, seed 7):
 * split the customers at random into two halves — no real difference — and count how often the
 * comparison uprate makes calls the halves "significant" at α = 0.05. Offers treated as
 * independent get that wrong about a quarter of the time (one customer's offers move together);
 * the clustered comparison must stay near 5 % (at most 8 %). Per-customer counts come from plain
 * SQL; the comparison is the one every endpoint uses (compareProportions with customer sums).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../../src/demo/index.js';
import { comparePopulations, type Selection } from '../../src/insights/index.js';
import { loadModel, shippedModelDir, type Model } from '../../src/model/index.js';
import { compareProportions, type ClusterMoments, type Counts } from '../../src/stats/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { demoContext } from './demo-context.js';
import { Random } from '../../src/core/random.js';

const END = new Date('2025-11-20T00:00:00Z');
const AS_OF = '2025-11-20 00:00:00';
const SPLITS = 200;
const ALPHA = 0.05;
let store: DuckDbStore;
let model: Model;

interface Customer {
  readonly n: number;
  readonly k: number;
}

before(async () => {
  store = await DuckDbStore.open(':memory:');
  model = await loadModel(shippedModelDir());
  await generateDemo(store, { rows: 200_000, seed: 7, end: END });
});
after(async () => store.close());

/** Per-customer offers and acceptances (within 30 days, by the as-of instant) by plain SQL. */
async function customers(where = 'TRUE'): Promise<Customer[]> {
  const rows = await store.query<{ n: bigint; k: bigint }>(
    `SELECT count(*) AS n,
            count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${AS_OF}') AS k
     FROM offers WHERE offered_at <= TIMESTAMP '${AS_OF}' AND ${where} GROUP BY customer_id ORDER BY customer_id`,
  );
  return rows.map((r) => ({ n: Number(r.n), k: Number(r.k) }));
}

/** The demo's seeded generator (sfc32), so the draws are the same on every run. */
function random(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

function half(list: readonly Customer[]): Counts {
  let k = 0;
  let n = 0;
  const m: { -readonly [K in keyof ClusterMoments]: number } = { customers: 0, offersSquared: 0, acceptedSquared: 0, acceptedOffers: 0 };
  for (const c of list) {
    k += c.k;
    n += c.n;
    m.customers += 1;
    m.offersSquared += c.n * c.n;
    m.acceptedSquared += c.k * c.k;
    m.acceptedOffers += c.k * c.n;
  }
  return { k, n, clusters: m };
}

/** Share of random customer halves called significant: clustered, and with offers as independent. */
function splitRates(all: readonly Customer[], seed: number): { clustered: number; independent: number } {
  const next = random(seed);
  let clustered = 0;
  let independent = 0;
  for (let s = 0; s < SPLITS; s++) {
    const a: Customer[] = [];
    const b: Customer[] = [];
    for (const c of all) (next() < 0.5 ? a : b).push(c);
    const A = half(a);
    const B = half(b);
    if ((compareProportions(A, B).pValue ?? 1) <= ALPHA) clustered++;
    if ((compareProportions({ k: A.k, n: A.n }, { k: B.k, n: B.n }).pValue ?? 1) <= ALPHA) independent++;
  }
  return { clustered: clustered / SPLITS, independent: independent / SPLITS };
}

describe('random customer splits of the demo data (no real difference)', () => {
  test('all offers: the clustered comparison calls at most 8 % of splits significant; independence far more', async (t) => {
    const all = await customers();
    assert.ok(all.length > 15_000, `${all.length} customers`);
    const r = splitRates(all, 11);
    t.diagnostic(`all offers: clustered ${(r.clustered * 100).toFixed(1)} %, independent ${(r.independent * 100).toFixed(1)} % of ${SPLITS} splits`);
    assert.ok(r.clustered <= 0.08, `clustered: ${(r.clustered * 100).toFixed(1)} % of ${SPLITS} splits significant`);
    assert.ok(r.independent >= 0.15, `the splits must catch a test that ignores clustering: independent ${(r.independent * 100).toFixed(1)} %`);
  });

  test('one quarter (2025 Q2): the same', async (t) => {
    const q = await customers(`offered_at >= TIMESTAMP '2025-04-01' AND offered_at < TIMESTAMP '2025-07-01'`);
    const r = splitRates(q, 23);
    t.diagnostic(`2025 Q2: clustered ${(r.clustered * 100).toFixed(1)} %, independent ${(r.independent * 100).toFixed(1)} % of ${SPLITS} splits`);
    assert.ok(r.clustered <= 0.08, `clustered: ${(r.clustered * 100).toFixed(1)} %`);
    assert.ok(r.independent > r.clustered, `independent ${(r.independent * 100).toFixed(1)} % vs clustered ${(r.clustered * 100).toFixed(1)} %`);
  });

  test('through the API: two halves of the customers by the last digit of their id are not different, and say why', async () => {
    const ctx = demoContext(store, model, END);
    const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
    const digits = (ds: string[]) => [{ member: 'Offers.customerId', operator: 'endsWith', values: ds }];
    const c = await comparePopulations(ctx, ALL, { filters: digits(['0', '2', '4', '6', '8']), from: null, to: null }, { filters: digits(['1', '3', '5', '7', '9']), from: null, to: null });
    assert.equal(c.difference.variance, 'customer-clustered');
    assert.ok(c.a.interval.designEffect > 1.5, `design effect ${c.a.interval.designEffect}`);
    // The same two halves by plain SQL: the design effect the API reports.
    const sql = async (parity: number) => half(await customers(`CAST(right(customer_id, 1) AS INTEGER) % 2 = ${parity}`));
    const even = await sql(0);
    assert.equal(c.a.offers, even.n);
    assert.equal(c.a.accepted, even.k);
    assert.equal(c.a.interval.customers, even.clusters?.customers);
    const expected = compareProportions(even, await sql(1));
    assert.ok(Math.abs((c.difference.pValue ?? NaN) - (expected.pValue ?? NaN)) < 1e-12, `${c.difference.pValue} vs ${expected.pValue}`);
  });
});
