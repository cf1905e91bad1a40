// Tests for what report.test.ts leaves open in report.ts, on the same five hand-made offers (plus a
// region per customer): the checks on the conversion window, the options a report echoes (level,
// thresholds, offer type, window, clock), a report with neither grain nor breakdown, the empty
// cells' nulls, a binding without customers or not the shipped one, the order of segments with
// missing values, the period limit and an aborted caller (paging past one answer's row limit is in
// report.with-many-rows.mutants.test.ts, run last: it is slow).
// Expected values are counted by hand from the rows inserted (or, for intervals, scipy's beta.ppf).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { UprateError } from '../core/errors.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { allAccess } from '../query/index.js';
import { DuckDbStore } from '../store/index.js';
import { bindKpi } from './binding.js';
import { buildReport } from './report.js';

/**
 *  Jan 2025  o1 (c1) accepted after 5 days, o2 (c1) accepted after 40 days (outside 30), o3 (c2) declined
 *  Feb 2025  no offers
 *  Mar 2025  o4 (c1) accepted after 2 days; o5 (c2) on Mar 20, still open on Apr 1
 * c1: smb, region emea; c2: enterprise, no region.
 */
async function fixture(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size, engagement_score, region) VALUES ('c1', 'smb', 20, 'emea'), ('c2', 'enterprise', 80, NULL)`);
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES
    ('o1', 'c1', '2025-01-10 09:00:00', 'upsell', 'Premium', '2025-01-15 09:00:00', NULL, 100),
    ('o2', 'c1', '2025-01-11 09:00:00', 'upsell', 'Premium', '2025-02-20 09:00:00', NULL, 50),
    ('o3', 'c2', '2025-01-12 09:00:00', 'cross_sell', 'Seats', NULL, '2025-01-13 00:00:00', NULL),
    ('o4', 'c1', '2025-03-02 09:00:00', 'cross_sell', 'Seats', '2025-03-04 09:00:00', NULL, 20),
    ('o5', 'c2', '2025-03-20 09:00:00', 'upsell', 'Premium', NULL, NULL, NULL)`);
  return store;
}

const asOf = new Date('2025-04-01T00:00:00Z');
const local = allAccess('local');
const close = (a: number | null | undefined, b: number, what: string) => assert.ok(a != null && Math.abs(a - b) < 1e-9, `${what}: ${a} ≉ ${b}`);
const refused = (code: string, location: string | null, message?: RegExp) => (e: unknown) =>
  e instanceof UprateError && e.code === code && (location === null || e.location === location) && (message === undefined || message.test(e.message));

test('buildReport: the conversion window is a whole number of days from 0 to 3650, else BAD_ARGUMENT at --window', async () => {
  const store = await fixture();
  try {
    for (const windowDays of [-1, 3651, 2.5]) {
      await assert.rejects(
        buildReport(store, local, { windowDays, asOf }),
        refused('BAD_ARGUMENT', '--window', new RegExp(`^conversion window must be a whole number of days from 0 to 3650, not ${windowDays}$`)),
      );
    }
    // The ends are allowed: 0 days counts no acceptance (each came a day or more later), 3650 all three.
    const none = await buildReport(store, local, { windowDays: 0, asOf });
    assert.deepEqual([none.windowDays, none.total.offers, none.total.accepted], [0, 5, 0]);
    const all = await buildReport(store, local, { windowDays: 3650, asOf });
    assert.deepEqual([all.windowDays, all.total.offers, all.total.accepted], [3650, 5, 3]);
  } finally {
    await store.close();
  }
});

