import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { securityFilters } from './security.js';

test('claims become equality filters; a missing required claim is refused', () => {
  const rules = [{ member: 'Offers.tenantId', claim: 'tenant_id', required: true }, { member: 'Customers.region', claim: 'regions', required: false }];
  assert.deepEqual(securityFilters(rules, { tenant_id: 'acme', regions: ['emea', 'apac'] }), [
    { member: 'Offers.tenantId', operator: 'equals', values: ['acme'] },
    { member: 'Customers.region', operator: 'equals', values: ['emea', 'apac'] },
  ]);
  assert.deepEqual(securityFilters(rules, { tenant_id: 7 }), [{ member: 'Offers.tenantId', operator: 'equals', values: ['7'] }]);
  assert.throws(() => securityFilters(rules, {}), (e: unknown) => e instanceof UprateError && e.code === 'AUTH_INVALID');
});
