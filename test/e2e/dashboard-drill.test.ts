/**
 * Drill-down in real Chromium: a breakdown segment (its dot on the chart, and its button in the
 * list under it), a trend period and a leaderboard row each filter the whole page; the URL says
 * so, the breadcrumbs remove it again, and the back and forward buttons undo and redo. Expected
 * numbers come from the API and plain SQL on the store, never from the page's code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { BreakdownResponse, KpiResponse } from '../../src/insights/api-types.js';
import { browserMissing, openDashboard, type DashboardSession, type DemoServer } from './harness.js';

const missing = browserMissing();

describe('dashboard drill-down in Chromium', { skip: missing ?? false }, () => {
  let session: DashboardSession;
  let server: DemoServer;
  let page: Page;

  const waitReady = () => session.waitReady();
  const headlineValue = async () => Number(await page.getByTestId('headline-rate').getAttribute('data-value'));
  const search = () => new URL(page.url()).searchParams;

  const api = <T>(path: string, params: Record<string, string>): Promise<T> => session.api<T>(path, params);

  /** Rate of the offers under a SQL condition, in plain SQL (the demo's 30-day window, judged at the server's clock). */
  async function sqlRate(where: string, from: string, to: string): Promise<number> {
    const rows = await server.store.query(
      `SELECT count(*) AS n, count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= TIMESTAMP '2025-07-01 12:00:00') AS a
       FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
       WHERE o.offered_at >= TIMESTAMP '${from} 00:00:00' AND o.offered_at < TIMESTAMP '${to} 00:00:00' + INTERVAL 1 DAY AND (${where})`,
      [],
    );
    return Number(rows[0]?.['a']) / Number(rows[0]?.['n']);
  }

  before(async () => {
    session = await openDashboard({ rows: 60_000 });
    ({ server, page } = session);
  });

  after(async () => {
    await session?.close();
    assert.deepEqual(session?.consoleErrors ?? [], []);
  });

  test('the default range is the last 12 full months (the demo ends on a month end), its label says so', async () => {
    assert.equal(await page.getByTestId('range').inputValue(), '12m');
    assert.match((await page.locator('#ctl-range option:checked').textContent()) ?? '', /^Last 12 full months/);
    assert.match((await page.getByTestId('scope').textContent()) ?? '', /^Jul 1, 2024 – Jun 30, 2025/);
  });

  test('a segment button filters the page; the breadcrumb removes it; back and forward undo and redo', async () => {
    const all = await headlineValue();
    await page.locator('#by-accountSize .segments-list summary').click();
    await page.getByRole('button', { name: /^Filter the page to Account size = enterprise$/i }).click();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), ['Customers.accountSize=enterprise']);
    const expected = await sqlRate("c.account_size = 'enterprise'", '2024-07-01', '2025-06-30');
    assert.ok(Math.abs((await headlineValue()) - expected) < 1e-12, `headline ${await headlineValue()} vs SQL ${expected}`);
    assert.match((await page.getByTestId('crumbs').textContent()) ?? '', /Account Size \(Customers\) = enterprise/);

    await page.goBack();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), []);
    assert.equal(await headlineValue(), all);
    assert.equal(await page.getByTestId('crumbs').textContent(), '');
    await page.goForward();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), ['Customers.accountSize=enterprise']);

    await page.getByTestId('crumbs').getByRole('button', { name: /Remove filter Account Size/ }).click();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), []);
    assert.equal(await headlineValue(), all);
  });

  test('a click on a segment\'s dot in the chart filters to that segment, "not recorded" included', async () => {
    const bd = await api<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.industry', from: '2024-07-01', to: '2025-06-30' });
    const index = bd.rows.findIndex((r) => r.segment['Customers.industry'] === null);
    assert.ok(index >= 0, 'the demo has customers without an industry');
    // The segment's row on the category axis: rows are evenly spaced, top to bottom, inside the grid.
    const canvas = page.locator('[data-testid="breakdown-chart-Customers.industry"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    assert.ok(box);
    const top = 24;
    const bottom = 20;
    const rowHeight = (box.height - top - bottom) / bd.rows.length;
    // Across the segment's band (its label, interval bar and dot all drill) until the page moves.
    let clicked = false;
    for (let y = top + rowHeight * index + 2; y < top + rowHeight * (index + 1) - 1 && !clicked; y += 4) {
      for (let x = 4; x < box.width - 4 && !clicked; x += 8) {
        await canvas.click({ position: { x, y } });
        clicked = search().getAll('filter').length > 0;
      }
    }
    assert.ok(clicked, 'a click on the row of "not recorded" filtered the page');
    await waitReady();
    assert.deepEqual(search().getAll('filter'), ['Customers.industry=∅']);
    const kpi = await api<KpiResponse>('/api/v1/kpi', { from: '2024-07-01', to: '2025-06-30', filters: JSON.stringify([{ member: 'Customers.industry', operator: 'notSet' }]) });
    assert.equal(await headlineValue(), kpi.rate);
    const expected = await sqlRate('c.industry IS NULL', '2024-07-01', '2025-06-30');
    assert.ok(Math.abs((kpi.rate ?? NaN) - expected) < 1e-12, `API ${kpi.rate} vs SQL ${expected}`);
    assert.match((await page.getByTestId('crumbs').textContent()) ?? '', /Industry \(Customers\) = not recorded/);
    await page.goBack();
    await waitReady();
  });

  test('a trend period opens it, one grain finer', async () => {
    await page.locator('#trend .segments-list summary').click();
    await page.getByRole('button', { name: 'Open Mar 2025' }).click();
    await waitReady();
    assert.equal(search().get('from'), '2025-03-01');
    assert.equal(search().get('to'), '2025-03-31');
    assert.equal(search().get('grain'), 'week');
    const expected = await sqlRate('true', '2025-03-01', '2025-03-31');
    assert.ok(Math.abs((await headlineValue()) - expected) < 1e-12);
    await page.goBack();
    await waitReady();
    assert.equal(search().get('from'), null);
  });

  test('a leaderboard row filters the page to that offer', async () => {
    const first = page.locator('[data-testid=leaderboard] tbody tr').first().locator('button.drill');
    const offer = (await first.textContent()) ?? '';
    await first.click();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), [`Offers.offerName=${offer}`]);
    const expected = await sqlRate(`o.offer_name = '${offer.replace(/'/g, "''")}'`, '2024-07-01', '2025-06-30');
    assert.ok(Math.abs((await headlineValue()) - expected) < 1e-12);
    await page.goBack();
    await waitReady();
  });

  test('"is not" and "not recorded" in the filter picker; value counts are of the current selection', async () => {
    await page.getByTestId('offer-type').selectOption('upsell');
    await waitReady();
    await page.getByTestId('filter-dimension').selectOption('Offers.channel');
    const option = page.locator('[data-testid=filter-value] option[value=email]');
    await option.waitFor({ state: 'attached' });
    // The count beside "email" is of upsell offers in the range (plain SQL).
    const rows = await server.store.query(
      "SELECT count(*) AS n FROM offers WHERE channel = 'email' AND offer_type = 'upsell' AND offered_at >= TIMESTAMP '2024-07-01' AND offered_at < TIMESTAMP '2025-07-01'",
      [],
    );
    const n = new Intl.NumberFormat('en-US').format(Number(rows[0]?.['n']));
    assert.equal(await option.textContent(), `email (${n})`);
    await page.getByTestId('filter-operator').selectOption('not');
    await page.getByTestId('filter-value').selectOption('email');
    await page.getByTestId('filter-add').click();
    await waitReady();
    assert.deepEqual(search().getAll('filter'), ['Offers.channel!=email']);
    assert.match((await page.getByTestId('crumbs').textContent()) ?? '', /Channel ≠ email/);
    const expected = await sqlRate("o.offer_type = 'upsell' AND o.channel IS DISTINCT FROM 'email'", '2024-07-01', '2025-06-30');
    assert.ok(Math.abs((await headlineValue()) - expected) < 1e-12, `headline ${await headlineValue()} vs SQL ${expected}`);
  });

  test('the trend compares each period with the same period last year, or the period before (URL, list, SQL)', async () => {
    await page.goto(`${server.url}/`);
    await waitReady();
    await page.getByTestId('compare').selectOption('year');
    await waitReady();
    assert.equal(search().get('compare'), 'year');
    assert.equal(await page.getByTestId('trend-chart').getAttribute('data-compare'), 'year');
    const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const lastYear = await sqlRate('true', '2024-03-01', '2024-03-31');
    await page.locator('#trend .segments-list summary').click();
    const march = page.getByTestId('trend-periods').locator('li', { hasText: 'Mar 2025' });
    assert.match((await march.textContent()) ?? '', new RegExp(`same period last year ${pct.format(lastYear).replace('.', '\\.')}$`));
    await page.getByTestId('compare').selectOption('previous');
    await waitReady();
    const february = await sqlRate('true', '2025-02-01', '2025-02-28');
    await page.locator('#trend .segments-list summary').click();
    assert.match((await page.getByTestId('trend-periods').locator('li', { hasText: 'Mar 2025' }).textContent()) ?? '', new RegExp(`period before ${pct.format(february).replace('.', '\\.')}$`));
  });

  test('every breakdown panel draws on one rate scale, holding every segment\'s interval', async () => {
    await page.goto(`${server.url}/`);
    await waitReady();
    const axes = await page.locator('.chart-breakdown').evaluateAll((els) => els.map((el) => el.getAttribute('data-axis') ?? ''));
    assert.ok(axes.length >= 4, `breakdown panels: ${axes.length}`);
    assert.equal(new Set(axes).size, 1, `axes: ${axes.join(', ')}`);
    const [min, max] = (axes[0] ?? '').split('..').map(Number);
    assert.ok(min !== undefined && max !== undefined && min < max);
    for (const by of ['Customers.accountSize', 'Customers.lifecycleStage', 'Customers.engagementTier', 'Offers.channel']) {
      const bd = await api<BreakdownResponse>('/api/v1/breakdown', { by, from: '2024-07-01', to: '2025-06-30' });
      for (const r of bd.rows.filter((x) => !x.smallSample && x.offers > 0)) {
        assert.ok((r.interval.lower ?? 0) >= min && (r.interval.upper ?? 1) <= max, `${by} ${r.label}: ${r.interval.lower}–${r.interval.upper} outside ${min}..${max}`);
      }
    }
  });
});
