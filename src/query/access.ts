import type { CubeFilterItem } from './cube-query.js';

/**
 * Whose rows a read may see. Every data read takes one as a required argument, so a read that
 * forgets the caller's security context does not compile (Cube's `queryRewrite`, made a type).
 *
 * - `tenant`: the caller's token claims turned into filters (config `security.filters`), ANDed
 *   into every query, outside anything the caller's own filters can OR away.
 * - `all`: no row restriction — for the owner of the data: the CLI on a local database, the
 *   server's own alert evaluation, a server without security rules. Say why when granting it.
 */
export type Access =
  | { readonly kind: 'tenant'; readonly filters: readonly CubeFilterItem[] }
  | { readonly kind: 'all'; readonly why: AllAccessReason };

export type AllAccessReason =
  /** The CLI reading a database the user opened themselves. */
  | 'local'
  /** The server evaluating alerts for itself (what callers see is filtered afterwards). */
  | 'system'
  /** A server with no security rules configured: every token sees everything. */
  | 'no-rules';

export function tenantAccess(filters: readonly CubeFilterItem[]): Access {
  return Object.freeze({ kind: 'tenant', filters: Object.freeze([...filters]) });
}

export function allAccess(why: AllAccessReason): Access {
  return Object.freeze({ kind: 'all', why });
}

/** The filters an access adds to every query. */
export function accessFilters(access: Access): readonly CubeFilterItem[] {
  return access.kind === 'tenant' ? access.filters : [];
}
