/**
 * A breakdown panel's segments over time: GET /api/v1/timeseries?by=… drawn as small multiples —
 * one small chart per segment, all on the same axes (the same periods, one rate scale holding every
 * point drawn in any of them; see {@link overTimeScale}), each with its rate and interval band per
 * period. The scale is rounded as the breakdown panels' shared one is (rate-scale.ts) and written
 * as `data-axis` on the chart and on each segment's entry in the list. A period still filling in is drawn apart as the trend
 * draws it: shaded, its rate so far hollow and its projected final rate dashed. A click on a
 * segment's chart filters the page to it; the segments and their periods are listed under the
 * chart as buttons and text for the keyboard and screen readers.
 */
import type { EChartsOption } from 'echarts';
import type { TimeseriesResponse, TimeseriesSegment } from '../../../src/insights/api-types.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { PALETTE } from '../../../src/report-html/palette.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import { NOT_RECORDED } from '../state.js';
import type { DrillTo } from './breakdown.js';
import { axisText, EMPTY_SCALE, rateScale, type RateScale } from './rate-scale.js';

type Point = TimeseriesSegment['points'][number];

/** Height of one small chart, in pixels (its title included). */
const CELL = 150;
const TITLE = 22;

/** The filter value of a segment ({@link NOT_RECORDED} for offers without the attribute). */
export function segmentFilterValue(segment: Readonly<Record<string, string | null>>, member: string): string {
  const v = segment[member];
  return v === null || v === undefined ? NOT_RECORDED : v;
}

/** Columns of small charts: two on a phone, four on a wide panel. */
function columnsFor(compact: boolean, count: number): number {
  return Math.max(1, Math.min(count, compact ? 2 : 4));
}

/**
 * The one rate scale of every small multiple: each value drawn in any of them — a final period's
 * rate and its interval band, a provisional period's rate so far and its projected final rate.
 * (A provisional period's interval is not drawn: it is of a rate that will still rise.)
 */
export function overTimeScale(segments: readonly TimeseriesSegment[]): RateScale {
  return rateScale(segments.flatMap((s) => s.points.flatMap((p) => (p.provisional ? [p.rate, p.projected?.rate] : [p.rate, p.lower, p.upper])))) ?? EMPTY_SCALE;
}

/** The small multiples' option, every one on `scale`; `el`'s height follows the rows. */
export function smallMultiplesOption(ts: TimeseriesResponse, segments: readonly TimeseriesSegment[], f: Formatter, compact: boolean, el: HTMLElement | null, scale: RateScale = overTimeScale(segments)): EChartsOption {
  const cols = columnsFor(compact, segments.length);
  const rows = Math.ceil(segments.length / cols);
  if (el) el.style.height = `${rows * CELL + 8}px`;
  const labels = ts.points.map((p) => f.period(p.period, ts.grain));
  const last = labels.length - 1;
  const gap = 3; // percent between columns
  const width = (100 - gap * (cols - 1)) / cols;
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v);
  const grid = segments.map((_, i) => ({ left: `${(i % cols) * (width + gap)}%`, width: `${width}%`, top: Math.floor(i / cols) * CELL + TITLE, height: CELL - TITLE - 26 }));
  const series: NonNullable<EChartsOption['series']> = [];
  segments.forEach((s, i) => {
    const at = { xAxisIndex: i, yAxisIndex: i };
    const final = (p: Point, v: number | null) => (p.provisional ? '-' : cell(v));
    const firstOpen = s.points.findIndex((p) => p.provisional);
    series.push(
      { ...at, id: `lower-${i}`, type: 'line', stack: `band-${i}`, data: s.points.map((p) => final(p, p.lower)), lineStyle: { opacity: 0 }, symbol: 'none', silent: true },
      { ...at, id: `band-${i}`, type: 'line', stack: `band-${i}`, data: s.points.map((p) => (p.lower === null || p.upper === null ? '-' : final(p, p.upper - p.lower))), lineStyle: { opacity: 0 }, areaStyle: { color: PALETTE.interval }, symbol: 'none', silent: true },
      {
        ...at,
        id: `rate-${i}`,
        name: s.label,
        type: 'line',
        data: s.points.map((p) => final(p, p.rate)),
        symbol: 'circle',
        symbolSize: compact ? 3 : 4,
        lineStyle: { color: PALETTE.rate, width: 1.5 },
        itemStyle: { color: PALETTE.rate },
        ...(firstOpen >= 0 && {
          markArea: { silent: true, itemStyle: { color: PALETTE.provisional }, data: [[{ xAxis: labels[firstOpen] ?? '' }, { xAxis: labels[last] ?? '' }]] },
        }),
      },
      // Provisional periods: the rate so far, hollow, not joined to the final ones.
      { ...at, id: `open-${i}`, type: 'line', data: s.points.map((p) => (p.provisional ? cell(p.rate) : '-')), symbol: 'emptyCircle', symbolSize: 5, lineStyle: { opacity: 0 }, itemStyle: { color: PALETTE.muted } },
      // The projected final rate of a period still filling in, dashed from the last final period.
      {
        ...at,
        id: `projected-${i}`,
        type: 'line',
        data: s.points.map((p, j) => (p.provisional ? cell(p.projected?.rate) : s.points[j + 1]?.provisional && s.points[j + 1]?.projected ? cell(p.rate) : '-')),
        symbol: 'none',
        lineStyle: { color: PALETTE.projected, type: 'dashed', width: 1.5 },
      },
    );
  });
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    grid,
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number; seriesId?: string } | undefined;
        const index = Number((first?.seriesId ?? '').split('-')[1]);
        const s = segments[index];
        const p = first?.dataIndex === undefined ? undefined : s?.points[first.dataIndex];
        return s && p ? pointText(s, p, ts, f) : '';
      },
    },
    xAxis: segments.map((_, i) => ({
      type: 'category' as const,
      gridIndex: i,
      data: labels,
      // Each period a column, so a provisional one is a shaded column as on the trend.
      boundaryGap: true,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
      // The first and last period only, kept inside their chart so neighbours' labels do not meet.
      axisLabel: { color: PALETTE.muted, fontSize: 10, interval: (j: number) => j === 0 || j === last, alignMinLabel: 'left' as const, alignMaxLabel: 'right' as const, hideOverlap: true },
    })),
    yAxis: segments.map((s, i) => ({
      type: 'value' as const,
      gridIndex: i,
      min: scale.min,
      max: scale.max,
      interval: scale.interval,
      name: `${s.label} · ${f.percent(s.rate)}`,
      nameLocation: 'end' as const,
      nameGap: 6,
      nameTextStyle: { align: 'left' as const, color: PALETTE.text, fontSize: 11, fontWeight: 600 as const, width: 150, overflow: 'truncate' as const },
      axisLabel: { inside: true, formatter: (v: number) => f.percent(v, 0), color: PALETTE.muted, fontSize: 9, verticalAlign: 'bottom' as const },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    })),
    series,
  };
}

