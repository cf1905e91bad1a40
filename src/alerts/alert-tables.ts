/**
 * The alert tables, in SQL that DuckDB and PostgreSQL both run. All DDL is here, so an engine
 * that needs its own (ClickHouse: a ReplacingMergeTree and no ON CONFLICT) adapts one function.
 *
 * - `uprate_alert_state`: one row per rule and scope, the alert's current episode.
 * - `uprate_alert_notifications`: one row per notification and channel. Its key is the once-only
 *   lease: whoever inserts it sends; a lease left `sending` by a crashed sender can be taken over.
 * - `uprate_alert_dead_letters`: notifications given up on after the last retry, with the payload.
 */
import { isUprateError } from '../core/errors.js';
import type { Store } from '../store/index.js';

export const ALERT_TABLES_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS uprate_alert_state (
    rule VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    episode INTEGER NOT NULL,
    severity VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    finding VARCHAR NOT NULL,
    firing_since TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    last_notified_at TIMESTAMP,
    evaluated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (rule, scope)
  )`,
  `CREATE TABLE IF NOT EXISTS uprate_alert_notifications (
    notification_key VARCHAR NOT NULL PRIMARY KEY,
    rule VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    episode INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    delivered_at TIMESTAMP,
    last_error VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS uprate_alert_dead_letters (
    notification_key VARCHAR NOT NULL PRIMARY KEY,
    rule VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    error VARCHAR NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at TIMESTAMP NOT NULL
  )`,
];

const ready = new WeakMap<Store, Promise<boolean>>();
/** Stores where alert state is not kept (read-only, or the server refused uprate's tables). */
const stateless = new WeakSet<Store>();

/**
 * Whether alert state and notification history are kept in this store. Not on a read-only one:
 * there alerts are still evaluated and reported (`uprate alerts check` prints them and exits 3
 * when one fires), but no episode is stored and — with no once-only record to keep — nothing is sent.
 */
export function keepsAlertState(store: Store): boolean {
  return !store.readOnly && !stateless.has(store);
}

/**
 * Creates the alert tables once per store (IF NOT EXISTS), once the store is ready for alert
 * history (PostgreSQL: in uprate's schema, the first of the session's search_path). Two processes creating them at the same moment can
 * collide in the catalog: the loser tries once more, and then finds them there.
 *
 * On a read-only store nothing is created: resolves `false` (state is not kept, see
 * {@link keepsAlertState}) and tells `log` so, once per store.
 */
export function ensureAlertTables(store: Store, log?: (message: string) => void): Promise<boolean> {
  const known = ready.get(store);
  if (known) return known;
  const creating = (async () => {
    // ClickHouse has no transaction and no unique key to make a notification's send record
    // once-only: its DDL here fails, and a server on it logged that at every start.
    if (store.engine === 'clickhouse') {
      stateless.add(store);
      log?.('alert history and notification state are not kept on ClickHouse (no transactions for the once-only send record): alerts are evaluated and reported, nothing is sent');
      return false;
    }
    try {
      await store.ensureOwnTables('alert history');
    } catch (e) {
      if (!(isUprateError(e) && e.code === 'READ_ONLY')) throw e;
      stateless.add(store);
      log?.(`alert history and notification state are not kept: ${e.message}; alerts are evaluated and reported, nothing is sent`);
      return false;
    }
    try {
      for (const ddl of ALERT_TABLES_DDL) await store.run(ddl);
    } catch {
      for (const ddl of ALERT_TABLES_DDL) await store.run(ddl);
    }
    return true;
  })();
  ready.set(store, creating);
  creating.catch(() => ready.delete(store));
  return creating;
}
