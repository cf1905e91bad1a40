// Tests for webhook.ts, written for the mutation run, against a local HTTP server (port 0). The
// signature is checked against node's own crypto HMAC-SHA256; backoff delays are worked out by
// hand from base · 2^(n−1) · (0.5 + random/2); which answers are retried follows the documented
// rule (network errors, timeouts, 408, 429 and 5xx; other answers are final).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffDelay, deliverWebhook, DELIVERY_HEADER, signature, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookTarget } from './webhook.js';

interface Received {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** Statuses the server answers with, one per request (the last one repeats). */
let script: number[] = [200];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/silent') return; // never answers
      const status = script.length > 1 ? (script.shift() as number) : (script[0] as number);
      res.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {});
      res.end('answer');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function target(extra: Partial<WebhookTarget> = {}): WebhookTarget {
  return { url: `${base}/hook`, secret: undefined, timeoutMs: 5000, retries: 4, backoffMs: 1000, headers: {}, ...extra };
}
function effects() {
  const sleeps: number[] = [];
  return { sleeps, effects: { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, now: () => new Date('2025-01-01T00:00:01.999Z') } };
}
function reset(statuses: number[]): void {
  script = statuses;
  received.length = 0;
}

test('header names', () => {
  assert.equal(SIGNATURE_HEADER, 'x-uprate-signature');
  assert.equal(TIMESTAMP_HEADER, 'x-uprate-timestamp');
  assert.equal(DELIVERY_HEADER, 'x-uprate-delivery');
});

test('signature: sha256= and the hex HMAC-SHA256 of `timestamp.body`', () => {
  const expected = createHmac('sha256', 'k3y').update('1735689601.{"a":1}').digest('hex');
  assert.equal(signature('k3y', '1735689601', '{"a":1}'), `sha256=${expected}`);
  assert.notEqual(signature('k3y', '1735689602', '{"a":1}'), `sha256=${expected}`);
});

test('backoffDelay: base · 2^(retry − 1) · (0.5 + random/2), rounded', () => {
  assert.equal(backoffDelay(1000, 1, 0), 500);
  assert.equal(backoffDelay(1000, 1, 0.5), 750);
  assert.equal(backoffDelay(1000, 2, 0.5), 1500);
  assert.equal(backoffDelay(1000, 3, 0), 2000);
  assert.equal(backoffDelay(1000, 4, 0.999), 7996); // 8000 · 0.9995
  assert.equal(backoffDelay(3, 1, 0), 2); // 1.5 rounds up
  assert.equal(backoffDelay(0, 5, 0.9), 0);
});

test('delivered at the first attempt: POST, the body, the headers and the signature', async () => {
  reset([200]);
  const { sleeps, effects: fx } = effects();
  const body = '{"kind":"firing"}';
  const result = await deliverWebhook(target({ secret: 's3cret', headers: { authorization: 'Bearer t', 'content-type': 'text/plain' } }), body, 'key-1', fx);
  assert.deepEqual(result, { delivered: true, attempts: 1, status: 200, error: null });
  assert.deepEqual(sleeps, []);
  assert.equal(received.length, 1);
  const r = received[0] as Received;
  assert.equal(r.method, 'POST');
  assert.equal(r.body, body);
  // 2025-01-01T00:00:01.999Z is 1735689601.999 s: the timestamp is the whole seconds.
  const ts = '1735689601';
  assert.equal(r.headers['x-uprate-timestamp'], ts);
  assert.equal(r.headers['x-uprate-delivery'], 'key-1');
  assert.equal(r.headers['x-uprate-signature'], `sha256=${createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex')}`);
  assert.equal(r.headers['authorization'], 'Bearer t');
  // The channel's own headers cannot replace the content type.
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['user-agent'], 'uprate-alerts/1');
});

test('without a secret no signature header is sent', async () => {
  reset([200]);
  const { effects: fx } = effects();
  await deliverWebhook(target({ secret: '' }), '{}', 'k', fx);
  await deliverWebhook(target(), '{}', 'k', fx);
  assert.equal(received.length, 2);
  for (const r of received) assert.equal(r.headers['x-uprate-signature'], undefined);
});

test('2xx is delivered: 204 and 299; 300 is not, and not retried', async () => {
  for (const status of [204, 299]) {
    reset([status]);
    assert.deepEqual(await deliverWebhook(target(), '{}', 'k', effects().effects), { delivered: true, attempts: 1, status, error: null });
  }
  reset([300]);
  assert.deepEqual(await deliverWebhook(target(), '{}', 'k', effects().effects), {
    delivered: false,
    attempts: 1,
    status: 300,
    error: 'HTTP 300 (not retried: the receiver refused the request)',
  });
});

test('5xx, 429 and 408 are retried with doubling backoff, until delivered', async () => {
  reset([500, 429, 408, 200]);
  const { sleeps, effects: fx } = effects();
  assert.deepEqual(await deliverWebhook(target(), '{}', 'k', fx), { delivered: true, attempts: 4, status: 200, error: null });
  // random 0.5 → factor 0.75: 750, 1500, 3000.
  assert.deepEqual(sleeps, [750, 1500, 3000]);
  assert.equal(received.length, 4);
  // Every attempt carries the same delivery key.
  assert.deepEqual(received.map((r) => r.headers['x-uprate-delivery']), ['k', 'k', 'k', 'k']);
});

