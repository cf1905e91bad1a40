import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Limits } from '../core/limits.js';
import type { Store } from '../store/index.js';
import type { Tenancy } from './caller.js';
import type { ReadScope } from './read-scope.js';
import type { WriteLock } from './write-lock.js';

/** What every route may use: the store, the write queue, the hook ingest calls, who may see what. */
export interface ServerContext {
  readonly store: Store;
  readonly writeLock: WriteLock;
  /** Called after data changed (an ingest committed): caches and alerts listen. */
  readonly dataChanged: () => void;
  readonly ingestBodyLimit: number;
  /** Dev mode: no token needed (loopback only). */
  readonly dev: boolean;
  readonly clock: () => Date;
  /** Security rules, ingest and admin claims (config `security`). */
  readonly tenancy: Tenancy;
  /** Cost limits (config `limits`). */
  readonly limits: Limits;
  /** The caller's read scope: every data read of a route takes it. */
  readonly read: (request: FastifyRequest, reply: FastifyReply, options?: { readonly abortOnClose?: boolean }) => ReadScope;
}
