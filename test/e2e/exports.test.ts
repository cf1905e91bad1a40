/**
 * A panel's downloads name the view they hold (`uprate-<panel>-<from>..<to>[-<filters>].csv`:
 * months for whole months, else days; filter values slugged), and a chart's PNG carries a header
 * band — the panel's title, the range, the filters — above the chart. In Chromium on demo data.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, browserMissing, buildDashboard, launchBrowser, startDemoServer, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";

/** Width and height from a PNG's IHDR chunk (bytes 16–23), after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('panel exports name the view; a PNG carries its header', { skip: missing ?? false }, () => {
  let server: DemoServer;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;

  async function show(search: string): Promise<void> {
    await page.goto(`${server.url}/${search}`);
    await page.waitForFunction(READY, null, { timeout: 60_000 });
  }

  async function downloaded(panelId: string, action: 'csv' | 'png'): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#${panelId} [data-action=${action}]`).click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  }

  before(async () => {
    const built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 30_000 });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('CSV names: the default view (whole months), a filter, an exclusion with an offer type, a range of days', async () => {
    await show('');
    // The default view: the 12 calendar months up to the demo's last day (2025-06-30).
    assert.equal((await downloaded('trend', 'csv')).name, 'uprate-trend-2024-07..2025-06.csv');
    assert.equal((await downloaded('headline', 'csv')).name, 'uprate-headline-2024-07..2025-06.csv');

    await show('?filter=Customers.accountSize%3Denterprise');
    assert.equal((await downloaded('trend', 'csv')).name, 'uprate-trend-2024-07..2025-06-enterprise.csv');
    assert.equal((await downloaded('by-accountSize', 'csv')).name, 'uprate-by-accountSize-2024-07..2025-06-enterprise.csv');

    await show('?type=cross_sell&filter=Customers.accountSize!%3Denterprise');
    assert.equal((await downloaded('trend', 'csv')).name, 'uprate-trend-2024-07..2025-06-cross-sell-not-enterprise.csv');

    await show('?from=2025-01-05&to=2025-03-10');
    assert.equal((await downloaded('trend', 'csv')).name, 'uprate-trend-2025-01-05..2025-03-10.csv');
  });

  test('the PNG: named after the view, taller than the chart by a header band holding text', async () => {
    await show('?filter=Customers.accountSize%3Denterprise');
    const chart = await page.evaluate<{ width: number; height: number }>(
      "(() => { const c = document.querySelector('[data-testid=trend-chart]'); return { width: c.clientWidth, height: c.clientHeight }; })()",
    );
    const png = await downloaded('trend', 'png');
    assert.equal(png.name, 'uprate-trend-2024-07..2025-06-enterprise.png');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, png.name), png.bytes);
    const size = pngSize(png.bytes);
    // The chart is exported at twice the screen's resolution; the header band sits above it.
    assert.equal(size.width, chart.width * 2);
    const band = size.height - chart.height * 2;
    assert.ok(band >= 60, `a header band above the chart (PNG ${size.width}×${size.height}, chart ${chart.width}×${chart.height} at 2×)`);

    // Decoded in the page: the band holds dark text (the title in ink), on white around it.
    const url = `data:image/png;base64,${png.bytes.toString('base64')}`;
    const pixels = await page.evaluate<{ decoded: [number, number]; dark: number; nonWhite: number; corner: number[] }>(`(async () => {
      const img = new Image();
      img.src = ${JSON.stringify(url)};
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, ${band}).data;
      let dark = 0, nonWhite = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) nonWhite++;
        if (data[i] < 80 && data[i + 1] < 80 && data[i + 2] < 80) dark++;
      }
      return { decoded: [img.naturalWidth, img.naturalHeight], dark, nonWhite, corner: [...data.slice(0, 4)] };
    })()`);
    assert.deepEqual(pixels.decoded, [size.width, size.height]);
    assert.deepEqual(pixels.corner, [255, 255, 255, 255], 'the band is white');
    assert.ok(pixels.dark > 200, `the title drawn in dark ink in the band (${pixels.dark} dark pixels)`);
    assert.ok(pixels.nonWhite > 1000, `header text drawn in the band (${pixels.nonWhite} non-white pixels)`);
  });
});
