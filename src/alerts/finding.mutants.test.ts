// Tests for finding.ts (the parts every finding shares), written for the mutation run. Each
// expected object is built from a head written out by hand (the rule's and the group's fields)
// and the shared expected-finding helpers of test/alert-judging.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, baseFinding, skipped, subject, type ScopeGroup } from './finding.js';
import { countsIn, findingHead, ruleSetup, skippedFinding } from '../../test/alert-judging.js';

const { ctx } = ruleSetup('below', 'r1', { band: 'poor' }, { grain: 'week', severity: 'critical' }, { index: null, reason: 'none' });
const filters = [{ member: 'Customers.accountSize', operator: 'equals' as const, values: ['smb'] }];
const group: ScopeGroup = { scope: 'Customers.accountSize=smb', filters, total: [], segments: [] };
const period = { start: new Date('2025-04-07T00:00:00Z'), end: new Date('2025-04-14T00:00:00Z'), label: 'week of 2025-04-07' };
/** What the group and the rule (weekly, critical) put in every finding. */
const HEAD = { scope: 'Customers.accountSize=smb', severity: 'critical', grain: 'week', filters };

const counts = (label: string, n: number) => countsIn({ start: new Date(0), end: new Date(1), label }, 0, n);

test('baseFinding: the rule name, severity and grain, the group scope and filters, the period', () => {
  assert.deepEqual(baseFinding(ctx, group, period), findingHead('r1', period, HEAD));
  assert.deepEqual(baseFinding(ctx, group, null).period, null);
});

test('subject: the whole population is the bare word, a scope is named after "for"', () => {
  assert.equal(subject('all'), 'Conversion rate');
  assert.equal(subject('Customers.accountSize=smb'), 'Conversion rate for Customers.accountSize=smb');
  assert.equal(subject('all', 'Offers'), 'Offers');
  assert.equal(subject('Offers.channel=email', 'Offers'), 'Offers for Offers.channel=email');
});

test('skipped: status skipped, the message given, no numbers and no test', () => {
  assert.deepEqual(skipped(ctx, group, period, 'too little'), skippedFinding('r1', period, 'too little', HEAD));
});

test('at: an index in range gives the element, a negative one or one past the end nothing', () => {
  const series = [counts('a', 1), counts('b', 2)];
  assert.equal(at(series, 0), series[0]);
  assert.equal(at(series, 1), series[1]);
  assert.equal(at(series, 2), undefined);
  assert.equal(at(series, -1), undefined);
});
