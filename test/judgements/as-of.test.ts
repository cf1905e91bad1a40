/**
 * "As of" means as known then: a report as of a past instant, asked of today's database, must equal
 * the same report asked of the database as it stood at that instant — offers made later left
 * out, acceptances and declines made later not yet happened. The past database is made from the
 * later one by plain SQL (delete later offers, clear later outcomes), so the two answers share no
 * code path but the one under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../../src/demo/index.js';
import { breakdown, kpiHeadline, timeseries, type KpiContext, type Selection } from '../../src/insights/index.js';
import { buildReport } from '../../src/kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../../src/model/index.js';
import { allAccess } from '../../src/query/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { demoContext } from './demo-context.js';

const END = new Date('2025-11-20T00:00:00Z');
const AS_OF = new Date('2025-06-15T00:00:00Z');
const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
let later: DuckDbStore;
let then: DuckDbStore;
let model: Model;

const ctx = (store: DuckDbStore): KpiContext => demoContext(store, model, AS_OF);

before(async () => {
  model = await loadModel(shippedModelDir());
  later = await DuckDbStore.open(':memory:');
  then = await DuckDbStore.open(':memory:');
  for (const s of [later, then]) await generateDemo(s, { rows: 60_000, seed: 7, end: END });
  const t = `TIMESTAMP '2025-06-15 00:00:00'`;
  await then.run(`DELETE FROM offers WHERE offered_at > ${t}`);
  await then.run(`UPDATE offers SET accepted_at = NULL WHERE accepted_at > ${t}`);
  await then.run(`UPDATE offers SET declined_at = NULL WHERE declined_at > ${t}`);
});
after(async () => {
  await later.close();
  await then.close();
});

describe('as of a past instant, from a later database', () => {
  test('the headline excludes offers made after the instant and matches the database as it was', async () => {
    const [counts] = await later.query<{ n: bigint }>(`SELECT count(*) AS n FROM offers WHERE offered_at > TIMESTAMP '2025-06-15 00:00:00'`);
    assert.ok(Number(counts?.n) > 10_000, 'the later database has months of later offers');
    const past = await kpiHeadline(ctx(then), ALL);
    const now = await kpiHeadline(ctx(later), ALL);
    assert.deepEqual(now, past);
    assert.equal(now.query.to, '2025-06-14', 'the default range ends at the last offer before the as-of instant');
    assert.ok(now.rate !== null && now.rate > 0.16 && now.rate < 0.2, `rate ${now.rate}`);
  });

  test('the monthly series, a breakdown and the CLI report match too', async () => {
    assert.deepEqual(await timeseries(ctx(later), ALL, { grain: 'month' }), await timeseries(ctx(then), ALL, { grain: 'month' }));
    const by = { by: ['Customers.accountSize'] };
    assert.deepEqual(await breakdown(ctx(later), ALL, by), await breakdown(ctx(then), ALL, by));
    const report = (s: DuckDbStore) => buildReport(s, allAccess('local'), { grain: 'month', asOf: AS_OF });
    assert.deepEqual(await report(later), await report(then));
  });

  test('an explicit range reaching past the instant stops at it', async () => {
    const range = { ...ALL, from: '2025-06-01', to: '2025-07-31' };
    const a = await kpiHeadline(ctx(later), range);
    const b = await kpiHeadline(ctx(then), range);
    assert.equal(a.offers, b.offers);
    assert.equal(a.accepted, b.accepted);
    assert.equal(a.pending, b.pending);
  });
});
