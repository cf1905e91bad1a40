/**
 * The dashboard in Chromium on a model that is not uprate's: the seed's `UpsellOffers` cube over a
 * table made with plain SQL in a scratch DuckDB file, bound with offers, accepted, time and
 * customer only. The headline is plain SQL's sum(successful) / sum(total); what the model lacks
 * (offer type, leaderboard, breakdowns) is left out and said; without a binding that fits, the page
 * says why instead of drawing panels. No console errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadModel } from '../../src/model/index.js';
import { buildApp } from '../../src/server/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { ARTIFACTS, DEMO_CLOCK, browserMissing, buildDashboard, launchBrowser, type BuiltDashboard } from './harness.js';
import { SEED_BINDING, SEED_MODEL_DIR, SEED_RATE_SQL, seedDatabase } from './seed-model.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";
const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

describe('dashboard in Chromium on a user\'s model (UpsellOffers)', { skip: missing ?? false, timeout: 300_000 }, () => {
  let built: BuiltDashboard;
  let seed: Awaited<ReturnType<typeof seedDatabase>>;
  let store: DuckDbStore;
  const apps: FastifyInstance[] = [];
  let browser: { context: BrowserContext; close(): Promise<void> };
  const consoleErrors: string[] = [];

  /** The seed served on 127.0.0.1 (port 0), with the dashboard; `kpi` undefined: the shipped defaults. */
  async function serve(kpi: typeof SEED_BINDING | undefined): Promise<string> {
    const { app } = await buildApp({
      store,
      dev: true,
      clock: () => DEMO_CLOCK,
      webDir: built.dir,
      logLevel: 'silent',
      model: await loadModel(SEED_MODEL_DIR),
      ...(kpi ? { kpiSettings: { kpi } } : {}),
    });
    apps.push(app);
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  async function open(url: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(READY, null, { timeout: 60_000 });
    return page;
  }

  before(async () => {
    built = await buildDashboard();
    seed = await seedDatabase();
    store = await DuckDbStore.open(seed.file);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const app of apps) await app.close();
    await store?.close();
    seed?.remove();
  });

  test('the headline is plain SQL\'s sum(successful) / sum(total); what the model lacks is left out', async () => {
    const page = await open(`${await serve(SEED_BINDING)}/`);
    // Default view: the last 12 calendar months up to the last day with offers (2025-06-30).
    const [sql] = await store.query<{ n: bigint | number; k: bigint | number }>(SEED_RATE_SQL('2024-07-01', '2025-06-30'));
    const rate = Number(sql?.k) / Number(sql?.n);
    const el = page.getByTestId('headline-rate');
    assert.equal(Number(await el.getAttribute('data-value')), rate);
    assert.equal(await el.textContent(), pct.format(rate));
    assert.equal(await page.getByTestId('tile-offers').locator('.tile-value').textContent(), Number(sql?.n).toLocaleString('en-US'));
    assert.equal(await page.getByTestId('tile-customers').count(), 1, 'the customer is bound: the customer-level rate');
    assert.equal(await page.getByTestId('tile-revenue').count(), 0, 'no revenue measure: no revenue tile');
    // The trend is drawn; no offer type, no leaderboard, no breakdowns (the binding lists no dimensions).
    await page.getByTestId('trend-chart').locator('canvas').waitFor();
    assert.equal(await page.getByTestId('offer-type').count(), 0);
    assert.equal(await page.locator('#leaderboard').isVisible(), false);
    assert.equal(await page.locator('.panel-breakdown').count(), 0);
    const heading = (await page.locator('h1').textContent()) ?? '';
    assert.equal(heading, 'Offer conversion');
    // The headline, the scope and the controls claim no offer types and no conversion window.
    for (const where of ['#headline', '[data-testid=scope]', '.controls-box', 'footer']) {
      assert.doesNotMatch(await page.locator(where).innerText(), /upsell|cross-sell|within \d+ days|-day window|revenue/i, where);
    }
    // What is not available, said plainly under the headline.
    const note = page.getByTestId('capabilities-unavailable');
    assert.match((await note.locator('summary').textContent()) ?? '', /^Not available with this model: .*offer leaderboard/);
    assert.match((await note.textContent()) ?? '', /bind kpi\.offerName/);
    // The filter lists no dimensions but the prompt (none are bound).
    assert.equal(await page.locator('[data-testid=filter-dimension] option').count(), 1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-user-model-1280x800.png'), fullPage: true });
    await page.close();
  });

  test('without a binding that fits the model, the page says why instead of drawing panels', async () => {
    const page = await open(`${await serve(undefined)}/`);
    const problems = page.getByTestId('binding-problems');
    assert.match((await problems.textContent()) ?? '', /not bound to this model/);
    assert.match((await problems.textContent()) ?? '', /offers: Offers\.count is not a member of the model/);
    assert.match((await problems.textContent()) ?? '', /Cubes in this model: UpsellOffers\./);
    assert.equal(await page.getByTestId('headline-rate').count(), 0);
    assert.equal(await page.locator('.panel-breakdown').count(), 0);
    await page.close();
  });

  test('no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
