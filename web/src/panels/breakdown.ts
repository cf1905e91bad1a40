/** One segment dimension (of the KPI binding's panel dimensions): GET /api/v1/breakdown?by=… as a forest plot with significance markers. */
import type { BreakdownResponse } from '../../../src/insights/api-types.js';
import { breakdownHeight, breakdownOption } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { breakdownSummary } from '../../../src/report-html/wording.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { breakdownTable } from '../panel-tables.js';

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
