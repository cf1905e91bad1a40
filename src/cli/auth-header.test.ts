import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwtVerify } from 'jose';
import { hasClaim, isAdmin, mayIngestAnything } from '../server/caller.js';
import { authHeader, bearerToken, ownerClaims } from './auth-header.js';

test('the CLI token carries the config’s ingest and admin claims, which the server then honours', async () => {
  assert.deepEqual(ownerClaims({}), {});
  assert.deepEqual(ownerClaims({ ingestClaim: 'role=admin' }), { role: 'admin' });
  assert.deepEqual(ownerClaims({ ingestClaim: 'role=admin', adminClaim: 'role=admin' }), { role: 'admin' });
  assert.deepEqual(ownerClaims({ ingestClaim: 'role=ingest', adminClaim: 'role=ops' }), { role: ['ingest', 'ops'] });
  assert.deepEqual(ownerClaims({ ingestClaim: 'loader' }), { loader: true });

  const secret = 'cli-auth-header-test-secret-of-32-bytes!';
  const saved = { ...process.env };
  process.env['UPRATE_API_SECRET'] = secret;
  delete process.env['UPRATE_API_TOKEN'];
  try {
    const header = await authHeader(ownerClaims({ ingestClaim: 'role=ingest', adminClaim: 'role=ops' }));
    const { payload } = await jwtVerify(String(header['authorization']).replace('Bearer ', ''), new TextEncoder().encode(secret));
    assert.equal(payload.sub, 'uprate-cli');
    const tenancy = { rules: [{ member: 'Customers.region', claim: 'region', required: true }], ingestClaim: 'role=ingest', adminClaim: 'role=ops' };
    assert.equal(mayIngestAnything(tenancy, payload), true);
    assert.equal(isAdmin(tenancy, payload), true);
    assert.equal(hasClaim('role=other', payload), false);
    assert.equal(mayIngestAnything(tenancy, { region: 'europe' }), false);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('the token: --token, else UPRATE_TOKEN, else UPRATE_API_TOKEN, else one signed with the secret, else none', async () => {
  const secret = 'cli-auth-header-test-secret-of-32-bytes!';
  const env = { UPRATE_TOKEN: 'from-env', UPRATE_API_TOKEN: 'older-name', UPRATE_API_SECRET: secret };
  assert.deepEqual(await bearerToken({}, 'given', env), { token: 'given', source: '--token' });
  assert.deepEqual(await authHeader({}, ' given ', env), { authorization: 'Bearer given' });
  assert.deepEqual(await bearerToken({}, undefined, env), { token: 'from-env', source: 'UPRATE_TOKEN' });
  assert.deepEqual(await bearerToken({}, '', { ...env, UPRATE_TOKEN: '  ' }), { token: 'older-name', source: 'UPRATE_API_TOKEN' });
  const signed = await bearerToken({ role: 'admin' }, undefined, { CUBEJS_API_SECRET: secret });
  assert.equal(signed.source, 'signed');
  const { payload } = await jwtVerify(signed.token ?? '', new TextEncoder().encode(secret));
  assert.equal(payload['role'], 'admin');
  assert.deepEqual(await bearerToken({}, undefined, {}), { token: undefined, source: 'none' });
  assert.deepEqual(await authHeader({}, undefined, {}), {});
});
