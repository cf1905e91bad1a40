/** The alerts as GET /api/v1/alerts shows them: what is firing now and what resolved recently. */
import type { Store } from '../store/index.js';
import { listStates, type AlertState } from './alert-state.js';
import { errorMessage } from '../core/errors.js';
import type { Severity } from './finding.js';

/** One alert (a rule in one scope). The dashboard's alert panel reads exactly this shape. */
export interface AlertView {
  readonly rule: string;
  /** `all`, or `Customers.accountSize=smb`. */
  readonly scope: string;
  readonly state: 'firing' | 'resolved';
  readonly firingSince: string;
  readonly resolvedAt: string | null;
  readonly lastNotifiedAt: string | null;
  readonly severity: Severity;
  /** Plain language, with the numbers. */
  readonly message: string;
}

export interface AlertList {
  readonly firing: AlertView[];
  readonly recent: AlertView[];
}

export function alertView(s: AlertState): AlertView {
  return {
    rule: s.rule,
    scope: s.scope,
    state: s.state,
    firingSince: s.firingSince.toISOString(),
    resolvedAt: s.resolvedAt?.toISOString() ?? null,
    lastNotifiedAt: s.lastNotifiedAt?.toISOString() ?? null,
    severity: s.severity,
    message: s.message,
  };
}

/** Firing alerts (critical first, newest first) and those resolved in the last `recentDays` (newest first, at most 100). */
export async function listAlerts(store: Store, now: Date, recentDays = 30): Promise<AlertList> {
  let states: AlertState[];
  try {
    states = await listStates(store);
  } catch (e) {
    // Nothing has been evaluated on this store yet: no tables, no alerts (a read must not create them).
    if (/uprate_alert_state/.test(errorMessage(e))) return { firing: [], recent: [] };
    throw e;
  }
  const since = now.getTime() - recentDays * 86_400_000;
  const firing = states
    .filter((s) => s.state === 'firing')
    .sort((a, b) => (a.severity === b.severity ? b.firingSince.getTime() - a.firingSince.getTime() : a.severity === 'critical' ? -1 : 1));
  const recent = states
    .filter((s) => s.state === 'resolved' && s.resolvedAt !== null && s.resolvedAt.getTime() >= since)
    .sort((a, b) => (b.resolvedAt?.getTime() ?? 0) - (a.resolvedAt?.getTime() ?? 0))
    .slice(0, 100);
  return { firing: firing.map(alertView), recent: recent.map(alertView) };
}
