import { UprateError } from '../core/errors.js';

export type Engine = 'duckdb' | 'postgres' | 'clickhouse';
export const ENGINES: readonly Engine[] = ['duckdb', 'postgres', 'clickhouse'];

const SCHEMES: Readonly<Record<string, Engine>> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'clickhouse:': 'clickhouse',
  'duckdb:': 'duckdb',
};

/** Parses a database URL, naming the option it came from when it is not one. */
export function parseDatabaseUrl(url: string, where = '--url'): URL {
  try {
    return new URL(url);
  } catch {
    throw new UprateError('BAD_ARGUMENT', `'${redactUrl(url)}' is not a database URL`, {
      location: where,
      hint: 'write postgres://USER:PASSWORD@HOST:PORT/DATABASE or clickhouse://USER@HOST:PORT/DATABASE?cluster=NAME',
    });
  }
}

/** The engine a URL's scheme names, or undefined for a scheme uprate does not know. */
export function engineOfUrl(url: string): Engine | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase();
  return scheme ? SCHEMES[scheme] : undefined;
}

/**
 * The URL as messages may show it: the password replaced by `***`. Also safe on text that is not
 * a URL (a password-looking `user:secret@` part is still hidden).
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
