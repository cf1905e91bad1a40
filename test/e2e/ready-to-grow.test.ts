/**
 * "Ready to grow" in real Chromium on demo data: the panel loads after the others once scrolled
 * into view, its top row is the API's top row (GET /api/v1/opportunities, asked here directly),
 * for each customer's best offer and for an offer picked with the keyboard; the calibration
 * chart has its deciles listed under it, the caveat and the holdout plan are shown, the page's
 * filters reach it, axe finds nothing, and nothing is logged as an error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { OpportunitiesResponse } from '../../src/propensity/types.js';
import { browserMissing, openDashboard, READY, type DashboardSession, type DemoServer } from './harness.js';

const missing = browserMissing();
const PANEL_DONE = "['ready', 'error'].includes(document.getElementById('ready-to-grow')?.dataset.state ?? '')";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('"Ready to grow" in Chromium', { skip: missing ?? false, timeout: 300_000 }, () => {
  let session: DashboardSession;
  let server: DemoServer;
  let page: Page;

  async function api(params: Record<string, string>): Promise<OpportunitiesResponse> {
    const res = await fetch(`${server.url}/api/v1/opportunities?${new URLSearchParams({ limit: '10', ...params })}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as OpportunitiesResponse;
  }

  async function panelLoaded(): Promise<void> {
    await page.locator('#ready-to-grow').scrollIntoViewIfNeeded();
    await page.waitForFunction(PANEL_DONE, null, { timeout: 120_000 });
    assert.equal(await page.locator('#ready-to-grow').getAttribute('data-state'), 'ready', (await page.locator('#ready-to-grow').textContent()) ?? '');
  }

  async function topRow(): Promise<{ customer: string; probability: number; rows: number }> {
    const table = page.getByTestId('opportunities');
    return {
      customer: ((await table.getByTestId('opportunity-customer').first().textContent()) ?? '').trim(),
      probability: Number(await table.getByTestId('opportunity-probability').first().getAttribute('data-value')),
      rows: await table.locator('tbody tr').count(),
    };
  }

  before(async () => {
    session = await openDashboard({ rows: 30_000 });
    ({ server, page } = session);
  });

  after(async () => {
    await session?.close();
    assert.deepEqual(session?.consoleErrors ?? [], []);
  });

  test('waits for the other panels and to be in view, then its top row is the API\'s top row', async () => {
    assert.notEqual(await page.locator('#ready-to-grow').getAttribute('data-state'), 'ready', 'nothing is trained before the panel is in view');
    await panelLoaded();
    const expected = await api({});
    const first = expected.rows[0];
    assert.ok(first, 'the API ranks someone');
    const shown = await topRow();
    assert.equal(shown.customer, first.customer);
    assert.equal(shown.probability, first.probability);
    assert.equal(shown.rows, Math.min(10, expected.rows.length));
    assert.match((await page.getByTestId('propensity-caveat').textContent()) ?? '', /^Propensity is not uplift\./);
    assert.ok(((await page.locator('#ready-to-grow').textContent()) ?? '').includes(expected.report.upliftPlan.text), 'the holdout plan is shown');
    assert.ok(((await page.getByTestId('propensity-verdict').textContent()) ?? '').length > 0);
  });

  test('an offer picked with the keyboard: its customers, its verdict, its calibration deciles listed', async () => {
    const offers = await page.getByTestId('propensity-offer').locator('option').allTextContents();
    const offer = offers[1];
    assert.ok(offer, `offers in the picker: ${offers.join(', ')}`);
    await page.getByTestId('propensity-offer').focus();
    await page.getByTestId('propensity-offer').selectOption({ label: offer });
    await page.waitForFunction(PANEL_DONE, null, { timeout: 120_000 });
    await page.waitForFunction(`document.getElementById('ready-to-grow')?.dataset.state === 'ready'`, null, { timeout: 120_000 });
    const expected = await api({ offer });
    const shown = await topRow();
    assert.equal(shown.customer, expected.rows[0]?.customer);
    assert.equal(shown.probability, expected.rows[0]?.probability);
    const validation = expected.report.offers.find((o) => o.offerName === offer);
    assert.ok(validation);
    assert.match((await page.getByTestId('propensity-verdict').textContent()) ?? '', new RegExp(`Ranked by the ${validation.used}`));
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'ready-to-grow-offer', 'focus is back on the picker');
    const metrics = validation.used === 'model' ? validation.model : validation.baseline;
    await page.locator('#ready-to-grow .segments-list summary').click();
    assert.equal(await page.getByTestId('calibration-deciles').locator('li').count(), metrics?.calibration.length ?? 0);
    await page.getByTestId('calibration-chart').locator('canvas').waitFor();
  });

  test('the page\'s filters reach it', async () => {
    await page.goto(`${server.url}/?filter=Customers.region=europe`);
    await page.waitForFunction(READY, null, { timeout: 60_000 });
    await panelLoaded();
    const filters = JSON.stringify([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]);
    const expected = await api({ filters, ...(await page.getByTestId('propensity-offer').inputValue() ? { offer: await page.getByTestId('propensity-offer').inputValue() } : {}) });
    const shown = await topRow();
    assert.equal(shown.customer, expected.rows[0]?.customer);
    assert.equal(shown.probability, expected.rows[0]?.probability);
  });

  test('axe finds no WCAG 2.1 A/AA violation in the panel', async () => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate<{ id: string; nodes: number }[]>(
      `axe.run('#ready-to-grow', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.length })))`,
    );
    assert.deepEqual(violations, []);
  });
});
