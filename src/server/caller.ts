import type { JWTPayload } from 'jose';
import type { SecurityFilter } from '../config/index.js';
import { allAccess, tenantAccess, type Access } from '../query/index.js';
import { securityFilters } from './security.js';

/**
 * Who may see and write what on this server (config `security`): the claim → filter rules, and
 * the claims that make a token an ingester or an admin. With no rules every token sees
 * everything, as Cube does without a queryRewrite.
 */
export interface Tenancy {
  readonly rules: readonly SecurityFilter[];
  /** `claim=value` (or `claim`, meaning the claim is `true`): may ingest rows of any tenant. */
  readonly ingestClaim?: string | undefined;
  /** `claim=value`: sees every alert and may run checks (default: ingestClaim). */
  readonly adminClaim?: string | undefined;
}

export const OPEN_TENANCY: Tenancy = Object.freeze({ rules: [] });

/** Whose rows the caller may read: the rules applied to its claims (throws for a missing required claim). */
export function callerAccess(tenancy: Tenancy, claims: JWTPayload): Access {
  if (tenancy.rules.length === 0) return allAccess('no-rules');
  return tenantAccess(securityFilters(tenancy.rules, claims));
}

/** Does the token carry `claim=value` (a list claim may hold the value among others)? */
export function hasClaim(rule: string | undefined, claims: JWTPayload): boolean {
  if (!rule) return false;
  const at = rule.indexOf('=');
  const name = at < 0 ? rule : rule.slice(0, at);
  const want = at < 0 ? 'true' : rule.slice(at + 1);
  const value = claims[name];
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v !== undefined && v !== null && String(v) === want);
}

/** May write rows of any tenant (no rules configured, or the ingest claim). */
export function mayIngestAnything(tenancy: Tenancy, claims: JWTPayload): boolean {
  return tenancy.rules.length === 0 || hasClaim(tenancy.ingestClaim, claims);
}

/** Sees every alert and may run checks (no rules configured, or the admin claim). */
export function isAdmin(tenancy: Tenancy, claims: JWTPayload): boolean {
  return tenancy.rules.length === 0 || hasClaim(tenancy.adminClaim ?? tenancy.ingestClaim, claims);
}
