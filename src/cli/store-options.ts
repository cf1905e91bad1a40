import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { shippedModelDir } from '../model/index.js';
import { spoolRoot } from '../server/ingest-spool.js';
import { chooseStore, type StoreChoice, type StoreOptions } from '../store/index.js';
import { cliConfig, modelDir, type ModelFlags } from './model-source.js';
import { DEFAULT_DB, parseInteger } from './options.js';

/** The flags every command that touches data takes (with `--db`, which each command declares). */
export interface StoreFlags {
  readonly db: string;
  readonly engine?: string;
  readonly url?: string;
  readonly timeout?: string;
  /** `--read-only`: create and write nothing in the database. */
  readonly readOnly?: boolean;
}

/** Adds `--engine`, `--url`, `--timeout` and `--read-only` to a command. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--engine <engine>', 'duckdb (the embedded file, default), postgres or clickhouse; default: from --url')
    .option('--url <url>', 'database server: postgres://USER:PASS@HOST:PORT/DB or clickhouse://USER@HOST:PORT/DB?cluster=NAME (default: UPRATE_DATABASE_URL)')
    .option('--timeout <ms>', 'server engines: longest a statement or connection attempt may take (default: UPRATE_DB_TIMEOUT_MS, else 30000)')
    .option('--read-only', "create and write nothing in the database: queries, reports and alert checks work; ingest, the demo load and alert history are off (PostgreSQL turns this on by itself when the user may not create uprate's tables)");
}

/** Where the store's once-at-open notes go: standard error, as `uprate: …` lines. */
function printNotice(message: string): void {
  process.stderr.write(`uprate: ${message}\n`);
}

/**
 * The flags as {@link StoreOptions} for `openStore`. `readOnly` is the command's own (it only
 * reads: nothing is said); `--read-only` is the user's, said once at open on standard error, as
 * is a read-only mode PostgreSQL turns on by itself.
 */
export function storeOptions(flags: StoreFlags, readOnly = false): StoreOptions {
  return {
    db: flags.db,
    engine: flags.engine,
    url: flags.url,
    readOnly,
    readOnlyRequested: flags.readOnly === true,
    onNotice: printNotice,
    ...(flags.timeout ? { timeoutMs: parseInteger(flags.timeout, '--timeout', 100, 24 * 3600 * 1000) } : {}),
  };
}

/** Which engine the flags name, without opening it. */
export function storeChoice(flags: StoreFlags): StoreChoice {
  return chooseStore(storeOptions(flags));
}

/**
 * The store a command that reads through the model opens: the config's `db` (relative to the
 * config file) unless `--db` names another file; on DuckDB, a model's files read in place only
 * from the config's `files.roots` (default: the model folder); and over a user's own model,
 * uprate's tables created only when a feature needs them.
 */
export function modelStoreOptions(flags: StoreFlags & ModelFlags, readOnly = false): StoreOptions {
  const config = cliConfig(flags);
  const dir = modelDir(flags, config);
  const base = config.file ? dirname(resolve(config.file)) : process.cwd();
  const db = flags.db === DEFAULT_DB && config.db ? resolve(base, config.db) : flags.db;
  const roots = (config.files?.roots ?? []).map((r) => resolve(base, r));
  return {
    ...storeOptions({ ...flags, db }, readOnly),
    files: { base: dir, roots: roots.length > 0 ? roots : [dir], ingestDirs: [spoolRoot()] },
    ...(dir === shippedModelDir() ? {} : { ownTables: 'on-demand' as const }),
  };
}

/**
 * Adds `--server URL` and `--token TOKEN` to a command that can go through a running
 * `uprate serve` (server-client.ts). `what` is what the command does through it (`read through`);
 * `found`: without --server it also finds the server holding its DuckDB file.
 */
export function addServerOptions(command: Command, what = 'read through', found = true): Command {
  return command
    .option('--server <url>', `${what} this running \`uprate serve\`${found ? ' (default: the one holding the DuckDB file, found beside it)' : ''}`)
    .option('--token <token>', "bearer token for the server (default: UPRATE_TOKEN, else one signed with UPRATE_API_SECRET and the config's security claims; none for a --dev server)");
}

/** The help paragraph of a command that reads through a server. */
export const THROUGH_SERVER_HELP = `
Through a server: while \`uprate serve\` holds the DuckDB file (or with --server URL) this command
asks the server and prints its answer exactly as it prints its own. The server's model and config
(bands, target, conversion window, kpi binding, security filters) decide the numbers then, not
--config or --model here: if they differ, the server's are the truth. --as-of is sent along.`;
