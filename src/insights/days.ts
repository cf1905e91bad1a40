/** Calendar-day arithmetic on `YYYY-MM-DD` strings (UTC). */

const DAY_MS = 86_400_000;

export function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function dateToDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `day` moved by n days. */
export function addDays(day: string, n: number): string {
  return dateToDay(new Date(dayToDate(day).getTime() + n * DAY_MS));
}

/** Days from `from` to `to`, both included. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / DAY_MS) + 1;
}

/** The period of the same length ending the day before `from`. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = daysInclusive(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
}
