/**
 * The trend: GET /api/v1/timeseries drawn as a control chart (p or Laney p′) with the interval
 * band; a period still filling in shows its rate so far (hollow) and its projected final rate
 * (dashed, with its interval).
 */
import type { TimeseriesResponse } from '../../../src/insights/api-types.js';
import { trendOption } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { trendKey, trendParagraphs } from '../../../src/report-html/wording.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { timeseriesTable } from '../panel-tables.js';

export async function showTrend(panel: Panel, ts: TimeseriesResponse, f: Formatter): Promise<void> {
  if (!ts.points.some((p) => p.offers > 0)) {
    panel.empty('No offers in this selection.');
    return;
  }
  const el = h('div', { class: 'chart chart-trend', 'data-testid': 'trend-chart' });
  const label = `Conversion rate per ${ts.grain}, ${ts.points.length} periods`;
  const summary = h('div', { class: 'summary', 'data-testid': 'trend-summary' }, ...trendParagraphs(ts, f).map((t) => h('p', {}, t)));
  panel.ready(() => timeseriesTable(ts), el, summary);
  panel.setNote(trendKey(ts, f));
  panel.addChart(await mountChart(el, (compact) => trendOption(ts, f, { interactive: true, compact }), label));
}
