/**
 * The monthly report's two compact tables from the dashboard's panels, as plain cells that the
 * HTML and the Markdown report both print: the time to accept (GET /api/v1/time-to-accept) and the
 * segments over time (GET /api/v1/timeseries?by=). The numbers are the API's, formatted by the
 * report's Formatter; no width is fixed (the HTML scrolls a wide table sideways on a phone). Pure.
 */
import type { TimeseriesResponse, TimeToAcceptResponse } from '../insights/api-types.js';
import { segmentLabel } from './chart-options.js';
import type { Formatter } from './format.js';

export interface ReportTable {
  readonly intro: string | null;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns aligned right (numbers). */
  readonly right: readonly number[];
  readonly notes: readonly string[];
}

/** The days the time-to-accept table shows: 7, 14 and 30 when inside the window, and its end. */
export function acceptanceDays(windowDays: number): number[] {
  return [...new Set([...[7, 14, 30].filter((d) => d < windowDays), windowDays])].sort((a, b) => a - b);
}

/** Most segments the segments-over-time table has columns for (the API sends up to 8). */
export const SEGMENT_COLUMNS = 6;

/** One row per segment: its offers, the share accepted by day 7, 14, 30 and the window's end (with intervals), and those still open. */
export function timeToAcceptTable(tta: TimeToAcceptResponse & { readonly title: string }, f: Formatter): ReportTable {
  const w = f.words;
  const days = acceptanceDays(tta.windowDays);
  const dayHead = (d: number) => (d === tta.windowDays ? `${w.timeToAccept.day(d)} (${w.timeToAccept.windowEnd})` : w.timeToAccept.day(d));
  const rows = tta.segments.map((s) => [
    segmentLabel(s, w.chart.notRecorded),
    f.count(s.offers),
    ...days.map((d) => {
      const p = s.points.find((x) => x.days === d);
      return p ? `${f.percent(p.share)} (${f.interval(p.lower, p.upper)})` : f.percent(null);
    }),
    f.count(s.open),
  ]);
  const notes = [
    ...(tta.segments.length === 0 ? [w.timeToAccept.none] : []),
    ...(tta.segmentsOmitted.segments > 0 ? [w.timeToAccept.omitted(tta.segmentsOmitted.segments, f.count(tta.segmentsOmitted.offers))] : []),
  ];
  return {
    intro: w.timeToAccept.intro(tta.windowDays, tta.title),
    head: [w.segments.segment, w.tiles.offers, ...days.map(dayHead), w.timeToAccept.open],
    rows,
    right: [1, ...days.map((_, i) => i + 2), days.length + 2],
    notes,
  };
}

/** One row per month of the trend: the rate of all offers, then of each segment with the most offers; a month still filling in is starred. */
export function segmentsOverTimeTable(ts: TimeseriesResponse & { readonly title: string }, f: Formatter): ReportTable {
  const w = f.words;
  const segments = (ts.segments ?? []).slice(0, SEGMENT_COLUMNS);
  const cell = (p: TimeseriesResponse['points'][number] | undefined) => (p && p.offers > 0 ? `${f.percent(p.rate)}${p.provisional ? '*' : ''}` : f.percent(null));
  const rows = ts.points.map((p, i) => [f.period(p.period, ts.grain), cell(p), ...segments.map((s) => cell(s.points[i]))]);
  const provisional = [ts.points, ...segments.map((s) => s.points)].some((pts) => pts.some((p) => p.provisional && p.offers > 0));
  const left = (ts.segments?.length ?? 0) - segments.length + (ts.segmentsOmitted?.segments ?? 0);
  const leftOffers = (ts.segments ?? []).slice(SEGMENT_COLUMNS).reduce((sum, s) => sum + s.offers, 0) + (ts.segmentsOmitted?.offers ?? 0);
  return {
    intro: w.segmentsOverTime.intro(ts.title, ts.points.length),
    head: [w.trendTable.period, w.segmentsOverTime.overall, ...segments.map((s) => segmentLabel(s, w.chart.notRecorded))],
    rows,
    right: [1, ...segments.map((_, i) => i + 2)],
    notes: [
      ...(segments.length === 0 ? [w.segmentsOverTime.none] : []),
      ...(provisional ? [w.segmentsOverTime.provisional] : []),
      ...(left > 0 ? [w.timeToAccept.omitted(left, f.count(leftOffers))] : []),
    ],
  };
}
