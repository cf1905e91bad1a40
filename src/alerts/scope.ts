/** Scope names (`all`, `Customers.accountSize=smb`) and the Cube filters that select them. */
import type { CubeFilter } from '../query/cube-query.js';

/** How a missing value (customers without the attribute) is named in a scope. */
export const NOT_SET = '(not set)';

export function scopeName(parent: string, member: string, value: string | null): string {
  const part = `${member}=${value ?? NOT_SET}`;
  return parent === 'all' ? part : `${parent},${part}`;
}

export function scopeFilter(member: string, value: string | null): CubeFilter {
  return value === null ? { member, operator: 'notSet' } : { member, operator: 'equals', values: [value] };
}
