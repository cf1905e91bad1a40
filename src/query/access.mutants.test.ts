/**
 * Access values (access.ts): what a tenant's access and the owner's access carry, that both are
 * frozen, and the filters each adds to every query. Expected values written out by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CubeFilterItem } from './cube-query.js';
import { accessFilters, allAccess, tenantAccess } from './access.js';

test("a tenant's access holds a frozen copy of its filters, and adds exactly those to every query", () => {
  const filters: CubeFilterItem[] = [{ member: 'Customers.region', operator: 'equals', values: ['EU'] }, { or: [{ member: 'Offers.channel', operator: 'set' }] }];
  const access = tenantAccess(filters);
  assert.deepEqual(access, { kind: 'tenant', filters: [{ member: 'Customers.region', operator: 'equals', values: ['EU'] }, { or: [{ member: 'Offers.channel', operator: 'set' }] }] });
  assert.ok(Object.isFrozen(access));
  assert.deepEqual(accessFilters(access), filters);
  // A copy: the caller changing its list afterwards changes nothing.
  filters.push({ member: 'Offers.channel', operator: 'notSet' });
  assert.equal(accessFilters(access).length, 2);
  assert.ok(Object.isFrozen(accessFilters(access)));
  assert.deepEqual(accessFilters(tenantAccess([])), []);
});

test("the owner's access says why and adds no filter", () => {
  for (const why of ['local', 'system', 'no-rules'] as const) {
    const access = allAccess(why);
    assert.deepEqual(access, { kind: 'all', why });
    assert.ok(Object.isFrozen(access));
    assert.deepEqual(accessFilters(access), []);
  }
});
