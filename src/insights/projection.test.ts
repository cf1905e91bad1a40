/**
 * Projected final rates read through the semantic layer, checked against plain SQL on the same
 * DuckDB store (the life table computed in SQL: risk sets by window sums, S by exp Σ ln), and on
 * the demo data against what an earlier month really ended at.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadFixture } from '../../test/fixture-data.js';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { generateDemo } from '../demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, answerQuery, type CubeFilterItem } from '../query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import { kaplanMeier, type KaplanMeierCurve, type LifeTableDay } from '../stats/kaplan-meier.js';
import { projectFinalRate, type AgeCount } from '../stats/projected-rate.js';
import { DuckDbStore } from '../store/index.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { projectedRates, projectionInputs, type ProjectionPeriod } from './projection.js';

const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
const W = 30;
let model: Model;

function context(store: DuckDbStore, asOf: Date, level = 0.95): KpiContext {
  return { store, model, asOf, access: allAccess('local'), windowDays: W, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level, method: 'wilson' };
}

/** SQL text of a timestamp. */
const ts = (d: Date) => `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
const ACCEPTED = (asOf: Date) => `(accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL ${W} DAY AND accepted_at <= ${ts(asOf)})`;
const DECLINED = (asOf: Date) => `(declined_at IS NOT NULL AND declined_at <= ${ts(asOf)})`;

/**
 * The life table in plain SQL: offers made from the start of the UTC day 365 days before as-of; an acceptance on day
 * ⌊days⌋ (at most W − 1); a not-accepted offer of an offered day D with ⌊as-of − (D + 1 day)⌋ < W
 * censored at that age (at least 0); risk sets n_d = N − Σ_{j<d} e_j − Σ_{j≤d} c_j.
 */
async function sqlLifeTable(store: DuckDbStore, asOf: Date, where = 'TRUE'): Promise<{ atRisk: number; events: number; censored: number; survival: number; variance: number }[]> {
  const rows = await store.query<{ d: number; at_risk: number; e: number; c: number; s: number; gw: number }>(
    `WITH o AS (
       SELECT CASE WHEN ${ACCEPTED(asOf)} THEN least(${W - 1}, CAST(floor(date_diff('second', offered_at, accepted_at) / 86400.0) AS INTEGER)) END AS event_day,
              greatest(0, CAST(floor(date_diff('second', date_trunc('day', offered_at) + INTERVAL 1 DAY, ${ts(asOf)}) / 86400.0) AS INTEGER)) AS day_age
       FROM offers LEFT JOIN customers USING (customer_id)
       WHERE offered_at >= date_trunc('day', ${ts(asOf)} - INTERVAL 365 DAY) AND offered_at < ${ts(asOf)} AND ${where}
     ),
     per_day AS (
       SELECT d, (SELECT count(*) FROM o WHERE event_day = d) AS e, (SELECT count(*) FROM o WHERE event_day IS NULL AND day_age = d) AS c
       FROM range(${W}) t(d)
     ),
     risk AS (
       SELECT d, e, c,
         (SELECT count(*) FROM o) - coalesce(sum(e) OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) - sum(c) OVER (ORDER BY d) AS at_risk
       FROM per_day
     )
     SELECT CAST(d AS INTEGER) AS d, CAST(at_risk AS DOUBLE) AS at_risk, CAST(e AS DOUBLE) AS e, CAST(c AS DOUBLE) AS c,
       exp(sum(CASE WHEN at_risk > 0 THEN ln(1 - e / at_risk) ELSE 0 END) OVER (ORDER BY d)) AS s,
       sum(CASE WHEN at_risk > e AND e > 0 THEN e / (at_risk * (at_risk - e)) ELSE 0 END) OVER (ORDER BY d) AS gw
     FROM risk ORDER BY d`,
  );
  return rows.map((r) => ({ atRisk: Number(r.at_risk), events: Number(r.e), censored: Number(r.c), survival: Number(r.s), variance: Number(r.s) ** 2 * Number(r.gw) }));
}

/** Offers, accepted, pending and declined-in-window of a period by offered day, in plain SQL, as projection inputs. */
async function sqlPeriod(store: DuckDbStore, asOf: Date, p: ProjectionPeriod, where = 'TRUE') {
  const rows = await store.query<{ day: string; n: number; k: number; pending: number }>(
    `SELECT strftime(date_trunc('day', offered_at), '%Y-%m-%d') AS day, CAST(count(*) AS DOUBLE) AS n,
       CAST(count(*) FILTER (WHERE ${ACCEPTED(asOf)}) AS DOUBLE) AS k,
       CAST(count(*) FILTER (WHERE NOT ${ACCEPTED(asOf)} AND NOT coalesce(${DECLINED(asOf)}, FALSE) AND offered_at + INTERVAL ${W} DAY > ${ts(asOf)}) AS DOUBLE) AS pending
     FROM offers LEFT JOIN customers USING (customer_id)
     WHERE offered_at >= TIMESTAMP '${p.start}' AND offered_at < TIMESTAMP '${p.end}' + INTERVAL 1 DAY AND offered_at < ${ts(asOf)} AND ${where}
     GROUP BY 1 ORDER BY 1`,
  );
  const pendingByAge: AgeCount[] = [];
  const declinedByAge: AgeCount[] = [];
  let offers = 0;
  let accepted = 0;
  for (const r of rows) {
    offers += Number(r.n);
    accepted += Number(r.k);
    const start = Date.parse(`${r.day}T00:00:00Z`);
    const lo = Math.max(0, (asOf.getTime() - start) / 86_400_000 - 1);
    const hi = Math.min(W, (asOf.getTime() - start) / 86_400_000);
    if (lo >= W) continue;
    if (Number(r.pending) > 0) pendingByAge.push({ age: (lo + hi) / 2, count: Number(r.pending) });
    const declined = Number(r.n) - Number(r.k) - Number(r.pending);
    if (declined > 0) declinedByAge.push({ age: (lo + hi) / 2, count: declined });
  }
  return { offers, accepted, pendingByAge, declinedByAge };
}

function assertSameCurve(curve: KaplanMeierCurve | null, table: Awaited<ReturnType<typeof sqlLifeTable>>, what: string): void {
  assert.ok(curve, `${what}: a curve`);
  assert.equal(curve.days.length, W);
  for (const [d, row] of table.entries()) {
    const day: LifeTableDay | undefined = curve.days[d];
    assert.deepEqual([day?.atRisk, day?.events, day?.censored], [row.atRisk, row.events, row.censored], `${what}, day ${d}: n, e, c`);
    assertClose(day?.survival, row.survival, `${what}, day ${d}: S`, 1e-12);
    assertClose(day?.variance, row.variance, `${what}, day ${d}: Var S`, 1e-9);
  }
}

before(async () => {
  model = await loadModel(shippedModelDir());
});

describe('on the fixture (3,000 offers, January–June 2025; acceptances on whole days up to 39 days after)', () => {
  let store: DuckDbStore;
  const asOf = new Date('2025-04-10T15:30:00Z');
  const periods: ProjectionPeriod[] = [
    { start: '2025-01-01', end: '2025-01-31' }, // closed long ago
    { start: '2025-03-01', end: '2025-03-31' }, // partly open
    { start: '2025-04-01', end: '2025-04-30' }, // open; offers after as-of exist in the table
    { start: '2025-04-07', end: '2025-04-10' }, // a few days
    { start: '2025-05-01', end: '2025-05-31' }, // the future
  ];
  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await loadFixture(store);
  });
  after(async () => store.close());

  test('the life table read through the model equals the one computed in SQL', async () => {
    const inputs = await projectionInputs(context(store, asOf), ALL, periods);
    const table = await sqlLifeTable(store, asOf);
    assert.ok(table.some((r) => r.censored > 0) && table.some((r) => r.events > 0));
    // an acceptance at exactly 30 days (the window's last instant) is on day 29
    assert.ok((table[W - 1]?.events ?? 0) > 0);
    assertSameCurve(inputs.curve, table, 'fixture');
  });

  test('projections equal projectFinalRate on SQL counts; closed and future periods get null', async () => {
    const got = await projectedRates(context(store, asOf), ALL, periods);
    assert.equal(got.length, periods.length);
    assert.equal(got[0], null);
    assert.equal(got[4], null);
    const table = await sqlLifeTable(store, asOf);
    const N = Number((await store.query<{ n: number }>(`SELECT CAST(count(*) AS DOUBLE) AS n FROM offers WHERE offered_at >= ${ts(asOf)} - INTERVAL 365 DAY AND offered_at < ${ts(asOf)}`))[0]?.n);
    const curve = kaplanMeier({ events: table.map((r) => r.events), censored: table.map((r) => r.censored), offers: N });
    for (const i of [1, 2, 3]) {
      const p = got[i];
      assert.ok(p, `period ${i}`);
      const inputs = await sqlPeriod(store, asOf, periods[i]!);
      const expected = projectFinalRate(inputs, curve);
      assertClose(p.rate, expected.rate, `period ${i}: rate`, 1e-12);
      assertClose(p.lower, expected.lower, `period ${i}: lower`, 1e-12);
      assertClose(p.upper, expected.upper, `period ${i}: upper`, 1e-12);
      assertClose(p.expectedAdditional, expected.expectedAdditional, `period ${i}: expected`, 1e-12, 1e-12);
      assert.equal(p.pending, inputs.pendingByAge.reduce((s, a) => s + a.count, 0));
      assert.ok(p.pending > 0);
      assert.equal(p.method, 'kaplan-meier');
      assert.equal(p.level, 0.95);
      assert.ok(p.lower <= p.rate && p.rate <= p.upper);
      assert.ok(p.lower >= inputs.accepted / inputs.offers - 1e-15 && p.upper <= (inputs.accepted + p.pending) / inputs.offers + 1e-15);
      assert.match(p.basis, /^Projected from how [\d,]+ earlier offers made from 2024-04-10 to 2025-04-10 15:30 UTC were accepted over the 30-day window/);
    }
  });

  test('filters and the offer type apply to the curve and to the periods', async () => {
    const selection: Selection = { ...ALL, offerType: 'upsell', filters: [{ member: 'Customers.accountSize', operator: 'equals', values: ['mid_market'] }] };
    const where = `offer_type = 'upsell' AND account_size = 'mid_market'`;
    const inputs = await projectionInputs(context(store, asOf, 0.9), selection, periods);
    assertSameCurve(inputs.curve, await sqlLifeTable(store, asOf, where), 'upsell, mid_market');
    const [p] = await projectedRates(context(store, asOf, 0.9), selection, [periods[2]!]);
    const sql = await sqlPeriod(store, asOf, periods[2]!, where);
    assert.ok(p && inputs.curve);
    assert.equal(p.level, 0.9);
    assertClose(p.rate, projectFinalRate(sql, inputs.curve).rate, 'rate', 1e-12);
    assert.match(p.basis, /under the same filters/);
  });

  test('no period with open offers: no query, all null; bad periods are BAD_ARGUMENT', async () => {
    assert.deepEqual(await projectedRates(context(store, asOf), ALL, [periods[0]!, periods[4]!]), [null, null]);
    assert.deepEqual(await projectedRates(context(store, asOf), ALL, []), []);
    for (const bad of [{ start: '2025-04-10', end: '2025-04-01' }, { start: '2025-02-30', end: '2025-03-01' }, { start: 'April', end: '2025-04-30' }]) {
      await assert.rejects(projectedRates(context(store, asOf), ALL, [bad]), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
    }
  });
});

describe('on demo data (200,000 offers, seed 7, ending 2025-11-20)', () => {
  let store: DuckDbStore;
  const end = new Date('2025-11-20T00:00:00Z');
  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await generateDemo(store, { rows: 200_000, seed: 7, end });
  });
  after(async () => store.close());

  /** Rate of offers made in [from, to] (inclusive days) before `madeBefore`, as of `asOf`, through the model. */
  async function rateAsOf(asOf: Date, from: string, to: string, madeBefore: Date, filters: CubeFilterItem[] = [], final = true): Promise<number> {
    const answer = await answerQuery(
      store,
      model,
      {
        measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'],
        timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: [from, to] }],
        filters: [...filters, { member: 'Offers.offeredAt', operator: 'lt', values: [madeBefore.toISOString()] }],
      },
      { now: asOf, access: allAccess('local') },
    );
    const row = answer.results[0]?.data[0];
    if (final) assert.equal(Number(row?.['Offers.pending']), 0, `${from}…${to} is final as of ${asOf.toISOString()}`);
    return Number(row?.['Offers.accepted']) / Number(row?.['Offers.count']);
  }

  const asOfSeptember = new Date('2025-09-20T00:00:00Z');
  const september = { start: '2025-09-01', end: '2025-09-30' };
  /** One region of each twin pair: the demo mirrors every offer to a north_america twin in europe (same outcome, same delays). */
  const noMirrors: Selection = { ...ALL, filters: [{ member: 'Customers.region', operator: 'notEquals', values: ['europe'] }] };

  /** September projected as of 2025-09-20, what it ended at (offers made by then, and the whole month), and a line for the log. */
  async function septemberCheck(selection: Selection) {
    const [p] = await projectedRates(context(store, asOfSeptember), selection, [september]);
    assert.ok(p);
    const filters = selection.filters as CubeFilterItem[];
    const now = await rateAsOf(asOfSeptember, september.start, september.end, asOfSeptember, filters, false);
    const same = await rateAsOf(end, september.start, september.end, asOfSeptember, filters);
    const month = await rateAsOf(end, september.start, september.end, end, filters);
    const line = `projected ${p.rate.toFixed(4)} [${p.lower.toFixed(4)}, ${p.upper.toFixed(4)}] (now ${now.toFixed(4)}, ${p.pending} pending); final: same offers ${same.toFixed(4)}, whole month ${month.toFixed(4)}`;
    return { p, now, same, month, line };
  }

  test('September 2025 as of 2025-09-20: the projection lies between the current and the final rate bounds', async (t) => {
    const { p, now, same, line } = await septemberCheck(ALL);
    t.diagnostic(`all offers: ${line}`);
    assert.ok(p.rate > now, 'the pending offers add acceptances');
    assert.ok(p.lower >= now && same >= now && same <= p.upper);
    // within 3 standard errors (the interval is ±1.96): see the todo below for why not within the interval
    assert.ok(Math.abs(p.rate - same) < (3 / 1.96) * ((p.upper - p.lower) / 2), line);
    // and the life table through the model is the SQL one on this much larger data set
    assertSameCurve((await projectionInputs(context(store, asOfSeptember), ALL, [september])).curve, await sqlLifeTable(store, asOfSeptember), 'demo');
  });

  test('September 2025 on independent offers (one twin of each pair): the interval contains the final rate', async (t) => {
    const { p, same, month, line } = await septemberCheck(noMirrors);
    t.diagnostic(`without the europe mirror twins: ${line}`);
    assert.ok(p.lower <= same && same <= p.upper, line);
    assert.ok(p.lower <= month && month <= p.upper, line);
  });

  test(
    'September 2025, all offers: the interval contains the final rate',
    {
      todo:
        'misses by 0.1 point (final 16.71 % < lower 16.82 %): 76 % of demo offers come in mirrored twin pairs with identical outcomes, ' +
        'so the binomial outcome variance is about half the real one, and the year-before curve carries the year’s average level, ' +
        'above September’s (planted season −0.1 log-odds); without the mirrors the interval contains it (test above)',
    },
    async () => {
      const { p, same, month, line } = await septemberCheck(ALL);
      assert.ok(p.lower <= same && same <= p.upper, line);
      assert.ok(p.lower <= month && month <= p.upper, line);
    },
  );

  test('months of 2025 projected as of their 20th mostly contain their final rate', async (t) => {
    let inside = 0;
    const lines: string[] = [];
    for (let m = 1; m <= 9; m++) {
      const mm = String(m).padStart(2, '0');
      const asOf = new Date(`2025-${mm}-20T00:00:00Z`);
      const last = new Date(Date.UTC(2025, m, 0)).getUTCDate();
      const [p] = await projectedRates(context(store, asOf), ALL, [{ start: `2025-${mm}-01`, end: `2025-${mm}-${last}` }]);
      assert.ok(p);
      const actual = await rateAsOf(end, `2025-${mm}-01`, `2025-${mm}-${last}`, asOf);
      if (p.lower <= actual && actual <= p.upper) inside++;
      lines.push(`2025-${mm}: projected ${p.rate.toFixed(4)} [${p.lower.toFixed(4)}, ${p.upper.toFixed(4)}], actual ${actual.toFixed(4)}`);
    }
    t.diagnostic(lines.join('; '));
    assert.ok(inside >= 7, `${inside} of 9 intervals contain the final rate:\n${lines.join('\n')}`);
  });

  test('October and November as of 2025-11-20: projections above the current rate, within their bounds', async () => {
    const asOf = end;
    const periods = [
      { start: '2025-10-01', end: '2025-10-31' },
      { start: '2025-11-01', end: '2025-11-30' },
    ];
    const got = await projectedRates(context(store, asOf), ALL, periods);
    for (const [i, p] of got.entries()) {
      assert.ok(p);
      const now = await sqlPeriod(store, asOf, periods[i]!);
      assert.ok(p.rate > now.accepted / now.offers);
      assert.ok(p.lower >= now.accepted / now.offers && p.upper <= (now.accepted + p.pending) / now.offers);
      assert.ok(p.upper - p.lower < 0.05, `${p.lower}–${p.upper}`);
    }
  });
});
