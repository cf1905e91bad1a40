import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AlertMonitor, alertVisibleTo, checkRuleNames, listAlerts, type AlertSetup, type CheckResult } from '../../alerts/index.js';
import { accessFilters } from '../../query/index.js';
import { callerAccess, isAdmin } from '../caller.js';
import { UprateError } from '../../core/errors.js';
import { parseDate } from '../../kpi/index.js';
import { singleParams } from '../../insights/index.js';
import type { Model } from '../../model/index.js';
import type { AlertCheck, AlertRules } from '../../insights/api-schema.js';
import type { ServerContext } from '../context.js';
import { sendRead, type ApiAnswers } from '../api-answers.js';

export interface AlertsRouteOptions {
  readonly model: Model;
  /** Rules and channels in force; without them the server lists stored alerts but monitors nothing. */
  readonly setup: AlertSetup | undefined;
  /** Subscribes to the context's dataChanged hook (a check runs after each ingest). */
  readonly onDataChanged: (listener: () => void) => void;
  /** The server's own URL, for dashboard links when the config sets no alerts.publicUrl. */
  readonly publicUrl: () => string | undefined;
  /**
   * The alert list's answer cache (api-answers.ts). Alert checks change the list, not the data:
   * it is forgotten after each one this server runs, and a check another process ran shows
   * within the cache's max age.
   */
  readonly answers: ApiAnswers;
}

/** The check as JSON: what `uprate alerts check --format json` prints too. */
export function checkJson(result: CheckResult): AlertCheck {
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
 * GET /api/v1/alerts/rules — the rules and channels in force (what `uprate alerts list --server` prints).
 * POST /api/v1/alerts/check?at=&dryRun=&rule= — evaluate the rules now (what `uprate alerts check`
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
        onChecked: () => options.answers.invalidate(),
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

  app.get('/api/v1/alerts', async (request, reply) => {
    const visible = visibleTo(request);
    // What the caller may see: every alert (an admin) or those its filters allow.
    const whose = isAdmin(ctx.tenancy, request.securityContext) ? 'admin' : accessFilters(callerAccess(ctx.tenancy, request.securityContext));
    return sendRead(reply, options.answers, {
      route: 'GET /api/v1/alerts',
      params: {},
      whose,
      asOf: null,
      // One small table read, as before the cache: it takes no query slot.
      ungated: true,
      compute: async ({ asOf }) => {
        const list = await listAlerts(ctx.store, asOf, setup?.recentDays ?? 30);
        return { firing: list.firing.filter((a) => visible(a.scope, a.rule)), recent: list.recent.filter((a) => visible(a.scope, a.rule)) };
      },
    });
  });

  const requireAdmin = (request: FastifyRequest, what: string): void => {
    if (isAdmin(ctx.tenancy, request.securityContext)) return;
    throw new UprateError('FORBIDDEN', `${what} needs an admin token on a server with security filters`, {
      location: 'security.adminClaim',
      hint: ctx.tenancy.adminClaim ?? ctx.tenancy.ingestClaim
        ? `sign the token with the ${ctx.tenancy.adminClaim ?? ctx.tenancy.ingestClaim} claim; tenants read their own alerts with GET /api/v1/alerts`
        : 'set security.adminClaim (e.g. role=admin) in uprate.config.yaml and sign admin tokens with it; tenants read their own alerts with GET /api/v1/alerts',
    });
  };

  // The rules name every scope and channel: an admin's view, as running checks is.
  app.get('/api/v1/alerts/rules', async (request) => {
    requireAdmin(request, 'listing alert rules');
    return rulesDocument(setup);
  });

  app.post('/api/v1/alerts/check', { config: { reads: true } }, async (request) => {
    requireAdmin(request, 'running alert checks');
    if (!monitor || !setup) {
      throw new UprateError('NOT_FOUND', 'alert monitoring is off in this server', { hint: 'start it with `uprate serve` (it loads the rules from uprate.config.yaml, or the default rules)' });
    }
    const q = request.query as Record<string, unknown>;
    const once = singleParams(q, CHECK_PARAMS);
    const at = once('at');
    const dryRun = once('dryRun');
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw new UprateError('BAD_ARGUMENT', `dryRun must be true or false, not '${dryRun}'`, { location: 'dryRun' });
    }
    const rules = ruleNames(q['rule'], setup);
    const result = await monitor.check({ ...(at ? { at: parseDate(at, 'at') } : {}), ...(rules ? { rules } : {}), dryRun: dryRun === 'true' });
    return checkJson(result);
  });
}

const CHECK_PARAMS = ['at', 'dryRun', 'rule'];

/** `rule=a&rule=b` (or `rule=a,b`): rules of the setup, or a BAD_ARGUMENT naming the one it lacks. */
export function ruleNames(value: unknown, setup: AlertSetup): string[] | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  checkRuleNames(setup, names, 'rule');
  return names.length > 0 ? names : undefined;
}

/**
 * The rules and channels in force, as GET /api/v1/alerts/rules sends them and `uprate alerts
 * list` prints them. A channel shows where it posts (scheme, host, port) but not its path or
 * query: an incoming-webhook URL is itself the credential.
 */
export function rulesDocument(setup: AlertSetup | undefined): AlertRules {
  return {
    rules: (setup?.rules ?? []).map((r) => ({
      name: r.name,
      enabled: r.enabled,
      condition: r.condition.type,
      grain: r.grain,
      scope: r.scope.by ?? null,
      schedule: r.schedule,
      channels: [...r.channels],
      severity: r.severity,
    })),
    channels: [...(setup?.channels.values() ?? [])].map((c) => ({ name: c.name, type: c.type, target: channelTarget(c.url), signed: Boolean(c.signingSecret) })),
    publicUrl: setup?.publicUrl ?? null,
  };
}

/** `https://hooks.slack.com/services/T0/B0/secret` → `https://hooks.slack.com/…`. */
export function channelTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' && !u.search ? '' : '/…'}`;
  } catch {
    return '(not a URL)';
  }
}
