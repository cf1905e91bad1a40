/**
 * What a breakdown lists and where a compared range ends, under filters: the values seen at any
 * time under the selection's filters (a segment with none in the range listed with n = 0, none
 * seen only without the filters), and the month kept whole when no offer the selection sees
 * follows the range. Both first look without the filters (a read the rollups answer) and only
 * then under them; expected answers come from plain SQL on the same demo data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../src/demo/index.js';
import { breakdown, type KpiContext, type Selection } from '../src/insights/index.js';
import { comparedEnd } from '../src/insights/offer-counts.js';
import type { ApiFilter } from '../src/insights/api-types.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { demoContext } from './judgements/demo-context.js';

// The data end mid-month (a range to the last day is not a month's end).
const END = new Date('2025-06-20T12:00:00Z');
const AS_OF_SQL = "TIMESTAMP '2025-06-20 12:00:00'";
let model: Model;
let store: DuckDbStore;

const context = (): KpiContext => demoContext(store, model, END);

/** A filter, the same condition in SQL over `offers o JOIN customers c`. */
interface Case {
  readonly filters: readonly ApiFilter[];
  readonly offerType: 'upsell' | 'cross_sell' | null;
  readonly sql: string;
}
const eq = (member: string, ...values: string[]): ApiFilter => ({ member, operator: 'equals', values });
const COLUMNS: Record<string, string> = {
  'Customers.region': 'c.region',
  'Customers.plan': 'c.plan',
  'Customers.accountSize': 'c.account_size',
  'Offers.campaign': 'o.campaign',
  'Offers.channel': 'o.channel',
  'Customers.engagementScore': 'c.engagement_score',
  // As the model defines it: whole days to an acceptance within 30 days and by the clock.
  'Offers.daysToAccept': `CASE WHEN o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= ${AS_OF_SQL} THEN floor((epoch(o.accepted_at) - epoch(o.offered_at)) / 86400.0) END`,
};

before(async () => {
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 11, end: END });
});
after(async () => store.close());

/** The values (or combinations) plain SQL sees under the case's condition, made by END. */
async function seenBySql(by: readonly string[], where: string): Promise<string[]> {
  const cols = by.map((d) => COLUMNS[d] ?? assert.fail(d));
  const rows = await store.query<Record<string, unknown>>(
    `SELECT DISTINCT ${cols.map((c, i) => `${c} AS v${i}`).join(', ')} FROM offers o LEFT JOIN customers c ON o.customer_id = c.customer_id WHERE ${where} AND o.offered_at <= ${AS_OF_SQL}`,
  );
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  if (by.length === 1) return rows.map((r) => JSON.stringify([text(r['v0'])])).sort();
  // Two dimensions: every combination of the values each takes (as the breakdown lists them).
  const values = by.map((_, i) => [...new Set(rows.map((r) => text(r[`v${i}`])))]);
  return (values[0] ?? []).flatMap((a) => (values[1] ?? []).map((b) => JSON.stringify([a, b]))).sort();
}

