import { UprateError } from '../core/errors.js';
import { utc } from './wall-time.js';

/**
 * Wall-clock time in an IANA time zone, without a date library: a wall time is kept as the
 * milliseconds of the same clock reading in UTC (`Date.UTC(y, m, d, h, ...)`), so calendar
 * arithmetic is plain UTC arithmetic, and conversion to an instant asks Intl for the offset.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True for a time zone name Intl knows (`UTC`, `Europe/Berlin`, …). */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function checkTimeZone(tz: string): string {
  if (!isTimeZone(tz)) {
    throw new UprateError('QUERY_INVALID', `Invalid query format: timezone ${JSON.stringify(tz)} is not a time zone name`, {
      location: 'timezone',
      hint: 'use an IANA name such as UTC, Europe/Berlin or America/Los_Angeles',
    });
  }
  return tz;
}

/**
 * The wall time (as UTC-clock milliseconds) shown in `tz` at the instant `utcMs`; NaN for NaN or
 * an instant JavaScript cannot hold. Intl counts years before 1 as eras (year 0 is 1 BC).
 */
export function toWall(utcMs: number, tz: string): number {
  if (!Number.isFinite(utcMs) || Number.isNaN(new Date(utcMs).getTime())) return NaN;
  const p: Record<string, number> = {};
  let bc = false;
  for (const part of formatter(tz).formatToParts(new Date(utcMs))) {
    if (part.type === 'era') bc = part.value === 'BC';
    else if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const ms = ((utcMs % 1000) + 1000) % 1000;
  const year = p['year'] ?? 1970;
  return utc(bc ? 1 - year : year, (p['month'] ?? 1) - 1, p['day'] ?? 1, p['hour'] ?? 0, p['minute'] ?? 0, p['second'] ?? 0, ms);
}

/** The instant at which the clocks in `tz` show `wallMs` (the later one across a DST gap). */
export function fromWall(wallMs: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return wallMs;
  let guess = wallMs - (toWall(wallMs, tz) - wallMs);
  guess = wallMs - (toWall(guess, tz) - guess);
  return guess;
}

/** `2025-01-01T00:00:00.000`: Cube's local timestamp format (no zone); years outside 0000–9999 in ISO's `±YYYYYY`. */
export function formatWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, -1);
}

/** The first and the last millisecond a request may name: the years 0000 to 9999 that ISO 8601 writes with four digits. */
export const FIRST_TIME = utc(0, 0, 1);
export const LAST_TIME = utc(9999, 11, 31, 23, 59, 59, 999);
export const SUPPORTED_DATES = '0000-01-01T00:00:00.000 to 9999-12-31T23:59:59.999';

/** True for a wall time or an instant in the years 0000–9999 (false for NaN). */
export function isSupportedTime(ms: number): boolean {
  return ms >= FIRST_TIME && ms <= LAST_TIME;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface ParsedTimestamp {
  /** As UTC-clock milliseconds: wall time when `zoned` is false, the instant when true. */
  readonly ms: number;
  readonly dateOnly: boolean;
  /** The string carried a `Z` or an offset. */
  readonly zoned: boolean;
}

/**
 * An ISO 8601 date or date-time with a four-digit year (0000–9999, read as written: `0050` is the
 * year 50), a real day and clock reading, and an offset of at most ±23:59; undefined otherwise.
 * An offset may move the instant just outside 0000–9999: check with {@link isSupportedTime}.
 */
export function parseTimestamp(s: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, sec].map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((frac ?? '0').padEnd(3, '0').slice(0, 3));
  let value = utc(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(value);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const [offsetHours, offsetMinutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    value -= sign * (offsetHours * 60 + offsetMinutes) * 60000;
  }
  return { ms: value, dateOnly: h === undefined, zoned: zone !== undefined };
}
