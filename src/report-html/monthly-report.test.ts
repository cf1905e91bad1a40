import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoContext } from '../../test/judgements/demo-context.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { DuckDbStore } from '../store/index.js';
import { collectMonthlyReport } from './monthly-report.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';

/**
 * June against May, counted by hand:
 *  May 2025   o3 May 1, accepted May 2; o4 May 20 and o5 May 31, declined   → 1 of 3 (33.3%)
 *  June 2025  o1 Jun 5, accepted Jun 6; o2 Jun 10, declined                  → 1 of 2 (50.0%)
 * The 30 days before June (May 2–31) would hold o4 and o5 only: 0 of 2.
 */
test('the monthly report compares the month with the previous calendar month, and says so', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb'), ('c2', 'enterprise'), ('c3', 'smb'), ('c4', 'smb'), ('c5', 'enterprise')`);
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at, revenue) VALUES
      ('o1', 'c1', '2025-06-05 09:00:00', 'upsell', 'Premium', '2025-06-06 09:00:00', NULL, 10),
      ('o2', 'c2', '2025-06-10 09:00:00', 'upsell', 'Premium', NULL, '2025-06-11 09:00:00', NULL),
      ('o3', 'c3', '2025-05-01 10:00:00', 'upsell', 'Premium', '2025-05-02 10:00:00', NULL, 10),
      ('o4', 'c4', '2025-05-20 10:00:00', 'upsell', 'Premium', NULL, '2025-05-21 10:00:00', NULL),
      ('o5', 'c5', '2025-05-31 10:00:00', 'upsell', 'Premium', NULL, '2025-06-01 10:00:00', NULL)`);
    const ctx = demoContext(store, await loadModel(shippedModelDir()), new Date('2025-07-15T00:00:00Z'));
    const report = await collectMonthlyReport(ctx, { month: '2025-06' });
    const k = report.kpi;
    assert.deepEqual([k.offers, k.accepted], [2, 1]);
    assert.deepEqual([k.previous?.from, k.previous?.to, k.previous?.offers, k.previous?.accepted], ['2025-05-01', '2025-05-31', 3, 1]);
    assert.ok(Math.abs((k.change?.differencePoints ?? 0) - (100 * (1 / 2 - 1 / 3))) < 1e-9, `${k.change?.differencePoints}`);
    const md = renderReportMarkdown(report);
    assert.match(md, /vs the previous month, May 2025 \(33\.3%\): \*\*not significant, p = [\d.]+\*\*/);
    assert.doesNotMatch(md, /vs previous May/);
    assert.match(renderReportHtml(report), /vs the previous month, May 2025 \(33\.3%\)/);
  } finally {
    await store.close();
  }
});
