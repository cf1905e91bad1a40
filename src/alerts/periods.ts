/**
 * Periods an alert rule judges: UTC calendar periods (weeks start on Monday) that have ended by
 * the evaluation instant. The period holding the instant itself is never judged: it is partial.
 */
import { nextPeriod, periodStart, type Grain } from '../kpi/index.js';

export interface Period {
  /** First instant (UTC). */
  readonly start: Date;
  /** First instant after it (exclusive). */
  readonly end: Date;
  /** `2025-04`, `2025-Q2`, `2025`, `2025-04-07` (a day, or the Monday of a week). */
  readonly label: string;
}

export function periodAt(start: Date, grain: Grain): Period {
  return { start, end: nextPeriod(start, grain), label: periodLabel(start, grain) };
}

export function periodLabel(start: Date, grain: Grain): string {
  const iso = start.toISOString();
  switch (grain) {
    case 'day':
      return iso.slice(0, 10);
    case 'week':
      return `week of ${iso.slice(0, 10)}`;
    case 'month':
      return iso.slice(0, 7);
    case 'quarter':
      return `${iso.slice(0, 4)}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
    case 'year':
      return iso.slice(0, 4);
  }
}

/** The start of the period `count` periods before the one starting at `start`. */
export function periodsBefore(start: Date, grain: Grain, count: number): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const d = start.getUTCDate();
  switch (grain) {
    case 'day':
      return new Date(Date.UTC(y, m, d - count));
    case 'week':
      return new Date(Date.UTC(y, m, d - 7 * count));
    case 'month':
      return new Date(Date.UTC(y, m - count, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - 3 * count, 1));
    case 'year':
      return new Date(Date.UTC(y - count, 0, 1));
  }
}

/** How many periods back "the same period last year" is (52 weeks and 364 days keep the weekday). */
export function periodsPerYear(grain: Grain): number {
  return { day: 364, week: 52, month: 12, quarter: 4, year: 1 }[grain];
}

/**
 * How far back to look for a period whose conversion window has closed: the window is 30 days by
 * default, so a month is usually final two months later.
 */
export function provisionalSearch(grain: Grain): number {
  return { day: 120, week: 20, month: 6, quarter: 3, year: 2 }[grain];
}

/** Every period start from `from` (a period start) up to, not including, `until`. */
export function periodStarts(from: Date, until: Date, grain: Grain): Date[] {
  const out: Date[] = [];
  for (let p = from; p < until; p = nextPeriod(p, grain)) out.push(p);
  return out;
}

/** The period holding `at`: everything before its start has ended. */
export function currentPeriodStart(at: Date, grain: Grain): Date {
  return periodStart(at, grain);
}

/** Cube's local wall-time form of a UTC instant, for date ranges (`2025-04-01T00:00:00.000`). */
export function wallTime(d: Date): string {
  return d.toISOString().slice(0, 23);
}
