import type { Store } from '../store/index.js';

/**
 * A shared database (PostgreSQL, ClickHouse) is loaded by other processes too — `uprate ingest
 * --url …` from a laptop, a second server — which this server's caches never hear about. Polls
 * the store's data version and calls `changed` when it moves. The embedded file needs no watch:
 * every load goes through the one process that holds it. A failed poll (the server is down) is
 * skipped; queries report that themselves.
 *
 * @returns a function that stops the watch.
 */
export function watchDataVersion(store: Store, changed: () => void, everyMs = 2_000): () => void {
  if (store.engine === 'duckdb') return () => undefined;
  let last: number | undefined;
  let busy = false;
  const poll = () => {
    if (busy) return;
    busy = true;
    store
      .dataVersion()
      .then((v) => {
        if (last !== undefined && v !== last) changed();
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
