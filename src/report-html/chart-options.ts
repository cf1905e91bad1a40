/**
 * ECharts options for the trend and the segment breakdowns, built from the /api/v1 responses.
 * Shared by the dashboard (canvas, interactive) and the report (SVG rendered on the server), so
 * both draw the same thing. Pure: data in, option object out.
 */
import type { EChartsOption } from 'echarts';
import type { BreakdownResponse, BreakdownRow, TimeseriesResponse } from '../insights/api-types.js';
import type { Formatter } from './format.js';
import { PALETTE } from './palette.js';
import { changeText, clusteringNote, periodChangeWords, projectionText } from './wording.js';

export interface ChartStyle {
  /** Tooltips and hover (dashboard); off for the static report. */
  readonly interactive: boolean;
  /** Narrow screens: fewer axis labels, no legend text wrapping. */
  readonly compact?: boolean;
  /** The trend also draws what each period is compared with: the period before, or the same period a year earlier. */
  readonly compare?: TrendComparison | null;
}

export type TrendComparison = 'previous' | 'year';

/** The legend names of the comparison lines. */
export const COMPARISON_NAMES: Readonly<Record<TrendComparison, string>> = { previous: 'Period before', year: 'Same period last year' };

/**
 * What each period is compared with, as a rate: the period before's rate, or the same period a
 * year earlier (from the API's year-over-year difference, read even before the range starts).
 */
export function comparisonRates(ts: TimeseriesResponse, compare: TrendComparison): (number | null)[] {
  return ts.points.map((p, i) => {
    if (compare === 'previous') {
      const before = ts.points[i - 1];
      return before && before.offers > 0 ? before.rate : null;
    }
    const d = p.yearOverYear;
    return d && d.difference !== null && p.rate !== null ? p.rate - d.difference : null;
  });
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** ECharts draws a gap where a value is '-'. */
const GAP = '-';
type Cell = number | typeof GAP;
const cell = (v: number | null | undefined): Cell => (v === null || v === undefined || !Number.isFinite(v) ? GAP : v);

/**
 * A value axis range holding every number given, padded and snapped to a round step (1, 2, 2.5,
 * 5 or 10 points) so the ticks read as whole percents.
 */
export function rateAxisRange(values: readonly (number | null | undefined)[], minSpan = 0.04): { min: number; max: number; interval: number } {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { min: 0, max: 0.3, interval: 0.1 };
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (hi - lo < minSpan) {
    const mid = (hi + lo) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
  }
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  const raw = (hi - lo) / 4;
  const step = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25].find((s) => s >= raw) ?? 0.25;
  const snap = (v: number) => Math.round(v * 1e6) / 1e6;
  return { min: snap(Math.max(0, Math.floor(lo / step) * step)), max: snap(Math.min(1, Math.ceil(hi / step) * step)), interval: step };
}

/** `#1d4ed8` at an opacity, as rgba (an item's own opacity would fade its label too). */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** The legend and series name of the projected final rate (dashed line and its band). */
export const PROJECTED_NAME = 'Projected final rate';
/** The legend name of provisional periods (window still open): the shaded column and the hollow rate-so-far marker. */
export const PROVISIONAL_NAME = 'Provisional';

type TrendPoint = TimeseriesResponse['points'][number];

/** A period whose rate is final: complete (no pending offers, period over) and with offers. */
const isFinal = (p: TrendPoint | undefined): p is TrendPoint => p !== undefined && !p.provisional && p.rate !== null;

/**
 * Indices where the projected line starts: the last complete period just before a run of
 * projected ones, so the dashed line continues the solid one instead of floating free.
 */
function projectionAnchors(pts: readonly TrendPoint[]): Set<number> {
  const anchors = new Set<number>();
  pts.forEach((p, i) => {
    if (isFinal(p) && !p.projected && pts[i + 1]?.projected) anchors.add(i);
  });
  return anchors;
}

/** A note on a day (GET /api/v1/annotations), drawn on the trend at the period holding the day. */
export interface TrendAnnotation {
  /** YYYY-MM-DD. */
  readonly day: string;
  readonly text: string;
}

