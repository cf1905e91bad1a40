import { UprateError } from '../core/errors.js';

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

/** The wall time (as UTC-clock milliseconds) shown in `tz` at the instant `utcMs`. */
export function toWall(utcMs: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const ms = ((utcMs % 1000) + 1000) % 1000;
  return Date.UTC(p['year'] ?? 1970, (p['month'] ?? 1) - 1, p['day'] ?? 1, p['hour'] ?? 0, p['minute'] ?? 0, p['second'] ?? 0, ms);
}

/** The instant at which the clocks in `tz` show `wallMs` (the later one across a DST gap). */
export function fromWall(wallMs: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return wallMs;
  let guess = wallMs - (toWall(wallMs, tz) - wallMs);
  guess = wallMs - (toWall(guess, tz) - guess);
  return guess;
}

/** `2025-01-01T00:00:00.000`: Cube's local timestamp format (no zone). */
export function formatWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 23);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface ParsedTimestamp {
  /** As UTC-clock milliseconds: wall time when `zoned` is false, the instant when true. */
  readonly ms: number;
  readonly dateOnly: boolean;
  /** The string carried a `Z` or an offset. */
  readonly zoned: boolean;
}

/** An ISO 8601 date or date-time; undefined when it is not one. */
export function parseTimestamp(s: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Number((frac ?? '0').padEnd(3, '0').slice(0, 3));
  let value = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), ms);
  const check = new Date(value);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h ?? 0) > 23) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    value -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return { ms: value, dateOnly: h === undefined, zoned: zone !== undefined };
}