test('buildReport echoes its options: level, thresholds, offer type, window and clock (defaults 0.95, 20 %/10 %, none, 30 days, now)', async () => {
  const store = await fixture();
  try {
    const before = Date.now();
    const plain = await buildReport(store, local);
    const after = Date.now();
    assert.equal(plain.level, 0.95);
    assert.deepEqual(plain.thresholds, { strong: 0.2, poor: 0.1 });
    assert.equal(plain.offerType, null);
    assert.equal(plain.windowDays, 30);
    assert.equal(plain.interval, 'wilson');
    assert.ok(Date.parse(plain.asOf) >= before && Date.parse(plain.asOf) <= after, `asOf ${plain.asOf} is the time of the call`);
    assert.deepEqual(plain.by, []);
    assert.equal(plain.grain, null);

    // Level 0.90 on March (1 of 2, one offer per customer: binomial, exact below 30 offers):
    // Clopper–Pearson 1 − √0.95 and √0.95 (scipy beta.ppf(0.05, 1, 2), beta.ppf(0.95, 2, 1)).
    const ninety = await buildReport(store, local, { grain: 'month', level: 0.9, asOf, from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') });
    assert.equal(ninety.level, 0.9);
    assert.equal(ninety.rows.length, 1);
    close(ninety.rows[0]?.lower, 0.02532056551910361, 'CP lower at 90 %');
    close(ninety.rows[0]?.upper, 0.9746794344808963, 'CP upper at 90 %');

    // Upsells only: o1 (accepted), o2 (late), o5 (open) → 1 of 3 = 33 %: strong above the default
    // 20 %, poor below a floor of 35 %.
    const upsell = await buildReport(store, local, { offerType: 'upsell', asOf });
    assert.deepEqual([upsell.total.offers, upsell.total.accepted, upsell.total.band], [3, 1, 'strong']);
    const strict = await buildReport(store, local, { thresholds: { strong: 0.5, poor: 0.35 }, offerType: 'upsell', asOf });
    assert.deepEqual(strict.thresholds, { strong: 0.5, poor: 0.35 });
    assert.equal(strict.offerType, 'upsell');
    assert.deepEqual([strict.total.offers, strict.total.accepted, strict.total.band], [3, 1, 'poor']);
  } finally {
    await store.close();
  }
});

test('buildReport: offers made after the as-of instant did not exist yet', async () => {
  const store = await fixture();
  try {
    // As of Mar 10: o5 (Mar 20) is left out; o4 was accepted on Mar 4, inside its window.
    const r = await buildReport(store, local, { asOf: new Date('2025-03-10T00:00:00Z') });
    assert.deepEqual([r.total.offers, r.total.accepted, r.total.pending], [4, 2, 0]);
    assert.equal(r.to, '2025-03-03T00:00:00.000Z', 'the range ends after the last offer made by then (Mar 2)');
    // As of o5's own instant it counts (on or before), still pending.
    const at = await buildReport(store, local, { asOf: new Date('2025-03-20T09:00:00Z') });
    assert.deepEqual([at.total.offers, at.total.pending], [5, 1]);
  } finally {
    await store.close();
  }
});

test('buildReport: neither grain nor breakdown is the total alone, no rows', async () => {
  const store = await fixture();
  try {
    const r = await buildReport(store, local, { asOf });
    assert.deepEqual(r.rows, []);
    assert.equal(r.total.offers, 5);
  } finally {
    await store.close();
  }
});

test('buildReport: an empty cell has null rate, interval, band, judgement, pending share and customer rate', async () => {
  const store = await fixture();
  try {
    const r = await buildReport(store, local, { grain: 'month', asOf });
    const feb = r.rows[1];
    assert.equal(feb?.period, '2025-02-01');
    assert.deepEqual(
      [feb?.offers, feb?.rate, feb?.lower, feb?.upper, feb?.band, feb?.judgement, feb?.pendingShare, feb?.customersOffered, feb?.customersConverted, feb?.customerRate],
      [0, null, null, null, null, null, null, 0, 0, null],
    );
    // March: 1 pending of 2 offers; customers c1 (converted) and c2 (not).
    const mar = r.rows[2];
    assert.deepEqual([mar?.pendingShare, mar?.customersOffered, mar?.customersConverted, mar?.customerRate], [0.5, 2, 1, 0.5]);
  } finally {
    await store.close();
  }
});

test('buildReport: no offers at all — the total has zero customer counts, or null ones when the binding names no customer', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    const r = await buildReport(store, local, { asOf });
    assert.deepEqual([r.total.offers, r.total.customersOffered, r.total.customersConverted, r.total.customerRate, r.total.pendingShare], [0, 0, 0, null, null]);
    const model = await loadModel(shippedModelDir());
    const binding = { ...bindKpi(model, undefined), customer: null };
    const anonymous = await buildReport(store, local, { asOf, model, binding });
    assert.deepEqual([anonymous.total.offers, anonymous.total.customersOffered, anonymous.total.customersConverted], [0, null, null]);
  } finally {
    await store.close();
  }
});

