// Tests for sample-finding.ts, written for the mutation run: the sample finding written out whole
// by hand (the period before the one holding the instant; the made-up numbers of the source's
// documented sample message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleFinding } from './sample-finding.js';
import { ruleSchema } from './rules-schema.js';

const d = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const TEST = { name: 'sample', statistic: null, pValue: null, adjustedPValue: null, alpha: null, correction: null, reason: 'made-up numbers: this is a test notification' };
const NUMBERS = { offers: 2000, accepted: 160, rate: 0.08, lower: 0.069, upper: 0.0925 };

test('a monthly rule over everyone: the month before the one holding the instant, scope all, no filters', () => {
  const rule = ruleSchema.parse({ name: 'poor', condition: { type: 'below', band: 'poor' } });
  // 2025-07-02 is in July 2025; the month before is June 2025.
  assert.deepEqual(sampleFinding(rule, new Date('2025-07-02T07:00:00Z')), {
    rule: 'poor',
    scope: 'all',
    status: 'firing',
    severity: 'warning',
    message:
      'This is a test of rule poor (below); a real alert reads like: conversion rate in 2025-06 was 8.0% (95% interval 6.9%–9.3%, 160 of 2,000 offers; poor band).',
    period: { start: d('2025-06-01'), end: d('2025-07-01'), label: '2025-06' },
    grain: 'month',
    numbers: NUMBERS,
    test: TEST,
    filters: [],
  });
});

test('a weekly rule by a dimension with filters: scope `by=example`, its severity, filter values as text', () => {
  const rule = ruleSchema.parse({
    name: 'weekly.drop',
    grain: 'week',
    severity: 'critical',
    scope: {
      by: 'Customers.accountSize',
      filters: [
        { member: 'Offers.channel', operator: 'equals', values: ['email', 3, true] },
        { member: 'Customers.region', operator: 'set' },
      ],
    },
    condition: { type: 'drop' },
  });
  // Wednesday 2025-04-16 is in the week of Monday 2025-04-14; the week before starts 2025-04-07.
  assert.deepEqual(sampleFinding(rule, new Date('2025-04-16T10:00:00Z')), {
    rule: 'weekly.drop',
    scope: 'Customers.accountSize=example',
    status: 'firing',
    severity: 'critical',
    message:
      'This is a test of rule weekly.drop (drop); a real alert reads like: conversion rate in week of 2025-04-07 was 8.0% (95% interval 6.9%–9.3%, 160 of 2,000 offers; poor band).',
    period: { start: d('2025-04-07'), end: d('2025-04-14'), label: 'week of 2025-04-07' },
    grain: 'week',
    numbers: NUMBERS,
    test: TEST,
    filters: [
      { member: 'Offers.channel', operator: 'equals', values: ['email', '3', 'true'] },
      { member: 'Customers.region', operator: 'set' },
    ],
  });
});

test('the instant at the very start of a period still gives the period before it', () => {
  const rule = ruleSchema.parse({ name: 'q', grain: 'quarter', condition: { type: 'volume-drop' } });
  const f = sampleFinding(rule, d('2025-01-01'));
  assert.deepEqual(f.period, { start: d('2024-10-01'), end: d('2025-01-01'), label: '2024-Q4' });
  assert.equal(f.message, 'This is a test of rule q (volume-drop); a real alert reads like: conversion rate in 2024-Q4 was 8.0% (95% interval 6.9%–9.3%, 160 of 2,000 offers; poor band).');
});
