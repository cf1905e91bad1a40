/** The trend: GET /api/v1/timeseries drawn as a p-chart with the interval band. */
import type { TimeseriesResponse } from '../../../src/insights/api-types.js';
import { trendOption } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { timeseriesTable } from '../panel-tables.js';

/** One sentence on the trend test and the latest complete period. */
export function trendSummary(ts: TimeseriesResponse, f: Formatter): string {
  const parts: string[] = [];
  const t = ts.trend;
  if (t.direction && t.pValue !== null) {
    parts.push(
      t.direction === 'flat'
        ? `No significant trend over the last ${t.periods} complete ${ts.grain}s (${f.pValue(t.pValue)}).`
        : `Rate ${t.direction} ${f.points(t.slopePoints)} per ${ts.grain} over the last ${t.periods} complete ${ts.grain}s (${f.pValue(t.pValue)}).`,
    );
  } else if (t.note) parts.push(t.note);
  const out = ts.points.filter((p) => p.outOfControl);
  if (out.length) parts.push(`${out.length} ${out.length === 1 ? 'period is' : 'periods are'} outside the control limits: ${out.map((p) => `${f.period(p.period, ts.grain)} (${p.outOfControl})`).join(', ')}.`);
  else if (ts.points.some((p) => p.charted)) parts.push('Every complete period is inside the control limits.');
  const prov = ts.points.filter((p) => p.provisional);
  if (prov.length) parts.push(`${prov.map((p) => f.period(p.period, ts.grain)).join(', ')}: provisional, kept out of the limits and alarms.`);
  if (ts.controlChart.note) parts.push(ts.controlChart.note);
  return parts.join(' ');
}

export async function showTrend(panel: Panel, ts: TimeseriesResponse, f: Formatter): Promise<void> {
  if (!ts.points.some((p) => p.offers > 0)) {
    panel.empty('No offers in this selection.');
    return;
  }
  const el = h('div', { class: 'chart chart-trend', 'data-testid': 'trend-chart' });
  const label = `Conversion rate per ${ts.grain}, ${ts.points.length} periods`;
  const summary = trendSummary(ts, f);
  panel.ready(() => timeseriesTable(ts), el, h('p', { class: 'summary', 'data-testid': 'trend-summary' }, summary));
  panel.addChart(await mountChart(el, (compact) => trendOption(ts, f, { interactive: true, compact }), label));
}
