/**
 * Issue 15, feature 6 and the chart defects, in real Chromium on demo data served with
 * `currency: EUR`: "Data as of … · last load …" from the server; revenue in the configured
 * currency; dark mode that follows the system (charts included); the "PDF" button and the print
 * layout; the headline chip in plain words; the leaderboard at 390 px and at 200 % zoom with
 * small samples flagged and no number cut off. Screenshots at 1440×900 and 390×844 (light and
 * dark) are written to test-artifacts/ and named in the test output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { attachScreenshot, browserMissing, buildDashboard, DEMO_CLOCK, launchBrowser, startDemoServer, type BuiltDashboard, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";

describe('dashboard: freshness, currency, dark mode, PDF, readable charts', { skip: missing ?? false }, () => {
  let built: BuiltDashboard;
  let server: DemoServer;
  let light: { context: BrowserContext; close(): Promise<void> };
  let dark: { context: BrowserContext; close(): Promise<void> };

  async function open(context: BrowserContext, width: number, height: number): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(READY, null, { timeout: 60_000 });
    return page;
  }

  before(async () => {
    built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 30_000, kpiSettings: { currency: 'EUR' } });
    light = await launchBrowser({ colorScheme: 'light' });
    dark = await launchBrowser({ colorScheme: 'dark' });
  });

  after(async () => {
    await light?.close();
    await dark?.close();
    await server?.close();
  });

  test('"Data as of … · last load …": the server\'s clock and the load log\'s newest load (plain SQL)', async () => {
    const [row] = await server.store.query<{ t: string }>('SELECT CAST(max(loaded_at) AS VARCHAR) AS t FROM uprate_loads');
    assert.ok(row?.t, 'the demo recorded its load');
    const lastLoad = new Date(`${row.t.replace(' ', 'T')}Z`);
    const page = await open(light.context, 1440, 900);
    try {
      const line = page.getByTestId('freshness');
      const when = (d: Date) => `${new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
      assert.equal(await line.textContent(), `Data as of ${when(DEMO_CLOCK)} · last load ${when(lastLoad)}`);
      assert.equal(await line.getAttribute('data-as-of'), DEMO_CLOCK.toISOString());
      // The API says the same, in its schema (GET /api/v1/binding).
      const doc = (await (await fetch(`${server.url}/api/v1/binding`)).json()) as { currency: string; data: { asOf: string; lastLoad: string } };
      assert.deepEqual(doc.data, { asOf: DEMO_CLOCK.toISOString(), lastLoad: lastLoad.toISOString() });
      assert.equal(doc.currency, 'EUR');
    } finally {
      await page.close();
    }
  });

  test('revenue in the configured currency (EUR), the API\'s number formatted by Intl', async () => {
    const page = await light.context.newPage();
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      const kpi = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/kpi');
      await page.goto(`${server.url}/`);
      const k = (await (await kpi).json()) as { expansionRevenue: number; accepted: number };
      await page.waitForFunction(READY, null, { timeout: 60_000 });
      const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
      const tile = page.getByTestId('tile-revenue');
      assert.equal(await tile.locator('.tile-value').textContent(), money.format(k.expansionRevenue));
      assert.match((await tile.locator('.tile-value').textContent()) ?? '', /^€/);
      assert.equal(await tile.locator('.tile-detail').textContent(), `${money.format(k.expansionRevenue / k.accepted)} per accepted offer`);
    } finally {
      await page.close();
    }
  });

  test('the band chip of an interval over two bands reads as plain words', async () => {
    // A single day: its interval is wide enough to span two bands.
    const page = await light.context.newPage();
    try {
      await page.goto(`${server.url}/?range=custom&from=2025-06-30&to=2025-06-30&grain=week`);
      await page.waitForFunction(READY, null, { timeout: 60_000 });
      const chip = page.locator('.band-chip');
      const text = (await chip.textContent()) ?? '';
      if ((await chip.getAttribute('class'))?.includes('band-unsure')) {
        assert.match(text, /^between (poor|moderate) and (moderate|strong)$/);
        assert.equal(await page.evaluate<string>("getComputedStyle(document.querySelector('.band-chip')).textTransform"), 'none');
      } else {
        assert.match(text, /^(poor|moderate|strong)$/);
      }
      assert.doesNotMatch(text, /[/?]/);
    } finally {
      await page.close();
    }
  });

  test('dark mode follows the system: dark page and cards, charts drawn with the dark palette; screenshots', async (t) => {
    const page = await open(dark.context, 1440, 900);
    try {
      assert.equal(await page.evaluate<string>('document.documentElement.dataset.scheme'), 'dark');
      const colours = await page.evaluate<{ page: string; card: string; ink: string }>(`({
        page: getComputedStyle(document.documentElement).backgroundColor,
        card: getComputedStyle(document.querySelector('.panel')).backgroundColor,
        ink: getComputedStyle(document.querySelector('h1')).color,
      })`);
      assert.deepEqual(colours, { page: 'rgb(17, 24, 39)', card: 'rgb(31, 41, 55)', ink: 'rgb(243, 244, 246)' });
      // The bullet's SVG is drawn with the dark palette (its band zones and text).
      const bullet = await page.locator('.bullet svg').innerHTML();
      assert.ok(bullet.includes('#166534') && bullet.includes('#a16207'), 'dark zones');
      await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
      await attachScreenshot(t, page, 'dashboard-dark-1440x900.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await attachScreenshot(t, page, 'dashboard-dark-390x844.png');
    } finally {
      await page.close();
    }
  });

  test('screenshots at 1440×900 and 390×844 (light)', async (t) => {
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const page = await open(light.context, width, height);
      try {
        await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
        await attachScreenshot(t, page, `dashboard-${width}x${height}-full.png`);
        await attachScreenshot(t, page, `dashboard-${width}x${height}-first-screen.png`, { fullPage: false });
      } finally {
        await page.close();
      }
    }
  });

  test('the headline bullet: benchmark labels do not overlap and are not small grey', async () => {
    const page = await open(light.context, 1440, 900);
    try {
      type Box = { x: number; y: number; w: number; h: number; size: number; fill: string | null };
      const boxes = await page.evaluate<Box[]>(`[...document.querySelectorAll('.bullet svg text[data-benchmark]')].map((el) => {
        const b = el.getBBox();
        return { x: b.x, y: b.y, w: b.width, h: b.height, size: Number(el.getAttribute('font-size')), fill: el.getAttribute('fill') };
      })`);
      assert.ok(boxes.length >= 1, 'benchmarks drawn');
      for (const b of boxes) assert.ok(b.size >= 11 && b.fill === '#111827', `readable: ${JSON.stringify(b)}`);
      for (const a of boxes) for (const b of boxes) {
        if (a === b) continue;
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        assert.ok(apart, `labels overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
      }
    } finally {
      await page.close();
    }
  });

  for (const [what, width, height] of [['a 390 px phone', 390, 844], ['200 % zoom (1440 px at 720 CSS px)', 720, 450], ['400 % zoom (1440 px at 360 CSS px)', 360, 225]] as const) {
    test(`leaderboard on ${what}: no number cut off, small samples flagged in words`, async () => {
      const page = await open(light.context, width, height);
      try {
        const table = page.getByTestId('leaderboard');
        await table.waitFor();
        const clipped = await page.evaluate<{ tableOverflows: boolean; cells: string[] }>(`(() => {
          const el = document.querySelector('[data-testid="leaderboard"]');
          const wrap = el.parentElement;
          const cells = [...el.querySelectorAll('td')].filter((td) => td.offsetParent !== null && td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent);
          return { tableOverflows: el.scrollWidth > wrap.clientWidth + 1, cells };
        })()`);
        assert.deepEqual(clipped, { tableOverflows: false, cells: [] });
        const small = page.locator('tr.small-sample');
        if ((await small.count()) > 0) {
          const row = small.first();
          assert.equal(await row.locator('.flag').isVisible(), true, 'the "small sample" flag shows');
          assert.equal(await row.locator('.rate-cell strong').count(), 0, 'a small sample\'s rate is not bold');
          assert.match((await row.locator('.rate-small').textContent()) ?? '', /^≈\d/);
          if (width <= 640) assert.match((await row.locator('.raw-narrow').textContent()) ?? '', /^raw \d/);
        }
      } finally {
        await page.close();
      }
    });
  }

  test('"PDF": prints every panel in one column without the controls; Chromium\'s print makes a PDF', async () => {
    const page = await open(light.context, 1440, 900);
    try {
      await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; }');
      await page.getByRole('button', { name: 'Save the whole dashboard as a PDF (print)' }).click();
      assert.equal(await page.evaluate<number>('window.printed'), 1);
      await page.emulateMedia({ media: 'print' });
      const layout = await page.evaluate<{ controls: string; tools: string; columns: number; panels: number }>(`({
        controls: getComputedStyle(document.querySelector('.controls-slot')).display,
        tools: getComputedStyle(document.querySelector('.header-tools')).display,
        columns: getComputedStyle(document.querySelector('.grid-mid')).gridTemplateColumns.split(' ').length,
        panels: [...document.querySelectorAll('main > .panel, main .grid .panel')].filter((p) => !p.hidden && getComputedStyle(p).display !== 'none').length,
      })`);
      assert.equal(layout.controls, 'none');
      assert.equal(layout.tools, 'none');
      assert.equal(layout.columns, 1);
      assert.ok(layout.panels >= 8, `panels printed: ${layout.panels}`);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length >= 1);
    } finally {
      await page.close();
    }
  });
});
