import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDbStore } from '../../store/index.js';
import { buildApp } from '../app.js';

async function serve(webDir: string) {
  const store = await DuckDbStore.open(':memory:');
  const { app } = await buildApp({ store, dev: true, logLevel: 'silent', webDir });
  return { app, close: async () => { await app.close(); await store.close(); } };
}

test('the dashboard is served at / from the built folder, assets cached, API untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>uprate</title>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  const { app, close } = await serve(dir);
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type'] ?? ''), /text\/html/);
  assert.equal(page.headers['cache-control'], 'no-cache');
  const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control'] ?? ''), /immutable/);
  const missing = await app.inject({ method: 'GET', url: '/assets/nope.js' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'NOT_FOUND');
  assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  await close();
});

test('without a build, / says how to make one', async () => {
  const { app, close } = await serve(join(tmpdir(), 'uprate-no-such-build'));
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 503);
  assert.match(String(page.headers['content-type'] ?? ''), /text\/html/);
  assert.match(page.body, /Run <code>npm run build<\/code>/);
  await close();
});
