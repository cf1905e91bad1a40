import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoContext } from '../../test/judgements/demo-context.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { collectMonthlyReport } from './monthly-report.js';
import { twoMonthStore } from './report-fixture.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';

/**
 * June against May, counted by hand:
 *  May 2025   o3 May 1, accepted May 2; o4 May 20 and o5 May 31, declined   → 1 of 3 (33.3%)
 *  June 2025  o1 Jun 5, accepted Jun 6; o2 Jun 10, declined                  → 1 of 2 (50.0%)
 * The 30 days before June (May 2–31) would hold o4 and o5 only: 0 of 2.
 */
test('the monthly report compares the month with the previous calendar month, and says so', async () => {
  const store = await twoMonthStore();
  try {
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
