// Tests for default-rules.ts, written for the mutation run: the three default rules written out
// whole (their text and the schema's documented defaults: month, minOffers 100, 07:00 UTC daily,
// α 0.05 unless set, …), and which rules are in force for each documented case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeRules, defaultRules } from './default-rules.js';
import { alertsSchema, type AlertRule } from './rules-schema.js';

const common = {
  scope: { filters: [] },
  grain: 'month',
  minOffers: 100,
  schedule: '0 7 * * *',
  includeProvisional: false,
  repeat: 'never',
  enabled: true,
};

function expected(channels: string[]): AlertRule[] {
  return [
    {
      ...common,
      name: 'headline-poor-band',
      description: 'The monthly conversion rate is in the poor band (its whole 95% interval below the poor threshold).',
      condition: { type: 'below', band: 'poor', basis: 'interval' },
      severity: 'critical',
      channels,
    },
    {
      ...common,
      name: 'headline-monthly-drop',
      description:
        'The monthly conversion rate dropped significantly (α = 0.01: about one false alarm in 100 months) from the same month a year earlier — not from the month before: month-to-month turns are mostly the season.',
      condition: { type: 'drop', versus: 'last-year', alpha: 0.01, minPoints: 0 },
      severity: 'warning',
      channels,
    },
    {
      ...common,
      name: 'headline-control-limit',
      description:
        "The monthly conversion rate fell below the lower control limit of the last 12 months: Laney's p′-chart when the months vary more than chance (χ² test), else the p-chart.",
      condition: { type: 'control-limit', chart: 'auto', periods: 12, sigmas: 3, side: 'below' },
      severity: 'warning',
      channels,
    },
  ] as AlertRule[];
}

const own = (name: string) => ({ name, condition: { type: 'volume-drop' } });
const names = (rules: readonly AlertRule[]) => rules.map((r) => r.name);

test('defaultRules: the three rules, whole, notifying no channel by default', () => {
  assert.deepEqual(defaultRules(), expected([]));
});

test('defaultRules: every rule notifies each channel given, in order', () => {
  assert.deepEqual(defaultRules(['ops', 'slack']), expected(['ops', 'slack']));
});

test('defaultRules: each call gives its own channel list (not the caller’s array)', () => {
  const channels = ['ops'];
  const rules = defaultRules(channels);
  channels.push('late');
  assert.deepEqual(rules.map((r) => r.channels), [['ops'], ['ops'], ['ops']]);
});

test('activeRules: without an alerts section, the defaults', () => {
  assert.deepEqual(activeRules(undefined), expected([]));
});

test('activeRules: with no rules of your own, the defaults, notifying every channel', () => {
  const alerts = alertsSchema.parse({ channels: { ops: { type: 'webhook', url: 'https://a.example/' }, chat: { type: 'slack', url: 'https://b.example/' } } });
  assert.deepEqual(activeRules(alerts), expected(['ops', 'chat']));
  assert.deepEqual(activeRules(alertsSchema.parse({ rules: [] })), expected([]));
});

test('activeRules: your rules alone when you have some', () => {
  const alerts = alertsSchema.parse({ rules: [own('mine')] });
  assert.deepEqual(names(activeRules(alerts)), ['mine']);
  assert.equal(activeRules(alerts)[0], alerts.rules?.[0]);
});

test('activeRules: defaultRules true keeps the defaults after yours, minus those you redefine', () => {
  assert.deepEqual(names(activeRules(alertsSchema.parse({ rules: [own('mine')], defaultRules: true }))), [
    'mine',
    'headline-poor-band',
    'headline-monthly-drop',
    'headline-control-limit',
  ]);
  assert.deepEqual(names(activeRules(alertsSchema.parse({ rules: [own('headline-monthly-drop'), own('mine')], defaultRules: true }))), [
    'headline-monthly-drop',
    'mine',
    'headline-poor-band',
    'headline-control-limit',
  ]);
});

test('activeRules: defaultRules false turns the defaults off even with no rules', () => {
  assert.deepEqual(activeRules(alertsSchema.parse({ defaultRules: false })), []);
  assert.deepEqual(names(activeRules(alertsSchema.parse({ rules: [own('mine')], defaultRules: false }))), ['mine']);
});
