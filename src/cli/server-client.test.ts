import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { UprateError } from '../core/errors.js';
import { TOKEN_FIX } from './auth-header.js';
import { bareMessage, findServer, serverClient, serverError, serverUrl, ServerClient } from './server-client.js';

describe('which server a command goes through', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'uprate-server-client-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--server wins; else the live server whose sidecar lies beside the DuckDB file; else none', () => {
    const db = join(dir, 'held.duckdb');
    assert.equal(findServer({}, { db, env: {} }), undefined, 'no sidecar: open the file');
    writeFileSync(`${db}.server.json`, JSON.stringify({ url: 'http://127.0.0.1:4567', pid: process.pid }));
    assert.deepEqual(findServer({}, { db, env: {} }), { url: 'http://127.0.0.1:4567', heldFile: db });
    assert.deepEqual(findServer({ server: 'http://10.0.0.1:4000/' }, { db, env: {} }), { url: 'http://10.0.0.1:4000' });
    // A server engine is never held by a server: its sidecar (if any) is not looked for.
    assert.equal(findServer({}, { db, engine: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/d', env: {} }), undefined);
    // A sidecar whose process is gone names no server.
    writeFileSync(`${db}.server.json`, JSON.stringify({ url: 'http://127.0.0.1:4567', pid: 2 ** 22 + 12345 }));
    assert.equal(findServer({}, { db, env: {} }), undefined);
  });

  test('a found server is said once on stderr; a named one is not', () => {
    const db = join(dir, 'said.duckdb');
    writeFileSync(`${db}.server.json`, JSON.stringify({ url: 'http://127.0.0.1:4567', pid: process.pid }));
    const lines: string[] = [];
    const client = serverClient({ flags: {}, store: { db, env: {} }, security: {}, verb: 'reading', notice: (l) => lines.push(l) });
    assert.equal(client?.url, 'http://127.0.0.1:4567');
    assert.deepEqual(lines, [`uprate: ${db} is held by uprate serve at http://127.0.0.1:4567; reading through it\n`]);
    serverClient({ flags: { server: 'http://127.0.0.1:4567' }, store: { db, env: {} }, security: {}, verb: 'reading', notice: (l) => lines.push(l) });
    assert.equal(lines.length, 1);
  });

  test('--server must be an http(s) URL', () => {
    assert.equal(serverUrl(' https://uprate.example/base/ '), 'https://uprate.example/base');
    assert.throws(() => serverUrl('127.0.0.1:4000x'), (e: unknown) => e instanceof UprateError && e.location === '--server');
    assert.throws(() => serverUrl('ftp://host'), /must be an http\(s\) URL/);
  });
});

describe('a refusal as the direct path would say it', () => {
  test('the API body’s message without the place and fix it appends', () => {
    // UprateError.apiMessage writes `message (at location)\n  fix: hint`.
    const e = new UprateError('BAD_ARGUMENT', "unknown dimension 'colour'", { location: '--by', hint: 'use one of account_size' });
    assert.equal(bareMessage(e.apiMessage(), '--by', 'use one of account_size'), "unknown dimension 'colour'");
    assert.equal(bareMessage('plain words', undefined, undefined), 'plain words');
    assert.equal(bareMessage('ends (at x) oddly', 'y', undefined), 'ends (at x) oddly');
  });

  test('a 4xx with a code: the same code, message, place (mapped to the option) and fix', () => {
    const sent = new UprateError('BAD_ARGUMENT', "no alert rule named 'nope'", { location: 'rule', hint: 'rules in force: a, b' });
    const e = serverError('http://s', 400, sent.toJSON(), { rule: '--rule' });
    assert.equal(e.code, 'BAD_ARGUMENT');
    assert.equal(e.describe(), "--rule: no alert rule named 'nope'\n  fix: rules in force: a, b");
    const rows = serverError('http://s', 400, { error: 'bad rows', code: 'INVALID_ROWS', details: { rows: [1] } });
    assert.deepEqual([rows.code, rows.details], ['INVALID_ROWS', { rows: [1] }]);
  });

  test('a missing or refused token: the server’s words and how to send one', () => {
    const missing = serverError('http://s', 403, { error: "Authorization header isn't set", code: 'AUTH_MISSING', type: 'UserError' });
    assert.equal(missing.code, 'AUTH_MISSING');
    assert.equal(missing.describe(), `the uprate server at http://s refused the request: Authorization header isn't set\n  fix: ${TOKEN_FIX}`);
    const invalid = serverError('http://s', 403, { error: 'Invalid token\n  fix: the server has no API secret set', code: 'AUTH_INVALID', hint: 'the server has no API secret set' });
    assert.equal(invalid.message, 'the uprate server at http://s refused the request: Invalid token (the server has no API secret set)');
    assert.equal(invalid.hint, TOKEN_FIX);
    assert.equal(serverError('http://s', 401, 'Unauthorized').hint, TOKEN_FIX, 'a proxy’s 401');
    // An admin-only action keeps the server's own fix.
    const forbidden = serverError('http://s', 403, { error: 'x', code: 'FORBIDDEN', location: 'security.adminClaim', hint: 'sign the token with role=admin' });
    assert.deepEqual([forbidden.code, forbidden.hint], ['FORBIDDEN', 'sign the token with role=admin']);
  });

  test('a 5xx or an unknown body: the server failed, with its status and words', () => {
    const internal = serverError('http://s', 500, { error: 'internal error: boom', code: 'INTERNAL' });
    assert.equal(internal.code, 'ENGINE_UNAVAILABLE');
    assert.match(internal.message, /^the uprate server at http:\/\/s failed \(HTTP 500\): internal error: boom$/);
    const busy = serverError('http://s', 503, { error: 'too many queries', code: 'BUSY', hint: 'try again' });
    assert.deepEqual([busy.code, busy.message, busy.hint], ['BUSY', 'too many queries', 'try again']);
    const proxy = serverError('http://s', 404, '<html>not here</html>');
    assert.equal(proxy.code, 'BAD_ARGUMENT');
    assert.match(proxy.message, /refused the request \(HTTP 404\): <html>not here<\/html>/);
  });
});

describe('requests', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; authorization: string | undefined; asOf: string | undefined; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, asOf: req.headers['x-uprate-as-of'] as string | undefined, body });
        const path = (req.url ?? '').split('?')[0];
        const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (path === '/ok') send(200, { a: 1, extra: true });
        else if (path === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
        else send(400, new UprateError('BAD_ARGUMENT', 'asOf must be a date', { location: 'asOf', hint: 'e.g. 2025-07-01' }).toJSON());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('query parameters (a list repeats the name), a JSON body, the token once, the schema checked but not applied', async () => {
    let signed = 0;
    const client = new ServerClient({ url }, async () => {
      signed += 1;
      return { authorization: 'Bearer t' };
    });
    assert.deepEqual(await client.request('GET', '/ok', { query: { rule: ['a', 'b'], at: '2025-07-01', none: undefined }, schema: z.object({ a: z.number() }) }), { a: 1, extra: true });
    await client.request('POST', '/ok', { json: { q: 1 }, headers: { 'x-uprate-as-of': '2025-07-01T00:00:00.000Z' } });
    assert.equal(signed, 1);
    assert.deepEqual(seen.slice(-2).map((s) => [s.method, s.url, s.authorization, s.asOf, s.body]), [
      ['GET', '/ok?rule=a&rule=b&at=2025-07-01', 'Bearer t', undefined, ''],
      ['POST', '/ok', 'Bearer t', '2025-07-01T00:00:00.000Z', '{"q":1}'],
    ]);
  });

  test('an answer that is not the document asked for, a refusal, and a server that is not there', async () => {
    const client = new ServerClient({ url }, async () => ({}), { asOf: '--as-of' });
    await assert.rejects(client.request('GET', '/ok', { schema: z.object({ a: z.string() }) }), /answered GET \/ok with a document this uprate does not read: a: /);
    await assert.rejects(client.request('GET', '/text'), /not a JSON document/);
    await assert.rejects(client.request('GET', '/refused'), (e: unknown) => e instanceof UprateError && e.describe() === '--as-of: asOf must be a date\n  fix: e.g. 2025-07-01');
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const gone = new ServerClient({ url: `http://127.0.0.1:${closed}`, heldFile: '/data/x.duckdb' }, async () => ({}));
    await assert.rejects(gone.request('GET', '/ok'), (e: unknown) => {
      assert.ok(e instanceof UprateError);
      assert.equal(e.code, 'ENGINE_UNAVAILABLE');
      assert.match(e.message, /cannot reach the uprate server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
      assert.equal(e.location, '/data/x.duckdb.server.json');
      return true;
    });
  });
});
