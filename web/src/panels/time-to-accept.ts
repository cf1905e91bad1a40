/**
 * Time to accept: GET /api/v1/time-to-accept?by=… drawn as one cumulative curve per segment —
 * the share of offers accepted within 0 … W days of being made, with its interval band (offers
 * still open count while they were followed: Kaplan–Meier). A click on a segment's curve filters
 * the page to it; the segments are listed under the chart with their shares after a day, a week,
 * two weeks and the whole window, as buttons for the keyboard.
 */
import type { EChartsOption } from 'echarts';
import type { TimeToAcceptResponse, TimeToAcceptSegment } from '../../../src/insights/api-types.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { PALETTE } from '../../../src/report-html/palette.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';
import type { DrillTo } from './breakdown.js';
import { segmentFilterValue } from './segments-over-time.js';

/** One colour per segment (at most 8), each 4.5:1 or more on white. */
export const SEGMENT_COLOURS = ['#1d4ed8', '#c2410c', '#047857', '#a21caf', '#b45309', '#0e7490', '#4b5563', '#be123c'] as const;

/** The days the list reads out: a day, a week, two weeks and the whole window. */
function milestones(w: number): number[] {
  return [...new Set([1, 7, 14, w].filter((d) => d <= w))];
}

export function timeToAcceptOption(data: TimeToAcceptResponse, f: Formatter, compact: boolean): EChartsOption {
  const segs = data.segments;
  const top = Math.max(...segs.flatMap((s) => s.points.map((p) => p.upper)), 0.01);
  const max = Math.min(1, Math.ceil(top * 20) / 20);
  const series: NonNullable<EChartsOption['series']> = [];
  segs.forEach((s, i) => {
    const colour = SEGMENT_COLOURS[i % SEGMENT_COLOURS.length] ?? PALETTE.rate;
    series.push(
      { id: `lower-${i}`, type: 'line', stack: `band-${i}`, step: 'end', data: s.points.map((p) => [p.days, p.lower]), lineStyle: { opacity: 0 }, symbol: 'none', silent: true },
      { id: `band-${i}`, type: 'line', stack: `band-${i}`, step: 'end', data: s.points.map((p) => [p.days, p.upper - p.lower]), lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.08 }, symbol: 'none', silent: true },
      { id: `share-${i}`, name: s.label, type: 'line', step: 'end', data: s.points.map((p) => [p.days, p.share]), symbol: 'none', lineStyle: { color: colour, width: 2 }, itemStyle: { color: colour }, emphasis: { focus: 'series' } },
    );
  });
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    grid: { left: 44, right: compact ? 10 : 20, top: compact ? 64 : 36, bottom: 40 },
    legend: { data: segs.map((s) => s.label), top: 0, left: 0, type: compact ? 'plain' : 'scroll', itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11, color: PALETTE.muted } },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as { seriesId?: string; dataIndex?: number }[];
        const lines = list
          .filter((p) => p.seriesId?.startsWith('share-'))
          .map((p) => {
            const s = segs[Number(p.seriesId?.split('-')[1])];
            const point = p.dataIndex === undefined ? undefined : s?.points[p.dataIndex];
            return s && point ? `${s.label}: ${f.percent(point.share)} (${f.interval(point.lower, point.upper)})` : '';
          });
        const day = list[0]?.dataIndex ?? 0;
        return [`Within ${day} day${day === 1 ? '' : 's'}`, ...lines].join('<br>');
      },
    },
    xAxis: { type: 'value', min: 0, max: data.windowDays, name: 'days since the offer', nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: PALETTE.muted, fontSize: 11 }, axisLabel: { color: PALETTE.muted, fontSize: 11 }, splitLine: { show: false }, axisLine: { lineStyle: { color: PALETTE.grid } } },
    yAxis: { type: 'value', min: 0, max, axisLabel: { formatter: (v: number) => f.percent(v, 0), color: PALETTE.muted, fontSize: 11 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
    series,
  };
}

function segmentText(s: TimeToAcceptSegment, w: number, f: Formatter): string {
  const at = milestones(w).map((d) => {
    const p = s.points[d];
    return p ? `within ${d} day${d === 1 ? '' : 's'} ${f.percent(p.share)} (${f.interval(p.lower, p.upper)})` : '';
  });
  return `${at.filter(Boolean).join('; ')}; ${f.count(s.offers)} offers${s.open ? `, ${f.count(s.open)} still open` : ''}`;
}

export async function showTimeToAccept(panel: Panel, data: TimeToAcceptResponse, f: Formatter, drill: DrillTo | null, byTitle: string): Promise<void> {
  if (data.segments.length === 0) {
    panel.empty('No offers in this selection.');
    return;
  }
  const member = data.by;
  const el = h('div', { class: `chart chart-tta${drill ? ' clickable' : ''}`, 'data-testid': 'tta-chart', title: drill ? 'Select a segment\'s curve to filter the page to it' : null });
  const w = data.windowDays;
  const list = h(
    'details',
    { class: 'segments-list' },
    h('summary', {}, 'Segments as a list'),
    h(
      'ul',
      { 'data-testid': 'tta-segments' },
      ...data.segments.map((s) =>
        h(
          'li',
          { 'data-segment': s.label, 'data-share': String(s.points[w]?.share ?? '') },
          drill
            ? h('button', { type: 'button', class: 'link drill', 'aria-label': `Filter the page to ${byTitle} = ${s.label}`, onclick: () => drill(member, segmentFilterValue(s.segment, member)) }, s.label)
            : h('span', {}, s.label),
          `: ${segmentText(s, w, f)}`,
        ),
      ),
    ),
  );
  const csv = () => ({
    columns: ['segment', 'days', 'offers', 'observed', 'accepted', 'share', 'lower', 'upper'],
    rows: data.segments.flatMap((s) => s.points.map((p) => [s.label, p.days, s.offers, p.observed, p.accepted, p.share, p.lower, p.upper])),
  });
  panel.ready(csv, el, list);
  panel.setNote([data.segmentsNote, data.method].filter(Boolean).join(' '));
  const mounted = await mountChart(el, (compact) => timeToAcceptOption(data, f, compact), `Time to accept by ${byTitle}: share of offers accepted within 0 to ${w} days, ${data.segments.length} segments`);
  if (drill) {
    mounted.chart.on('click', (params: { seriesId?: string }) => {
      const s = data.segments[Number((params.seriesId ?? '').split('-')[1])];
      if (s) drill(member, segmentFilterValue(s.segment, member));
    });
  }
  panel.addChart(mounted);
}
