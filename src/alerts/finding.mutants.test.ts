// Tests for finding.ts (the parts every finding shares), written for the mutation run. Each
// expected object is written out by hand from the rule and the group given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, baseFinding, skipped, subject, type JudgeContext, type ScopeGroup } from './finding.js';
import type { PeriodCounts } from './offer-counts.js';
import { ruleSchema } from './rules-schema.js';

const rule = ruleSchema.parse({ name: 'r1', grain: 'week', severity: 'critical', condition: { type: 'below', band: 'poor' } });
const ctx: JudgeContext = { rule, bands: { strong: 0.2, poor: 0.1 }, judged: () => ({ index: null, reason: 'none' }) };
const filters = [{ member: 'Customers.accountSize', operator: 'equals' as const, values: ['smb'] }];
const group: ScopeGroup = { scope: 'Customers.accountSize=smb', filters, total: [], segments: [] };
const period = { start: new Date('2025-04-07T00:00:00Z'), end: new Date('2025-04-14T00:00:00Z'), label: 'week of 2025-04-07' };

function counts(label: string, n: number): PeriodCounts {
  return { start: new Date(0), end: new Date(1), label, n, k: 0, pending: 0, clusters: null };
}

test('baseFinding: the rule name, severity and grain, the group scope and filters, the period', () => {
  assert.deepEqual(baseFinding(ctx, group, period), {
    rule: 'r1',
    scope: 'Customers.accountSize=smb',
    severity: 'critical',
    period,
    grain: 'week',
    filters,
  });
  assert.deepEqual(baseFinding(ctx, group, null).period, null);
});

test('subject: the whole population is the bare word, a scope is named after "for"', () => {
  assert.equal(subject('all'), 'Conversion rate');
  assert.equal(subject('Customers.accountSize=smb'), 'Conversion rate for Customers.accountSize=smb');
  assert.equal(subject('all', 'Offers'), 'Offers');
  assert.equal(subject('Offers.channel=email', 'Offers'), 'Offers for Offers.channel=email');
});

test('skipped: status skipped, the message given, no numbers and no test', () => {
  assert.deepEqual(skipped(ctx, group, period, 'too little'), {
    rule: 'r1',
    scope: 'Customers.accountSize=smb',
    severity: 'critical',
    period,
    grain: 'week',
    filters,
    status: 'skipped',
    message: 'too little',
    numbers: {},
    test: null,
  });
});

test('at: an index in range gives the element, a negative one or one past the end nothing', () => {
  const series = [counts('a', 1), counts('b', 2)];
  assert.equal(at(series, 0), series[0]);
  assert.equal(at(series, 1), series[1]);
  assert.equal(at(series, 2), undefined);
  assert.equal(at(series, -1), undefined);
});
