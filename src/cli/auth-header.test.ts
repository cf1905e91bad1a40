import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwtVerify } from 'jose';
import { hasClaim, isAdmin, mayIngestAnything } from '../server/caller.js';
import { authHeader, ownerClaims } from './auth-header.js';

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
