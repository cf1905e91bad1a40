/**
 * The token flow in real headless Chromium against a demo server with a secret: the dialog says
 * how to get a token (`uprate token create`, shown as code), Esc leaves one card with a
 * keyboard-reachable "Enter an API token" button instead of empty panel shells, and a token made
 * by the CLI's own function (not the page's code) loads the dashboard, whose headline is the
 * API's number.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { KpiResponse } from '../../src/insights/api-types.js';
import { createToken, parseExpires } from '../../src/cli/token-command.js';
import { ARTIFACTS, browserMissing, buildDashboard, launchBrowser, startDemoServer, type DemoServer } from './harness.js';

const missing = browserMissing();
const SECRET = 'token-dialog-e2e-secret-of-32-bytes-at-least';
const READY = "document.documentElement.dataset.ready === 'true'";

describe('the token dialog in Chromium', { skip: missing ?? false }, () => {
  let server: DemoServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    const built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, secret: SECRET });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page opens on the dialog, which says to run `uprate token create`', async () => {
    await page.goto(`${server.url}/`);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate<boolean>("document.getElementById('token-dialog').open"), true);
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /Create one on the server's machine with uprate token create \(it signs with UPRATE_API_SECRET/);
    assert.ok(!text.includes('`'), `literal backticks in: ${text}`);
    assert.deepEqual(await dialog.locator('code').allTextContents(), ['uprate token create', 'UPRATE_API_SECRET', '--claim key=value']);
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'token-input');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'token-dialog.png') });
  });

  test('Esc: no dialog, no empty panel shells, one card whose button (focused) reopens it', async () => {
    await page.keyboard.press('Escape');
    await page.locator('#token-dialog').waitFor({ state: 'detached' });
    const card = page.getByTestId('token-needed');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /uprate token create/);
    assert.equal(await page.locator('main .panel').count(), 1, 'only the card is in main');
    assert.equal(await page.locator('#headline, #trend, #insights, #alerts, #leaderboard').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'token-card.png') });
    const reopen = page.getByRole('button', { name: 'Enter an API token' });
    assert.equal(await reopen.count(), 1);
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'token-reopen');
    // Keyboard only: from the top of the page, Tab reaches it within a few steps; Enter presses it.
    await page.evaluate('document.activeElement?.blur()');
    const passed: string[] = [];
    while ((await page.evaluate<string | undefined>('document.activeElement?.id')) !== 'token-reopen' && passed.length < 5) {
      await page.keyboard.press('Tab');
      passed.push(await page.evaluate<string>(`(e => e ? (e.id || e.tagName + ':' + (e.textContent ?? '').trim().slice(0, 30)) : '')(document.activeElement)`));
    }
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'token-reopen', `not reached in ${passed.length} Tabs: ${passed.join(' → ')}`);
    await page.keyboard.press('Enter');
    await page.locator('#token-dialog').waitFor();
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.id'), 'token-input');
  });

  test('a token from the CLI function loads the dashboard: the headline is the API\'s rate', async () => {
    const token = await createToken({ secret: SECRET, expiresInSeconds: parseExpires('1h') });
    await page.locator('#token-input').fill(token);
    await page.keyboard.press('Enter');
    await page.getByTestId('headline-rate').waitFor({ timeout: 60_000 });
    await page.waitForFunction(READY, null, { timeout: 60_000 });
    assert.equal(await page.getByTestId('token-needed').count(), 0);
    assert.equal(await page.locator('#token-dialog').count(), 0);
    // The page's default view (the last 12 months to the demo's last day), asked of the API directly.
    const res = await fetch(`${server.url}/api/v1/kpi?from=2024-07-01&to=2025-06-30`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const kpi = (await res.json()) as KpiResponse;
    const shown = page.getByTestId('headline-rate');
    assert.equal(Number(await shown.getAttribute('data-value')), kpi.rate);
    const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    assert.equal(await shown.textContent(), pct.format(kpi.rate ?? Number.NaN));
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('uprate.token')"), token);
  });

  test('no page errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
