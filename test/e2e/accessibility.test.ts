/**
 * WCAG 2.1 A/AA in real Chromium: axe-core (its own source injected into the page) checks the
 * dashboard on demo data in the views people use — wide and phone screens, the controls open, a
 * filter applied, a chart's list alternative opened, and the token dialog. Any violation fails
 * the test, each printed with its rule, impact, element and axe's summary of what to fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { browserMissing, buildDashboard, launchBrowser, startDemoServer, type BuiltDashboard, type DemoServer } from './harness.js';

const missing = browserMissing();
const READY = "document.documentElement.dataset.ready === 'true'";
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe on the page as it is; the violations, with what a reader needs to fix each. */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.addScriptTag({ content: AXE_SOURCE });
  // A string, run in the page: the test compiles without the DOM's types.
  return page.evaluate<Violation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary || '' })) })))`);
}

function describeViolations(where: string, violations: readonly Violation[]): string {
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.length} node(s)`,
    ...v.nodes.map((n) => `  ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
  ]);
  return `axe found ${violations.length} violation(s) ${where}:\n${lines.join('\n')}`;
}

async function assertNoViolations(page: Page, where: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) console.log(`# ${describeViolations(where, violations).replace(/\n/g, '\n# ')}`);
  assert.deepEqual(violations.map((v) => `${v.id} ×${v.nodes.length}`), [], describeViolations(where, violations));
}

describe('accessibility (axe-core, WCAG 2.1 A and AA)', { skip: missing ?? false }, () => {
  let built: BuiltDashboard;
  let server: DemoServer;
  let browser: { context: BrowserContext; close(): Promise<void> };

  async function open(width: number, height: number, search = ''): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`${server.url}/${search}`);
    await page.waitForFunction(READY, null, { timeout: 60_000 });
    return page;
  }

  before(async () => {
    built = await buildDashboard();
    server = await startDemoServer({ webDir: built.dir, rows: 30_000 });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the check can fail: a low-contrast, unlabelled control is reported', async () => {
    const page = await open(1440, 900);
    try {
      await page.evaluate(`(() => {
        const p = document.createElement('p');
        p.textContent = 'faint text';
        p.style.color = '#c8c8c8';
        document.querySelector('main').append(p, document.createElement('button'));
      })()`);
      const ids = (await axeViolations(page)).map((v) => v.id).sort();
      assert.ok(ids.includes('color-contrast'), `expected color-contrast among ${ids.join(', ')}`);
      assert.ok(ids.includes('button-name'), `expected button-name among ${ids.join(', ')}`);
    } finally {
      await page.close();
    }
  });

  test('default view at 1440×900 (controls open)', async () => {
    const page = await open(1440, 900);
    try {
      assert.equal(await page.locator('.controls-box').getAttribute('open'), '');
      await assertNoViolations(page, 'on the default view at 1440×900');
    } finally {
      await page.close();
    }
  });

  test('default view at 390×844, controls folded then open', async () => {
    const page = await open(390, 844);
    try {
      await assertNoViolations(page, 'on the default view at 390×844');
      await page.locator('.controls-box > summary').click();
      await page.getByTestId('range').waitFor();
      await assertNoViolations(page, 'at 390×844 with the controls open');
    } finally {
      await page.close();
    }
  });

  test('with a filter applied and the segments listed', async () => {
    const page = await open(1440, 900, '?filter=Customers.accountSize%3Denterprise');
    try {
      assert.ok(await page.getByRole('button', { name: /Remove filter/ }).count());
      await assertNoViolations(page, 'with a filter applied');
      const lists = page.locator('details.segments-list > summary', { hasText: 'Segments as a list' });
      assert.ok((await lists.count()) >= 1);
      await lists.first().click();
      await page.locator('details.segments-list[open] li').first().waitFor();
      await page.locator('details.segments-list > summary', { hasText: 'Periods as a list' }).click();
      await assertNoViolations(page, 'with the segment and period lists open');
    } finally {
      await page.close();
    }
  });

  test('dark mode (colorScheme: dark) at 1440×900 and 390×844, controls open', async () => {
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const page = await browser.context.newPage();
      try {
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.setViewportSize({ width, height });
        await page.goto(`${server.url}/`);
        await page.waitForFunction(READY, null, { timeout: 60_000 });
        assert.equal(await page.evaluate<string | undefined>("document.documentElement.dataset.scheme"), 'dark');
        if (width < 641) {
          await page.locator('.controls-box > summary').click();
          await page.getByTestId('range').waitFor();
        }
        await assertNoViolations(page, `in dark mode at ${width}×${height}`);
      } finally {
        await page.close();
      }
    }
  });

  test('the token dialog', async () => {
    const guarded = await startDemoServer({ webDir: built.dir, secret: 'e2e-secret-of-32-bytes-at-least-for-tests', store: server.store });
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${guarded.url}/`);
      await page.locator('#token-dialog').waitFor();
      await assertNoViolations(page, 'with the token dialog open');
      await page.keyboard.press('Escape');
      await page.getByTestId('token-needed').waitFor();
      await assertNoViolations(page, 'on the token card');
    } finally {
      await page.close();
      await guarded.close();
    }
  });
});