describe('under filters, on 20,000 demo offers', () => {
  const cases: Record<string, Case> = {
    'no filter': { filters: [], offerType: null, sql: 'TRUE' },
    'an account size': { filters: [eq('Customers.accountSize', 'enterprise')], offerType: null, sql: "c.account_size = 'enterprise'" },
    'upsells of one account size': { filters: [eq('Customers.accountSize', 'smb')], offerType: 'upsell', sql: "c.account_size = 'smb' AND o.offer_type = 'upsell'" },
    'a region (the breakdown by region lists it alone)': { filters: [eq('Customers.region', 'latam')], offerType: null, sql: "c.region = 'latam'" },
    'one plan in one region': { filters: [eq('Customers.plan', 'enterprise'), eq('Customers.region', 'latam')], offerType: 'upsell', sql: "c.plan = 'enterprise' AND c.region = 'latam' AND o.offer_type = 'upsell'" },
    'a plan not set': { filters: [{ member: 'Customers.plan', operator: 'notSet' }], offerType: null, sql: 'c.plan IS NULL' },
    'a campaign': { filters: [eq('Offers.campaign', 'spring-expansion-2025')], offerType: null, sql: "o.campaign = 'spring-expansion-2025'" },
    'cross-sells by email': { filters: [eq('Offers.channel', 'email')], offerType: 'cross_sell', sql: "o.channel = 'email' AND o.offer_type = 'cross_sell'" },
  };
  const ranges: [string, string][] = [
    ['2025-06-01', '2025-06-20'],
    ['2025-03-10', '2025-03-10'],
    ['2024-07-01', '2024-07-31'],
  ];
  const bys: string[][] = [['Offers.campaign'], ['Customers.region'], ['Customers.plan'], ['Offers.channel'], ['Offers.daysToAccept'], ['Customers.engagementScore'], ['Customers.region', 'Offers.campaign']];

  test('a breakdown lists every value seen at any time under the filters, and only those', async () => {
    let zeroes = 0;
    let left = 0;
    for (const [name, c] of Object.entries(cases)) {
      for (const [from, to] of ranges) {
        for (const by of bys) {
          const selection: Selection = { from, to, offerType: c.offerType, filters: c.filters };
          const b = await breakdown(context(), selection, { by });
          const listed = b.rows.map((r) => JSON.stringify(by.map((d) => r.segment[d] ?? null))).sort();
          assert.deepEqual(listed, await seenBySql(by, c.sql), `${name}, ${from}–${to}, by ${by.join(' × ')}`);
          zeroes += b.rows.filter((r) => r.offers === 0).length;
          const unfiltered = await seenBySql(by, 'TRUE');
          if (unfiltered.length > listed.length) left += 1;
        }
      }
    }
    // The cases exercise both sides: segments listed with no offers in the range, and values seen
    // without the filters that the filtered breakdown leaves out.
    assert.ok(zeroes > 20, `${zeroes} empty segments`);
    assert.ok(left > 10, `${left} breakdowns leaving out values seen only without the filters`);
  });

  test('a segment with no offers in the range changes no comparison (insights reads none)', async () => {
    let left = 0;
    for (const [name, c] of Object.entries(cases)) {
      for (const [from, to] of ranges) {
        for (const by of bys.filter((b) => b.length === 1)) {
          const selection: Selection = { from, to, offerType: c.offerType, filters: c.filters };
          const all = await breakdown(context(), selection, { by });
          const some = await breakdown(context(), selection, { by, emptyCells: false });
          const where = `${name}, ${from}–${to}, by ${by.join(' × ')}`;
          const withOffers = all.rows.filter((r) => r.offers > 0);
          left += all.rows.length - withOffers.length;
          // The same segments with offers, compared the same way: the empty ones are out of the family and the χ² test.
          assert.deepEqual(some.rows, withOffers, where);
          assert.deepEqual(some.homogeneity, all.homogeneity, where);
          assert.deepEqual([some.correction.members, some.correction.description], [all.correction.members, all.correction.description], where);
          assert.deepEqual(some.total, all.total, where);
        }
      }
    }
    assert.ok(left > 20, `${left} empty segments left out`);
  });

  test('a range is compared with whole months when no offer under its filters follows it', async () => {
    const lastDay = async (where: string) => {
      const [row] = await store.query<{ d: string | null }>(
        `SELECT strftime(max(o.offered_at), '%Y-%m-%d') AS d FROM offers o LEFT JOIN customers c ON o.customer_id = c.customer_id WHERE ${where} AND o.offered_at <= ${AS_OF_SQL}`,
      );
      return row?.d ?? null;
    };
    const monthEnd = (day: string): string => {
      const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() + 1, 0);
      return d.toISOString().slice(0, 10);
    };
    const dayBefore = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const all = await lastDay('TRUE');
    assert.ok(all);
    let whole = 0;
    // A few customers whose offers stop mid-month, well before the data's last day.
    const stopped = await store.query<{ id: string }>(
      `SELECT customer_id AS id FROM offers WHERE offered_at <= ${AS_OF_SQL} GROUP BY 1 HAVING max(offered_at) < TIMESTAMP '2025-05-01' AND day(max(offered_at)) BETWEEN 5 AND 25 ORDER BY 1 LIMIT 3`,
    );
    assert.equal(stopped.length, 3);
    const customers: Record<string, Case> = Object.fromEntries(stopped.map(({ id }) => [`customer ${id}`, { filters: [eq('Offers.customerId', id)], offerType: null, sql: `o.customer_id = '${id}'` }]));
    for (const [name, c] of Object.entries({ ...cases, ...customers })) {
      const last: string | null = await lastDay(c.sql);
      assert.ok(last, name);
      // To the selection's own last day (before the data's, for a customer who stopped), the day before it, and the data's last day.
      const ends: string[] = [last, dayBefore(last), all];
      for (const to of ends) {
        const from: string = `${to.slice(0, 7)}-01`;
        const expected: string = to >= last && to !== monthEnd(to) ? monthEnd(to) : to;
        if (expected !== to) whole += 1;
        assert.equal(await comparedEnd(context(), { from, to, offerType: c.offerType, filters: c.filters }), expected, `${name}, to ${to} (last offer ${last})`);
      }
    }
    assert.ok(whole >= 15, `${whole} ranges kept their month whole`);
  });
});
