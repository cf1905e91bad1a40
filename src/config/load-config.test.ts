import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('defaults without a file', () => {
  const c = loadConfig(undefined);
  assert.equal(c.conversionWindowDays, 30);
  assert.deepEqual(c.bands, { strong: 0.2, poor: 0.1 });
  assert.deepEqual(c.security.filters, []);
});

test('reads YAML and JSON', () => {
  const y = loadConfig(file('a.yaml', 'conversionWindowDays: 14\nsecurity:\n  filters:\n    - member: Offers.tenantId\n      claim: tenant_id\n'));
  assert.equal(y.conversionWindowDays, 14);
  assert.deepEqual(y.security.filters, [{ member: 'Offers.tenantId', claim: 'tenant_id', required: true }]);
  const j = loadConfig(file('b.json', '{"target": 0.22}'));
  assert.equal(j.target, 0.22);
});

test('every problem is named with its line and field', () => {
  try {
    loadConfig(file('bad.yaml', 'conversionWindowDays: -3\nbands:\n  strong: 0.1\n  poor: 0.3\ncolour: red\nsecurity:\n  filters:\n    - member: tenant\n      claim: t\n'));
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof UprateError);
    const text = e.describe();
    assert.match(text, /bad\.yaml:1: conversionWindowDays: /);
    assert.match(text, /bad\.yaml:3: bands: poor must not be above strong/);
    assert.match(text, /bad\.yaml:1: \(top level\): unknown field colour|colour/);
    assert.match(text, /bad\.yaml:8: security\.filters\.0\.member: must be Cube\.member/);
  }
});

test('a syntax error names its line', () => {
  assert.throws(() => loadConfig(file('syntax.yaml', 'a: 1\nb: [1, 2\n')), (e: unknown) => e instanceof UprateError && /syntax\.yaml:\d/.test(e.describe()));
});

test('currency: USD by default, an ISO 4217 code from the file, and a bad code named with its field and line', () => {
  assert.equal(loadConfig(undefined).currency, 'USD');
  assert.equal(loadConfig(file('eur.yaml', 'currency: EUR\n')).currency, 'EUR');
  for (const [name, text] of [['lower.yaml', 'target: 0.2\ncurrency: eur\n'], ['unknown.yaml', 'target: 0.2\ncurrency: XYZ\n'], ['word.yaml', 'target: 0.2\ncurrency: Euro\n']] as const) {
    assert.throws(
      () => loadConfig(file(name, text)),
      (e: unknown) => e instanceof UprateError && e.code === 'CONFIG_INVALID' && new RegExp(`${name.replace('.', '\\.')}:2: currency: .*ISO 4217`).test(e.describe()),
      name,
    );
  }
});

test('a bad channel name says what a name may be, on its line', () => {
  const bad = file('channel.yaml', 'alerts:\n  channels:\n    ok.one: { type: webhook, url: "https://hooks.example.com/a" }\n    "-x": { type: webhook, url: "https://hooks.example.com/b" }\n');
  assert.throws(
    () => loadConfig(bad),
    (e: unknown) => e instanceof UprateError && e.code === 'CONFIG_INVALID' && e.message.includes('channel.yaml:4: alerts.channels.-x: bad name: a channel name is letters, digits, -, _ or .'),
  );
});
