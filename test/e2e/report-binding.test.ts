/**
 * The monthly report on a model that is not uprate's (the seed's `UpsellOffers` cube, bound with
 * offers, accepted, time and customer only): it renders, its rate is plain SQL's
 * sum(successful) / sum(total), and it claims nothing the model lacks — no offer types, no
 * conversion window, no revenue, no benchmarks, no leaderboard, no breakdowns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KpiContext } from '../../src/insights/index.js';
import { bindKpi } from '../../src/kpi/index.js';
import { loadModel } from '../../src/model/index.js';
import { collectMonthlyReport, renderReportHtml, renderReportMarkdown, type MonthlyReport } from '../../src/report-html/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { DEMO_CLOCK } from './harness.js';
import { SEED_BINDING, SEED_MODEL_DIR, SEED_RATE_SQL, seedDatabase } from './seed-model.js';
import { demoContext } from '../judgements/demo-context.js';

const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

describe('monthly report on a user\'s model (UpsellOffers)', () => {
  let seed: Awaited<ReturnType<typeof seedDatabase>>;
  let store: DuckDbStore;
  let report: MonthlyReport;
  let html: string;
  let markdown: string;

  before(async () => {
    seed = await seedDatabase();
    store = await DuckDbStore.open(seed.file);
    const model = await loadModel(SEED_MODEL_DIR);
    const ctx: KpiContext = { ...demoContext(store, model, DEMO_CLOCK), binding: bindKpi(model, SEED_BINDING) };
    report = await collectMonthlyReport(ctx);
    html = renderReportHtml(report);
    markdown = renderReportMarkdown(report);
  });

  after(async () => {
    await store?.close();
    seed?.remove();
  });

  test('reports June 2025 with plain SQL\'s rate', async () => {
    assert.equal(report.month, '2025-06');
    const [sql] = await store.query<{ n: bigint | number; k: bigint | number }>(SEED_RATE_SQL('2025-06-01', '2025-06-30'));
    assert.equal(report.kpi.offers, Number(sql?.n));
    assert.equal(report.kpi.accepted, Number(sql?.k));
    const rate = Number(sql?.k) / Number(sql?.n);
    assert.equal(report.kpi.rate, rate);
    assert.ok(html.includes(`>${pct.format(rate)}<`), 'the rate in the HTML');
    assert.ok(markdown.includes(`**Conversion rate ${pct.format(rate)}**`), 'the rate in the Markdown');
    assert.equal(report.trend.points.length, 13);
  });

  test('leaves out what the binding lacks', () => {
    assert.deepEqual(report.breakdowns, []);
    assert.equal(report.leaderboard, null);
    assert.deepEqual(report.coverage, { offerTypes: false, customers: true, revenue: false, pending: false, offerNames: false, industries: false, window: false });
    const absent = (text: string, pattern: RegExp, what: string) => assert.equal(pattern.exec(text)?.[0] ?? null, null, what);
    for (const [format, text] of [['HTML', html], ['Markdown', markdown]] as const) {
      absent(text, /cross[- ]sell|offer type|upsell and/i, `${format}: no offer types`);
      absent(text, /conversion window|within \d+ days|-day window/i, `${format}: no conversion window`);
      absent(text, /expansion revenue|benchmark/i, `${format}: no revenue or benchmarks`);
      absent(text, /leaderboard|by segment/i, `${format}: no leaderboard or breakdowns`);
      absent(text, /\b(Offers|Customers)\.[a-z]/, `${format}: no shipped member names`);
      // The customer dimension is bound: the customer-level rate is shown.
      assert.match(text, /Customer conversion/, `${format}: the customer-level rate`);
    }
    assert.match(markdown, /^# Offer conversion — Jun 2025/);
    assert.match(html, /<h1>Offer conversion — Jun 2025<\/h1>/);
    assert.match(markdown, /\| Offers \| Accepted \| Customer conversion \|\n/);
    // The customer dimension is bound: intervals allow for repeat offers to the same customer.
    assert.match(html, /allow for repeat offers to the same customer/);
  });
});
