import type { Store } from '../store/index.js';
import { isClockVersion } from '../store/own-tables.js';

/**
 * A shared database (PostgreSQL, ClickHouse) is loaded by other processes too — `uprate ingest
 * --url …` from a laptop, a second server — which this server's caches never hear about. Polls
 * the store's data version and calls `changed` when it moves. The embedded file needs no watch:
 * every load goes through the one process that holds it. A failed poll (the server is down) is
 * skipped; queries report that themselves.
 *
 * Without uprate's load log (a user's own tables) the version is the clock's 10-second tick, as
 * Cube's default refresh key: `changed('clock')` then refreshes caches (on every engine, files read
 * in place included) but is no new load, so alert checks wait for their schedule.
 *
 * @returns a function that stops the watch.
 */
export function watchDataVersion(store: Store, changed: (cause: 'loads' | 'clock') => void, everyMs = 2_000): () => void {
  let last: number | undefined;
  let busy = false;
  const poll = () => {
    if (busy) return;
    busy = true;
    store
      .dataVersion()
      .then((v) => {
        // The embedded file is loaded through this process only: its loads are announced already.
        const cause = isClockVersion(v) ? 'clock' : 'loads';
        if (last !== undefined && v !== last && (cause === 'clock' || store.engine !== 'duckdb')) changed(cause);
        last = v;
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  };
  // The version the server starts from, read at once: a load soon after start is a change too.
  poll();
  const timer = setInterval(poll, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
