/**
 * `uprate token create`: the token verifies with jose against the secret and carries the claims
 * and expiry asked for (the expected iat/exp computed here from the clock and the duration), and
 * a server started in-process with that secret (and a required tenant claim) accepts it on
 * /api/v1/kpi, answering the tenant's counts as plain SQL does, while an expired token, one signed
 * with another secret and one without the tenant claim are refused with a JSON error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { claimsOf, createToken, parseExpires, tokenSecret } from '../src/cli/token-command.js';
import { isUprateError } from '../src/core/errors.js';
import type { DuckDbStore } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { fixtureServer } from './fixture-data.js';

const SECRET = 'token-test-secret-of-at-least-32-bytes!';
const OTHER = 'another-secret-also-of-at-least-32-bytes';
const key = (s: string) => new TextEncoder().encode(s);
const DAY = 24 * 60 * 60;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Asserts `fn` throws a user error placed at `location` whose text matches `pattern`. */
function refuses(fn: () => unknown, location: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isUprateError(e), String(e));
    assert.equal(e.location, location);
    assert.match(e.describe(), pattern);
    return true;
  });
}

describe('createToken', () => {
  test('HS256, verifies against the secret, claims at the top level, iat now and exp 30 days on', async () => {
    const now = new Date('2026-03-10T08:15:42.900Z');
    const token = await createToken({ secret: SECRET, claims: { region: 'emea', admin: true }, expiresInSeconds: 30 * DAY, now });
    assert.match(token, JWT);
    assert.equal(decodeProtectedHeader(token).alg, 'HS256');
    const iat = Date.UTC(2026, 2, 10, 8, 15, 42) / 1000;
    const { payload } = await jwtVerify(token, key(SECRET), { algorithms: ['HS256'], currentDate: now });
    assert.deepEqual(payload, { region: 'emea', admin: true, iat, exp: iat + 2_592_000 });
    // A day after it expires, jose refuses it.
    await assert.rejects(jwtVerify(token, key(SECRET), { currentDate: new Date(now.getTime() + 31 * DAY * 1000) }), /exp/);
    await assert.rejects(jwtVerify(token, key(OTHER), { currentDate: now }), /signature/);
  });

  test('never: no exp at all', async () => {
    const token = await createToken({ secret: SECRET, expiresInSeconds: null, now: new Date('2026-01-01T00:00:00Z') });
    assert.deepEqual(decodeJwt(token), { iat: 1_767_225_600 });
  });
});

describe('parsing --expires and --claim', () => {
  test('--expires: s, m, h, d, or never', () => {
    assert.equal(parseExpires('45s'), 45);
    assert.equal(parseExpires('90m'), 5400);
    assert.equal(parseExpires('12h'), 43_200);
    assert.equal(parseExpires('30d'), 2_592_000);
    assert.equal(parseExpires('never'), null);
    for (const bad of ['3w', '0d', '-1h', '1.5h', '', 'h', '30', 'forever']) refuses(() => parseExpires(bad), '--expires', /must be a positive whole number of s, m, h or d/);
  });

  test('--claim: JSON values when they parse, else text; a key given twice becomes a list', () => {
    assert.deepEqual(claimsOf(['region=emea', 'admin=true', 'n=5', 'ids=[1,"a"]', 'ctx={"team":"x"}', 'note=a=b', 'empty=']), {
      region: 'emea',
      admin: true,
      n: 5,
      ids: [1, 'a'],
      ctx: { team: 'x' },
      note: 'a=b',
      empty: '',
    });
    assert.deepEqual(claimsOf(['region=emea', 'region=apac']), { region: ['emea', 'apac'] });
    refuses(() => claimsOf(['nokey']), '--claim', /must be key=value, not 'nokey'/);
    refuses(() => claimsOf(['=x']), '--claim', /must be key=value/);
    refuses(() => claimsOf(['exp=1']), '--claim', /cannot set 'exp'.*\n {2}fix: .*--expires/);
  });

  test('the secret: --secret, else UPRATE_API_SECRET, else CUBEJS_API_SECRET; none or a short one is refused', () => {
    assert.deepEqual(tokenSecret(undefined, { UPRATE_API_SECRET: SECRET, CUBEJS_API_SECRET: OTHER }), { secret: SECRET, source: 'UPRATE_API_SECRET' });
    assert.deepEqual(tokenSecret(undefined, { UPRATE_API_SECRET: ' ', CUBEJS_API_SECRET: OTHER }), { secret: OTHER, source: 'CUBEJS_API_SECRET' });
    assert.deepEqual(tokenSecret(OTHER, { UPRATE_API_SECRET: SECRET }), { secret: OTHER, source: '--secret' });
    assert.throws(() => tokenSecret(undefined, {}), /UPRATE_API_SECRET/);
    refuses(() => tokenSecret('too-short', {}), '--secret', /9 bytes/);
  });
});