/** The periods that hold a note's day (index into the points), with their notes joined by `; `. */
export function annotatedPeriods(pts: readonly TrendPoint[], annotations: readonly TrendAnnotation[]): { index: number; text: string }[] {
  const byIndex = new Map<number, string[]>();
  for (const a of annotations) {
    const index = pts.findIndex((p) => p.period <= a.day && a.day <= p.periodEnd);
    if (index >= 0) byIndex.set(index, [...(byIndex.get(index) ?? []), a.text]);
  }
  return [...byIndex].sort(([a], [b]) => a - b).map(([index, texts]) => ({ index, text: texts.join('; ') }));
}

/**
 * The trend: rate per period, its interval band, control limits (p or Laney p′), signals and
 * provisional periods. A provisional period's rate so far is a hollow marker off the solid line
 * (it will still rise); its projected final rate, when the API gives one, continues the line
 * dashed from the last complete period, with its interval as a lighter band.
 */
export function trendOption(ts: TimeseriesResponse, f: Formatter, style: ChartStyle, annotations: readonly TrendAnnotation[] = []): EChartsOption {
  const pts = ts.points;
  const notes = annotatedPeriods(pts, annotations);
  const labels = pts.map((p) => f.period(p.period, ts.grain));
  const percentAxis = (v: number) => f.percent(v, 0);
  const compared = style.compare ? comparisonRates(ts, style.compare) : [];
  const range = rateAxisRange([...pts.flatMap((p) => [p.lower, p.upper, p.rate, p.lcl, p.ucl, p.projected?.lower, p.projected?.upper]), ...compared]);
  const thresholds = ts.query.thresholds;
  const anyProvisional = pts.some((p) => p.provisional);
  const provisionalCount = pts.filter((p) => p.provisional).length;
  const firstProvisional = pts.findIndex((p) => p.provisional);
  const anyProjected = pts.some((p) => p.projected);
  const anchors = projectionAnchors(pts);
  const anyRun = pts.some((p) => p.runFlags.length > 0);
  const anyOut = pts.some((p) => p.outOfControl !== null);
  const hasLimits = pts.some((p) => p.ucl !== null);
  // The words of the legend: the report's language (the dashboard's formatter speaks English).
  const cw = f.words.chart;
  const limitsName = cw.limits(ts.controlChart.kind, f.decimal(ts.controlChart.sigmas, 0));
  const projectedName = cw.projected;
  const provisionalName = cw.provisional;
  // The observed interval band covers final periods only: a provisional period's interval is of a
  // rate that will still rise (it is in the tooltip), and a projected one has its own band.
  const finalOnly = (p: TrendPoint, v: number | null): Cell => (p.provisional ? GAP : cell(v));

  const series: NonNullable<EChartsOption['series']> = [
    // The interval band: an invisible line at the lower end, and the width stacked on top of it.
    { name: 'lower', type: 'line', stack: 'interval', data: pts.map((p) => finalOnly(p, p.lower)), lineStyle: { opacity: 0 }, symbol: 'none', silent: true },
    {
      name: cw.interval(f.percent(ts.query.level, 0)),
      type: 'line',
      stack: 'interval',
      data: pts.map((p) => (p.lower === null || p.upper === null ? GAP : finalOnly(p, p.upper - p.lower))),
      lineStyle: { opacity: 0 },
      areaStyle: { color: PALETTE.interval },
      symbol: 'none',
      silent: true,
    },
  ];
  if (hasLimits) {
    series.push(
      { name: limitsName, type: 'line', step: 'middle', data: pts.map((p) => cell(p.ucl)), symbol: 'none', lineStyle: { color: PALETTE.limit, type: 'dashed', width: 1 }, itemStyle: { color: PALETTE.limit } },
      { name: limitsName, type: 'line', step: 'middle', data: pts.map((p) => cell(p.lcl)), symbol: 'none', lineStyle: { color: PALETTE.limit, type: 'dashed', width: 1 }, itemStyle: { color: PALETTE.limit } },
      { name: cw.centre, type: 'line', data: pts.map((p) => cell(p.centreLine)), symbol: 'none', lineStyle: { color: PALETTE.centre, width: 1 }, itemStyle: { color: PALETTE.centre } },
    );
  }
  series.push({
    id: 'rate',
    name: cw.rate,
    type: 'line',
    z: 5,
    // Final rates only: the solid line never runs into a rate that will still rise.
    data: pts.map((p) => finalOnly(p, p.rate)),
    lineStyle: { color: PALETTE.rate, width: 2 },
    itemStyle: { color: PALETTE.rate },
    symbolSize: 5,
    // Band names on a backing of the chart's colour, so a control limit or the interval band crossing
    // them leaves them readable; at the left, away from the provisional columns' label on the right.
    markArea: {
      silent: true,
      label: { show: !style.compact, position: 'insideTopLeft', color: PALETTE.muted, fontSize: 10, backgroundColor: PALETTE.background, padding: [1, 4], borderRadius: 3 },
      data: bandAreas(thresholds, range, f.words.band),
    },
    // Annotations: a vertical line at the period holding each note's day, the notes in its label and tooltip.
    ...(notes.length > 0 && {
      markLine: {
        symbol: 'none' as const,
        lineStyle: { color: PALETTE.muted, type: 'solid' as const, width: 1 },
        label: { show: !style.compact, position: 'insideEndTop' as const, color: PALETTE.muted, fontSize: 10, formatter: '{b}' },
        tooltip: { formatter: '{b}' },
        data: notes.map((n) => ({ xAxis: n.index, name: n.text })),
      },
    }),
  });
  if (style.compare) {
    // What each period is compared with: a thin dotted line under the rate (the tooltip says by how much, and whether it is significant).
    series.push({
      id: 'comparison',
      name: COMPARISON_NAMES[style.compare],
      type: 'line',
      z: 4,
      data: compared.map((v) => cell(v)),
      lineStyle: { color: PALETTE.muted, width: 1.5, type: 'dotted' },
      itemStyle: { color: PALETTE.muted },
      symbol: 'emptyCircle',
      symbolSize: 4,
      connectNulls: false,
    });
  }
  if (anyProjected) {
    const lastProjected = pts.reduce((last, p, i) => (p.projected ? i : last), -1);
    // Starts at the last complete period (its observed rate and interval), then the projections.
    const projectedCell = (p: TrendPoint, i: number, pick: (x: { rate: number; lower: number; upper: number }) => number): Cell =>
      p.projected ? cell(pick(p.projected)) : anchors.has(i) && p.rate !== null && p.lower !== null && p.upper !== null ? cell(pick({ rate: p.rate, lower: p.lower, upper: p.upper })) : GAP;
    series.push(
      {
        id: 'projected',
        name: projectedName,
        type: 'line',
        z: 5,
        data: pts.map((p, i) => ({
          value: projectedCell(p, i, (x) => x.rate),
          // The anchor is the solid line's own point: no second marker on it.
          symbol: p.projected ? 'circle' : 'none',
          ...(i === lastProjected && {
            // Ending at the point, so the last column's label is never cut off at the right edge.
            label: { show: !style.compact, position: 'top' as const, align: 'right' as const, color: PALETTE.projected, fontSize: 10, formatter: cw.projectedAt(f.percent(p.projected?.rate)) },
          }),
        })),
        symbolSize: 6,
        lineStyle: { color: PALETTE.projected, width: 2, type: 'dashed' },
        itemStyle: { color: withAlpha(PALETTE.projected, 0.6) },
      },
      // Its interval: an invisible lower line and the width stacked on it, under the same name so
      // the legend shows and hides the line and its band together.
      { id: 'projected-lower', name: projectedName, type: 'line', stack: 'projected', data: pts.map((p, i) => projectedCell(p, i, (x) => x.lower)), lineStyle: { opacity: 0 }, symbol: 'none', silent: true },
      {
        id: 'projected-band',
        name: projectedName,
        type: 'line',
        stack: 'projected',
        data: pts.map((p, i) => {
          const lo = projectedCell(p, i, (x) => x.lower);
          const hi = projectedCell(p, i, (x) => x.upper);
          return lo === GAP || hi === GAP ? GAP : hi - lo;
        }),
        lineStyle: { opacity: 0 },
        areaStyle: { color: PALETTE.projectedInterval },
        symbol: 'none',
        silent: true,
      },
    );
  }
  if (anyProvisional) {
    // The rate so far of a provisional period: a hollow marker, not joined to the line.
    series.push({
      id: 'provisional-rate',
      name: provisionalName,
      type: 'scatter',
      z: 5,
      symbol: 'emptyCircle',
      symbolSize: 7,
      itemStyle: { color: PALETTE.muted, borderWidth: 1.5 },
      data: pts.map((p) => (p.provisional ? cell(p.rate) : GAP)),
    });
  }
  if (anyOut) {
    series.push({
      name: cw.outOfControl,
      type: 'scatter',
      z: 6,
      symbol: 'diamond',
      symbolSize: 13,
      itemStyle: { color: PALETTE.outOfControl, borderColor: PALETTE.background, borderWidth: 1 },
      data: pts.map((p) => (p.outOfControl ? cell(p.rate) : GAP)),
    });
  }
  if (anyRun) {
    series.push({
      name: cw.run,
      type: 'scatter',
      z: 4,
      symbol: 'circle',
      symbolSize: 11,
      itemStyle: { color: 'transparent', borderColor: PALETTE.run, borderWidth: 2 },
      data: pts.map((p) => (p.runFlags.length ? cell(p.rate) : GAP)),
    });
  }
  if (anyProvisional) {
    // A full-width bar on a hidden 0–1 axis shades a provisional period's whole column.
    series.push({
      name: provisionalName,
      type: 'bar',
      yAxisIndex: 1,
      barWidth: '100%',
      silent: true,
      z: 0,
      itemStyle: { color: PALETTE.provisional },
      data: pts.map((p) => (p.provisional ? 1 : GAP)),
      // One label for the provisional columns, at the first: side by side, "50% open" and "97% open"
      // printed over each other (issue 15). How much is still open is in each column's tooltip.
      label: {
        show: !style.compact,
        position: 'insideTop',
        distance: 4,
        color: PALETTE.muted,
        fontSize: 10,
        formatter: (params: { dataIndex: number }) => {
          const p = pts[params.dataIndex];
          if (!p || params.dataIndex !== firstProvisional) return '';
          return cw.provisionalOpen(provisionalCount === 1 ? f.percent(p.pendingShare, 0) : null);
        },
      },
      labelLayout: { hideOverlap: true },
    });
  }

  const legendNames = series
    .map((s) => (s as { name?: string }).name ?? '')
    .filter((n, i, all) => n !== 'lower' && all.indexOf(n) === i);
  return {
    animation: style.interactive,
    textStyle: { fontFamily: FONT },
    color: [PALETTE.rate],
    // Months take two lines where the year is named (monthAxisLabel).
    grid: { left: 48, right: style.compact ? 12 : 20, top: style.compact ? 84 : 40, bottom: ts.grain === 'month' && !style.compact ? 40 : 28, outerBoundsMode: 'none' },
    legend: {
      // One line on a wide dashboard (paged when it overflows); narrow screens wrap into the taller top margin.
      type: style.interactive && !style.compact ? 'scroll' : 'plain',
      data: legendNames,
      top: 0,
      left: 0,
      itemWidth: 14,
      itemHeight: 8,
      textStyle: { fontSize: 11, color: PALETTE.muted },
      itemGap: 14,
      selectedMode: style.interactive,
    },
    ...(style.interactive && {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'line' },
        confine: true,
        backgroundColor: PALETTE.tooltip,
        borderColor: PALETTE.grid,
        textStyle: { color: PALETTE.text },
        // The projection's basis is a long sentence: let the box wrap.
        extraCssText: 'max-width: 380px; white-space: normal;',
        formatter: (params: unknown) => {
          const first = Array.isArray(params) ? (params[0] as { dataIndex?: number } | undefined) : undefined;
          return first?.dataIndex === undefined ? '' : trendTooltip(ts, first.dataIndex, f);
        },
      },
    }),
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: true,
      axisTick: { alignWithLabel: true },
      // Every month labelled: the month's short name, its year under January and under the first.
      // On a phone (or at other grains) labels that would collide are left out instead.
      axisLabel: ts.grain === 'month' && !style.compact
        ? { color: PALETTE.muted, fontSize: 11, interval: 0, formatter: (_: string, i: number) => monthAxisLabel(labels, pts, i) }
        : { color: PALETTE.muted, fontSize: 11, hideOverlap: true },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: [
      {
        type: 'value',
        min: range.min,
        max: range.max,
        interval: range.interval,
        axisLabel: { formatter: percentAxis, color: PALETTE.muted, fontSize: 11 },
        splitLine: { lineStyle: { color: PALETTE.grid } },
      },
      { type: 'value', min: 0, max: 1, show: false },
    ],
    series,
  };
}

