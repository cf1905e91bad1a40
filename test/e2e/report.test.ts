/**
 * The monthly report: the HTML file opens in Chromium with the network off and every chart is
 * drawn (inline SVG); the Markdown carries the same numbers; the CLI writes both. Counts are
 * checked against plain SQL on the store.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../../src/demo/index.js';
import type { KpiContext } from '../../src/insights/index.js';
import { loadModel, shippedModelDir } from '../../src/model/index.js';
import { collectMonthlyReport, renderReportHtml, renderReportMarkdown, type MonthlyReport } from '../../src/report-html/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../../src/stats/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { uprate } from '../cli-helpers.js';
import { ARTIFACTS, DEMO_CLOCK, DEMO_END, browserMissing, launchBrowser } from './harness.js';
import { allAccess } from '../../src/query/index.js';

const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

describe('monthly report', () => {
  let store: DuckDbStore;
  let report: MonthlyReport;
  let html: string;
  let markdown: string;
  const dir = mkdtempSync(join(tmpdir(), 'uprate-report-'));

  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await generateDemo(store, { rows: 60_000, seed: 42, end: DEMO_END });
    const ctx: KpiContext = {
      store,
      model: await loadModel(shippedModelDir()),
      asOf: DEMO_CLOCK,
      access: allAccess('local'),
      windowDays: 30,
      thresholds: DEFAULT_BAND_THRESHOLDS,
      target: 0.2,
      level: 0.95,
      method: 'wilson',
    };
    report = await collectMonthlyReport(ctx);
    html = renderReportHtml(report);
    markdown = renderReportMarkdown(report);
  });

  after(async () => {
    await store?.close();
  });

  test('reports the last month that ended, with counts that plain SQL agrees with', async () => {
    assert.equal(report.month, '2025-06');
    assert.deepEqual([report.from, report.to], ['2025-06-01', '2025-06-30']);
    const [sql] = await store.query<{ n: bigint; k: bigint }>(
      `SELECT count(*) AS n,
              count(*) FILTER (WHERE accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-01 12:00:00') AS k
         FROM offers WHERE offered_at >= TIMESTAMP '2025-06-01' AND offered_at < TIMESTAMP '2025-07-01'`,
    );
    assert.equal(report.kpi.offers, Number(sql?.n));
    assert.equal(report.kpi.accepted, Number(sql?.k));
    assert.equal(report.trend.points.length, 13);
    assert.equal(report.trend.points.at(-1)?.period, '2025-06-01');
    assert.equal(report.breakdowns.length, 6);
  });

  test('HTML and Markdown carry the same numbers', () => {
    const rate = pct.format(report.kpi.rate ?? Number.NaN);
    assert.ok(html.includes(`>${rate}<`), `headline ${rate} in the HTML`);
    assert.ok(markdown.includes(`**Conversion rate ${rate}**`), `headline ${rate} in the Markdown`);
    for (const b of report.breakdowns) {
      for (const r of b.data.rows) {
        if (r.rate === null) continue;
        const shown = pct.format(r.rate);
        assert.ok(markdown.includes(`| ${shown} |`), `${b.title} ${r.label} ${shown} in the Markdown`);
      }
    }
    assert.ok(report.leaderboard, 'the shipped model names the offer: the report has a leaderboard');
    for (const r of report.leaderboard.rows) {
      const shown = pct.format(r.shrunkenRate);
      assert.ok(html.includes(`<strong>${shown}</strong>`), `${r.offer} ${shown} in the HTML`);
      assert.ok(markdown.includes(`| ${shown} |`), `${r.offer} ${shown} in the Markdown`);
    }
    // Self-contained: no script, no stylesheet link, no remote anything.
    assert.doesNotMatch(html, /<script|<link |src="http|href="http|@import/i);
  });

  test('the HTML opens offline in Chromium and every chart is drawn', { skip: browserMissing() ?? false }, async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const browser = await launchBrowser({ offline: true });
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(file).toString());
      assert.deepEqual(requests, [pathToFileURL(file).toString()], 'the file asked for nothing else');
      assert.deepEqual(errors, []);
      const charts = page.locator('figure.chart');
      assert.equal(await charts.count(), 7, 'trend and six breakdowns');
      for (let i = 0; i < 7; i++) {
        const figure = charts.nth(i);
        const svg = figure.locator('svg').first();
        const box = await svg.boundingBox();
        assert.ok(box && box.width > 200 && box.height > 80, `chart ${await figure.getAttribute('data-chart')} has a size`);
        // Drawn: axis labels as text and marks as paths.
        assert.ok((await svg.locator('path').count()) > 10, `chart ${await figure.getAttribute('data-chart')} has marks`);
        assert.ok((await svg.locator('text').count()) > 3, `chart ${await figure.getAttribute('data-chart')} has labels`);
      }
      const trendText = (await charts.first().locator('svg text').allTextContents()).join(' ');
      // Every month labelled by its short name, the year under the first month and January (issue 15).
      assert.match(trendText, /Jan\s*2025/);
      assert.match(trendText, /May Jun/);
      assert.match(trendText, /provisional/);
      assert.ok((await page.locator('figure.bullet svg rect').count()) >= 4, 'the headline bullet is drawn');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.setViewportSize({ width: 1024, height: 800 });
      await page.screenshot({ path: join(ARTIFACTS, 'report-1024.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test('uprate report --format html|md writes the monthly report', () => {
    const db = join(dir, 'demo.duckdb');
    const demo = uprate(['demo', '--rows', '5000', '--seed', '7', '--end', '2025-06-30', '--db', db, '--no-serve']);
    assert.equal(demo.code, 0, demo.stderr);
    const out = join(dir, 'cli.html');
    const r = uprate(['report', '--db', db, '--format', 'html', '--out', out, '--month', '2025-05', '--as-of', '2025-07-01T12:00:00Z']);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /<h1>Upsell &amp; cross-sell conversion — May 2025<\/h1>/);
    assert.equal((text.match(/<figure class="chart"/g) ?? []).length, 7);
    const md = uprate(['report', '--db', db, '--format', 'md', '--month', '2025-05', '--as-of', '2025-07-01T12:00:00Z', '--locale', 'de-DE']);
    assert.equal(md.code, 0, md.stderr);
    // --locale de-DE translates the words too (src/report-html/messages.ts).
    assert.match(md.stdout, /^# Upsell- & Cross-Sell-Konversion — Mai 2025/);
    const bad = uprate(['report', '--db', db, '--format', 'html', '--month', '2025-13']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--month must be YYYY-MM, not '2025-13'/);
  });
});
