/**
 * Calendar arithmetic on wall times (UTC-clock milliseconds, see time-zone.ts), with moment's
 * rules: weeks are ISO weeks (Monday), adding months clamps to the month's last day.
 */
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const TIME_UNITS: readonly TimeUnit[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

const FIXED: Partial<Record<TimeUnit, number>> = { second: 1000, minute: 60000, hour: 3600000, day: 86400000, week: 7 * 86400000 };

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
      return Date.UTC(y, m, 1);
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1);
    case 'year':
      return Date.UTC(y, 0, 1);
  }
}

export function add(wall: number, n: number, unit: TimeUnit): number {
  const fixed = FIXED[unit];
  if (fixed !== undefined) return wall + n * fixed;
  const months = n * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
  const d = new Date(wall);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const time = wall - startOf(wall, 'day');
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) + time;
}

export function endOf(wall: number, unit: TimeUnit): number {
  return add(startOf(wall, unit), 1, unit) - 1;
}
