/**
 * Every installed package supports the Node we run on (package.json promises node >=20.9):
 * scripts/check-engines.mjs finds no `engines.node` that leaves the running Node out — the
 * packages `npm ci` would warn about with EBADENGINE. When it fails, pin the offender to a
 * version that supports it (package.json "overrides" for a dependency of a dependency).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { checkEngines, formatEngineReport, nodeSatisfies } from '../scripts/check-engines.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

test('no installed package excludes the running node (scripts/check-engines.mjs)', () => {
  const out = execFileSync(process.execPath, [join(root, 'scripts/check-engines.mjs'), '--json'], { encoding: 'utf8' });
  const report = JSON.parse(out) as { node: string; checked: number; offenders: unknown[] };
  assert.equal(report.node, process.version);
  assert.ok(report.checked > 100, `only ${report.checked} package.json files read: is node_modules installed?`);
  assert.deepEqual(report.offenders, []);
});

test('the project\'s own engines admit the running node', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  assert.ok(nodeSatisfies(process.version, manifest.engines.node), `${process.version} vs ${manifest.engines.node}`);
});

test('nodeSatisfies reads ranges the way npm does', () => {
  assert.equal(nodeSatisfies('v20.20.2', '>=20.9'), true);
  assert.equal(nodeSatisfies('v20.20.2', '>=22'), false);
  assert.equal(nodeSatisfies('v20.20.2', '^18 || ^20 || >=22'), true);
  assert.equal(nodeSatisfies('v20.20.2', '>= 18.0.0'), true);
  assert.equal(nodeSatisfies('v20.20.2', '20.x'), true);
  assert.equal(nodeSatisfies('v20.20.2', '*'), true);
  assert.equal(nodeSatisfies('v20.20.2', '^20.21.0'), false);
  assert.equal(nodeSatisfies('v23.0.0-pre', '>=22'), true);
  assert.equal(nodeSatisfies('v20.20.2', 'not a range'), false);
});

test('the walk finds offenders in scoped and nested node_modules, and ignores the old array form', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-engines-'));
  const pkg = (path: string, manifest: object) => {
    const at = join(dir, path, 'package.json');
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, JSON.stringify(manifest));
  };
  try {
    pkg('.', { name: 'app', version: '1.0.0', engines: { node: '>=20.9' } });
    pkg('node_modules/ok', { name: 'ok', version: '1.0.0', engines: { node: '>=18' } });
    pkg('node_modules/no-engines', { name: 'no-engines', version: '1.0.0' });
    pkg('node_modules/old-array', { name: 'old-array', version: '0.1.0', engines: ['node >= 99'] });
    pkg('node_modules/@scope/new', { name: '@scope/new', version: '3.0.0', engines: { node: '>=22' } });
    pkg('node_modules/ok/node_modules/cookie', { name: 'cookie', version: '2.0.2', engines: { node: '>=22', npm: '>=1' } });
    pkg('node_modules/.bin/not-a-package', { name: 'x', engines: { node: '>=99' } });
    const report = checkEngines(dir, 'v20.20.2');
    assert.equal(report.checked, 6);
    assert.deepEqual(report.offenders, [
      { name: '@scope/new', version: '3.0.0', path: 'node_modules/@scope/new', range: '>=22' },
      { name: 'cookie', version: '2.0.2', path: 'node_modules/ok/node_modules/cookie', range: '>=22' },
    ]);
    assert.deepEqual(formatEngineReport(report, 'v20.20.2').slice(0, 3), [
      'engines: 2 of 6 packages do not support node v20.20.2:',
      '  @scope/new@3.0.0 (node_modules/@scope/new) wants node >=22',
      '  cookie@2.0.2 (node_modules/ok/node_modules/cookie) wants node >=22',
    ]);
    assert.deepEqual(formatEngineReport(checkEngines(dir, 'v22.1.0'), 'v22.1.0'), ['engines: all 6 packages support node v22.1.0']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
