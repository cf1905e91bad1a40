import type { Store } from '../store/index.js';
import type { WriteLock } from './write-lock.js';

/** What every route may use: the store, the write queue, and the hook ingest calls. */
export interface ServerContext {
  readonly store: Store;
  readonly writeLock: WriteLock;
  /** Called after data changed (an ingest committed): caches and alerts listen. */
  readonly dataChanged: () => void;
  readonly ingestBodyLimit: number;
  /** Dev mode: no token needed (loopback only). */
  readonly dev: boolean;
  readonly clock: () => Date;
}
