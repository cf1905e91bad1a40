import { formatWall, parseTimestamp } from './time-zone.js';

/**
 * A number as Cube sends it: a string, integer counts without a decimal point, never `1e-7`.
 * An exact decimal arrives from the store as the engine's text (`QueryOptions.exactDecimals`) and
 * is sent as it is (`"0.16376107459274078308"`, `"1234.50"`): it never passes through a double.
 */
export function numberText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const s = String(v);
    if (!/e/i.test(s)) return s;
    return Number.isInteger(v) ? BigInt(v).toString() : v.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** A timestamp as Cube sends it: `2025-01-01T00:00:00.000`, the wall time the SQL computed. */
export function timeText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 23);
  const ts = parseTimestamp(String(v));
  return ts ? formatWall(ts.ms) : String(v);
}

/** A result value by member type: times and numbers as strings, booleans as booleans. */
export function formatValue(v: unknown, type: string): string | boolean | null {
  if (v === null || v === undefined) return null;
  if (type === 'time') return timeText(v);
  if (type === 'string') return typeof v === 'string' ? v : String(v);
  if (type === 'boolean') return typeof v === 'boolean' ? v : v === 1 || v === '1' || v === 'true' || v === 't';
  return numberText(v);
}
