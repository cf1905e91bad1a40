import { rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { alertSetup } from '../alerts/index.js';
import type { UprateConfig } from '../config/index.js';
import { checkBinding } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import { dialectOf } from '../query/index.js';
import { compileRollups, recordMissingJoins } from '../rollups/index.js';
import { UprateError } from '../core/errors.js';
import { apiSecret, checkSecret } from '../server/auth.js';
import { buildApp } from '../server/index.js';
import { buildInBackground } from '../server/background-rollups.js';
import { DEFAULT_CACHE_MAX_AGE_MS } from '../server/answer-cache.js';
import { dashboardBuilt } from '../server/routes/static.js';
import { reportDeliverySetup, startReportScheduler } from '../reports-delivery/index.js';
import { duckDbCheckpointThreshold, openStore, serverSidecarPath } from '../store/index.js';
import { DEFAULT_DB, DEFAULT_HOST, DEFAULT_PORT, parseInteger } from './options.js';
import { openModel } from './model-source.js';
import { action } from './run-command.js';
import { addStoreOptions, modelStoreOptions, type StoreFlags } from './store-options.js';

export interface ServeOptions {
  readonly db: string;
  /** `--engine`, `--url`, `--timeout` (default: the DuckDB file). */
  readonly engine?: string | undefined;
  readonly url?: string | undefined;
  readonly timeout?: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly dev: boolean;
  readonly model?: string | undefined;
  readonly config?: string | undefined;
  /**
   * Refuse to start on a model with any error (for CI). By default members with errors, and
   * what uses them, are left out — each problem logged once to stderr — and the rest is served.
   */
  readonly strict?: boolean | undefined;
  /** `--read-only`: create and write nothing in the database (ingest, demo load, alert history off). */
  readonly readOnly?: boolean | undefined;
  /** pino level (default UPRATE_LOG_LEVEL, else info); the demo keeps its terminal quiet. */
  readonly logLevel?: string | undefined;
  /** `--cache-max-age`: how old an /api/v1 answer asked without asOf may be when served from the cache (default 60 s; 0: never reused). */
  readonly cacheMaxAgeMs?: number | undefined;
  /** Build the model's missing and stale rollups once listening, in the background (the demo: it serves at once, the rows answering until each rollup is built). */
  readonly buildRollups?: boolean | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Opens the store, listens, and keeps running until SIGINT/SIGTERM. */
export async function serve(options: ServeOptions): Promise<void> {
  if (options.dev && !LOOPBACK.has(options.host)) {
    throw new UprateError('BAD_ARGUMENT', `dev mode (no token needed) only listens on 127.0.0.1, not ${options.host}`, {
      location: '--host',
      hint: 'drop --dev and set UPRATE_API_SECRET to serve other machines',
    });
  }
  checkSecret(apiSecret());
  if (!options.dev && !apiSecret()) {
    throw new UprateError('CONFIG_INVALID', 'no API secret: every request would be refused', {
      hint: 'set UPRATE_API_SECRET (or CUBEJS_API_SECRET) to the HS256 secret your tokens are signed with, or pass --dev to serve without tokens on 127.0.0.1',
    });
  }
  // A bad config (or, with --strict, a model with errors) stops the start before the database is
  // opened; otherwise what has errors is logged once and left out, and the rest is served.
  const { model, config } = await openModel(options);
  const alerts = alertSetup(config, model);
  if (alerts.notice) process.stderr.write(`${alerts.notice}\n`);
  const reports = reportDeliverySetup(config);
  const storeChoice = modelStoreOptions({ db: options.db, ...(options.engine ? { engine: options.engine } : {}), ...(options.url ? { url: options.url } : {}), ...(options.timeout ? { timeout: options.timeout } : {}), ...(options.readOnly ? { readOnly: true } : {}), ...(options.model ? { model: options.model } : {}), ...(options.config ? { config: options.config } : {}) });
  // Refused before the file is opened; applied to the file a server writes (engines/duckdb/checkpoint.ts).
  const checkpointThreshold = duckDbCheckpointThreshold();
  const store = await openStore(storeChoice);
  // Only the embedded file needs a sidecar: other processes find the server holding it there.
  const embedded = store.engine === 'duckdb';
  if (embedded && !options.readOnly) await store.run(`SET GLOBAL checkpoint_threshold = '${checkpointThreshold}'`);
  const { app, context } = await buildApp({ store, dev: options.dev, model, securityRules: config.security.filters, ingestClaim: config.security.ingestClaim, adminClaim: config.security.adminClaim, limits: config.limits, alerts,
    kpiSettings: { bands: config.bands, conversionWindowDays: config.conversionWindowDays, stats: config.stats, currency: config.currency, ...(config.target === undefined ? {} : { target: config.target }), ...(config.kpi ? { kpi: config.kpi } : {}) }, ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.cacheMaxAgeMs === undefined ? {} : { cacheMaxAgeMs: options.cacheMaxAgeMs }) });
  // Compiled before it listens: the first query would otherwise compile every rollup's statements.
  compileRollups(model, dialectOf(store));
  // A store whose plain rollups were built before uprate recorded what they join gets it now
  // (loads would otherwise read the whole customers table for each of them until a build).
  if (!options.readOnly) {
    const recorded = await recordMissingJoins(store, model).catch((e: unknown) => {
      process.stderr.write(`rollups: could not record what the plain rollups join (${e instanceof Error ? e.message : String(e)}); loads read the whole joined tables until uprate rollups build\n`);
      return [];
    });
    if (recorded.length) process.stderr.write(`rollups: recorded the joined tables of ${recorded.length} rollup${recorded.length === 1 ? '' : 's'} built before (loads now read only the loaded offers' customers)\n`);
  }
  const url = await app.listen({ host: options.host, port: options.port }).catch(async (e: NodeJS.ErrnoException) => {
    await store.close();
    throw new UprateError('BAD_ARGUMENT', `cannot listen on ${options.host}:${options.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`, {
      location: '--port',
      hint: 'stop what holds the port, or pick another with --port',
    });
  });
  const publicUrl = url.replace('[::1]', 'localhost');
  // Scheduled delivery of the reports in the config, next to the alert monitor (which buildApp starts).
  const reportScheduler = startReportScheduler({ store, model, setup: reports, settings: config, log: (level, message) => app.log[level](message) });
  if (embedded) writeFileSync(serverSidecarPath(storeChoice.db), JSON.stringify({ url: publicUrl, pid: process.pid }));
  const background = options.buildRollups && !options.readOnly ? await buildInBackground(context, model, (line) => process.stderr.write(`${line}\n`)) : null;
  process.stdout.write(
    `uprate is serving ${store.target}${embedded ? '' : ` (${store.engine})`} at ${publicUrl}\n` +
      (options.dev ? '  dev mode: no token needed, listening on loopback only\n' : '  API requests need an HS256 bearer token signed with UPRATE_API_SECRET\n') +
      (dashboardBuilt() ? `  dashboard ${publicUrl}/\n` : '  dashboard not built: run npm run build to serve it at /\n') +
      `  health ${publicUrl}/health · report ${publicUrl}/api/v1/report · ingest POST ${publicUrl}/api/v1/ingest/offers\n` +
        `  Cube API ${publicUrl}/cubejs-api/v1 (load, sql, dry-run, meta)\n` +
      bindingLines(model, config.kpi) +
      (background?.rollups ? `  rollups: building ${background.rollups} in the background; until each is built, what it would answer is read from the rows\n` : '') +
      (reportScheduler?.nextRuns().map((r) => `  report ${r.report}: next send ${r.next?.toISOString().replace('T', ' ').slice(0, 16) ?? 'never'} UTC\n`).join('') ?? '') +
      '  press Ctrl+C to stop\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // A rollup being filled is interrupted and rolled back (a second Ctrl+C stops at once: the listeners are gone).
  await background?.stop();
  await reportScheduler?.stop();
  await app.close();
  await store.close();
  if (embedded) rmSync(serverSidecarPath(storeChoice.db), { force: true });
}

/** What the KPI reads and what the bound model cannot support, said once at start. */
function bindingLines(model: Model, kpi: UprateConfig['kpi']): string {
  const check = checkBinding(model, kpi);
  if (!check.usable) {
    return `  KPI endpoints off: the KPI is not bound to this model:\n    ${check.problems.join('\n    ')}\n  bind kpi: in uprate.config.yaml (README, "Use your own data"); the Cube API serves the model meanwhile\n`;
  }
  const b = check.binding;
  const off = check.capabilities.filter((c) => !c.available);
  return (
    `  KPI: ${b.accepted} of ${b.offers} by ${b.time}${b.customer ? `, clustered by ${b.customer}` : ''}\n` +
    off.map((c) => `  not available: ${c.name} — ${c.reason ?? ''}\n`).join('')
  );
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('serve the API (and the dashboard) over HTTP')
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .option('--port <port>', 'port to listen on', String(DEFAULT_PORT))
    .option('--dev', 'no token needed (only on 127.0.0.1)', false)
    .option('--model <dir>', 'model folder (default: the config\'s, else the shipped model)')
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .option('--strict', 'refuse to start when the model has any error (default: serve what compiles, log the problems, and fail only queries that use a member with an error)', false)
    .option('--cache-max-age <seconds>', 'serve a cached /api/v1 answer asked without asOf for at most this long after it was computed (0: compute every such request afresh; an explicit asOf is cached until the data changes)', String(DEFAULT_CACHE_MAX_AGE_MS / 1000));
  addStoreOptions(command)
    .action(
      action(async (flags: StoreFlags & { db: string; host: string; port: string; dev: boolean; model?: string; config?: string; strict: boolean; cacheMaxAge: string }) => {
        await serve({ db: flags.db, engine: flags.engine, url: flags.url, timeout: flags.timeout, host: flags.host, port: parseInteger(flags.port, '--port', 0, 65535), dev: flags.dev, model: flags.model, config: flags.config, strict: flags.strict, readOnly: flags.readOnly,
          cacheMaxAgeMs: parseInteger(flags.cacheMaxAge, '--cache-max-age', 0, 86_400) * 1000 });
      }),
    );
}
