import Fastify, { type FastifyInstance } from 'fastify';
import type { SecurityFilter } from '../config/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { ServerContext } from './context.js';
import { apiSecret, checkSecret, installAuth, type RouteEntry } from './auth.js';
import type { Tenancy } from './caller.js';
import { QueryGate } from './query-gate.js';
import { clientGone, readScope } from './read-scope.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { UprateError } from '../core/errors.js';
import { checkBinding } from '../kpi/index.js';
import { errorHandler } from './error-handler.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { rollupRoutes } from './routes/rollups.js';
import { cubeRoutes } from './routes/cube.js';
import { reportRoutes } from './routes/report.js';
import { kpiApiRoutes, type KpiSettings } from './routes/kpi-api.js';
import { propensityRoutes } from './routes/propensity.js';
import { staticRoutes } from './routes/static.js';
import { alertsRoutes } from './routes/alerts.js';
import { savedRoutes } from './routes/saved.js';
import type { AlertSetup } from '../alerts/index.js';
import { AnswerCache } from './answer-cache.js';
import { apiAnswers } from './api-answers.js';
import { semanticLayer } from './semantic-adapter.js';
import type { LoadAnswer } from './semantic-layer.js';
import { WriteLock } from './write-lock.js';
import { watchDataVersion } from './data-version-watch.js';
import { registryChanged } from '../rollups/index.js';
import { installResponseCheck, responseCheckByDefault } from './response-check.js';

export interface AppOptions {
  readonly store: Store;
  readonly dev?: boolean;
  readonly logLevel?: string;
  /** Largest ingest body in bytes (default 2 GiB). */
  readonly ingestBodyLimit?: number;
  readonly clock?: () => Date;
  /** HS256 secret for API tokens (default UPRATE_API_SECRET, then CUBEJS_API_SECRET). */
  readonly secret?: string;
  /** The compiled Cube model (default: the shipped model with a 30-day conversion window). */
  readonly model?: Model;
  /** Token claims → filters on every query (config `security.filters`). */
  readonly securityRules?: readonly SecurityFilter[];
  /** Who may ingest any tenant's rows, and who sees every alert (config `security.ingestClaim`, `security.adminClaim`). */
  readonly ingestClaim?: string | undefined;
  readonly adminClaim?: string | undefined;
  /** Cost limits (config `limits`; default DEFAULT_LIMITS). */
  readonly limits?: Limits;
  /** How long /load holds a request before answering `Continue wait` (default 5000 ms, as Cube). */
  readonly continueWaitMs?: number;
  /** Bytes of answers each of the two answer caches keeps — the Cube API's and /api/v1's (default 64 MiB each). */
  readonly cacheBytes?: number;
  /**
   * How old an /api/v1 answer asked without `asOf` may be when it is served from the cache
   * (default 60 000 ms; 0: such answers are always computed afresh). They are computed as of the
   * server clock and kept until this much later by the same clock; an explicit `asOf` does not age.
   */
  readonly cacheMaxAgeMs?: number;
  /** Folder of the built dashboard served at `/` (default: web/dist). */
  readonly webDir?: string;
  /** Bands, target and conversion window from the config, for the KPI endpoints (default: the seeds' bands, no target, 30 days). */
  readonly kpiSettings?: KpiSettings;
  /** Alert rules and channels (`alertSetup(config, model)`): scheduled checks and a check after each ingest. Without it, GET /api/v1/alerts lists what is stored. */
  readonly alerts?: AlertSetup;
  /** Check every /api/v1 answer against the API's schemas; a mismatch is a 500 (response-check.ts; default: on under the test runner). */
  readonly checkResponses?: boolean;
}

