/**
 * The trend: GET /api/v1/timeseries drawn as a control chart (p or Laney p′) with the interval
 * band; a period still filling in shows its rate so far (hollow) and its projected final rate
 * (dashed, with its interval). A click anywhere in a period's column opens that period (the page's
 * range becomes the period, one grain finer); the periods are listed as buttons for the keyboard.
 */
import type { TimeseriesResponse } from '../../../src/insights/api-types.js';
import { COMPARISON_NAMES, annotatedPeriods, comparisonRates, trendOption, type TrendAnnotation, type TrendComparison } from '../../../src/report-html/chart-options.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { trendKey, trendParagraphs } from '../../../src/report-html/wording.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { timeseriesTable } from '../panel-tables.js';

export type TrendPoint = TimeseriesResponse['points'][number];

/** `compare`: also draw each period's comparison (the period before, or the same period last year). */
export async function showTrend(panel: Panel, ts: TimeseriesResponse, f: Formatter, open: ((p: TrendPoint) => void) | null = null, compare: TrendComparison | null = null, annotations: readonly TrendAnnotation[] = []): Promise<void> {
  if (!ts.points.some((p) => p.offers > 0)) {
    panel.empty('No offers in this selection.');
    return;
  }
  const el = h('div', { class: `chart chart-trend${open ? ' clickable' : ''}`, 'data-testid': 'trend-chart', 'data-compare': compare ?? '', 'data-annotations': annotatedPeriods(ts.points, annotations).length, title: open ? 'Select a period to open it' : null });
  const label = `Conversion rate per ${ts.grain}, ${ts.points.length} periods`;
  const summary = h('div', { class: 'summary', 'data-testid': 'trend-summary' }, ...trendParagraphs(ts, f).map((t) => h('p', {}, t)));
  const compared = compare ? comparisonRates(ts, compare) : [];
  const comparedText = (i: number) => (compare && compared[i] !== null && compared[i] !== undefined ? `; ${COMPARISON_NAMES[compare].toLowerCase()} ${f.percent(compared[i])}` : '');
  const periods = open
    ? h(
        'details',
        { class: 'segments-list' },
        h('summary', {}, 'Periods as a list'),
        h(
          'ul',
          { 'data-testid': 'trend-periods' },
          ...ts.points.map((p) => {
            const name = f.period(p.period, ts.grain);
            return h(
              'li',
              {},
              p.offers > 0 ? h('button', { type: 'button', class: 'link drill', 'aria-label': `Open ${name}`, onclick: () => open(p) }, name) : h('span', {}, name),
              ` ${p.rate === null ? 'no offers' : f.percent(p.rate)}${p.provisional ? ' so far' : ''} (${f.interval(p.lower, p.upper)}; ${f.count(p.accepted)} of ${f.count(p.offers)})${comparedText(ts.points.indexOf(p))}`,
            );
          }),
        ),
      )
    : null;
  panel.ready(() => timeseriesTable(ts), el, summary, periods);
  panel.setNote(trendKey(ts, f));
  const mounted = await mountChart(el, (compact) => trendOption(ts, f, { interactive: true, compact, compare }, annotations), label);
  if (open) {
    // Anywhere in the period's column, not only on its dot: the category under the pointer.
    mounted.chart.getZr().on('click', (e: { offsetX: number; offsetY: number }) => {
      if (!mounted.chart.containPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY])) return;
      // In the grid's coordinates the category axis gives the period's index.
      const at = mounted.chart.convertFromPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY]) as number[] | null;
      const index = Math.round(at?.[0] ?? -1);
      const point = ts.points[index];
      if (point && point.offers > 0) open(point);
    });
  }
  panel.addChart(mounted);
}
