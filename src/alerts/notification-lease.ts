/**
 * The once-only guarantee: a notification (per channel) is sent by whoever inserts its key first.
 * `INSERT … ON CONFLICT DO NOTHING RETURNING` lets exactly one evaluator win, in one process or
 * many. A sender that dies after claiming leaves the row `sending`; after `leaseMs` another
 * evaluator may take it over, so a crash delays a notification instead of losing it.
 */
import type { Store } from '../store/index.js';
import { tryWrite } from './alert-state.js';

export interface LeaseClaim {
  readonly key: string;
  readonly rule: string;
  readonly scope: string;
  readonly episode: number;
  readonly kind: string;
  readonly channel: string;
}

/** True when this evaluator (`owner`) may send the notification. */
export async function claimNotification(store: Store, claim: LeaseClaim, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const inserted = await tryWrite(
    store,
    `INSERT INTO uprate_alert_notifications (notification_key, rule, scope, episode, kind, channel, status, owner, claimed_at, attempts, delivered_at, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, 'sending', $7, $8, 0, NULL, NULL)
     ON CONFLICT DO NOTHING RETURNING notification_key`,
    [claim.key, claim.rule, claim.scope, claim.episode, claim.kind, claim.channel, owner, now],
  );
  if (inserted) return true;
  return tryWrite(
    store,
    `UPDATE uprate_alert_notifications SET owner = $2, claimed_at = $3
     WHERE notification_key = $1 AND status = 'sending' AND claimed_at < $4 RETURNING notification_key`,
    [claim.key, owner, now, new Date(now.getTime() - leaseMs)],
  );
}

export async function markDelivered(store: Store, key: string, attempts: number, now: Date): Promise<void> {
  await store.run(`UPDATE uprate_alert_notifications SET status = 'delivered', attempts = $2, delivered_at = $3, last_error = NULL WHERE notification_key = $1`, [
    key,
    attempts,
    now,
  ]);
}

export interface DeadLetter {
  readonly claim: LeaseClaim;
  readonly url: string;
  readonly payload: string;
  readonly error: string;
  readonly attempts: number;
}

/** Gives up on a notification: the lease row says so and the payload is kept for a person to replay. */
export async function recordDeadLetter(store: Store, dead: DeadLetter, now: Date): Promise<void> {
  await store.run(`UPDATE uprate_alert_notifications SET status = 'dead', attempts = $2, last_error = $3 WHERE notification_key = $1`, [
    dead.claim.key,
    dead.attempts,
    dead.error,
  ]);
  await tryWrite(
    store,
    `INSERT INTO uprate_alert_dead_letters (notification_key, rule, scope, kind, channel, url, payload, error, attempts, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING notification_key`,
    [dead.claim.key, dead.claim.rule, dead.claim.scope, dead.claim.kind, dead.claim.channel, dead.url, dead.payload, dead.error, dead.attempts, now],
  );
}

export interface DeadLetterRow {
  readonly key: string;
  readonly rule: string;
  readonly scope: string;
  readonly kind: string;
  readonly channel: string;
  readonly error: string;
  readonly attempts: number;
  readonly payload: string;
}

export async function listDeadLetters(store: Store): Promise<DeadLetterRow[]> {
  const rows = await store.query(`SELECT notification_key, rule, scope, kind, channel, error, attempts, payload FROM uprate_alert_dead_letters ORDER BY failed_at, notification_key`);
  return rows.map((r) => ({
    key: String(r['notification_key']),
    rule: String(r['rule']),
    scope: String(r['scope']),
    kind: String(r['kind']),
    channel: String(r['channel']),
    error: String(r['error']),
    attempts: Number(r['attempts']),
    payload: String(r['payload']),
  }));
}
