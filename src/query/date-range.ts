import { UprateError } from '../core/errors.js';
import { formatWall, fromWall, isSupportedTime, parseTimestamp, SUPPORTED_DATES, toWall } from './time-zone.js';
import { add, endOf, startOf, type TimeUnit } from './wall-time.js';

/** A date range as Cube echoes it: local wall times in the query time zone, e.g. `2025-01-01T00:00:00.000`. */
export type LocalRange = readonly [string, string];

const UNIT = '(second|minute|hour|day|week|month|quarter|year)';

function cantParse(s: string, where: string): UprateError {
  return new UprateError('QUERY_INVALID', `Can't parse date: '${s}'`, {
    location: where,
    hint: "use two dates ['2025-01-01', '2025-01-31'] or a relative range: today, yesterday, last 7 days, this month, last quarter, from 2025-01-01 to today",
  });
}

/** A range, or a point of one, outside the years 0000–9999 (in the query time zone or in UTC). */
export function outOfRange(shown: string, where: string): UprateError {
  return new UprateError('QUERY_INVALID', `Invalid query format: ${where} ${shown} lies outside the dates uprate reads (${SUPPORTED_DATES})`, {
    location: where,
    hint: 'use dates from 0000-01-01 to 9999-12-31, in the query time zone and in UTC alike, e.g. a smaller count in `last N days`',
  });
}

/** One point in time from `from X to Y`: a date, a date-time, today/yesterday/tomorrow/now, `N units ago`, `N units from now`. */
function parsePoint(s: string, nowWall: number): number | undefined {
  const t = s.trim();
  // The range arrives lower-cased: a date-time's T and Z are read as written in either case.
  const ts = parseTimestamp(t.toUpperCase());
  if (ts) return ts.ms;
  if (t === 'now') return nowWall;
  if (t === 'today') return nowWall;
  if (t === 'yesterday') return add(nowWall, -1, 'day');
  if (t === 'tomorrow') return add(nowWall, 1, 'day');
  const rel = new RegExp(`^(\\d+)\\s+${UNIT}s?\\s+(ago|from now)$`).exec(t);
  if (rel) return add(nowWall, (rel[3] === 'ago' ? -1 : 1) * Number(rel[1]), rel[2] as TimeUnit);
  return undefined;
}

/**
 * Cube's relative date ranges, with an injected clock: `today`, `yesterday`, `tomorrow`,
 * `this|last|next <unit>`, `last|next N <units>` (whole units, not counting the current one),
 * `from <point> to <point>`, or a single date. Weeks start on Monday. A range reaching outside
 * the years 0000–9999 (`last 100000 years`) is a QUERY_INVALID error naming `where`.
 */
export function parseRelativeRange(text: string, tz: string, now: Date, where = 'dateRange'): LocalRange {
  const s = text.toLowerCase().trim();
  const nowWall = toWall(now.getTime(), tz);
  let range: [number, number];
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^(this|last|next)\\s+${UNIT}$`).exec(s))) {
    const unit = m[2] as TimeUnit;
    const at = add(nowWall, m[1] === 'last' ? -1 : m[1] === 'next' ? 1 : 0, unit);
    range = [startOf(at, unit), endOf(at, unit)];
  } else if ((m = new RegExp(`^(last|next)\\s+(\\d+)\\s+${UNIT}s?$`).exec(s))) {
    const n = Number(m[2]);
    const unit = m[3] as TimeUnit;
    range = m[1] === 'last'
      ? [startOf(add(nowWall, -n, unit), unit), endOf(add(nowWall, -1, unit), unit)]
      : [startOf(add(nowWall, 1, unit), unit), endOf(add(nowWall, n, unit), unit)];
  } else if (s === 'today' || s === 'yesterday' || s === 'tomorrow') {
    const at = add(nowWall, s === 'today' ? 0 : s === 'yesterday' ? -1 : 1, 'day');
    range = [startOf(at, 'day'), endOf(at, 'day')];
  } else if ((m = /^from (.*) to (.*)$/.exec(s))) {
    const from = parsePoint(m[1] ?? '', nowWall);
    const to = parsePoint(m[2] ?? '', nowWall);
    if (from === undefined) throw cantParse(m[1] ?? '', where);
    if (to === undefined) throw cantParse(m[2] ?? '', where);
    const exact: TimeUnit = (['second', 'minute', 'hour'] as const).find((g) => s.includes(g)) ?? 'day';
    range = [startOf(from, exact), endOf(to, exact)];
  } else {
    const at = parsePoint(s, nowWall);
    if (at === undefined) throw cantParse(text, where);
    range = [startOf(at, 'day'), endOf(at, 'day')];
  }
  // NaN (a count no calendar holds) fails this too.
  if (!range.every(isSupportedTime)) throw outOfRange(JSON.stringify(text), where);
  return [formatWall(range[0]), formatWall(range[1])];
}

/**
 * An explicit range as Cube normalises it: a date becomes its first or last millisecond, a
 * date-time keeps its clock reading (one with a zone is read in UTC, as Cube does). Years are
 * read as written (`0050` is the year 50); anything outside 0000–9999 is a QUERY_INVALID error.
 */
export function formatExplicitRange(values: readonly string[], where: string): LocalRange {
  const [a, b = a] = values;
  const bound = (v: string | undefined, end: boolean): string => {
    const ts = v === undefined ? undefined : parseTimestamp(v);
    if (!ts) {
      throw new UprateError('QUERY_INVALID', `Invalid query format: ${where} value ${JSON.stringify(v)} is not a date`, {
        location: where,
        hint: 'use YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss.SSS, with a year from 0000 to 9999',
      });
    }
    if (!isSupportedTime(ts.ms)) throw outOfRange(JSON.stringify(v), where);
    const wall = formatWall(ts.ms);
    return ts.dateOnly && end ? `${wall.slice(0, 10)}T23:59:59.999` : wall;
  };
  return [bound(a, false), bound(b, true)];
}

/**
 * A local wall time of a resolved range (query time zone) → the UTC instant as ISO. The zone may
 * move a time at the edge of 0000–9999 outside it (9999-12-31 in Los Angeles is 10000-01-01 UTC):
 * that is a QUERY_INVALID error naming `where`, as no engine reads such an instant.
 */
export function localToInstant(local: string, tz: string, where: string): string {
  const wall = parseTimestamp(local)?.ms ?? NaN;
  const instant = fromWall(wall, tz);
  if (!isSupportedTime(instant)) throw outOfRange(`${JSON.stringify(local)} in ${tz}`, where);
  return new Date(instant).toISOString();
}

/** A time dimension's dateRange, relative or explicit, as local wall times whose UTC instants lie in 0000–9999 too. */
export function resolveDateRange(value: string | readonly string[], tz: string, now: Date, where: string): LocalRange {
  const range = typeof value === 'string' ? parseRelativeRange(value, tz, now, where) : formatExplicitRange(value, where);
  for (const local of range) localToInstant(local, tz, where);
  return range;
}
