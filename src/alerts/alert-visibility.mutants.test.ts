// Tests for alert-visibility.ts, written for the mutation run: which tenant may see which alert,
// each case decided by hand from the documented rule (every tenant filter `member equals values`
// must be matched by a scope part with an allowed value, or by the rule's own equals filter whose
// every value is allowed; a scope over everyone mixes tenants).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertVisibleTo, scopeParts } from './alert-visibility.js';
import { ruleSchema, type AlertRule } from './rules-schema.js';
import type { CubeFilterItem } from '../query/index.js';

const tenant = (values: (string | number)[], member = 'Customers.tenant'): CubeFilterItem => ({ member, operator: 'equals', values });
const ruleWith = (filters: unknown[]): AlertRule =>
  ruleSchema.parse({ name: 'r', scope: { filters }, condition: { type: 'below', band: 'poor' } });

test('scopeParts: `all` has no parts', () => {
  assert.deepEqual(scopeParts('all'), []);
});

test('scopeParts: one part, several parts, a value holding a comma or an equals sign', () => {
  assert.deepEqual(scopeParts('Customers.accountSize=smb'), [{ member: 'Customers.accountSize', value: 'smb' }]);
  assert.deepEqual(scopeParts('Customers.region=emea,Offers.channel=email'), [
    { member: 'Customers.region', value: 'emea' },
    { member: 'Offers.channel', value: 'email' },
  ]);
  assert.deepEqual(scopeParts('Customers.name=Smith, Jones,Offers.channel=in_app'), [
    { member: 'Customers.name', value: 'Smith, Jones' },
    { member: 'Offers.channel', value: 'in_app' },
  ]);
  assert.deepEqual(scopeParts('Customers.code=a=b'), [{ member: 'Customers.code', value: 'a=b' }]);
  assert.deepEqual(scopeParts('Customers.code='), [{ member: 'Customers.code', value: '' }]);
});

test('scopeParts: (not set) is a missing value', () => {
  assert.deepEqual(scopeParts('Customers.accountSize=(not set),Offers.channel=email'), [
    { member: 'Customers.accountSize', value: null },
    { member: 'Offers.channel', value: 'email' },
  ]);
});

test('alertVisibleTo: with no tenant filters every alert is visible', () => {
  assert.equal(alertVisibleTo('all', undefined, []), true);
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, []), true);
});

test('alertVisibleTo: an alert over everyone is not a tenant’s', () => {
  assert.equal(alertVisibleTo('all', undefined, [tenant(['a'])]), false);
  assert.equal(alertVisibleTo('all', ruleWith([]), [tenant(['a'])]), false);
});

test('alertVisibleTo: a scope naming the tenant member with an allowed value', () => {
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [tenant(['a', 'b'])]), true);
  assert.equal(alertVisibleTo('Customers.region=emea,Customers.tenant=b', undefined, [tenant(['a', 'b'])]), true);
  assert.equal(alertVisibleTo('Customers.tenant=c', undefined, [tenant(['a', 'b'])]), false);
  // The same value under another member is not the tenant.
  assert.equal(alertVisibleTo('Customers.region=a', undefined, [tenant(['a'])]), false);
  // Numbers in the tenant's values compare as text.
  assert.equal(alertVisibleTo('Customers.tenant=7', undefined, [tenant([7])]), true);
});

test('alertVisibleTo: a (not set) scope value is never a tenant’s, even when "(not set)" is allowed', () => {
  assert.equal(alertVisibleTo('Customers.tenant=(not set)', undefined, [tenant(['(not set)'])]), false);
});

test('alertVisibleTo: a tenant filter that is not `member equals` hides everything', () => {
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [{ member: 'Customers.tenant', operator: 'notEquals', values: ['a'] }]), false);
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [{ dimension: 'Customers.tenant', operator: 'equals', values: ['a'] }]), false);
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [{ member: undefined, operator: 'equals', values: ['a'] }]), false);
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [{ or: [tenant(['a'])] }]), false);
  // An equals filter without values allows nothing.
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, [{ member: 'Customers.tenant', operator: 'equals' }]), false);
});

test('alertVisibleTo: every tenant filter must be met', () => {
  const both = [tenant(['a']), tenant(['emea'], 'Customers.region')];
  assert.equal(alertVisibleTo('Customers.tenant=a,Customers.region=emea', undefined, both), true);
  assert.equal(alertVisibleTo('Customers.tenant=a', undefined, both), false);
  assert.equal(alertVisibleTo('Customers.region=emea', undefined, both), false);
});

test('alertVisibleTo: the rule’s equals filter pinning the member to allowed values', () => {
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: ['a'] }]), [tenant(['a', 'b'])]), true);
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: ['a', 'b'] }]), [tenant(['a', 'b'])]), true);
  // One value outside the tenant's: the alert mixes tenants.
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: ['a', 'c'] }]), [tenant(['a', 'b'])]), false);
  // A number in the rule's values compares as text.
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: [7] }]), [tenant(['7'])]), true);
});

test('alertVisibleTo: a rule filter that does not pin the member does not make the alert the tenant’s', () => {
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'notEquals', values: ['a'] }]), [tenant(['a'])]), false);
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: [] }]), [tenant(['a'])]), false);
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals' }]), [tenant(['a'])]), false);
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.region', operator: 'equals', values: ['a'] }]), [tenant(['a'])]), false);
});

test('alertVisibleTo: scope and rule filters may meet different tenant filters', () => {
  const rule = ruleWith([{ member: 'Customers.region', operator: 'equals', values: ['emea'] }]);
  const both = [tenant(['a']), tenant(['emea'], 'Customers.region')];
  assert.equal(alertVisibleTo('Customers.tenant=a', rule, both), true);
  assert.equal(alertVisibleTo('Customers.tenant=b', rule, both), false);
});

test('alertVisibleTo: an equals filter without values allows no value at all', () => {
  // No value is allowed, whatever text the scope holds (the last one is the mutation tool's own
  // placeholder: a filter without values must not allow it either).
  const none: CubeFilterItem = { member: 'Customers.tenant', operator: 'equals' };
  for (const value of ['a', '', 'undefined', 'Stryker was here']) assert.equal(alertVisibleTo(`Customers.tenant=${value}`, undefined, [none]), false, value);
  assert.equal(alertVisibleTo('all', ruleWith([{ member: 'Customers.tenant', operator: 'equals', values: ['a'] }]), [none]), false);
});
