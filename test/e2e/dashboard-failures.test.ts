/**
 * The dashboard when things go wrong, in real Chromium: a link that filters on a member the model
 * does not have, a store without offers, and a server that stops mid-session and comes back.
 * Each gets one clear message (not one error per panel) and the page recovers by itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { KpiResponse } from '../../src/insights/api-types.js';
import { buildApp } from '../../src/server/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { DEMO_CLOCK, browserMissing, buildDashboard, launchBrowser, startDemoServer, type BuiltDashboard, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";

describe('dashboard failure states in Chromium', { skip: missing ?? false }, () => {
  let built: BuiltDashboard;
  let server: DemoServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }
  const waitReady = (page: Page) => page.waitForFunction(READY, null, { timeout: 60_000 });

  before(async () => {
    built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 20_000 });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    assert.deepEqual(pageErrors, []);
  });

  test('a URL filter on a member the model lacks: one message, the filter dropped, a link to the valid view', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/?filter=Customers.nope%3Dx&filter=Customers.accountSize%3Denterprise`);
    await waitReady(page);
    const banner = page.locator('.banner');
    assert.match((await banner.textContent()) ?? '', /This link filters on Customers\.nope, which is not a dimension of the model: that filter was left out/);
    // No panel shows an error; the page shows the valid part of the view (the account-size filter).
    assert.equal(await page.locator('.state-error').count(), 0);
    const filters = JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]);
    const kpi = (await (await fetch(`${server.url}/api/v1/kpi?${new URLSearchParams({ from: '2024-07-01', to: '2025-06-30', filters })}`)).json()) as KpiResponse;
    assert.equal(Number(await page.getByTestId('headline-rate').getAttribute('data-value')), kpi.rate);
    await page.getByTestId('valid-view').click();
    await waitReady(page);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('filter'), ['Customers.accountSize=enterprise']);
    assert.equal(await banner.textContent(), '');
    await page.close();
  });

  test('an empty store: one onboarding card with the ingest command, no empty panels, no Markdown backticks', async () => {
    const store = await DuckDbStore.open(':memory:');
    const { app } = await buildApp({ store, dev: true, clock: () => DEMO_CLOCK, webDir: built.dir, logLevel: 'silent' });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const page = await newPage();
      await page.goto(`${url}/`);
      await waitReady(page);
      const card = page.getByTestId('onboarding');
      assert.ok(await card.isVisible());
      assert.match((await card.textContent()) ?? '', /uprate ingest customers\.csv offers\.csv/);
      const text = await page.locator('main').innerText();
      assert.equal((text.match(/No offers yet/g) ?? []).length, 1, text);
      assert.doesNotMatch(text, /`/);
      for (const id of ['headline', 'trend', 'alerts', 'insights', 'leaderboard']) assert.equal(await page.locator(`#${id}`).isVisible(), false, id);
      await page.close();
    } finally {
      await app.close();
      await store.close();
    }
  });

  test('the server stops mid-session: one banner, retries, and the page recovers by itself when it is back', async () => {
    const store = await DuckDbStore.open(':memory:');
    const { generateDemo } = await import('../../src/demo/index.js');
    await generateDemo(store, { rows: 5_000, seed: 7, end: new Date('2025-06-30T23:59:59Z') });
    const serve = async (port: number) => {
      const { app } = await buildApp({ store, dev: true, clock: () => DEMO_CLOCK, webDir: built.dir, logLevel: 'silent' });
      return { app, url: await app.listen({ host: '127.0.0.1', port }) };
    };
    let running = await serve(0);
    const port = Number(new URL(running.url).port);
    try {
      const page = await newPage();
      await page.goto(`${running.url}/`);
      await waitReady(page);
      const before = await page.getByTestId('headline-rate').getAttribute('data-value');
      await running.app.close();
      // A control touched while the server is down.
      await page.getByTestId('range').selectOption('3m');
      const banner = page.locator('.banner[data-state=lost]');
      await banner.waitFor({ timeout: 20_000 });
      assert.match((await banner.textContent()) ?? '', /Lost contact with the uprate server/);
      assert.equal(await page.locator('.banner').count(), 1);
      assert.equal(await page.locator('.state-error').count(), 0, 'no panel shows its own error');
      // Back on the same address: the page finds it without a click and draws the view asked for.
      running = await serve(port);
      await page.waitForFunction("document.querySelector('.banner').textContent === ''", null, { timeout: 40_000 });
      await waitReady(page);
      assert.match(page.url(), /range=3m/);
      const kpi = (await (await fetch(`${running.url}/api/v1/kpi?from=2025-04-01&to=2025-06-30`)).json()) as KpiResponse;
      assert.equal(Number(await page.getByTestId('headline-rate').getAttribute('data-value')), kpi.rate);
      assert.notEqual(before, null);
      assert.equal(await page.locator('.state-error').count(), 0);
      await page.close();
    } finally {
      await running.app.close();
      await store.close();
    }
  });
});