test('buildReport: an empty month under a binding that names no customer has null customer counts, not zeros', async () => {
  const store = await fixture();
  try {
    const model = await loadModel(shippedModelDir());
    const binding = { ...bindKpi(model, undefined), customer: null };
    const r = await buildReport(store, local, { grain: 'month', asOf, model, binding });
    const feb = r.rows[1];
    assert.deepEqual([feb?.period, feb?.offers, feb?.customersOffered, feb?.customersConverted, feb?.customerRate], ['2025-02-01', 0, null, null, null]);
  } finally {
    await store.close();
  }
});

test('buildReport: with a binding other than the shipped one the window is the model\'s, reported as null', async () => {
  const store = await fixture();
  try {
    const model = await loadModel(shippedModelDir());
    const shipped = bindKpi(model, undefined);
    assert.equal((await buildReport(store, local, { asOf, model, binding: shipped, windowDays: 45 })).windowDays, 45);
    const own = await buildReport(store, local, { asOf, model, binding: { ...shipped, shipped: false } });
    assert.equal(own.windowDays, null);
    assert.equal(own.total.offers, 5);
  } finally {
    await store.close();
  }
});

test('buildReport: segments with a missing value come after the others, even when their first value sorts first', async () => {
  const store = await fixture();
  try {
    // c2 (enterprise) has no region: [enterprise, null] goes after [smb, emea], though "enterprise" < "smb".
    const r = await buildReport(store, local, { by: ['account_size', 'region'], asOf });
    assert.deepEqual(
      r.rows.map((x) => [x.segment.account_size, x.segment.region, x.offers]),
      [
        ['smb', 'emea', 3],
        ['enterprise', null, 2],
      ],
    );
    // Without missing values the segments are in ascending order.
    const sizes = await buildReport(store, local, { by: ['account_size'], asOf });
    assert.deepEqual(sizes.rows.map((x) => x.segment.account_size), ['enterprise', 'smb']);
  } finally {
    await store.close();
  }
});

test('buildReport: a value containing the text "null" is a value like any other, sorted by itself', async () => {
  const store = await fixture();
  try {
    // Old: any key whose JSON held "null" sorted last, so "Annulled plan rescue" came after "Spring".
    await store.run(`UPDATE offers SET campaign = CASE offer_id WHEN 'o3' THEN 'Annulled plan rescue' WHEN 'o4' THEN NULL ELSE 'Spring' END`);
    const r = await buildReport(store, local, { by: ['campaign'], asOf });
    assert.deepEqual(
      r.rows.map((x) => [x.segment.campaign, x.offers]),
      [
        ['Annulled plan rescue', 1],
        ['Spring', 3],
        [null, 1],
      ],
    );
  } finally {
    await store.close();
  }
});

test('buildReport: more periods than limits.maxPeriods is QUERY_TOO_LARGE; exactly the limit is fine', async () => {
  const store = await fixture();
  try {
    // Jan 10 … Mar 20 by month: three periods.
    await assert.rejects(buildReport(store, local, { grain: 'month', asOf, limits: { ...DEFAULT_LIMITS, maxPeriods: 2 } }), refused('QUERY_TOO_LARGE', 'grain'));
    const three = await buildReport(store, local, { grain: 'month', asOf, limits: { ...DEFAULT_LIMITS, maxPeriods: 3 } });
    assert.equal(three.rows.length, 3);
  } finally {
    await store.close();
  }
});

test('buildReport: an aborted caller stops the report', async () => {
  const store = await fixture();
  try {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(buildReport(store, local, { asOf, signal: controller.signal }));
  } finally {
    await store.close();
  }
});

test('buildReport: the caller\'s limits reach the reads, not only the period count (maxMembers)', async () => {
  const store = await fixture();
  try {
    // The total alone asks for offers, accepted, pending and revenue: four members, more than a
    // limit of 2, which the read refuses before running; the default 64 lets it through.
    await assert.rejects(buildReport(store, local, { asOf, limits: { ...DEFAULT_LIMITS, maxMembers: 2 } }), (e: unknown) => {
      assert.ok(e instanceof UprateError, String(e));
      assert.equal(e.code, 'QUERY_TOO_LARGE', e.message);
      assert.match(e.message + (e.hint ?? ''), /maxMembers/);
      return true;
    });
    assert.equal((await buildReport(store, local, { asOf })).total.offers, 5);
  } finally {
    await store.close();
  }
});

