import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDbStore } from '../store/index.js';
import { buildReport } from './report.js';
import { formatReport } from './format-report.js';
import { allAccess } from '../query/index.js';

/**
 * A hand-made data set whose answers are counted by hand:
 *  Jan 2025  o1 accepted after 5 days (counts), o2 accepted after 40 days (outside the 30-day
 *            window), o3 declined                                   → 1 of 3
 *  Feb 2025  no offers                                              → n = 0, rate null
 *  Mar 2025  o4 accepted after 2 days; o5 made on Mar 20, not accepted by the as-of instant
 *            (Apr 1), window still open                             → 1 of 2, 1 pending
 * Customers: c1 smb (o1, o2, o4), c2 enterprise (o3, o5).
 */
async function fixture(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size, engagement_score) VALUES ('c1', 'smb', 20), ('c2', 'enterprise', 80)`);
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES
    ('o1', 'c1', '2025-01-10 09:00:00', 'upsell', 'Premium', '2025-01-15 09:00:00', NULL, 100),
    ('o2', 'c1', '2025-01-11 09:00:00', 'upsell', 'Premium', '2025-02-20 09:00:00', NULL, 50),
    ('o3', 'c2', '2025-01-12 09:00:00', 'cross_sell', 'Seats', NULL, '2025-01-13 00:00:00', NULL),
    ('o4', 'c1', '2025-03-02 09:00:00', 'cross_sell', 'Seats', '2025-03-04 09:00:00', NULL, 20),
    ('o5', 'c2', '2025-03-20 09:00:00', 'upsell', 'Premium', NULL, NULL, NULL)`);
  return store;
}

