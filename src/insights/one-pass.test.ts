/**
 * One pass per view: each view asks the engine for each distinct count once (insights shares its
 * reads with the headline, the breakdowns, the leaderboard and the time series), and its answers
 * are those it gives without the memo — checked on demo data with customers missing from the
 * customers table and attributes not set, for a tenant restricted on a customer member, and as
 * of a past instant. Counts are also checked against plain SQL over the same rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, tenantAccess, type Access } from '../query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { breakdown } from './breakdown.js';
import { findInsights } from './find-insights.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { kpiHeadline } from './kpi-headline.js';
import { leaderboard } from './leaderboard.js';
import { segmentTimeseries } from './segment-timeseries.js';
import { timeseries } from './timeseries.js';
import { segmentFilter } from './top-segments.js';

const END = new Date('2025-06-30T12:00:00Z');
const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
const TENANT = tenantAccess([{ member: 'Customers.region', operator: 'notEquals', values: ['europe'] }]);
let model: Model;
let store: DuckDbStore;

before(async () => {
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 8_000, seed: 5, end: END });
  // Customers with offers but no row, and customers whose attributes are not set.
  await store.run(`DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 30)`);
  await store.run(`UPDATE customers SET account_size = NULL, industry = NULL, engagement_score = NULL WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id DESC LIMIT 40)`);
});
after(() => store.close());

/** A context on a store whose statements on the offers are recorded (the store's lookups of its own tables are not). */
function context(options: { asOf?: Date; access?: Access; memo?: boolean } = {}): { ctx: KpiContext; statements: string[] } {
  const statements: string[] = [];
  const query = store.query.bind(store);
  const spied = Object.create(store) as DuckDbStore;
  spied.query = (async (sql: string, params?: unknown[], ...rest: unknown[]) => {
    if (/\bFROM offers\b/.test(sql)) statements.push(`${sql} ${JSON.stringify(params ?? [])}`);
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, params, ...rest);
  }) as DuckDbStore['query'];
  const ctx: KpiContext = {
    store: spied,
    model,
    asOf: options.asOf ?? END,
    access: options.access ?? allAccess('local'),
    windowDays: 30,
    thresholds: DEFAULT_BAND_THRESHOLDS,
    target: 0.2,
    level: 0.95,
    method: 'wilson',
    ...(options.memo === false ? { reads: null } : {}),
  };
  return { ctx, statements };
}

describe('statements per view (default selection)', () => {
  test('insights: each distinct read once — 13 statements where it took 39', async () => {
    const { ctx, statements } = context();
    await findInsights(ctx, ALL);
    // 2 edges of the data; 1 pass for the total and the six customer attributes; offer type,
    // channel, campaign; the previous period; the acceptance curve and the open days (headline);
    // the offers by name; the months, the year before them and their open days (time series).
    assert.equal(statements.length, 13, statements.join('\n\n'));
    assert.equal(new Set(statements).size, statements.length, 'no read asked twice');
  });

  test('headline 6, a breakdown by a customer attribute 3 (by an offer dimension 4), leaderboard 3', async () => {
    const counts: Record<string, number> = {};
    const run = async (name: string, view: (ctx: KpiContext) => Promise<unknown>) => {
      const { ctx, statements } = context();
      await view(ctx);
      counts[name] = statements.length;
    };
    await run('kpi', (c) => kpiHeadline(c, ALL));
    await run('breakdown size', (c) => breakdown(c, ALL, { by: ['Customers.accountSize'] }));
    await run('breakdown channel', (c) => breakdown(c, ALL, { by: ['Offers.channel'] }));
    await run('breakdown in a range', (c) => breakdown(c, { ...ALL, from: '2025-01-01', to: '2025-03-31' }, { by: ['Customers.accountSize'] }));
    await run('leaderboard', (c) => leaderboard(c, ALL));
    // kpi: 2 edges, the total with the industries, the previous period, the curve and the open days.
    // A breakdown of a range given by the caller also reads the values seen at any time.
    assert.deepEqual(counts, { kpi: 6, 'breakdown size': 3, 'breakdown channel': 4, 'breakdown in a range': 2, leaderboard: 3 });
  });
});

describe('a series per segment (timeseries?by=) in one pass', () => {
  test('the reads do not grow with the segments: 2 segments and 8 segments take as many statements', async () => {
    const count = async (by: string) => {
      const { ctx, statements } = context({ memo: false });
      const ts = await segmentTimeseries(ctx, ALL, { grain: 'month', by });
      return { segments: ts.segments?.length ?? 0, statements: statements.length };
    };
    const types = await count('Offers.offerType');
    const names = await count('Offers.offerName');
    assert.equal(types.segments, 2);
    assert.equal(names.segments, 8);
    assert.equal(names.statements, types.statements, 'one grouped read for every segment');
  });

  // As of mid-month, with the last weeks' offers still open: each segment's projections too.
  for (const [name, options, selection] of [
    ['offer names, as of mid-month', { asOf: new Date('2025-05-17T09:00:00Z') }, ALL],
    ['account sizes (not recorded is a segment), a tenant, weeks', { access: TENANT }, { ...ALL, from: '2025-03-01', to: '2025-06-30' }],
  ] as const) {
    test(`each segment's series is the series of the selection filtered to it: ${name}`, async () => {
      const by = name.startsWith('offer') ? 'Offers.offerName' : 'Customers.accountSize';
      const grain = name.endsWith('weeks') ? 'week' : 'month';
      const { ctx } = context(options);
      const ts = await segmentTimeseries(ctx, selection, { grain, by });
      assert.ok((ts.segments?.length ?? 0) >= 4, `${ts.segments?.length} segments`);
      let projected = 0;
      for (const seg of ts.segments ?? []) {
        const value = seg.segment[by] ?? null;
        const alone = await timeseries(context({ ...options, memo: false }).ctx, { ...selection, from: ts.query.from, to: ts.query.to, filters: [segmentFilter(by, value)] }, { grain });
        assert.deepEqual(seg.points, alone.points, `${seg.label}`);
        projected += seg.points.filter((p) => p.projected !== null).length;
      }
      if (name.includes('mid-month')) assert.ok(projected > 0, 'some segments have a projected period');
      if (by === 'Customers.accountSize') assert.ok(ts.segments?.some((s) => s.segment[by] === null), 'the not-recorded segment');
    });
  }
});

