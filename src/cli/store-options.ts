import type { Command } from 'commander';
import { chooseStore, type StoreChoice, type StoreOptions } from '../store/index.js';
import { parseInteger } from './options.js';

/** The flags every command that touches data takes (with `--db`, which each command declares). */
export interface StoreFlags {
  readonly db: string;
  readonly engine?: string;
  readonly url?: string;
  readonly timeout?: string;
}

/** Adds `--engine`, `--url` and `--timeout` to a command. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--engine <engine>', 'duckdb (the embedded file, default), postgres or clickhouse; default: from --url')
    .option('--url <url>', 'database server: postgres://USER:PASS@HOST:PORT/DB or clickhouse://USER@HOST:PORT/DB?cluster=NAME (default: UPRATE_DATABASE_URL)')
    .option('--timeout <ms>', 'server engines: longest a statement or connection attempt may take (default: UPRATE_DB_TIMEOUT_MS, else 30000)');
}

/** The flags as {@link StoreOptions} for `openStore`. */
export function storeOptions(flags: StoreFlags, readOnly = false): StoreOptions {
  return {
    db: flags.db,
    engine: flags.engine,
    url: flags.url,
    readOnly,
    ...(flags.timeout ? { timeoutMs: parseInteger(flags.timeout, '--timeout', 100, 24 * 3600 * 1000) } : {}),
  };
}

/** Which engine the flags name, without opening it. */
export function storeChoice(flags: StoreFlags): StoreChoice {
  return chooseStore(storeOptions(flags));
}
