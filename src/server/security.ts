import type { JWTPayload } from 'jose';
import type { SecurityFilter } from '../config/index.js';
import { UprateError } from '../core/errors.js';

/** A Cube filter object, as queries carry them. */
export interface CubeFilter {
  readonly member: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/**
 * Turns the caller's token claims into filters every query gets (Cube's queryRewrite for
 * multi-tenancy): `tenant_id: "acme"` + rule {member: Offers.tenantId, claim: tenant_id} →
 * Offers.tenantId equals "acme". In dev mode with no token, rules whose claim is required refuse.
 */
export function securityFilters(rules: readonly SecurityFilter[], claims: JWTPayload): CubeFilter[] {
  const filters: CubeFilter[] = [];
  for (const rule of rules) {
    const value = claims[rule.claim];
    if (value === undefined || value === null) {
      if (rule.required) {
        throw new UprateError('AUTH_INVALID', `the token has no '${rule.claim}' claim, which this server requires`, {
          hint: `sign tokens with a ${rule.claim} claim (it restricts ${rule.member})`,
        });
      }
      continue;
    }
    const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
    filters.push({ member: rule.member, operator: 'equals', values });
  }
  return filters;
}
