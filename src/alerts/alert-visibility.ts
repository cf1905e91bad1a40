import type { CubeFilterItem } from '../query/index.js';
import type { AlertRule } from './rules-schema.js';
import { NOT_SET } from './scope.js';

/** `Customers.accountSize=smb,Customers.region=emea` → its parts; `all` → none. */
export function scopeParts(scope: string): { member: string; value: string | null }[] {
  if (scope === 'all') return [];
  // Split only where a new `Cube.member=` starts, so a value holding a comma stays whole.
  return scope.split(/,(?=[A-Za-z_]\w*\.[A-Za-z_]\w*=)/).map((part) => {
    const at = part.indexOf('=');
    const value = part.slice(at + 1);
    return { member: part.slice(0, at), value: value === NOT_SET ? null : value };
  });
}

/**
 * May a caller restricted by `tenantFilters` (each `member equals values`) see an alert? Only
 * when the alert is about that tenant's rows alone: for every tenant filter, the alert's scope
 * names the member with an allowed value, or its rule's scope filters pin the member to allowed
 * values. An alert over everyone (scope `all`, no such filter) mixes tenants: not theirs.
 */
export function alertVisibleTo(scope: string, rule: AlertRule | undefined, tenantFilters: readonly CubeFilterItem[]): boolean {
  const parts = scopeParts(scope);
  return tenantFilters.every((f) => {
    if (!('member' in f) || f.member === undefined || f.operator !== 'equals') return false;
    const allowed = new Set((f.values ?? []).map(String));
    if (parts.some((p) => p.member === f.member && p.value !== null && allowed.has(p.value))) return true;
    return (rule?.scope.filters ?? []).some(
      (rf) => rf.member === f.member && rf.operator === 'equals' && (rf.values?.length ?? 0) > 0 && (rf.values ?? []).every((v) => allowed.has(String(v))),
    );
  });
}
