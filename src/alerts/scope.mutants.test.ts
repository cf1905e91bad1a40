// Tests for scope.ts (scope names and the Cube filters that select them), written for the
// mutation run: every expected string and filter is spelled out by hand from the documented form
// `Cube.member=value`, joined to a parent scope by `,`, `(not set)` for a missing value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_SET, scopeFilter, scopeName } from './scope.js';

test('NOT_SET is the documented name of a missing value', () => {
  assert.equal(NOT_SET, '(not set)');
});

test('scopeName: under `all` the scope is the part alone', () => {
  assert.equal(scopeName('all', 'Customers.accountSize', 'smb'), 'Customers.accountSize=smb');
});

test('scopeName: under another scope the part is appended after a comma', () => {
  assert.equal(scopeName('Customers.region=emea', 'Offers.channel', 'email'), 'Customers.region=emea,Offers.channel=email');
});

test('scopeName: a null value is named (not set), an empty string stays empty', () => {
  assert.equal(scopeName('all', 'Customers.accountSize', null), 'Customers.accountSize=(not set)');
  assert.equal(scopeName('Customers.region=emea', 'Customers.accountSize', null), 'Customers.region=emea,Customers.accountSize=(not set)');
  assert.equal(scopeName('all', 'Customers.accountSize', ''), 'Customers.accountSize=');
});

test('scopeFilter: a value is an equals filter with that one value', () => {
  assert.deepEqual(scopeFilter('Customers.accountSize', 'smb'), { member: 'Customers.accountSize', operator: 'equals', values: ['smb'] });
  // The empty string is a value, not a missing one.
  assert.deepEqual(scopeFilter('Customers.accountSize', ''), { member: 'Customers.accountSize', operator: 'equals', values: [''] });
});

test('scopeFilter: a null value selects the rows where the member is not set, with no values', () => {
  assert.deepEqual(scopeFilter('Customers.accountSize', null), { member: 'Customers.accountSize', operator: 'notSet' });
});