describe('the same answers with and without the memo', () => {
  const cases: [string, { asOf?: Date; access?: Access }, Selection][] = [
    ['demo data, default selection', {}, ALL],
    ['a tenant restricted on a customer member', { access: TENANT }, ALL],
    ['as of a past instant', { asOf: new Date('2025-02-10T00:00:00Z') }, ALL],
    ['a range and a filter on a customer member', {}, { from: '2024-10-01', to: '2025-05-31', offerType: 'upsell', filters: [{ member: 'Customers.lifecycleStage', operator: 'notEquals', values: ['at_risk'] }] }],
  ];
  for (const [name, options, selection] of cases) {
    test(name, async () => {
      const memo = context(options).ctx;
      const none = context({ ...options, memo: false }).ctx;
      assert.deepEqual(await findInsights(memo, selection), await findInsights(none, selection));
      assert.deepEqual(await kpiHeadline(memo, selection), await kpiHeadline(none, selection));
      assert.deepEqual(await timeseries(memo, selection, { grain: 'month' }), await timeseries(none, selection, { grain: 'month' }));
    });
  }
});

describe('against plain SQL', () => {
  const t = (d: Date) => `TIMESTAMP '${d.toISOString().slice(0, 19).replace('T', ' ')}'`;

  /** Offers, accepted, pending and customers per account size (and in total) made by the instant, with the tenant's filter when given. */
  async function plain(asOf: Date, tenant: boolean): Promise<{ total: Record<string, unknown>; bySize: Record<string, unknown>[] }> {
    const ok = `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= ${t(asOf)}`;
    const pending = `NOT (${ok}) AND NOT (o.declined_at IS NOT NULL AND o.declined_at <= ${t(asOf)}) AND o.offered_at + INTERVAL 30 DAY > ${t(asOf)}`;
    const from = `offers o LEFT JOIN customers c ON o.customer_id = c.customer_id WHERE o.offered_at <= ${t(asOf)}${tenant ? ` AND (c.region <> 'europe' OR c.region IS NULL)` : ''}`;
    const measures = `count(*)::INTEGER AS offers, (count(*) FILTER (WHERE ${ok}))::INTEGER AS accepted, (count(*) FILTER (WHERE ${pending}))::INTEGER AS pending, count(DISTINCT o.customer_id)::INTEGER AS customers`;
    const [total] = await store.query(`SELECT ${measures} FROM ${from}`);
    const bySize = await store.query(`SELECT c.account_size AS size, ${measures} FROM ${from} GROUP BY 1 ORDER BY 1 NULLS LAST`);
    return { total: total ?? {}, bySize };
  }

  for (const [name, asOf, access] of [
    ['now', END, allAccess('local')],
    ['a tenant, as of a past instant', new Date('2025-02-10T00:00:00Z'), TENANT],
  ] as const) {
    test(`breakdown by account size and the headline: ${name}`, async () => {
      const { ctx } = context({ asOf, access });
      const expected = await plain(asOf, access.kind === 'tenant');
      const b = await breakdown(ctx, ALL, { by: ['Customers.accountSize'] });
      const rows = b.rows.map((r) => ({ size: r.segment['Customers.accountSize'] ?? null, offers: r.offers, accepted: r.accepted, pending: r.pending, customers: r.interval.customers }));
      assert.deepEqual(rows, expected.bySize);
      assert.equal(rows.at(-1)?.size, null, 'customers without a row or a size');
      const { offers, accepted, pending } = b.total;
      assert.deepEqual({ offers, accepted, pending, customers: b.total.interval.customers }, expected.total);
      const kpi = await kpiHeadline(ctx, ALL);
      assert.deepEqual({ offers: kpi.offers, accepted: kpi.accepted, pending: kpi.pending, customers: kpi.customers.offered }, expected.total);
    });
  }

  test('a range taken from the data: the segments seen at any time are the range\'s own (same breakdown as that range asked explicitly)', async () => {
    for (const access of [allAccess('local'), TENANT]) {
      const { ctx } = context({ access });
      const whole = await breakdown(ctx, ALL, { by: ['Customers.industry', 'Customers.region'] });
      const asked = await breakdown(ctx, { ...ALL, from: whole.query.from, to: whole.query.to }, { by: ['Customers.industry', 'Customers.region'] });
      assert.deepEqual(whole, asked);
    }
  });
});