/**
 * A month on the trend's axis: "Jun", with its year on a second line under the first month and
 * under each January ("Jan\n2025"); a locale that writes the month and year as one word keeps it.
 */
export function monthAxisLabel(labels: readonly string[], pts: readonly { period: string }[], i: number): string {
  const label = labels[i] ?? '';
  const parts = label.split(' ');
  if (parts.length !== 2) return label;
  const [month, year] = /^\d{4}$/.test(parts[1] ?? '') ? [parts[0], parts[1]] : [parts[1], parts[0]];
  const firstOfYear = i === 0 || pts[i]?.period.slice(5, 7) === '01';
  return firstOfYear ? `${month}\n${year}` : (month ?? label);
}

/** The band zones behind the trend, clipped to the axis; a zone showing only a sliver is left out. */
function bandAreas(t: { strong: number; poor: number }, range: { min: number; max: number }, names: { readonly strong: string; readonly moderate: string; readonly poor: string }) {
  const zones = [
    { name: names.strong, from: t.strong, to: 1, color: PALETTE.band.strong.area },
    { name: names.moderate, from: t.poor, to: t.strong, color: PALETTE.band.moderate.area },
    { name: names.poor, from: 0, to: t.poor, color: PALETTE.band.poor.area },
  ];
  const span = range.max - range.min;
  return zones
    .map((z) => ({ ...z, from: Math.max(z.from, range.min), to: Math.min(z.to, range.max) }))
    .filter((z) => z.to - z.from > span * 0.08)
    .map((z) => [{ yAxis: z.from, name: z.name, itemStyle: { color: z.color } }, { yAxis: z.to }] as [{ yAxis: number; name: string; itemStyle: { color: string } }, { yAxis: number }]);
}