test('other 4xx answers are final: 400, 404, 409, 428, 499', async () => {
  for (const status of [400, 404, 409, 428, 499]) {
    reset([status, 200]);
    const { sleeps, effects: fx } = effects();
    assert.deepEqual(await deliverWebhook(target(), '{}', 'k', fx), {
      delivered: false,
      attempts: 1,
      status,
      error: `HTTP ${status} (not retried: the receiver refused the request)`,
    }, String(status));
    assert.deepEqual(sleeps, []);
  }
});

test('every attempt failing: retries + 1 attempts, the last status and error', async () => {
  reset([503]);
  const { sleeps, effects: fx } = effects();
  assert.deepEqual(await deliverWebhook(target({ retries: 2, backoffMs: 100 }), '{}', 'k', fx), { delivered: false, attempts: 3, status: 503, error: 'HTTP 503' });
  assert.deepEqual(sleeps, [75, 150]);
  assert.equal(received.length, 3);
  reset([502]);
  assert.deepEqual(await deliverWebhook(target({ retries: 0 }), '{}', 'k', effects().effects), { delivered: false, attempts: 1, status: 502, error: 'HTTP 502' });
  assert.equal(received.length, 1);
});

test('a retry that fails differently keeps the last answer', async () => {
  reset([500, 400]);
  assert.deepEqual(await deliverWebhook(target(), '{}', 'k', effects().effects), {
    delivered: false,
    attempts: 2,
    status: 400,
    error: 'HTTP 400 (not retried: the receiver refused the request)',
  });
});

test('no answer within the timeout: retried, then said so with no status', async () => {
  reset([200]);
  const { sleeps, effects: fx } = effects();
  const result = await deliverWebhook(target({ url: `${base}/silent`, timeoutMs: 50, retries: 1, backoffMs: 10 }), '{}', 'k', fx);
  assert.deepEqual(result, { delivered: false, attempts: 2, status: null, error: 'no answer within 50 ms' });
  assert.deepEqual(sleeps, [8]); // 10 · 0.75 = 7.5 → 8
  server.closeAllConnections();
});

test('a network error: the error and its cause, no status', async () => {
  // A port nobody listens on: bind one, then close it.
  const spare = createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const port = (spare.address() as AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const { sleeps, effects: fx } = effects();
  const result = await deliverWebhook(target({ url: `http://127.0.0.1:${port}/x`, retries: 1 }), '{}', 'k', fx);
  assert.deepEqual(result, { delivered: false, attempts: 2, status: null, error: `fetch failed: connect ECONNREFUSED 127.0.0.1:${port}` });
  assert.deepEqual(sleeps, [750]);
});

test('a status, then a network error: the status is cleared', async () => {
  reset([503]);
  let calls = 0;
  const moving: WebhookTarget = {
    ...target({ retries: 1 }),
    // The second attempt goes nowhere: the URL getter changes after the first read.
    get url() {
      calls += 1;
      return calls === 1 ? `${base}/hook` : 'http://127.0.0.1:1/x';
    },
  };
  const result = await deliverWebhook(moving, '{}', 'k', effects().effects);
  assert.equal(result.attempts, 2);
  assert.equal(result.status, null);
  assert.equal(result.delivered, false);
  // Port 1 is one fetch refuses to use (its "bad port" list): the error names the cause.
  assert.equal(result.error, 'fetch failed: bad port');
});

test('without effects: real time for the timestamp, real sleeping (backoff 0)', async () => {
  reset([500, 200]);
  const before = Math.floor(Date.now() / 1000);
  assert.deepEqual(await deliverWebhook(target({ backoffMs: 0 }), '{}', 'k'), { delivered: true, attempts: 2, status: 200, error: null });
  const after = Math.floor(Date.now() / 1000);
  const ts = Number(received[0]?.headers['x-uprate-timestamp']);
  assert.ok(ts >= before && ts <= after, `${ts} in [${before}, ${after}]`);
});

test('without effects, a retry waits its backoff for real: base 200 ms at random 0 is 100 ms', async () => {
  reset([503, 200]);
  const started = performance.now();
  assert.deepEqual(await deliverWebhook(target({ retries: 1, backoffMs: 200 }), '{}', 'k', { random: () => 0 }), { delivered: true, attempts: 2, status: 200, error: null });
  const waited = performance.now() - started;
  // 200 · 2⁰ · (0.5 + 0/2) = 100 ms (timers may fire a millisecond early).
  assert.ok(waited >= 99, `waited ${waited} ms`);
});

test('an error without a cause is given as it is: a header name fetch refuses, with nothing sent', async () => {
  reset([200]);
  const headers = { 'x bad': 'a' };
  // fetch's own words for it, asked of fetch directly.
  const refusal = await fetch(`${base}/hook`, { method: 'POST', headers }).then(
    () => 'sent',
    (e: unknown) => (e instanceof Error && e.cause === undefined ? e.message : 'another error'),
  );
  assert.match(refusal, /"x bad" is an invalid header name/);
  const { sleeps, effects: fx } = effects();
  assert.deepEqual(await deliverWebhook(target({ retries: 1, headers }), '{}', 'k', fx), { delivered: false, attempts: 2, status: null, error: refusal });
  assert.deepEqual(sleeps, [750]);
  assert.equal(received.length, 0);
});
