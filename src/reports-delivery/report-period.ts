/**
 * Which month a report is about: the last *complete* one — the calendar month before the one
 * holding the instant, read on the schedule's clock (at 00:30 on 1 December in Berlin, November has
 * ended there though it is still 30 November in UTC). The month's numbers are UTC calendar months,
 * as everywhere in uprate.
 */
import { UprateError } from '../core/errors.js';
import { monthRange, shiftMonth } from '../report-html/monthly-report.js';

/** `YYYY-MM` of the instant in a time zone. */
export function monthIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  const month = parts.find((p) => p.type === 'month')?.value ?? '';
  return `${year}-${month}`;
}

/** The month before the one holding `at` in `timeZone`. */
export function lastCompleteMonth(at: Date, timeZone = 'UTC'): string {
  return shiftMonth(monthIn(at, timeZone), -1);
}

/**
 * A period asked for by name (`--period 2026-11`): a well-formed month that has ended at `at`. A
 * month still running is refused: its once-only key would be spent on partial numbers.
 */
export function checkPeriod(period: string, at: Date, timeZone: string, location = '--period'): string {
  monthRange(period, location);
  const current = monthIn(at, timeZone);
  if (period >= current) {
    throw new UprateError('BAD_ARGUMENT', `${period} has not ended yet (it is ${current} in ${timeZone}): only complete months are sent`, {
      location,
      hint: `leave ${location} out for the last complete month, ${lastCompleteMonth(at, timeZone)}`,
    });
  }
  return period;
}
