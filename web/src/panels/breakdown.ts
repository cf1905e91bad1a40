/**
 * One segment dimension (of the KPI binding's panel dimensions): GET /api/v1/breakdown?by=… as a
 * forest plot with significance markers. A segment's dot, bar or label filters the whole page to
 * it; the same segments are listed under the chart as buttons, so the keyboard and screen
 * readers reach every number and every drill-down the chart offers.
 */
import type { BreakdownResponse, BreakdownRow } from '../../../src/insights/api-types.js';
import { breakdownHeight, breakdownOption, segmentLabel, significanceMarker } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { breakdownSummary } from '../../../src/report-html/wording.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { breakdownTable } from '../panel-tables.js';
import { NOT_RECORDED } from '../state.js';
import { axisText, type RateScale } from './rate-scale.js';

/** What a click on a segment does: filter the page to `member = value` (value {@link NOT_RECORDED} for a missing attribute). */
export type DrillTo = (member: string, value: string) => void;

/** The filter value of a segment of a one-dimension breakdown. */
export function segmentValue(row: BreakdownRow, member: string): string {
  const v = row.segment[member];
  return v === null || v === undefined ? NOT_RECORDED : v;
}

export async function showBreakdown(panel: Panel, bd: BreakdownResponse, f: Formatter, drill: DrillTo | null, scale: RateScale | null = null): Promise<void> {
  if (bd.total.offers === 0) {
    panel.empty('No offers in this selection.');
    return;
  }
  const member = bd.by.length === 1 ? (bd.by[0] ?? null) : null;
  const canDrill = (r: BreakdownRow) => drill !== null && member !== null && r.offers > 0;
  const el = h('div', { class: `chart chart-breakdown${drill && member ? ' clickable' : ''}`, 'data-testid': `breakdown-chart-${bd.by.join('-')}`, title: drill && member ? 'Select a segment to filter the page to it' : null });
  el.style.height = `${breakdownHeight(bd.rows.length)}px`;
  const title = panel.options.title;
  const list = h(
    'details',
    { class: 'segments-list' },
    h('summary', {}, 'Segments as a list'),
    h(
      'ul',
      { 'data-testid': `segments-${bd.by.join('-')}` },
      ...bd.rows.map((r) => {
        const name = segmentLabel(r);
        const text = `${name}: ${r.rate === null ? 'no offers' : f.percent(r.rate)} ${significanceMarker(r)} (${f.interval(r.interval.lower, r.interval.upper)}; ${f.count(r.accepted)} of ${f.count(r.offers)})`.replace(/\s+/g, ' ');
        return h(
          'li',
          {},
          canDrill(r) && member && drill
            ? h('button', { type: 'button', class: 'link drill', 'aria-label': `Filter the page to ${title} = ${name}`, onclick: () => drill(member, segmentValue(r, member)) }, name)
            : h('span', {}, name),
          ` ${text.slice(name.length + 1)}`,
        );
      }),
    ),
  );
  panel.ready(() => breakdownTable(bd), el, h('p', { class: 'summary' }, breakdownSummary(bd, f)), list);
  const option = (compact: boolean) => withScale(breakdownOption(bd, f, { interactive: true, compact }), scale);
  // The axis drawn, for tests and for anyone comparing panels: `min..max` as fractions.
  const axis = option(false).xAxis as { min?: number; max?: number };
  el.dataset['axis'] = axisText(axis);
  const mounted = await mountChart(el, option, `${title}: conversion rate per segment with intervals`);
  if (drill && member) {
    // A click on the dot, the interval bar or the segment's label: the row under the pointer.
    mounted.chart.on('click', (params: { dataIndex?: number; componentType?: string; value?: unknown }) => {
      const index = params.componentType === 'yAxis' ? bd.rows.findIndex((r) => segmentLabel(r) === params.value) : params.dataIndex;
      const row = index === undefined || index < 0 ? undefined : bd.rows[index];
      if (row && canDrill(row)) drill(member, segmentValue(row, member));
    });
  }
  panel.addChart(mounted);
}

/** The option on the shared scale (when there is one): every breakdown panel's axis the same. */
function withScale<T extends { xAxis?: unknown; yAxis?: unknown }>(option: T, scale: RateScale | null): T {
  const yAxis = { ...(option.yAxis as Record<string, unknown>), triggerEvent: true };
  if (!scale) return { ...option, yAxis };
  return { ...option, yAxis, xAxis: { ...(option.xAxis as Record<string, unknown>), min: scale.min, max: scale.max, interval: scale.interval } };
}
