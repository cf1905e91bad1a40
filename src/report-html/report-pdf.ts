/**
 * The monthly report as a PDF (`uprate report --format pdf --out report.pdf`): the HTML report,
 * laid out for A4 (`renderReportHtml(…, { print: true })`), printed by the system's Chromium
 * through playwright-core — the same browser the end-to-end tests drive. Node only.
 *
 *   const pdf = await htmlToPdf(renderReportHtml(report, { print: true }));
 */
import { accessSync, constants, statSync } from 'node:fs';
import type * as Playwright from 'playwright-core';
import { UprateError } from '../core/errors.js';

/** Where Debian, Ubuntu and Chrome's packages put the browser; `UPRATE_CHROMIUM` names another. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'] as const;

const INSTALL_HINT = 'apt-get install chromium (Debian, Ubuntu), or set UPRATE_CHROMIUM to a Chromium or Chrome executable';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The Chromium to print with: `UPRATE_CHROMIUM`, else the first of {@link CHROMIUM_PATHS}; a clear error naming the fix otherwise. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env, candidates: readonly string[] = CHROMIUM_PATHS): string {
  const named = env['UPRATE_CHROMIUM'];
  if (named !== undefined && named !== '') {
    if (isExecutable(named)) return named;
    throw new UprateError('FILE_NOT_FOUND', `Chromium not found at ${named} (UPRATE_CHROMIUM): --format pdf prints the report with Chromium`, { location: 'UPRATE_CHROMIUM', hint: INSTALL_HINT });
  }
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new UprateError('FILE_NOT_FOUND', `Chromium not found (looked at ${candidates.join(', ')}): --format pdf prints the report with Chromium`, { location: '--format pdf', hint: INSTALL_HINT });
}

/** Prints self-contained HTML to PDF bytes (A4, backgrounds kept, the page's own @page rules). */
export async function htmlToPdf(html: string, options: { readonly chromium?: string } = {}): Promise<Buffer> {
  const executablePath = options.chromium ?? findChromium();
  let playwright: typeof Playwright;
  try {
    playwright = await import('playwright-core');
  } catch (e) {
    throw new UprateError('FILE_NOT_FOUND', `the playwright-core package is missing: --format pdf drives Chromium through it (${e instanceof Error ? e.message : String(e)})`, {
      location: '--format pdf',
      hint: 'npm install playwright-core (no browser download is needed: the system Chromium is used)',
    });
  }
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    // --no-sandbox: printing runs as root in containers; the page is our own HTML, with no script and no network.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
