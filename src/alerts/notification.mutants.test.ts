// Tests for notification.ts, written for the mutation run: the dashboard link, the notification
// of each kind and its Slack form, each written out whole by hand from the documented shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNotification, channelBody, dashboardLink, slackMessage, type NotificationInput } from './notification.js';
import type { Finding } from './finding.js';
import { ruleSchema } from './rules-schema.js';

const APRIL = { start: new Date('2025-04-01T00:00:00Z'), end: new Date('2025-05-01T00:00:00Z'), label: '2025-04' };

test('dashboardLink: the period (end exclusive → last day), the grain, one filter per equals value', () => {
  const link = dashboardLink('https://uprate.example/', {
    period: APRIL,
    grain: 'month',
    filters: [
      { member: 'Customers.accountSize', operator: 'equals', values: ['smb', 'mid market'] },
      { dimension: 'Offers.channel', operator: 'equals', values: ['email', null, 3] },
      { member: 'Offers.revenue', operator: 'gt', values: ['0'] },
      { member: 'Customers.region', operator: 'notSet' },
      { operator: 'equals', values: ['orphan'] },
    ],
  });
  assert.equal(
    link,
    'https://uprate.example/?from=2025-04-01&to=2025-04-30&grain=month&filter=Customers.accountSize%3Dsmb&filter=Customers.accountSize%3Dmid+market&filter=Offers.channel%3Demail&filter=Offers.channel%3D3',
  );
});

test('dashboardLink: no period, trailing slashes, no filters; a day period is one day', () => {
  assert.equal(dashboardLink('http://localhost:4000///', { period: null, grain: 'week', filters: [] }), 'http://localhost:4000/?grain=week');
  assert.equal(dashboardLink('http://localhost:4000', { period: null, grain: 'day', filters: [{ member: 'A.b', operator: 'equals' }] }), 'http://localhost:4000/?grain=day');
  const day = { start: new Date('2025-04-07T00:00:00Z'), end: new Date('2025-04-08T00:00:00Z'), label: '2025-04-07' };
  assert.equal(dashboardLink('http://h', { period: day, grain: 'day', filters: [] }), 'http://h/?from=2025-04-07&to=2025-04-07&grain=day');
});

const rule = ruleSchema.parse({ name: 'size-drop', scope: { by: 'Customers.accountSize' }, condition: { type: 'drop' }, minOffers: 50 });
const finding: Finding = {
  rule: 'size-drop',
  scope: 'Customers.accountSize=smb',
  status: 'firing',
  severity: 'critical',
  message: 'Conversion rate fell.',
  period: APRIL,
  grain: 'month',
  numbers: { offers: 1000, rate: 0.12 },
  test: { name: 'pooled two-proportion z test', statistic: -2.5, pValue: 0.0124, adjustedPValue: 0.0372, alpha: 0.05, correction: 'Holm correction across 3 comparisons (α = 0.05): a, b, c', reason: 'why' },
  filters: [{ member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }],
};
const input = (extra: Partial<NotificationInput> = {}): NotificationInput => ({
  kind: 'firing',
  key: 'k1',
  rule,
  finding,
  publicUrl: 'https://uprate.example',
  firingSince: new Date('2025-05-02T07:00:00Z'),
  resolvedAt: null,
  sentAt: new Date('2025-05-02T07:00:05Z'),
  ...extra,
});
const LINK = 'https://uprate.example/?from=2025-04-01&to=2025-04-30&grain=month&filter=Customers.accountSize%3Dsmb';

test('buildNotification: a firing notification, whole', () => {
  assert.deepEqual(buildNotification(input()), {
    schema: 'uprate.alert/v1',
    kind: 'firing',
    key: 'k1',
    rule: {
      name: 'size-drop',
      description: null,
      grain: 'month',
      condition: { type: 'drop', versus: 'previous', alpha: 0.05, minPoints: 0 },
      scope: { by: 'Customers.accountSize', filters: [] },
      minOffers: 50,
    },
    scope: 'Customers.accountSize=smb',
    severity: 'critical',
    message: 'Conversion rate fell.',
    period: { label: '2025-04', from: '2025-04-01T00:00:00.000Z', to: '2025-05-01T00:00:00.000Z' },
    numbers: { offers: 1000, rate: 0.12 },
    test: finding.test,
    link: LINK,
    firingSince: '2025-05-02T07:00:00.000Z',
    resolvedAt: null,
    sentAt: '2025-05-02T07:00:05.000Z',
    sample: false,
  });
});