const asOf = new Date('2025-04-01T00:00:00Z');
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`);

describe('KPI report', () => {
  test('counts acceptances inside the conversion window only, keeps empty months, flags provisional ones', async () => {
    const store = await fixture();
    const r = await buildReport(store, allAccess('local'), { grain: 'month', asOf });
    // The range defaults to whole days: the first offer's day to the day after the last offer's.
    assert.equal(r.from, '2025-01-10T00:00:00.000Z');
    assert.equal(r.to, '2025-03-21T00:00:00.000Z');
    // January starts on the 10th and March ends on the 20th of the range: both partial.
    assert.deepEqual(
      r.rows.map((x) => [x.period, x.partial, x.offers, x.accepted, x.pending, x.provisional]),
      [
        ['2025-01-01', true, 3, 1, 0, false],
        ['2025-02-01', false, 0, 0, 0, false],
        ['2025-03-01', true, 2, 1, 1, true],
      ],
    );
    assert.equal(r.rows[1]?.rate, null);
    assert.equal(r.rows[1]?.lower, null);
    // Below 30 (effective) offers the interval is exact (Clopper–Pearson), as in the API.
    // Jan: 1 of 3; c1 has 1 of 2, c2 0 of 1: clustered variance 2·((1 − 2/3)² + (0 − 1/3)²)/3² = 4/81
    // is below the binomial 2/27, so the design effect is floored at 1: CP lower 1 − 0.975^(1/3),
    // upper Beta(2, 2).ppf(0.975) (scipy).
    close(r.rows[0]?.lower ?? null, 0.008403758659612636);
    close(r.rows[0]?.upper ?? null, 0.9057006759497539);
    assert.equal(r.rows[0]?.method, 'exact');
    // Mar: one offer per customer, independent: CP lower for 1 of 2 = 1 − √0.975.
    close(r.rows[2]?.lower ?? null, 0.01257911709342505);
    assert.equal(r.rows[2]?.variance, 'binomial');
    assert.equal(r.total.offers, 5);
    assert.equal(r.total.accepted, 2);
    close(r.total.rate, 0.4);
    // Total: c1 2 of 3, c2 0 of 2 → clustered variance 2·(0.8² + 0.8²)/25 = 0.1024 (statsmodels OLS
    // with cov_type='cluster' gives the same), binomial 0.048, design effect 2.1333: CP on 0.9375 of
    // 2.34375 effective offers, Beta(0.9375, 2.40625).ppf(0.025) (scipy).
    assert.equal(r.total.variance, 'customer-clustered');
    close(r.total.designEffect, 2.1333333333333333);
    close(r.total.lower, 0.008053489722000115);
    close(r.total.upper, 0.9593313469340017);
    assert.equal(r.total.band, 'strong');
    assert.equal(r.total.judgement, 'indeterminate');
    assert.equal(r.total.customersOffered, 2);
    assert.equal(r.total.customersConverted, 1);
    close(r.total.customerRate, 0.5);
    assert.equal(r.total.revenue, 120); // o2's revenue came outside the window
    await store.close();
  });

  test('a longer window counts the late acceptance; a later as-of closes the pending offer', async () => {
    const store = await fixture();
    const wide = await buildReport(store, allAccess('local'), { windowDays: 45, asOf: new Date('2025-06-01T00:00:00Z') });
    assert.equal(wide.total.accepted, 3);
    assert.equal(wide.total.pending, 0);
    assert.equal(wide.total.provisional, false);
    await store.close();
  });

  test('segments by account size and engagement tier, with filters', async () => {
    const store = await fixture();
    const r = await buildReport(store, allAccess('local'), { by: ['account_size', 'engagement_tier'], asOf });
    assert.deepEqual(
      r.rows.map((x) => [x.segment.account_size, x.segment.engagement_tier, x.offers, x.accepted]),
      [
        ['enterprise', 'high', 2, 0],
        ['smb', 'low', 3, 2],
      ],
    );
    const upsell = await buildReport(store, allAccess('local'), { offerType: 'upsell', from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z'), asOf });
    assert.equal(upsell.total.offers, 2);
    assert.equal(upsell.total.accepted, 1);
    await store.close();
  });

  test('renders table, JSON, CSV and Markdown with the same numbers', async () => {
    const store = await fixture();
    const r = await buildReport(store, allAccess('local'), { grain: 'month', asOf });
    assert.match(formatReport(r, 'table'), /conversion rate {2}40\.0%/);
    assert.equal(JSON.parse(formatReport(r, 'json')).total.accepted, 2);
    const csv = formatReport(r, 'csv').trim().split('\n');
    assert.equal(
      csv[0],
      'period,offers,accepted,pending,rate,lower,upper,band,provisional,pending_share,customers_offered,customers_converted,customer_rate,revenue,band_judgement,interval_method,design_effect,partial',
    );
    assert.equal(csv[2], '2025-02-01,0,0,0,,,,,false,,0,0,,0,,exact,1,false');
    assert.match(csv[1] ?? '', /^2025-01-01,3,1,0,.*,true$/);
    assert.deepEqual(JSON.parse(formatReport(r, 'json')).rows.map((x: { partial: boolean }) => x.partial), [true, false, true]);
    // The band is named only when the whole interval lies in it, as the API says it.
    assert.match(formatReport(r, 'table'), /band indeterminate \(point: strong\)/);
    assert.match(formatReport(r, 'md'), /\| 2025-03-01 \\\* \| 2 \| 1 \| 1 \| 50\.0% \|/);
    assert.match(formatReport(r, 'md'), /^\\\* 2025-01-01: partial month — only 2025-01-10 to 2025-01-31 are in the range \(2025-01-10 to 2025-03-20\); its counts are of those days\.$/m);
    // The table marks partial periods; provisional stays its own note.
    const table = formatReport(r, 'table');
    assert.match(table, /^2025-01-01 \* +3 +1 +0 /m);
    assert.match(table, /^2025-02-01 {3}/m);
    assert.match(table, /^2025-03-01 \* +2 +1 +1 .*provisional \(50% open\)$/m);
    assert.match(table, /^\* 2025-03-01: partial month — only 2025-03-01 to 2025-03-20 are in the range/m);
    await store.close();
  });

  test('a quarter the range covers in part is marked partial and counts only the days covered', async () => {
    const store = await fixture();
    // By hand: the whole range is 2025-01-10 to 2025-03-20, one quarter (Q1), covered in part.
    const q = await buildReport(store, allAccess('local'), { grain: 'quarter', asOf });
    assert.deepEqual(q.rows.map((x) => [x.period, x.partial, x.offers, x.accepted]), [['2025-01-01', true, 5, 2]]);
    // From Feb 1: only o4 and o5 (March) are counted; January's offers are outside the range.
    const feb = await buildReport(store, allAccess('local'), { grain: 'quarter', from: new Date('2025-02-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z'), asOf });
    assert.deepEqual(feb.rows.map((x) => [x.period, x.partial, x.offers, x.accepted, x.pending]), [['2025-01-01', true, 2, 1, 1]]);
    // The whole quarter: not partial.
    const whole = await buildReport(store, allAccess('local'), { grain: 'quarter', from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z'), asOf });
    assert.deepEqual(whole.rows.map((x) => [x.period, x.partial, x.offers]), [['2025-01-01', false, 5]]);
    // Whole days at a daily grain: never partial.
    const days = await buildReport(store, allAccess('local'), { grain: 'day', asOf });
    assert.equal(days.rows.length, 70);
    assert.ok(days.rows.every((x) => x.partial === false));
    // No grain, no period and no partial flag.
    const flat = await buildReport(store, allAccess('local'), { by: ['account_size'], asOf });
    assert.ok(flat.rows.every((x) => !('partial' in x) && !('period' in x)));
    await store.close();
  });

  test('no offers: no range, no periods', async () => {
    const store = await DuckDbStore.open(':memory:');
    const r = await buildReport(store, allAccess('local'), { grain: 'month', asOf });
    assert.deepEqual([r.from, r.to, r.rows.length, r.total.offers], [null, null, 0, 0]);
    assert.match(formatReport(r, 'table'), /— no offers,/);
    await store.close();
  });
});
