/**
 * Saved views and annotations in real headless Chromium: a filtered view saved under a name is
 * opened again from the list on the plain page (same URL, same headline as the API gives for that
 * filter); a note added from the page is stored (GET /api/v1/annotations) and drawn on the trend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { KpiResponse } from '../../src/insights/api-types.js';
import { browserMissing, buildDashboard, launchBrowser, startDemoServer, type BuiltDashboard, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";
const NAME = 'Enterprise by quarter';
const STATE = 'grain=quarter&filter=Customers.accountSize%3Denterprise';

describe('saved views and annotations in Chromium', { skip: missing ?? false }, () => {
  let built: BuiltDashboard;
  let server: DemoServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;

  async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${server.url}${path}?${new URLSearchParams(params)}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }
  const waitReady = () => page.waitForFunction(READY, null, { timeout: 60_000 });
  const headline = async () => Number(await page.getByTestId('headline-rate').getAttribute('data-value'));

  before(async () => {
    built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 20_000 });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a filtered view saved by name opens again from the list on the plain page', async () => {
    // The default range: the last 12 months up to the demo's last day; the API's number for the filter.
    const filters = JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]);
    const enterprise = await api<KpiResponse>('/api/v1/kpi', { from: '2024-07-01', to: '2025-06-30', filters });
    const everyone = await api<KpiResponse>('/api/v1/kpi', { from: '2024-07-01', to: '2025-06-30' });
    assert.notEqual(enterprise.rate, everyone.rate);

    await page.goto(`${server.url}/?${STATE}`);
    await waitReady();
    assert.equal(await headline(), enterprise.rate);
    await page.getByTestId('saved-views').locator('summary').click();
    await page.getByTestId('view-name').fill(NAME);
    await page.getByTestId('save-view').click();
    await page.locator(`[data-testid=saved-view][data-name="${NAME}"]`).waitFor({ timeout: 30_000 });
    const stored = await api<{ views: { name: string; state: string }[] }>('/api/v1/views');
    assert.deepEqual(stored.views.map((v) => [v.name, v.state]), [[NAME, STATE]]);

    await page.goto(`${server.url}/`);
    await waitReady();
    assert.equal(await headline(), everyone.rate);
    await page.getByTestId('saved-views').locator('summary').click();
    await page.locator(`[data-testid=saved-view][data-name="${NAME}"]`).click();
    await page.waitForFunction(`location.search === '?${STATE}'`, null, { timeout: 30_000 });
    await page.waitForFunction(`${READY} && document.querySelector('[data-testid=headline-rate]')?.getAttribute('data-value') === '${enterprise.rate}'`, null, { timeout: 60_000 });
    assert.equal(new URL(page.url()).search, `?${STATE}`);
    assert.equal(await headline(), enterprise.rate);
    assert.match((await page.getByTestId('scope').textContent()) ?? '', /1 filter/);
  });

  test('a note added from the page is stored and drawn on the trend', async () => {
    await page.goto(`${server.url}/?grain=quarter`);
    await waitReady();
    assert.equal(await page.getByTestId('trend-chart').getAttribute('data-annotations'), '0');
    const pixels = () => page.evaluate<string>("document.querySelector('[data-testid=trend-chart] canvas').toDataURL()");
    const before = await pixels();
    await page.getByTestId('notes').locator('summary').click();
    await page.getByTestId('note-day').fill('2025-03-10');
    await page.getByTestId('note-text').fill('pricing change');
    await page.getByTestId('add-note').click();
    // Drawn: the trend is drawn again with the note at the quarter holding 10 March.
    await page.waitForFunction("document.querySelector('[data-testid=trend-chart]')?.getAttribute('data-annotations') === '1'", null, { timeout: 60_000 });
    await waitReady();
    assert.notEqual(await pixels(), before, 'the trend is drawn differently with the note');
    const stored = await api<{ annotations: { day: string; text: string }[] }>('/api/v1/annotations', { from: '2025-01-01', to: '2025-03-31' });
    assert.deepEqual(stored.annotations.map((a) => [a.day, a.text]), [['2025-03-10', 'pricing change']]);
    await page.getByTestId('note').filter({ hasText: '2025-03-10 pricing change' }).waitFor();
    // A note outside every period of the view is listed but not drawn.
    await page.getByTestId('note-day').fill('2019-01-01');
    await page.getByTestId('note-text').fill('long ago');
    await page.getByTestId('add-note').click();
    await page.getByTestId('note').filter({ hasText: '2019-01-01 long ago' }).waitFor({ timeout: 30_000 });
    await waitReady();
    assert.equal(await page.getByTestId('trend-chart').getAttribute('data-annotations'), '1');
  });
});