describe('uprate token create (the command)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'uprate-token-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prints only the token; the note and the missing tenant claim go to stderr', async () => {
    const config = join(dir, 'tenants.yaml');
    writeFileSync(config, 'security:\n  filters:\n    - { member: Customers.region, claim: region }\n');
    const before = Math.floor(Date.now() / 1000);
    const r = uprate(['token', 'create', '--claim', 'team=growth', '--claim', 'admin=true', '--expires', '7d', '--config', config], { UPRATE_API_SECRET: SECRET, CUBEJS_API_SECRET: '' });
    const after = Math.ceil(Date.now() / 1000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload } = await jwtVerify(r.stdout.trim(), key(SECRET), { algorithms: ['HS256'] });
    assert.equal(payload.team, 'growth');
    assert.equal(payload.admin, true);
    assert.ok(payload.iat !== undefined && payload.iat >= before && payload.iat <= after, `iat ${payload.iat}`);
    assert.equal(payload.exp, (payload.iat ?? 0) + 604_800);
    const exp = new Date((payload.exp ?? 0) * 1000).toISOString().replace('.000Z', 'Z');
    assert.match(r.stderr, new RegExp(`^uprate: token signed with UPRATE_API_SECRET; expires ${exp} \\(in 7d\\); claims \\{"team":"growth","admin":true\\}\\n`));
    assert.match(r.stderr, /warning: .*tenants\.yaml requires a 'region' claim \(it restricts Customers\.region\).*--claim region=VALUE/);
  });

  test('no secret: exit 1, nothing on stdout, the variable named', () => {
    const r = uprate(['token', 'create'], { UPRATE_API_SECRET: '', CUBEJS_API_SECRET: '' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^uprate: no secret to sign the token with: neither UPRATE_API_SECRET nor CUBEJS_API_SECRET is set\n {2}fix: set UPRATE_API_SECRET/);
  });

  test('a bad --expires or --claim: exit 1 naming the option', () => {
    const bad = uprate(['token', 'create', '--expires', '2 weeks'], { UPRATE_API_SECRET: SECRET });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^uprate: --expires: must be a positive whole number/);
    const claim = uprate(['token', 'create', '--claim', 'region'], { UPRATE_API_SECRET: SECRET });
    assert.equal(claim.code, 1);
    assert.equal(claim.stdout, '');
    assert.match(claim.stderr, /^uprate: --claim: must be key=value, not 'region'/);
  });
});

describe('a server with the secret and a required tenant claim', () => {
  let base: string;
  let store: DuckDbStore;
  let close: () => Promise<void>;

  before(async () => {
    const served = await fixtureServer({ dev: false, secret: SECRET, securityRules: [{ member: 'Customers.region', claim: 'region', required: true }] });
    ({ store, close } = served);
    base = await served.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => close());

  const kpi = (token: string) => fetch(`${base}/api/v1/kpi`, { headers: { authorization: `Bearer ${token}` } });

  test('accepts a created token and answers for its tenant only, as SQL counts', async () => {
    const token = await createToken({ secret: SECRET, claims: claimsOf(['region=emea']), expiresInSeconds: parseExpires('30d') });
    const res = await kpi(token);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { offers: number };
    const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM offers o JOIN customers c ON c.customer_id = o.customer_id WHERE c.region = 'emea'`);
    assert.equal(body.offers, Number(row?.n));
    assert.ok(body.offers > 0 && body.offers < 3000, `${body.offers}`);
  });

  test('refuses an expired token, one signed with another secret, and one without the tenant claim', async () => {
    const expired = await createToken({ secret: SECRET, claims: { region: 'emea' }, expiresInSeconds: 60, now: new Date(Date.now() - 2 * 3600 * 1000) });
    const forged = await createToken({ secret: OTHER, claims: { region: 'emea' }, expiresInSeconds: 3600 });
    for (const [name, token] of [['expired', expired], ['other secret', forged]] as const) {
      const res = await kpi(token);
      assert.ok(res.status === 401 || res.status === 403, `${name}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(((await res.json()) as { error: string }).error, 'Invalid token', name);
    }
    const untenanted = await kpi(await createToken({ secret: SECRET, expiresInSeconds: 3600 }));
    assert.equal(untenanted.status, 403);
    assert.match(((await untenanted.json()) as { error: string }).error, /the token has no 'region' claim/);
  });
});
