import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AlertMonitor, alertVisibleTo, listAlerts, type AlertSetup, type CheckResult } from '../../alerts/index.js';
import { accessFilters } from '../../query/index.js';
import { callerAccess, isAdmin } from '../caller.js';
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

  // With security rules, a tenant sees only alerts about its own rows (alertVisibleTo); alerts over
  // everyone, and running checks (which notify), are for admins (config security.adminClaim).
  const visibleTo = (request: FastifyRequest): ((scope: string, rule: string) => boolean) => {
    if (isAdmin(ctx.tenancy, request.securityContext)) return () => true;
    const filters = accessFilters(callerAccess(ctx.tenancy, request.securityContext));
    const rules = new Map((setup?.rules ?? []).map((r) => [r.name, r]));
    return (scope, rule) => alertVisibleTo(scope, rules.get(rule), filters);
  };

  app.get('/api/v1/alerts', async (request) => {
    const visible = visibleTo(request);
    const list = await listAlerts(ctx.store, ctx.clock(), setup?.recentDays ?? 30);
    return { firing: list.firing.filter((a) => visible(a.scope, a.rule)), recent: list.recent.filter((a) => visible(a.scope, a.rule)) };
  });

  app.post('/api/v1/alerts/check', { config: { reads: true } }, async (request) => {
    if (!isAdmin(ctx.tenancy, request.securityContext)) {
      throw new UprateError('FORBIDDEN', 'running alert checks needs an admin token on a server with security filters', {
        location: 'security.adminClaim',
        hint: ctx.tenancy.adminClaim ?? ctx.tenancy.ingestClaim
          ? `sign the token with the ${ctx.tenancy.adminClaim ?? ctx.tenancy.ingestClaim} claim; tenants read their own alerts with GET /api/v1/alerts`
          : 'set security.adminClaim (e.g. role=admin) in uprate.config.yaml and sign admin tokens with it; tenants read their own alerts with GET /api/v1/alerts',
      });
    }
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
