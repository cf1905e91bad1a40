import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';
import { isSupportedTime, parseTimestamp } from '../query/time-zone.js';
import { utc } from '../query/wall-time.js';

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

export function parseGrain(value: string, where = '--grain'): Grain {
  if ((GRAINS as readonly string[]).includes(value)) return value as Grain;
  throw new UprateError('BAD_ARGUMENT', `unknown grain '${value}'`, { location: where, hint: `use one of ${GRAINS.join(', ')}` });
}

/** The first instant of the period that holds `d` (UTC; weeks start on Monday, as ISO 8601). */
export function periodStart(d: Date, grain: Grain): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case 'day':
      return new Date(utc(y, m, d.getUTCDate()));
    case 'week': {
      const day = (d.getUTCDay() + 6) % 7;
      return new Date(utc(y, m, d.getUTCDate() - day));
    }
    case 'month':
      return new Date(utc(y, m, 1));
    case 'quarter':
      return new Date(utc(y, m - (m % 3), 1));
    case 'year':
      return new Date(utc(y, 0, 1));
  }
}

/** The first instant after the period that starts at `start`. */
export function nextPeriod(start: Date, grain: Grain): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const day = start.getUTCDate();
  switch (grain) {
    case 'day':
      return new Date(utc(y, m, day + 1));
    case 'week':
      return new Date(utc(y, m, day + 7));
    case 'month':
      return new Date(utc(y, m + 1, 1));
    case 'quarter':
      return new Date(utc(y, m + 3, 1));
    case 'year':
      return new Date(utc(y + 1, 0, 1));
  }
}

/**
 * Whether the range [from, to) covers only part of the period that starts at `start`: it starts
 * after the period does, or ends before the period ends. A report's counts for such a period are of
 * the covered part only, so the period is marked partial.
 */
export function isPartial(start: Date, grain: Grain, from: Date, to: Date): boolean {
  return start.getTime() < from.getTime() || nextPeriod(start, grain).getTime() > to.getTime();
}

/**
 * Every period start from the one holding `from` to the one holding `to`, inclusive. More than
 * `max` periods is a QUERY_TOO_LARGE error naming limits.maxPeriods: a series is never cut short
 * silently.
 */
export function periodsBetween(from: Date, to: Date, grain: Grain, max: number = DEFAULT_LIMITS.maxPeriods): Date[] {
  const out: Date[] = [];
  for (let p = periodStart(from, grain); p <= to; p = nextPeriod(p, grain)) {
    if (out.length >= max) {
      throw new UprateError('QUERY_TOO_LARGE', `${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)} by ${grain} is more than ${max} periods`, {
        location: 'grain',
        hint: raiseLimitHint('maxPeriods', 'use a coarser grain (week, month) or a shorter range (from/to)'),
      });
    }
    out.push(p);
  }
  return out;
}

/**
 * Parses a `YYYY-MM-DD` or ISO 8601 date argument (UTC when no zone is given; years 0000–9999 as
 * written, never guessed into the 1900s).
 */
export function parseDate(value: string, where: string): Date {
  const parsed = parseTimestamp(value);
  if (!parsed || !isSupportedTime(parsed.ms)) {
    throw new UprateError('BAD_ARGUMENT', `'${value}' is not a date from 0000-01-01 to 9999-12-31`, { location: where, hint: 'write dates as YYYY-MM-DD (or an ISO 8601 timestamp)' });
  }
  return new Date(parsed.ms);
}

/**
 * Where a report ends: a day (`YYYY-MM-DD`) is included, so the report ends where the next day
 * starts (no end at all after 9999-12-31); an instant is the end itself. `uprate report --to` and
 * `GET /api/v1/report?to=` read it alike.
 */
export function reportEnd(text: string, location: string): { to: Date } | Record<string, never> {
  const end = parseDate(text, location);
  // parseDate reads ' 2024-05-31' as the day; so must this, or the day would be left out.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) return { to: end };
  const next = new Date(end.getTime() + 86_400_000);
  return next.getUTCFullYear() > 9999 ? {} : { to: next };
}
