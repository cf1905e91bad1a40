import { createHash } from 'node:crypto';

/** The tenant of a server without security filters, and of the CLI on its own store. */
export const SHARED_TENANT = 'all';

/**
 * The key that scopes saved views and annotations: `all` without security filters (everyone
 * shares them); with filters, a digest of the filters the caller's token gives it (two tokens
 * that see the same rows share views and notes; no token reads another tenant's).
 *
 * @example
 *   tenantKey([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]) // 't:3f…'
 */
export function tenantKey(filters: readonly unknown[] | null): string {
  if (filters === null) return SHARED_TENANT;
  return `t:${createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 24)}`;
}
