/**
 * "Choose breakdowns" in real Chromium: a Region panel added from the chooser (by keyboard), its
 * segments over time, and the time-to-accept panel — each kept in the URL and restored by a
 * reload; the value the page shows equals the API's; a segment drills the page down; at 390 px
 * the page does not overflow and axe-core finds nothing. The small multiples share one rate axis
 * (`data-axis`), rounded by the breakdowns' helper, holding every point the page fetched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TimeseriesResponse, TimeToAcceptResponse } from '../../src/insights/api-types.js';
import { rateAxisRange } from '../../src/report-html/chart-options.js';
import { browserMissing, openDashboard, type DashboardSession } from './harness.js';

const missing = browserMissing();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The default range on the demo (the last 12 full months). */
const RANGE = { from: '2024-07-01', to: '2025-06-30' };

describe('choose breakdowns in Chromium', { skip: missing ?? false }, () => {
  let session: DashboardSession;
  let page: Page;

  const waitReady = () => session.waitReady();
  const search = () => new URL(page.url()).searchParams;

  const api = <T>(path: string, params: Record<string, string>): Promise<T> => session.api<T>(path, params);

  async function axeViolations(): Promise<string[]> {
    if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.addScriptTag({ content: AXE_SOURCE });
    return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => v.id + ' ×' + v.nodes.length + ': ' + v.nodes.map((n) => JSON.stringify(n.target)).join(' ')))`);
  }

  before(async () => {
    session = await openDashboard({ rows: 30_000 });
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    assert.deepEqual(session?.consoleErrors ?? [], []);
  });

  test('the chooser lists every dimension of the binding; a Region panel is added with the keyboard and kept in the URL', async () => {
    const binding = await api<{ dimensions: { member: string }[] }>('/api/v1/binding', {});
    const chooser = page.getByTestId('panel-chooser');
    assert.equal(await chooser.locator('input[data-member]').count(), binding.dimensions.length);
    assert.equal(await page.locator('#by-region').count(), 0, 'Region is not a default panel');
    await chooser.locator('summary').focus();
    await page.keyboard.press('Enter');
    await chooser.locator('input[data-member="Customers.region"]').focus();
    await page.keyboard.press('Space');
    await waitReady();
    assert.match(search().get('panels') ?? '', /(^|,)region$/);
    assert.ok(await page.locator('#by-region').isVisible());
    // The focus stays on the checkbox it was on.
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.dataset?.member'), 'Customers.region');
  });

  test('segments over time: one small chart per region on the same axes, listed with the API\'s numbers', async () => {
    const toggle = page.locator('#by-region button[data-action="over-time"]');
    await toggle.click();
    await waitReady();
    assert.equal(search().get('overTime'), 'region');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const chart = page.getByTestId('over-time-chart-Customers.region');
    await chart.waitFor();
    const ts = await api<TimeseriesResponse>('/api/v1/timeseries', { ...RANGE, grain: 'month', by: 'Customers.region' });
    assert.equal(await chart.getAttribute('data-segments'), String(ts.segments?.length));
    const items = page.getByTestId('over-time-Customers.region').locator(':scope > li');
    assert.equal(await items.count(), ts.segments?.length);
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-segment'))), ts.segments?.map((s) => s.label));
  });

  test('time to accept: opened from the chooser, by offer type; the share within the window equals the API\'s', async () => {
    await page.locator('#choose-tta').check();
    await waitReady();
    assert.equal(search().get('timeToAccept'), 'offer_type');
    await page.getByTestId('tta-chart').waitFor();
    const tta = await api<TimeToAcceptResponse>('/api/v1/time-to-accept', { ...RANGE, by: 'Offers.offerType' });
    const items = page.getByTestId('tta-segments').locator(':scope > li');
    assert.equal(await items.count(), tta.segments.length);
    for (const [i, s] of tta.segments.entries()) {
      const shown = Number(await items.nth(i).getAttribute('data-share'));
      assert.equal(shown, s.points[tta.windowDays]?.share, `${s.label}: page ${shown} vs API`);
    }
  });

  test('a reload restores the chosen panels, the over-time view and time to accept', async () => {
    const before = page.url();
    await page.reload();
    await waitReady();
    assert.equal(page.url(), before);
    assert.ok(await page.locator('#by-region').isVisible());
    assert.equal(await page.locator('#by-region button[data-action="over-time"]').getAttribute('aria-pressed'), 'true');
    await page.getByTestId('over-time-chart-Customers.region').waitFor();
    await page.getByTestId('tta-chart').waitFor();
    assert.ok(await page.locator('input[data-member="Customers.region"]').isChecked());
    assert.ok(await page.locator('#choose-tta').isChecked());
  });

  test('every small multiple is drawn on one rate axis holding each point the page fetched, rounded as the breakdowns\' axis', async () => {
    const fetched = page.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname.endsWith('/api/v1/timeseries') && url.searchParams.get('by') === 'Customers.region';
    });
    await page.reload();
    const ts = (await (await fetched).json()) as TimeseriesResponse;
    await waitReady();
    const chart = page.getByTestId('over-time-chart-Customers.region');
    await chart.waitFor();
    const segments = ts.segments ?? [];
    assert.ok(segments.length >= 2, `segments: ${segments.length}`);
    const items = page.getByTestId('over-time-Customers.region').locator(':scope > li');
    const axes = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-axis') ?? ''));
    assert.equal(axes.length, segments.length);
    assert.equal(new Set(axes).size, 1, `small multiples' axes: ${axes.join(', ')}`);
    assert.equal(await chart.getAttribute('data-axis'), axes[0]);
    const [min, max] = (axes[0] ?? '').split('..').map(Number);
    assert.ok(min !== undefined && max !== undefined && min >= 0 && min < max && max <= 1, `axis ${axes[0]}`);
    // Every point drawn: a final period's rate and interval; a provisional one's rate so far and projection.
    const drawn = segments.flatMap((s) => s.points.flatMap((p) => (p.provisional ? [p.rate, p.projected?.rate ?? null] : [p.rate, p.lower, p.upper]).map((v) => [s.label, p.period, v] as const)));
    assert.ok(drawn.some(([, , v]) => v !== null));
    for (const [label, period, v] of drawn) {
      if (v !== null) assert.ok(v >= min && v <= max, `${label} ${period}: ${v} outside ${min}..${max}`);
    }
    // The same helper as the breakdown panels' shared scale: the same rates give the same axis.
    const expected = rateAxisRange(drawn.map(([, , v]) => v), 0.06);
    assert.equal(axes[0], `${expected.min}..${expected.max}`);
  });

  test('a segment in either panel\'s list filters the page; back returns', async () => {
    const list = page.locator('#time-to-accept .segments-list');
    await list.locator('summary').click();
    await list.getByRole('button', { name: /^Filter the page to Offer Type = upsell$/i }).click();
    await waitReady();
    // The offer type has its own control: the drill sets it.
    assert.equal(search().get('type'), 'upsell');
    await page.goBack();
    await waitReady();
    assert.equal(search().get('type'), null);
    const regions = page.locator('#by-region .segments-list');
    await regions.locator('summary').click();
    await regions.locator('button.drill').first().click();
    await waitReady();
    assert.match(search().getAll('filter')[0] ?? '', /^Customers\.region=/);
    await page.goBack();
    await waitReady();
  });

  test('at 390 px nothing overflows and axe-core finds no violation', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await waitReady();
    await page.getByTestId('tta-chart').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390.5 && e.getClientRects().length).slice(0, 12).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);
    assert.ok(overflow <= 390, `page is ${overflow}px wide at 390px: ${wide.join('; ')}`);
    const panelWidth = await page.evaluate<number>("document.querySelector('#by-region').getBoundingClientRect().right");
    assert.ok(panelWidth <= 390);
    await page.getByTestId('panel-chooser').locator('summary').click();
    assert.deepEqual(await axeViolations(), []);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
