import { UprateError } from '../core/errors.js';

/** The embedded database file every command defaults to. */
export const DEFAULT_DB = process.env['UPRATE_DB'] ?? './uprate.duckdb';
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';

export function parseInteger(value: string, option: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UprateError('BAD_ARGUMENT', `${option} must be a whole number from ${min} to ${max}, not '${value}'`, { location: option });
  }
  return n;
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UprateError('BAD_ARGUMENT', `${option} must be one of ${choices.join(', ')}, not '${value}'`, { location: option });
}