/** Builds the HTTP application (not listening): tests inject requests, `serve` listens. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; context: ServerContext; routes: () => RouteEntry[] }> {
  const secret = options.secret ?? apiSecret();
  checkSecret(secret);
  const listeners: (() => void)[] = [];
  const tenancy: Tenancy = { rules: options.securityRules ?? [], ingestClaim: options.ingestClaim, adminClaim: options.adminClaim };
  const limits = options.limits ?? DEFAULT_LIMITS;
  const context: ServerContext = {
    tenancy,
    limits,
    read: (request, reply, readOptions) => readScope(request, reply, tenancy, limits, readOptions),
    store: options.store,
    writeLock: new WriteLock(),
    dataChanged: () => listeners.forEach((l) => l()),
    ingestBodyLimit: options.ingestBodyLimit ?? 2 * 1024 ** 3,
    dev: options.dev ?? false,
    clock: options.clock ?? (() => new Date()),
  };
  const app = Fastify({
    logger: { level: options.logLevel ?? process.env['UPRATE_LOG_LEVEL'] ?? 'info' },
    bodyLimit: 1024 * 1024,
  });
  app.setErrorHandler(errorHandler);
  if (options.checkResponses ?? responseCheckByDefault()) installResponseCheck(app);
  const routes = installAuth(app, { dev: context.dev, secret });
  const gate = new QueryGate(limits.maxConcurrentQueries, limits.maxQueuedQueries);
  installQueryGate(app, gate);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no route ${request.method} ${request.url}`, code: 'NOT_FOUND' });
  });
  const model = options.model ?? (await loadModel(shippedModelDir()));
  const binding = checkBinding(model, options.kpiSettings?.kpi);
  const caches = answerCaches(options, context, gate);
  listeners.push(() => caches.invalidate());
  // The rollups' registry and data version are read afresh by the next query.
  listeners.push(() => registryChanged(options.store));
  await app.register(async (scope) => healthRoutes(scope, context, { ownTables: binding.binding?.shipped ?? false }));
  await app.register(async (scope) => ingestRoutes(scope, context, { model }));
  await app.register(async (scope) => rollupRoutes(scope, context, { model }));
  await app.register(async (scope) => reportRoutes(scope, context, { model, binding, answers: caches.api }));
  await app.register(async (scope) => staticRoutes(scope, options.webDir ? { dir: options.webDir } : {}));
  const layer = semanticLayer({ store: options.store, model });
  await app.register(async (scope) => cubeRoutes(scope, context, { layer, answers: caches.load, continueWaitMs: options.continueWaitMs ?? 5000 }));
  await app.register(async (scope) => kpiApiRoutes(scope, context, { model, binding, settings: options.kpiSettings, answers: caches.api }));
  await app.register(async (scope) => propensityRoutes(scope, context, { model, binding, settings: options.kpiSettings, answers: caches.api }));
  await app.register(async (scope) =>
    alertsRoutes(scope, context, {
      model,
      setup: options.alerts,
      onDataChanged: (l) => listeners.push(l),
      publicUrl: () => listeningUrl(app),
      answers: caches.alerts,
    }),
  );
  await app.register(async (scope) => savedRoutes(scope, context));
  // A shared database (PostgreSQL, ClickHouse) is also loaded by other processes: their loads
  // reach the caches and alert checks here too.
  const stopWatch = watchDataVersion(options.store, (cause) => (cause === 'clock' ? caches.invalidate() : context.dataChanged()));
  app.addHook('onClose', async () => stopWatch());
  return { app, context, routes };
}

/**
 * The server's answer caches, all forgotten together when the data changes: the Cube API's
 * (/load: a client gone does not cancel its query, and the route takes its own query slot), the
 * /api/v1 reads' (a computation takes a slot; a cached answer needs none), and the alert list's
 * (also forgotten after every alert check, which is what changes it; it takes no slot, as before).
 */
function answerCaches(options: AppOptions, context: ServerContext, gate: QueryGate) {
  const load = new AnswerCache<LoadAnswer>({
    maxBytes: options.cacheBytes,
    size: (value) => JSON.stringify(value).length,
    dataVersion: () => options.store.dataVersion(),
  });
  const clocked = { clock: context.clock, maxAgeMs: options.cacheMaxAgeMs };
  const api = apiAnswers({ maxBytes: options.cacheBytes, ...clocked, admit: () => gate.acquire() });
  // Alert lists are small: a budget of their own, so a busy dashboard never evicts KPI answers for them.
  const alerts = apiAnswers({ maxBytes: 4 * 1024 * 1024, ...clocked });
  return {
    load,
    api,
    alerts,
    invalidate: () => {
      load.invalidate();
      api.invalidate();
      alerts.invalidate();
    },
  };
}

/**
 * Routes whose config says `reads: true` wait for a slot of the gate (the /api/v1 reads that are
 * cached take theirs only when they compute: see api-answers.ts). The slot frees when the
 * response closes — sent or abandoned — so a client that went away while waiting or reading never
 * keeps it; one already gone when its slot arrives gives it back at once and runs nothing.
 */
function installQueryGate(app: FastifyInstance, gate: QueryGate): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config?.reads !== true) return;
    const release = await gate.acquire();
    if (clientGone(request)) {
      release();
      throw new UprateError('QUERY_CANCELLED', 'the query was cancelled: the client went away');
    }
    reply.raw.once('close', release);
  });
}

/** The URL the server listens on (for links in alert notifications), once it listens. */
function listeningUrl(app: FastifyInstance): string | undefined {
  const address = app.server.address();
  if (!address || typeof address === 'string') return undefined;
  const host = address.family === 'IPv6' ? (address.address === '::1' ? 'localhost' : `[${address.address}]`) : address.address;
  return `http://${host}:${address.port}`;
}