/** Text from the API placed in tooltip HTML. */
const escHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** The tooltip of one period: its rate (so far), projection, counts, limits, signals and changes. */
export function trendTooltip(ts: TimeseriesResponse, index: number, f: Formatter): string {
  const p = ts.points[index];
  if (!p) return '';
  const lines = [`<b>${f.period(p.period, ts.grain)}</b>${p.partial ? ' (partial)' : ''}`];
  if (p.provisional) {
    lines.push(`Rate so far <b>${f.percent(p.rate)}</b> (${f.interval(p.lower, p.upper)}), provisional: ${f.percent(p.pendingShare, 0)} of offers still inside the window`);
    if (p.projected) {
      const text = projectionText(p.projected, f);
      lines.push(`<span style="color:${PALETTE.projected}">${escHtml(text.charAt(0).toUpperCase() + text.slice(1))}</span>`);
    }
  } else {
    lines.push(`Rate <b>${f.percent(p.rate)}</b> (${f.interval(p.lower, p.upper)})`);
  }
  lines.push(`${f.count(p.accepted)} accepted of ${f.count(p.offers)} offers`);
  if (p.ucl !== null) lines.push(`Control limits ${f.interval(p.lcl, p.ucl)}`);
  if (p.outOfControl) lines.push(`<span style="color:${PALETTE.outOfControl}">Out of control (${p.outOfControl} the limits)</span>`);
  if (p.runFlags.length) lines.push(`<span style="color:${PALETTE.run}">Part of a run of 8+ ${p.runFlags.includes('run_above') ? 'above' : 'below'} the centre line</span>`);
  const { vsPrevious, vsLastYear } = periodChangeWords(ts, index, f);
  for (const w of [vsPrevious, vsLastYear]) if (w) lines.push(escHtml(changeText(w)));
  const note = p.offers > 0 ? clusteringNote([p.interval], f) : null;
  if (note) lines.push(`<span style="color:${PALETTE.muted}">${escHtml(note)}</span>`);
  return lines.join('<br>');
}

