/**
 * The dashboard in real headless Chromium (Debian's, driven by playwright-core) against demo data
 * served in-process. Expected numbers come from the API itself and from plain SQL on the store,
 * formatted with Intl directly, never from the page's own code.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import type { KpiResponse, LeaderboardResponse, TimeseriesResponse } from '../../src/insights/api-types.js';
import { parseCsv } from '../../web/src/csv.js';
import { ARTIFACTS, browserMissing, buildDashboard, launchBrowser, startDemoServer, type BuiltDashboard, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";
const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

describe('dashboard in Chromium', { skip: missing ?? false }, () => {
  let built: BuiltDashboard;
  let server: DemoServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const consoleErrors: string[] = [];

  async function api<T>(path: string, params: Record<string, string>): Promise<T> {
    const res = await fetch(`${server.url}${path}?${new URLSearchParams(params)}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  async function waitReady(p: Page = page): Promise<void> {
    await p.waitForFunction(READY, null, { timeout: 60_000 });
  }

  async function headlineValue(): Promise<{ value: number; text: string }> {
    const el = page.getByTestId('headline-rate');
    return { value: Number(await el.getAttribute('data-value')), text: (await el.textContent()) ?? '' };
  }

  /** The trend canvas as a data URL: a different picture means a different chart. */
  const trendPixels = () => page.evaluate<string>("document.querySelector('[data-testid=trend-chart] canvas').toDataURL()");
  const trendLabel = () => page.getByTestId('trend-chart').getAttribute('aria-label');

  async function downloadCsv(panelId: string): Promise<string[][]> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#${panelId} [data-action=csv]`).click()]);
    // Named after the view: `uprate-<panel>-<from>..<to>[-<filter values>].csv` (exact names: exports.test.ts).
    assert.match(download.suggestedFilename(), new RegExp(`^uprate-${panelId}-\\d{4}-\\d{2}(-\\d{2})?\\.\\.\\d{4}-\\d{2}(-\\d{2})?(-[a-z0-9-]+)?\\.csv$`));
    return parseCsv(readFileSync(await download.path(), 'utf8'));
  }

  before(async () => {
    built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 60_000 });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('loads on demo data; the headline is the API\'s number, and plain SQL agrees', async () => {
    const started = Date.now();
    await page.goto(`${server.url}/`);
    await page.getByTestId('headline-rate').waitFor({ timeout: 60_000 });
    await waitReady();
    // Default view: the last 12 calendar months up to the last day with offers (the demo's end).
    const kpi = await api<KpiResponse>('/api/v1/kpi', { from: '2024-07-01', to: '2025-06-30' });
    const shown = await headlineValue();
    assert.equal(shown.value, kpi.rate);
    assert.equal(shown.text, pct.format(kpi.rate ?? Number.NaN));
    const [sql] = await server.store.query<{ n: bigint; k: bigint }>(
      `SELECT count(*) AS n,
              count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-01 12:00:00') AS k
         FROM offers WHERE offered_at >= TIMESTAMP '2024-07-01' AND offered_at < TIMESTAMP '2025-07-01'`,
    );
    assert.equal(kpi.offers, Number(sql?.n));
    assert.equal(kpi.accepted, Number(sql?.k));
    assert.equal(await page.getByTestId('tile-offers').locator('.tile-value').textContent(), Number(sql?.n).toLocaleString('en-US'));
    // Every panel drew: the trend and six breakdown charts, the leaderboard, the insights.
    assert.equal(await page.locator('.chart canvas').count(), 7);
    assert.ok((await page.locator('[data-testid=leaderboard] tbody tr').count()) >= 12);
    assert.ok((await page.locator('[data-testid=insights] li').count()) >= 1);
    assert.equal(await trendLabel(), 'Conversion rate per month, 12 periods');
    console.log(`# dashboard loaded and drawn in ${Date.now() - started} ms (wall clock, including chart animation start)`);
  });

  test('changing the date range changes the charts, the headline and the URL', async () => {
    const before = await trendPixels();
    await page.getByTestId('range').selectOption('3m');
    await waitReady();
    assert.match(page.url(), /[?&]range=3m/);
    assert.equal(await trendLabel(), 'Conversion rate per month, 3 periods');
    assert.notEqual(await trendPixels(), before);
    const kpi = await api<KpiResponse>('/api/v1/kpi', { from: '2025-04-01', to: '2025-06-30' });
    assert.equal((await headlineValue()).value, kpi.rate);
    // The view marks its start before its first call goes out: the bench times a control change from it.
    const order = await page.evaluate<{ view: number; calls: number[] }>(`(() => ({
      view: performance.getEntriesByName('uprate:view', 'mark').at(-1).startTime,
      calls: performance.getEntriesByType('resource').filter((e) => /\\/api\\/v1\\/\\w+\\?from=2025-04-01/.test(e.name)).map((e) => e.startTime),
    }))()`);
    assert.ok(order.calls.length >= 5, `the view's calls: ${order.calls.length}`);
    assert.ok(order.calls.every((t) => t >= order.view), `the view's mark at ${order.view} ms, its calls from ${Math.min(...order.calls)} ms`);

    // A custom range typed into the date fields lands in the URL as from/to.
    await page.getByTestId('ctl-from').fill('2025-01-01');
    await waitReady();
    assert.match(page.url(), /from=2025-01-01&to=2025-06-30/);
    assert.equal(await trendLabel(), 'Conversion rate per month, 6 periods');
  });

  test('a segment filter changes the charts, the headline and the URL', async () => {
    await page.goto(`${server.url}/`);
    await waitReady();
    const before = await trendPixels();
    const all = await headlineValue();
    // The values' query held back: the value list says it is busy until they are listed (the bench waits for that).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const valuesQuery = (url: URL) => url.pathname.endsWith('/cubejs-api/v1/load') && /"dimensions":\["Customers\.accountSize"\]/.test(url.searchParams.get('query') ?? '');
    await page.route(valuesQuery, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByTestId('filter-dimension').selectOption('Customers.accountSize');
    assert.equal(await page.getByTestId('filter-value').getAttribute('aria-busy'), 'true');
    // Another member chosen while those load: its values are listed, and the held answer, when it
    // comes, neither replaces them nor marks the list ready early.
    await page.getByTestId('filter-dimension').selectOption('Customers.region');
    await page.locator('[data-testid=filter-value] option[value=europe]').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('filter-value').getAttribute('aria-busy'), null);
    const stale = page.waitForResponse((r) => valuesQuery(new URL(r.url())));
    release();
    await stale;
    await page.waitForTimeout(100);
    const listed = await page.locator('[data-testid=filter-value] option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
    assert.ok(listed.includes('europe') && !listed.includes('enterprise'), `the value list after the earlier member's answer: ${listed.join(', ')}`);
    await page.unroute(valuesQuery);
    await page.getByTestId('filter-dimension').selectOption('Customers.accountSize');
    await page.locator('[data-testid=filter-value] option[value=enterprise]').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('filter-value').getAttribute('aria-busy'), null);
    await page.getByTestId('filter-value').selectOption('enterprise');
    await page.getByTestId('filter-add').click();
    await waitReady();
    assert.match(page.url(), /[?&]filter=Customers\.accountSize%3Denterprise/);
    const filters = JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]);
    const kpi = await api<KpiResponse>('/api/v1/kpi', { from: '2024-07-01', to: '2025-06-30', filters });
    const shown = await headlineValue();
    assert.equal(shown.value, kpi.rate);
    assert.notEqual(shown.value, all.value);
    assert.notEqual(await trendPixels(), before);
    // The account-size breakdown now holds enterprise offers only.
    const csv = await downloadCsv('by-accountSize');
    const withOffers = csv.slice(1).filter((r) => Number(r[1]) > 0);
    assert.deepEqual(withOffers.map((r) => r[0]), ['enterprise']);
    // The filter chip removes it again, from the keyboard.
    await page.getByRole('button', { name: /Remove filter/ }).focus();
    await page.keyboard.press('Enter');
    await waitReady();
    assert.doesNotMatch(page.url(), /filter=/);
    assert.equal((await headlineValue()).value, all.value);
  });

  test('CSV downloads hold the API\'s data', async () => {
    const params = { from: '2024-07-01', to: '2025-06-30' };
    const board = await api<LeaderboardResponse>('/api/v1/leaderboard', params);
    const csv = await downloadCsv('leaderboard');
    const header = csv[0] ?? [];
    const col = (name: string) => header.indexOf(name);
    assert.equal(csv.length - 1, board.rows.length);
    board.rows.forEach((row, i) => {
      const line = csv[i + 1] ?? [];
      assert.equal(line[col('offer')], row.offer ?? '');
      assert.equal(Number(line[col('offers')]), row.offers);
      assert.equal(Number(line[col('accepted')]), row.accepted);
      assert.equal(Number(line[col('shrunken_rate')]), row.shrunkenRate);
      assert.equal(line[col('small_sample')], String(row.smallSample));
    });
    const ts = await api<TimeseriesResponse>('/api/v1/timeseries', { ...params, grain: 'month' });
    const trend = await downloadCsv('trend');
    assert.deepEqual(trend.slice(1).map((r) => [r[0], Number(r[2]), Number(r[3]), r[5] === '' ? null : Number(r[5])]), ts.points.map((p) => [p.period, p.offers, p.accepted, p.rate]));
    const headline = await downloadCsv('headline');
    const kpi = await api<KpiResponse>('/api/v1/kpi', params);
    assert.equal(Number(headline[1]?.[(headline[0] ?? []).indexOf('rate')]), kpi.rate);
  });

  test('each chart exports a PNG', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#trend [data-action=png]').click()]);
    assert.equal(download.suggestedFilename(), 'uprate-trend-2024-07..2025-06.png');
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(await page.locator('.panel-breakdown [data-action=png]:visible').count(), 6);
  });

  test('the leaderboard sorts from the keyboard', async () => {
    const header = page.locator('[data-testid=leaderboard] th').filter({ hasText: 'Accepted / offers' });
    await header.locator('button').focus();
    await page.keyboard.press('Enter');
    assert.match((await page.locator('[data-testid=leaderboard] th[aria-sort=descending]').textContent()) ?? '', /^Accepted \/ offers.* ↓$/);
    const counts = await page.locator('[data-testid=leaderboard] tbody tr td:nth-child(5)').allTextContents();
    const offers = counts.map((c) => Number(c.split('/')[1]?.replace(/,/g, '')));
    assert.deepEqual(offers, [...offers].sort((a, b) => b - a));
  });

  test('screenshots at 1280×800 and 390×844; JS size and first meaningful render printed', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shots: [number, number][] = [[1280, 800], [390, 844]];
    for (const [width, height] of shots) {
      const p = await browser.context.newPage();
      await p.setViewportSize({ width, height });
      await p.goto(`${server.url}/`);
      await waitReady(p);
      const render = await p.evaluate<number | null>("performance.getEntriesByName('uprate:headline')[0]?.startTime ?? null");
      // Nothing wider than the screen: readable without sideways scrolling.
      assert.ok((await p.evaluate<number>('document.documentElement.scrollWidth')) <= width, `page wider than ${width}px`);
      await p.waitForTimeout(1200); // chart entry animations
      await p.screenshot({ path: join(ARTIFACTS, `dashboard-${width}x${height}.png`), fullPage: true });
      await p.screenshot({ path: join(ARTIFACTS, `dashboard-${width}x${height}-first-screen.png`) });
      console.log(`# first meaningful render (headline on screen) at ${width}x${height}: ${render === null ? 'n/a' : `${Math.round(render)} ms`} after navigation start`);
      await p.close();
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`# dashboard JavaScript: ${kb(built.jsBytes)} (${kb(built.jsGzipBytes)} gzip) — ${built.files.map((f) => `${f.name} ${kb(f.bytes)} / ${kb(f.gzipBytes)} gzip`).join('; ')}`);
  });

  test('a server with tokens: the page asks for one, keeps it for the tab, and loads', async () => {
    const secret = 'e2e-secret-of-32-bytes-at-least-for-tests';
    const guarded = await startDemoServer({ webDir: built.dir, secret, store: server.store });
    const p = await browser.context.newPage();
    try {
      await p.goto(`${guarded.url}/`);
      await p.locator('#token-dialog').waitFor();
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(secret));
      await p.locator('#token-input').fill(token);
      await p.locator('#token-dialog button[type=submit]').click();
      await p.getByTestId('headline-rate').waitFor({ timeout: 60_000 });
      await waitReady(p);
      assert.equal(await p.evaluate<string | null>("sessionStorage.getItem('uprate.token')"), token);
    } finally {
      await p.close();
      await guarded.close();
    }
  });

  test('no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