test('buildNotification: each kind prefixes the message; description, resolvedAt and sample carried', () => {
  const described = ruleSchema.parse({ name: 'r', description: 'About r.', condition: { type: 'drop' } });
  assert.equal(buildNotification(input({ kind: 'reminder' })).message, 'Still firing: Conversion rate fell.');
  const resolved = buildNotification(input({ kind: 'resolved', rule: described, resolvedAt: new Date('2025-06-02T07:00:00Z'), firingSince: null }));
  assert.equal(resolved.message, 'Resolved: Conversion rate fell.');
  assert.equal(resolved.rule.description, 'About r.');
  assert.equal(resolved.resolvedAt, '2025-06-02T07:00:00.000Z');
  assert.equal(resolved.firingSince, null);
  const sample = buildNotification(input({ kind: 'test', sample: true }));
  assert.equal(sample.message, 'Test (sample numbers): Conversion rate fell.');
  assert.equal(sample.sample, true);
  assert.equal(buildNotification(input({ finding: { ...finding, period: null } })).period, null);
});

test('slackMessage: title with icon, severity and scope; the test with its adjusted p and correction', () => {
  const n = buildNotification(input());
  const title = ':rotating_light: uprate critical: size-drop (Customers.accountSize=smb)';
  assert.deepEqual(slackMessage(n), {
    text: `${title}: Conversion rate fell.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\nConversion rate fell.` } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `pooled two-proportion z test, p = 0.037 — Holm correction across 3 comparisons (α = 0.05): a, b, c · period 2025-04 · <${LINK}|open in uprate>` },
        ],
      },
    ],
  });
});

test('slackMessage: resolved and reminder titles; the raw p without an adjusted one; no test, no period', () => {
  const all = { ...finding, scope: 'all', severity: 'warning' as const };
  const resolved = slackMessage(buildNotification(input({ kind: 'resolved', finding: all })));
  assert.equal(resolved['text'], ':white_check_mark: uprate resolved: size-drop: Resolved: Conversion rate fell.');
  const reminder = slackMessage(buildNotification(input({ kind: 'reminder', finding: { ...all, test: { ...finding.test!, adjustedPValue: null, correction: null } } })));
  assert.equal(reminder['text'], ':warning: uprate warning: size-drop: Still firing: Conversion rate fell.');
  assert.deepEqual((reminder['blocks'] as unknown[])[1], { type: 'context', elements: [{ type: 'mrkdwn', text: `pooled two-proportion z test, p = 0.012 · period 2025-04 · <${LINK}|open in uprate>` }] });
  const bare = slackMessage(buildNotification(input({ kind: 'test', finding: { ...all, test: null, period: null } })));
  assert.equal(bare['text'], ':test_tube: uprate warning: size-drop: Test (sample numbers): Conversion rate fell.');
  assert.deepEqual((bare['blocks'] as unknown[])[1], {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: '<https://uprate.example/?grain=month&filter=Customers.accountSize%3Dsmb|open in uprate>' }],
  });
  // A test without a p-value names the test alone.
  const noP = slackMessage(buildNotification(input({ finding: { ...all, test: { ...finding.test!, pValue: null, correction: null } } })));
  assert.equal(((noP['blocks'] as { elements: { text: string }[] }[])[1]?.elements[0]?.text ?? '').split(' · ')[0], 'pooled two-proportion z test');
});

test('channelBody: the notification itself for a webhook, the Slack message for slack', () => {
  const n = buildNotification(input());
  assert.deepEqual(JSON.parse(channelBody('webhook', n)), JSON.parse(JSON.stringify(n)));
  assert.equal(JSON.parse(channelBody('webhook', n)).schema, 'uprate.alert/v1');
  const slack = JSON.parse(channelBody('slack', n));
  assert.deepEqual(Object.keys(slack), ['text', 'blocks']);
  assert.equal(slack.text, ':rotating_light: uprate critical: size-drop (Customers.accountSize=smb): Conversion rate fell.');
});
