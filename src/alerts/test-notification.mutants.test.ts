// Tests for test-notification.ts, written for the mutation run, against a local HTTP server
// (port 0): which channels get the sample, with which key, and the body each receives — the
// notification written out whole by hand, the signature checked with node's own crypto.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendTestNotification } from './test-notification.js';
import type { AlertSetup, Channel } from './alert-setup.js';
import { ruleSchema } from './rules-schema.js';

interface Received {
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url === '/refuse' ? 403 : 200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const channel = (name: string, type: 'webhook' | 'slack', path: string, signingSecret?: string): Channel => ({
  name,
  type,
  url: `${base}${path}`,
  timeoutMs: 5000,
  retries: 0,
  backoffMs: 0,
  headers: { 'x-team': name },
  signingSecret,
});

function setup(): AlertSetup {
  return {
    rules: [
      ruleSchema.parse({ name: 'other', condition: { type: 'volume-drop' } }),
      ruleSchema.parse({ name: 'poor', description: 'Poor band.', condition: { type: 'below', band: 'poor' }, channels: ['ops'] }),
    ],
    channels: new Map([
      ['ops', channel('ops', 'webhook', '/ops', 'shh')],
      ['chat', channel('chat', 'slack', '/chat')],
      ['closed', channel('closed', 'webhook', '/refuse')],
    ]),
    publicUrl: undefined,
    recentDays: 30,
    bands: { strong: 0.2, poor: 0.1 },
    binding: null,
  };
}

const NOW = new Date('2025-07-02T07:00:00.000Z');
const MESSAGE =
  'Test (sample numbers): This is a test of rule poor (below); a real alert reads like: conversion rate in 2025-06 was 8.0% (95% interval 6.9%–9.3%, 160 of 2,000 offers; poor band).';
const LINK = 'https://uprate.example/?from=2025-06-01&to=2025-06-30&grain=month';

test('an unknown rule sends nothing', async () => {
  received.length = 0;
  assert.deepEqual(await sendTestNotification(setup(), 'nope', ['ops'], { publicUrl: 'https://uprate.example', now: NOW }), []);
  assert.equal(received.length, 0);
});

test('a webhook channel receives the whole sample notification, signed', async () => {
  received.length = 0;
  const out = await sendTestNotification(setup(), 'poor', ['ops'], { publicUrl: 'https://uprate.example/', now: NOW });
  const key = 'test|poor|2025-07-02T07:00:00.000Z|ops';
  assert.deepEqual(out, [{ channel: 'ops', key, delivered: true, attempts: 1, status: 200, error: null }]);
  assert.equal(received.length, 1);
  const r = received[0] as Received;
  assert.equal(r.url, '/ops');
  assert.equal(r.headers['x-uprate-delivery'], key);
  assert.equal(r.headers['x-team'], 'ops');
  const ts = String(Math.floor(Date.now() / 1000));
  // The timestamp is the real clock's (the delivery's), within a second of now.
  assert.ok(Math.abs(Number(r.headers['x-uprate-timestamp']) - Number(ts)) <= 2);
  assert.equal(r.headers['x-uprate-signature'], `sha256=${createHmac('sha256', 'shh').update(`${String(r.headers['x-uprate-timestamp'])}.${r.body}`).digest('hex')}`);
  assert.deepEqual(JSON.parse(r.body), {
    schema: 'uprate.alert/v1',
    kind: 'test',
    key,
    rule: { name: 'poor', description: 'Poor band.', grain: 'month', condition: { type: 'below', band: 'poor', basis: 'interval' }, scope: { filters: [] }, minOffers: 100 },
    scope: 'all',
    severity: 'warning',
    message: MESSAGE,
    period: { label: '2025-06', from: '2025-06-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' },
    numbers: { offers: 2000, accepted: 160, rate: 0.08, lower: 0.069, upper: 0.0925 },
    test: { name: 'sample', statistic: null, pValue: null, adjustedPValue: null, alpha: null, correction: null, reason: 'made-up numbers: this is a test notification' },
    link: LINK,
    firingSince: '2025-07-02T07:00:00.000Z',
    resolvedAt: null,
    sentAt: '2025-07-02T07:00:00.000Z',
    sample: true,
  });
});

test('a slack channel receives a Slack message; unknown channels are skipped; each is reported in order', async () => {
  received.length = 0;
  const out = await sendTestNotification(setup(), 'poor', ['chat', 'missing', 'closed'], { publicUrl: 'https://uprate.example', now: NOW });
  assert.deepEqual(out, [
    { channel: 'chat', key: 'test|poor|2025-07-02T07:00:00.000Z|chat', delivered: true, attempts: 1, status: 200, error: null },
    { channel: 'closed', key: 'test|poor|2025-07-02T07:00:00.000Z|closed', delivered: false, attempts: 1, status: 403, error: 'HTTP 403 (not retried: the receiver refused the request)' },
  ]);
  assert.deepEqual(received.map((r) => r.url), ['/chat', '/refuse']);
  const chat = received[0] as Received;
  assert.equal(chat.headers['x-uprate-signature'], undefined);
  const title = ':test_tube: uprate warning: poor';
  assert.deepEqual(JSON.parse(chat.body), {
    text: `${title}: ${MESSAGE}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${MESSAGE}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `sample · period 2025-06 · <${LINK}|open in uprate>` }] },
    ],
  });
});

test('no channels named: nothing is sent', async () => {
  received.length = 0;
  assert.deepEqual(await sendTestNotification(setup(), 'poor', [], { publicUrl: 'https://uprate.example', now: NOW }), []);
  assert.equal(received.length, 0);
});

test('without `now` the sample is of the real clock', async () => {
  received.length = 0;
  const before = Date.now();
  const [r] = await sendTestNotification(setup(), 'other', ['ops'], { publicUrl: 'https://uprate.example' });
  const after = Date.now();
  const at = Date.parse(r?.key.split('|')[2] ?? '');
  assert.ok(at >= before && at <= after, `${at} in [${before}, ${after}]`);
  assert.match(r?.key ?? '', /^test\|other\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|ops$/);
  assert.equal(JSON.parse(received[0]?.body ?? '{}').sentAt, new Date(at).toISOString());
});

test('delivery effects are passed on: the delivery’s clock stamps the request, not the sample’s', async () => {
  received.length = 0;
  const out = await sendTestNotification(setup(), 'poor', ['ops'], {
    publicUrl: 'https://uprate.example',
    now: NOW,
    delivery: { now: () => new Date('2030-01-01T00:00:00Z') },
  });
  assert.equal(out[0]?.delivered, true);
  // 2030-01-01T00:00:00Z = 1893456000 s.
  assert.equal(received[0]?.headers['x-uprate-timestamp'], '1893456000');
  assert.equal(JSON.parse(received[0]?.body ?? '{}').sentAt, '2025-07-02T07:00:00.000Z');
});
