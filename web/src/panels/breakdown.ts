/** One segment dimension: GET /api/v1/breakdown?by=… as a forest plot with significance markers. */
import type { BreakdownResponse } from '../../../src/insights/api-types.js';
import { breakdownHeight, breakdownOption } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { breakdownTable } from '../panel-tables.js';

/** The segment dimensions the page breaks the rate down by (model member names). */
export const BREAKDOWNS: readonly { readonly member: string; readonly title: string }[] = [
  { member: 'Customers.accountSize', title: 'Account size' },
  { member: 'Customers.lifecycleStage', title: 'Lifecycle stage' },
  { member: 'Customers.engagementTier', title: 'Engagement tier' },
  { member: 'Customers.industry', title: 'Industry' },
  { member: 'Offers.offerType', title: 'Offer type' },
  { member: 'Offers.channel', title: 'Channel' },
];

export function breakdownSummary(bd: BreakdownResponse, f: Formatter): string {
  const hm = bd.homogeneity;
  const flagged = bd.rows.filter((r) => r.vsRest.direction);
  if (hm.pValue === null) return hm.groups < 2 ? 'Only one segment has offers in this selection.' : 'Not enough offers to compare segments.';
  const head = hm.significant
    ? `Segments differ (χ² = ${f.count(hm.statistic)}, ${f.pValue(hm.pValue)}).`
    : `No significant difference between segments (${f.pValue(hm.pValue)}).`;
  const which = flagged.length
    ? ` ▲ above / ▼ below the rest after ${bd.correction.method === 'holm' ? 'Holm' : bd.correction.method === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni'} correction across ${bd.correction.size}.`
    : '';
  return head + which;
}

export async function showBreakdown(panel: Panel, bd: BreakdownResponse, f: Formatter): Promise<void> {
  if (bd.total.offers === 0) {
    panel.empty('No offers in this selection.');
    return;
  }
  const el = h('div', { class: 'chart chart-breakdown', 'data-testid': `breakdown-chart-${bd.by.join('-')}` });
  el.style.height = `${breakdownHeight(bd.rows.length)}px`;
  panel.ready(() => breakdownTable(bd), el, h('p', { class: 'summary' }, breakdownSummary(bd, f)));
  panel.addChart(await mountChart(el, (compact) => breakdownOption(bd, f, { interactive: true, compact }), `${panel.options.title}: conversion rate per segment with intervals`));
}