test('buildReport: an offer type under a binding with no offer-type dimension is a BAD_ARGUMENT at --offer-type', async () => {
  const store = await fixture();
  try {
    const model = await loadModel(shippedModelDir());
    const binding = { ...bindKpi(model, undefined), offerType: null };
    await assert.rejects(buildReport(store, local, { asOf, model, binding, offerType: 'upsell' }), refused('BAD_ARGUMENT', '--offer-type', /names no offer-type dimension/));
  } finally {
    await store.close();
  }
});

test('buildReport: each segment\'s row carries its own revenue of accepted offers', async () => {
  const store = await fixture();
  try {
    // smb (c1): o1 100 and o4 20 accepted within 30 days (o2's 50 came after 40 days); enterprise
    // (c2): o3 declined, o5 still open — no revenue. The total, 120, is report.test.ts's.
    const r = await buildReport(store, local, { by: ['account_size'], asOf });
    assert.deepEqual(r.rows.map((x) => [x.segment.account_size, x.revenue]), [['enterprise', 0], ['smb', 120]]);
  } finally {
    await store.close();
  }
});

test('buildReport: a grain with a start after every offer has no periods: no rows, an open end', async () => {
  const store = await fixture();
  try {
    // From June 1 on (as of April 1) there are no offers: no last offer to end the range on.
    const r = await buildReport(store, local, { grain: 'month', asOf, from: new Date('2025-06-01T00:00:00Z') });
    assert.deepEqual([r.from, r.to, r.rows.length, r.total.offers], ['2025-06-01T00:00:00.000Z', null, 0, 0]);
  } finally {
    await store.close();
  }
});

test('buildReport: segments are sorted by value, whatever period they first appear in', async () => {
  // 40 offer names, the last in sort order offered first: n39 in January 2025, n38 in February …
  // n00 in April 2028. Each period's rows list the 40 names in order n00 … n39.
  const store = await DuckDbStore.open(':memory:');
  try {
    await store.run(`INSERT INTO customers (customer_id, account_size, engagement_score, region) VALUES ('c1', 'smb', 20, 'emea')`);
    const values = Array.from({ length: 40 }, (_, i) => {
      const month = new Date(Date.UTC(2025, i, 10, 9));
      return `('o${i}', 'c1', '${month.toISOString().slice(0, 19).replace('T', ' ')}', 'upsell', 'n${String(39 - i).padStart(2, '0')}', NULL, '${month.toISOString().slice(0, 10)} 12:00:00', NULL)`;
    });
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES ${values.join(', ')}`);
    const r = await buildReport(store, local, { grain: 'month', by: ['offer_name'], asOf: new Date('2029-01-01T00:00:00Z') });
    const sorted = Array.from({ length: 40 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    assert.equal(r.rows.length, 40 * 40);
    assert.deepEqual(r.rows.slice(0, 40).map((x) => x.segment.offer_name), sorted);
    assert.deepEqual(r.rows.slice(-40).map((x) => x.segment.offer_name), sorted);
  } finally {
    await store.close();
  }
});

test('buildReport: segments are ordered by their key\'s text, whatever order the engine answers in', async () => {
  // The key is the JSON of the values: a quote is escaped (`["a\"b"]`), and the backslash (0x5C)
  // sorts after # (0x23), so a#b comes first; the engine, comparing the values, answers a"b first.
  const store = await DuckDbStore.open(':memory:');
  try {
    await store.run(`INSERT INTO customers (customer_id, account_size, engagement_score, region) VALUES ('c1', 'smb', 20, 'emea')`);
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES
      ('o1', 'c1', '2025-01-10 09:00:00', 'upsell', 'a"b', NULL, '2025-01-11 09:00:00', NULL),
      ('o2', 'c1', '2025-01-12 09:00:00', 'upsell', 'a#b', NULL, '2025-01-13 09:00:00', NULL)`);
    const r = await buildReport(store, local, { by: ['offer_name'], asOf });
    assert.deepEqual(r.rows.map((x) => x.segment.offer_name), ['a#b', 'a"b']);
  } finally {
    await store.close();
  }
});
