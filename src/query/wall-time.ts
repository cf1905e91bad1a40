/**
 * Calendar arithmetic on wall times (UTC-clock milliseconds, see time-zone.ts), with moment's
 * rules: weeks are ISO weeks (Monday), adding months clamps to the month's last day.
 */
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const TIME_UNITS: readonly TimeUnit[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

const FIXED: Partial<Record<TimeUnit, number>> = { second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 7 * 86400000 };

/** 400 Gregorian years are exactly 146,097 days: the calendar repeats. */
const CYCLE_MS = 146097 * 86400000;

/**
 * `Date.UTC` for every year: `Date.UTC` reads years 0–99 as 1900–1999, so those are computed 400
 * years later and moved back one Gregorian cycle. Months and days overflow as in `Date.UTC`.
 *
 * @example utc(50, 0, 1) // the milliseconds of 0050-01-01T00:00:00Z, not 1950
 */
export function utc(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 0 && year < 100) return Date.UTC(year + 400, month, day, hour, minute, second, ms) - CYCLE_MS;
  return Date.UTC(year, month, day, hour, minute, second, ms);
}

export function startOf(wall: number, unit: TimeUnit): number {
  const d = new Date(wall);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case 'second':
    case 'minute':
    case 'hour':
    case 'day': {
      const size = FIXED[unit] ?? 1;
      return Math.floor(wall / size) * size;
    }
    case 'week': {
      const day = startOf(wall, 'day');
      const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
      return day - weekday * 86400000;
    }
    case 'month':
      return utc(y, m, 1);
    case 'quarter':
      return utc(y, m - (m % 3), 1);
    case 'year':
      return utc(y, 0, 1);
  }
}

/** `wall` moved by n units; NaN when the result is no time JavaScript can hold (check with Number.isFinite). */
export function add(wall: number, n: number, unit: TimeUnit): number {
  const fixed = FIXED[unit];
  if (fixed !== undefined) return wall + n * fixed;
  const months = n * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
  const d = new Date(wall);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(utc(y, m + 1, 0)).getUTCDate();
  const time = wall - startOf(wall, 'day');
  return utc(y, m, Math.min(d.getUTCDate(), lastDay)) + time;
}

export function endOf(wall: number, unit: TimeUnit): number {
  return add(startOf(wall, unit), 1, unit) - 1;
}
