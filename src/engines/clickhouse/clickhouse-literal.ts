import { UprateError } from '../../core/errors.js';
import type { SqlValue } from '../../store/store.js';

/**
 * ClickHouse literals, for servers without query parameters (18.16 answers `{x:UInt32}` with a
 * syntax error and `param_x` with "Unknown setting"). The SQL dialect prints typed markers
 * `{p1:String}`, `{p2:Float64}`, `{p3:DateTime}`, `{p4:UInt8}` — ClickHouse's own parameter syntax —
 * and the store either sends them as parameters (servers that have them) or replaces each marker
 * with a literal made here. Anything that cannot be written safely is refused, never passed on.
 */
export type MarkerType = 'String' | 'Float64' | 'DateTime' | 'UInt8';

export const MARKER_TYPES: readonly MarkerType[] = ['String', 'Float64', 'DateTime', 'UInt8'];

/** A single-quoted string: backslash and quote escaped, control bytes as `\xHH`. */
export function clickhouseString(value: string): string {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new UprateError('QUERY_INVALID', 'a value holds a lone UTF-16 surrogate, which is not text and cannot be sent to ClickHouse', {
      details: { value: value.slice(0, 80) },
    });
  }
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A number literal; NaN and infinities have no safe literal and are refused. */
export function clickhouseNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) {
    throw new UprateError('QUERY_INVALID', `the number ${value} cannot be compared in SQL`, { hint: 'use a finite number' });
  }
  // String(1e21) is `1e+21`, which ClickHouse reads; keep the shortest exact form.
  return String(value);
}

/** Milliseconds since the epoch for a timestamp given as a Date or ISO 8601 text. */
export function epochMillis(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(isoWithZone(value));
  if (!Number.isFinite(ms)) {
    throw new UprateError('QUERY_INVALID', `${JSON.stringify(String(value))} is not a timestamp`, { hint: 'use ISO 8601, e.g. 2025-03-04T10:11:12Z' });
  }
  return ms;
}

/** Zone-less ISO text means UTC (uprate's rule), which Date.parse reads as local time otherwise. */
function isoWithZone(s: string): string {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return `${t}T00:00:00Z`;
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(t)) return t;
  return `${t}Z`;
}

/** DateTime counts whole seconds from 1970 to 2105 (UInt32). */
const MAX_DATETIME_SECONDS = 4294967295;

/**
 * A timestamp literal. Whole seconds become `toDateTime(n, 'UTC')`; a fractional instant stays a
 * number of epoch seconds, because DateTime (whole seconds) compares with a Float64 exactly:
 * `t >= 1735689599.5` is true from 1735689600 on, which truncating the bound would get wrong.
 */
export function clickhouseTimestamp(value: Date | string): string {
  const ms = epochMillis(value);
  if (ms < 0 || ms / 1000 > MAX_DATETIME_SECONDS) {
    throw new UprateError('QUERY_INVALID', `${new Date(ms).toISOString()} is outside the range of ClickHouse DateTime (1970 to 2105)`, {
      hint: 'use a timestamp between 1970-01-01 and 2105-12-31',
    });
  }
  if (ms % 1000 === 0) return `toDateTime(${ms / 1000}, 'UTC')`;
  return (ms / 1000).toFixed(3);
}

/** One value as a literal of a marker's type. */
export function clickhouseLiteral(value: SqlValue, type: MarkerType): string {
  if (value === null) return 'NULL';
  switch (type) {
    case 'String':
      if (value instanceof Date) return clickhouseString(value.toISOString());
      return clickhouseString(String(value));
    case 'Float64':
      if (typeof value === 'number' || typeof value === 'bigint') return clickhouseNumber(value);
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return clickhouseNumber(Number(value));
      throw new UprateError('QUERY_INVALID', `${JSON.stringify(String(value))} is not a number`, { hint: 'pass a number' });
    case 'DateTime':
      if (value instanceof Date || typeof value === 'string') return clickhouseTimestamp(value);
      throw new UprateError('QUERY_INVALID', `${String(value)} is not a timestamp`, { hint: 'use ISO 8601, e.g. 2025-03-04T10:11:12Z' });
    case 'UInt8':
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (value === 1 || value === 0 || value === 'true' || value === 'false' || value === '1' || value === '0') {
        return value === 1 || value === 'true' || value === '1' ? '1' : '0';
      }
      throw new UprateError('QUERY_INVALID', `${JSON.stringify(String(value))} is not true or false`, { hint: 'pass true or false' });
  }
}

/** A value as ClickHouse's parameter text (`param_pN=`), for servers that have parameters. */
export function clickhouseParamText(value: SqlValue, type: MarkerType): string {
  if (value === null) return '\\N';
  switch (type) {
    case 'DateTime': {
      // Parameters arrive as DateTime64(3): milliseconds are kept, as the literal path keeps them.
      if (!(value instanceof Date) && typeof value !== 'string') throw new UprateError('QUERY_INVALID', `${String(value)} is not a timestamp`);
      return new Date(epochMillis(value)).toISOString().replace('T', ' ').replace('Z', '');
    }
    case 'Float64':
      return clickhouseLiteral(value, type);
    case 'UInt8':
      return clickhouseLiteral(value, type);
    case 'String':
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

const MARKER = /\{p(\d+):(String|Float64|DateTime|UInt8)\}/y;

export interface BoundSql {
  readonly sql: string;
  /** `param_pN` values, when the server takes parameters. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Replaces `{pN:Type}` markers outside quoted strings and identifiers: with literals (`inline`)
 * or with the typed parameters ClickHouse 19.15+ understands. Every marker must have a value and
 * every value a marker, so a miscounted statement fails loudly instead of shifting values.
 */
export function bindClickHouseSql(sql: string, values: readonly SqlValue[], mode: 'inline' | 'parameters'): BoundSql {
  if (values.length === 0) return { sql, params: {} };
  const used = new Set<number>();
  const params: Record<string, string> = {};
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '{') {
      MARKER.lastIndex = i;
      const m = MARKER.exec(sql);
      if (m) {
        const n = Number(m[1]);
        const type = m[2] as MarkerType;
        if (n < 1 || n > values.length) throw new Error(`SQL marker {p${n}} has no value (${values.length} given)`);
        const value = values[n - 1] ?? null;
        used.add(n);
        if (mode === 'inline') out += clickhouseLiteral(value, type);
        else {
          params[`param_p${n}`] = clickhouseParamText(value, type);
          const declared = type === 'DateTime' ? "DateTime64(3, 'UTC')" : type;
          out += `{p${n}:${value === null ? `Nullable(${declared})` : declared}}`;
        }
        i += m[0].length;
        continue;
      }
    }
    out += ch;
    i++;
  }
  if (used.size !== values.length) throw new Error(`SQL has ${used.size} distinct markers but ${values.length} values`);
  return { sql: out, params };
}

/** The index just past a quoted token starting at `start` (backslash escapes and doubled quotes). */
export function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return sql.length;
}
