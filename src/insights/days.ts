import { utc } from '../query/wall-time.js';

/**
 * Calendar-day arithmetic on `YYYY-MM-DD` strings (UTC), exact for every year: `0050-01-01` is
 * the year 50. A day moved outside 0000–9999 is written with ISO 8601's expanded year
 * (`-000001-12-31`, `+010000-01-01`), so arithmetic on it stays exact too.
 */

const DAY_MS = 86_400_000;
const DAY = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of `day`; an Invalid Date for text that is no day. */
export function dayToDate(day: string): Date {
  const m = DAY.exec(day);
  if (!m) return new Date(NaN);
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(utc(year, month - 1, date));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === date ? d : new Date(NaN);
}

/** The UTC day of `d` (`YYYY-MM-DD`, expanded outside 0000–9999); throws a RangeError for an Invalid Date, as toISOString does. */
export function dateToDay(d: Date): string {
  const [date = ''] = d.toISOString().split('T');
  return date;
}

/** `day` moved by n days. */
export function addDays(day: string, n: number): string {
  return dateToDay(new Date(dayToDate(day).getTime() + n * DAY_MS));
}

/** Days from `from` to `to`, both included. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / DAY_MS) + 1;
}

/**
 * The period before `from`…`to`: for whole calendar months (the 1st to a month's last day) the
 * same number of months before (September–November against June–August, February against
 * January), as a reader compares months; otherwise the period of the same length in days ending
 * the day before `from`.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const [a, b] = [dayToDate(from), dayToDate(to)];
  const end = new Date(b.getTime() + DAY_MS);
  if (a.getUTCDate() === 1 && end.getUTCDate() === 1 && a <= b) {
    const months = (end.getUTCFullYear() - a.getUTCFullYear()) * 12 + end.getUTCMonth() - a.getUTCMonth();
    return { from: dateToDay(new Date(utc(a.getUTCFullYear(), a.getUTCMonth() - months, 1))), to: addDays(from, -1) };
  }
  const length = daysInclusive(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
}