function pointText(s: TimeseriesSegment, p: Point, ts: TimeseriesResponse, f: Formatter): string {
  const name = f.period(p.period, ts.grain);
  const rate = p.rate === null ? 'no offers' : `${f.percent(p.rate)}${p.provisional ? ' so far' : ''} (${f.interval(p.lower, p.upper)}; ${f.count(p.accepted)} of ${f.count(p.offers)})`;
  const projected = p.projected ? `; projected ${f.percent(p.projected.rate)} (${f.interval(p.projected.lower, p.projected.upper)})` : '';
  return `${s.label} · ${name}: ${rate}${projected}`;
}

export async function showSegmentsOverTime(panel: Panel, ts: TimeseriesResponse, f: Formatter, drill: DrillTo | null): Promise<void> {
  const segments = ts.segments ?? [];
  const member = ts.by ?? null;
  if (segments.length === 0 || !member) {
    panel.empty('No offers in this selection.');
    return;
  }
  const title = panel.options.title;
  const el = h('div', { class: `chart chart-small-multiples${drill ? ' clickable' : ''}`, 'data-testid': `over-time-chart-${member}`, title: drill ? 'Select a segment\'s chart to filter the page to it' : null });
  el.dataset['segments'] = String(segments.length);
  const scale = overTimeScale(segments);
  const option = (compact: boolean) => smallMultiplesOption(ts, segments, f, compact, el, scale);
  // The axis each small multiple is drawn on, as the breakdown panels write theirs: `min..max`.
  const axes = (option(false).yAxis as { min?: number; max?: number }[]).map(axisText);
  el.dataset['axis'] = axisText(scale);
  const list = h(
    'details',
    { class: 'segments-list' },
    h('summary', {}, 'Segments over time as a list'),
    h(
      'ul',
      { 'data-testid': `over-time-${member}` },
      ...segments.map((s, i) =>
        h(
          'li',
          { 'data-segment': s.label, 'data-axis': axes[i] },
          drill
            ? h('button', { type: 'button', class: 'link drill', 'aria-label': `Filter the page to ${title} = ${s.label}`, onclick: () => drill(member, segmentFilterValue(s.segment, member)) }, s.label)
            : h('span', {}, s.label),
          ` ${f.percent(s.rate)} over the range (${f.count(s.accepted)} of ${f.count(s.offers)})`,
          h('ul', { class: 'periods' }, ...s.points.map((p) => h('li', {}, pointText(s, p, ts, f).slice(s.label.length + 3)))),
        ),
      ),
    ),
  );
  const csv = () => ({
    columns: ['segment', 'period', 'periodEnd', 'offers', 'accepted', 'rate', 'lower', 'upper', 'provisional', 'projected'],
    rows: segments.flatMap((s) => s.points.map((p) => [s.label, p.period, p.periodEnd, p.offers, p.accepted, p.rate, p.lower, p.upper, p.provisional, p.projected?.rate ?? null])),
  });
  panel.ready(csv, el, list);
  panel.setNote(ts.segmentsNote ?? '');
  const mounted = await mountChart(el, option, `${title}: conversion rate per ${ts.grain} for each of ${segments.length} segments, on the same axes`);
  if (drill) {
    // Anywhere in a segment's small chart: the grid under the pointer.
    mounted.chart.getZr().on('click', (e: { offsetX: number; offsetY: number }) => {
      const index = segments.findIndex((_, i) => mounted.chart.containPixel({ gridIndex: i }, [e.offsetX, e.offsetY]));
      const s = segments[index];
      if (s) drill(member, segmentFilterValue(s.segment, member));
    });
  }
  panel.addChart(mounted);
}

