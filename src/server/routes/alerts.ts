import type { FastifyInstance } from 'fastify';
import { AlertMonitor, listAlerts, type AlertSetup, type CheckResult } from '../../alerts/index.js';
import { UprateError } from '../../core/errors.js';
import { parseDate } from '../../kpi/index.js';
import type { Model } from '../../model/index.js';
import type { ServerContext } from '../context.js';

export interface AlertsRouteOptions {
  readonly model: Model;
  /** Rules and channels in force; without them the server lists stored alerts but monitors nothing. */
  readonly setup: AlertSetup | undefined;
  /** Subscribes to the context's dataChanged hook (a check runs after each ingest). */
  readonly onDataChanged: (listener: () => void) => void;
  /** The server's own URL, for dashboard links when the config sets no alerts.publicUrl. */
  readonly publicUrl: () => string | undefined;
}

/** The check as JSON: what `uprate alerts check --format json` prints too. */
export function checkJson(result: CheckResult): Record<string, unknown> {
  return {
    at: result.at.toISOString(),
    firing: result.firing,
    errors: result.errors,
    rows: result.rows.map((r) => ({
      rule: r.rule.name,
      scope: r.finding.scope,
      status: r.finding.status,
      severity: r.finding.severity,
      period: r.finding.period?.label ?? null,
      message: r.finding.message,
      numbers: r.finding.numbers,
      test: r.finding.test,
      state: r.state?.state ?? null,
      firingSince: r.state?.state === 'firing' ? r.state.firingSince.toISOString() : null,
      notification: r.transition?.kind ?? null,
      deliveries: r.deliveries,
    })),
  };
}

/**
 * GET /api/v1/alerts — `{ firing: AlertView[], recent: AlertView[] }` (the dashboard's alert panel).
 * POST /api/v1/alerts/check?at=&dryRun= — evaluate every rule now (what `uprate alerts check`
 * does through a running server). With a setup, each rule also runs on its cron schedule and
 * every rule after each ingest; the schedules stop when the server closes.
 */
export async function alertsRoutes(app: FastifyInstance, ctx: ServerContext, options: AlertsRouteOptions): Promise<void> {
  const setup = options.setup;
  const monitor = setup
    ? new AlertMonitor({
        store: ctx.store,
        model: options.model,
        setup,
        clock: ctx.clock,
        publicUrl: options.publicUrl,
        log: (level, message) => app.log[level](message),
      })
    : undefined;
  if (monitor) {
    options.onDataChanged(() => monitor.dataChanged());
    monitor.start();
    // One check when the server is ready, so the dashboard's panel is current from the start.
    app.addHook('onReady', async () => {
      void monitor.check().catch((e: unknown) => app.log.error(`alert check at start failed: ${e instanceof Error ? e.message : String(e)}`));
    });
    app.addHook('onClose', async () => monitor.stop());
  }

  app.get('/api/v1/alerts', async () => listAlerts(ctx.store, ctx.clock(), setup?.recentDays ?? 30));

  app.post('/api/v1/alerts/check', async (request) => {
    if (!monitor) {
      throw new UprateError('NOT_FOUND', 'alert monitoring is off in this server', { hint: 'start it with `uprate serve` (it loads the rules from uprate.config.yaml, or the default rules)' });
    }
    const q = request.query as Record<string, string | undefined>;
    const unknown = Object.keys(q).find((k) => k !== 'at' && k !== 'dryRun');
    if (unknown) throw new UprateError('BAD_ARGUMENT', `unknown parameter '${unknown}'`, { location: unknown, hint: 'this endpoint accepts at, dryRun' });
    const at = q['at'] ? parseDate(q['at'], 'at') : undefined;
    const result = await monitor.check({ ...(at ? { at } : {}), dryRun: q['dryRun'] === 'true' });
    return checkJson(result);
  });
}