/** A segment's label for people: `mid_market` → "mid market", null → "not recorded" (in `notRecorded`'s language when given). */
export function segmentLabel(row: Pick<BreakdownRow, 'label' | 'segment'>, notRecorded = 'not recorded'): string {
  const values = Object.values(row.segment);
  if (values.length === 1 && values[0] === null) return notRecorded;
  return row.label.replace(/_/g, ' ');
}

/** Marker for a segment that differs significantly from the rest (after correction). */
export function significanceMarker(row: BreakdownRow): string {
  return row.vsRest.direction === 'above' ? '▲' : row.vsRest.direction === 'below' ? '▼' : '';
}

/** Height in pixels a breakdown chart needs for its rows. */
export function breakdownHeight(rows: number): number {
  return 44 + Math.max(1, rows) * 30;
}

/**
 * A segment breakdown as a forest plot: each segment's rate with its interval, coloured by
 * whether it differs significantly from the rest; a dashed line at the overall rate.
 */
export function breakdownOption(bd: BreakdownResponse, f: Formatter, style: ChartStyle): EChartsOption {
  const rows = bd.rows;
  const labels = rows.map((r) => segmentLabel(r, f.words.chart.notRecorded));
  const colour = (r: BreakdownRow) => (r.smallSample || r.rate === null ? PALETTE.small : r.vsRest.direction === 'above' ? PALETTE.above : r.vsRest.direction === 'below' ? PALETTE.below : PALETTE.neutral);
  const range = rateAxisRange([...rows.flatMap((r) => [r.interval.lower, r.interval.upper]), bd.total.rate], 0.06);
  return {
    animation: style.interactive,
    textStyle: { fontFamily: FONT },
    // The category labels (segment names) sit inside the chart's box, whatever their length.
    grid: { left: 8, right: style.compact ? 64 : 84, top: 24, bottom: 20, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    ...(style.interactive && {
      tooltip: {
        trigger: 'item',
        // Kept inside the chart: a segment near the left edge once put it off-screen.
        confine: true,
        backgroundColor: PALETTE.tooltip,
        borderColor: PALETTE.grid,
        textStyle: { color: PALETTE.text },
        formatter: (params: unknown) => {
          const i = (params as { dataIndex?: number }).dataIndex;
          const r = i === undefined ? undefined : rows[i];
          return r ? breakdownTooltip(r, f) : '';
        },
      },
    }),
    xAxis: {
      type: 'value',
      min: range.min,
      max: range.max,
      interval: range.interval,
      axisLabel: { formatter: (v: number) => f.percent(v, 0), color: PALETTE.muted, fontSize: 11 },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: {
      type: 'category',
      data: labels,
      inverse: true,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
      // As wide as the longest label needs (about 7 px a character at 12 px), within bounds.
      axisLabel: { color: PALETTE.text, fontSize: 12, width: Math.min(style.compact ? 110 : 170, Math.max(60, Math.max(...labels.map((l) => l.length)) * 7)), overflow: 'truncate' },
    },
    series: [
      { name: 'lower', type: 'bar', stack: 'ci', barWidth: 6, itemStyle: { color: 'transparent' }, data: rows.map((r) => cell(r.interval.lower)), silent: true },
      {
        name: 'interval',
        type: 'bar',
        stack: 'ci',
        barWidth: 6,
        data: rows.map((r) => ({
          value: r.interval.lower === null || r.interval.upper === null ? GAP : r.interval.upper - r.interval.lower,
          itemStyle: { color: withAlpha(colour(r), 0.3), borderRadius: 3 },
        })),
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          color: PALETTE.text,
          formatter: (params: { dataIndex: number }) => {
            const r = rows[params.dataIndex];
            if (!r) return '';
            if (r.rate === null) return f.words.chart.noOffers;
            return `${f.percent(r.rate)} ${significanceMarker(r)}${r.smallSample ? ' n<30' : ''}`.trim();
          },
        },
      },
      {
        name: 'rate',
        type: 'scatter',
        symbol: 'circle',
        symbolSize: 10,
        z: 5,
        data: rows.map((r, i) => ({ value: [cell(r.rate), i], itemStyle: { color: colour(r) } })),
        markLine: bd.total.rate === null
          ? undefined
          : {
              silent: true,
              symbol: 'none',
              lineStyle: { color: PALETTE.muted, type: 'dashed' },
              label: { formatter: f.words.chart.all(f.percent(bd.total.rate)), position: 'start', fontSize: 10, color: PALETTE.muted },
              data: [{ xAxis: bd.total.rate }],
            },
      },
    ],
  };
}

function breakdownTooltip(r: BreakdownRow, f: Formatter): string {
  const lines = [
    `<b>${segmentLabel(r)}</b>`,
    `Rate <b>${f.percent(r.rate)}</b> (${f.interval(r.interval.lower, r.interval.upper)})`,
    `${f.count(r.accepted)} accepted of ${f.count(r.offers)} offers`,
  ];
  if (r.vsRest.differencePoints !== null) {
    lines.push(`vs rest ${f.points(r.vsRest.differencePoints)}, adjusted ${f.pValue(r.vsRest.adjustedPValue)}${r.vsRest.direction ? ` — significantly ${r.vsRest.direction}` : ' — not significant'}`);
  }
  if (r.smallSample) lines.push('Small sample (fewer than 30 offers)');
  if (r.provisional) lines.push(`Provisional: ${f.percent(r.pendingShare, 0)} still open`);
  return lines.join('<br>');
}
