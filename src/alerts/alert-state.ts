/**
 * Alert state in the store: one row per rule and scope, moved by compare-and-set updates so that
 * evaluators running at the same time (two servers on one database) agree on one episode. A lost
 * race (DuckDB reports a write conflict, PostgreSQL waits and matches no row) is not an error:
 * the row is read again and the winner's state is used.
 *
 * A read-only store keeps no state (alert-tables.ts `keepsAlertState`): findings move nothing,
 * no transition is returned (so nothing is sent), and the state reads as never stored.
 */
import { errorMessage } from '../core/errors.js';
import type { SqlValue, Store } from '../store/index.js';
import { keepsAlertState } from './alert-tables.js';
import type { Finding, Severity } from './finding.js';
import type { AlertRule } from './rules-schema.js';

export type AlertStatus = 'firing' | 'resolved';

export interface AlertState {
  readonly rule: string;
  readonly scope: string;
  readonly state: AlertStatus;
  /** Counts the times this alert started firing; notifications are keyed on it. */
  readonly episode: number;
  readonly severity: Severity;
  readonly message: string;
  readonly finding: Finding;
  readonly firingSince: Date;
  readonly resolvedAt: Date | null;
  readonly lastNotifiedAt: Date | null;
  readonly evaluatedAt: Date;
}

/** What an evaluation changed that people should hear about. */
export type NotificationKind = 'firing' | 'reminder' | 'resolved';

export interface Transition {
  readonly kind: NotificationKind;
  readonly state: AlertState;
  /** Part of the once-only key: the episode, plus the day for reminders. */
  readonly key: string;
}

const COLUMNS = 'rule, scope, state, episode, severity, message, finding, firing_since, resolved_at, last_notified_at, evaluated_at';

/** Write conflicts of concurrent transactions (DuckDB) and duplicate keys: someone else won. */
export function isLostRace(e: unknown): boolean {
  return /Conflict on|Duplicate key|duplicate key value|could not serialize|write-write conflict/i.test(errorMessage(e));
}

/** Runs a compare-and-set write; a lost race counts as "no row changed", as does a store that keeps no state. */
export async function tryWrite(store: Store, sql: string, params: readonly SqlValue[]): Promise<boolean> {
  if (!keepsAlertState(store)) return false;
  try {
    const rows = await store.query(sql, params);
    return rows.length > 0;
  } catch (e) {
    if (isLostRace(e)) return false;
    throw e;
  }
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v).replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z'));
}

function fromRow(r: Record<string, unknown>): AlertState {
  return {
    rule: String(r['rule']),
    scope: String(r['scope']),
    state: r['state'] === 'firing' ? 'firing' : 'resolved',
    episode: Number(r['episode']),
    severity: r['severity'] === 'critical' ? 'critical' : 'warning',
    message: String(r['message']),
    finding: JSON.parse(String(r['finding'])) as Finding,
    firingSince: toDate(r['firing_since']),
    resolvedAt: r['resolved_at'] === null || r['resolved_at'] === undefined ? null : toDate(r['resolved_at']),
    lastNotifiedAt: r['last_notified_at'] === null || r['last_notified_at'] === undefined ? null : toDate(r['last_notified_at']),
    evaluatedAt: toDate(r['evaluated_at']),
  };
}

export async function readState(store: Store, rule: string, scope: string): Promise<AlertState | undefined> {
  let rows: Record<string, unknown>[];
  try {
    rows = await store.query(`SELECT ${COLUMNS} FROM uprate_alert_state WHERE rule = $1 AND scope = $2`, [rule, scope]);
  } catch (e) {
    // A store that keeps no state may not have the table at all: never stored.
    if (!keepsAlertState(store) && /uprate_alert_state/.test(errorMessage(e))) return undefined;
    throw e;
  }
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Every alert, firing first, then the most recently resolved. */
export async function listStates(store: Store): Promise<AlertState[]> {
  const rows = await store.query(`SELECT ${COLUMNS} FROM uprate_alert_state ORDER BY state, firing_since DESC, rule, scope`);
  return rows.map(fromRow);
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Applies one finding to the stored state at `at` and returns what to notify, if anything:
 * `firing` when an episode starts (or started without a notification yet), `reminder` once a UTC
 * day while it lasts (rules with `repeat: daily`), `resolved` when it ends. A skipped finding
 * (too few offers, nothing final to judge) leaves the state alone.
 */
export async function applyFinding(store: Store, rule: AlertRule, finding: Finding, at: Date): Promise<Transition | null> {
  if (finding.status === 'skipped' || !keepsAlertState(store)) return null;
  const before = await readState(store, finding.rule, finding.scope);
  const text = JSON.stringify(finding);
  if (finding.status === 'firing') {
    if (!before) {
      await tryWrite(
        store,
        `INSERT INTO uprate_alert_state (${COLUMNS}) VALUES ($1, $2, 'firing', 1, $3, $4, $5, $6, NULL, NULL, $6)
         ON CONFLICT DO NOTHING RETURNING rule`,
        [finding.rule, finding.scope, finding.severity, finding.message, text, at],
      );
    } else if (before.state === 'resolved') {
      await tryWrite(
        store,
        `UPDATE uprate_alert_state SET state = 'firing', episode = episode + 1, severity = $3, message = $4, finding = $5,
           firing_since = $6, resolved_at = NULL, last_notified_at = NULL, evaluated_at = $6
         WHERE rule = $1 AND scope = $2 AND state = 'resolved' AND episode = $7 RETURNING rule`,
        [finding.rule, finding.scope, finding.severity, finding.message, text, at, before.episode],
      );
    } else {
      await tryWrite(
        store,
        `UPDATE uprate_alert_state SET severity = $3, message = $4, finding = $5, evaluated_at = $6
         WHERE rule = $1 AND scope = $2 AND state = 'firing' AND episode = $7 RETURNING rule`,
        [finding.rule, finding.scope, finding.severity, finding.message, text, at, before.episode],
      );
    }
    const now = await readState(store, finding.rule, finding.scope);
    if (!now || now.state !== 'firing') return null;
    const base = `${now.rule}|${now.scope}|${now.episode}`;
    if (now.lastNotifiedAt === null) return { kind: 'firing', state: now, key: `${base}|firing` };
    if (rule.repeat === 'daily' && utcDay(now.lastNotifiedAt) < utcDay(at)) return { kind: 'reminder', state: now, key: `${base}|reminder|${utcDay(at)}` };
    return null;
  }
  if (!before || before.state !== 'firing') return null;
  await tryWrite(
    store,
    `UPDATE uprate_alert_state SET state = 'resolved', resolved_at = $3, message = $4, finding = $5, evaluated_at = $3
     WHERE rule = $1 AND scope = $2 AND state = 'firing' AND episode = $6 RETURNING rule`,
    [finding.rule, finding.scope, at, finding.message, text, before.episode],
  );
  const now = await readState(store, finding.rule, finding.scope);
  if (!now || now.state !== 'resolved' || now.episode !== before.episode) return null;
  return { kind: 'resolved', state: now, key: `${now.rule}|${now.scope}|${now.episode}|resolved` };
}

/** Records that an episode's people were told (at the evaluation clock). */
export async function markNotified(store: Store, state: AlertState, at: Date): Promise<void> {
  if (!keepsAlertState(store)) return;
  await tryWrite(
    store,
    `UPDATE uprate_alert_state SET last_notified_at = $3 WHERE rule = $1 AND scope = $2 AND episode = $4 RETURNING rule`,
    [state.rule, state.scope, at, state.episode],
  );
}
