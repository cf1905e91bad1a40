import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, raiseLimitHint } from '../core/limits.js';

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
      return new Date(Date.UTC(y, m, d.getUTCDate()));
    case 'week': {
      const day = (d.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(y, m, d.getUTCDate() - day));
    }
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** The first instant after the period that starts at `start`. */
export function nextPeriod(start: Date, grain: Grain): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const day = start.getUTCDate();
  switch (grain) {
    case 'day':
      return new Date(Date.UTC(y, m, day + 1));
    case 'week':
      return new Date(Date.UTC(y, m, day + 7));
    case 'month':
      return new Date(Date.UTC(y, m + 1, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m + 3, 1));
    case 'year':
      return new Date(Date.UTC(y + 1, 0, 1));
  }
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

/** Parses a `YYYY-MM-DD` or ISO 8601 date argument (UTC when no zone is given). */
export function parseDate(value: string, where: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
  const d = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new UprateError('BAD_ARGUMENT', `'${value}' is not a date`, { location: where, hint: 'write dates as YYYY-MM-DD (or an ISO 8601 timestamp)' });
  }
  return d;
}
