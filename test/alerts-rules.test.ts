/** Rules-file problems: each names the file line, the rule and the field. Defaults without a config. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { alertSetup } from '../src/alerts/index.js';
import { loadConfig } from '../src/config/index.js';
import { UprateError } from '../src/core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';

let dir: string;
let model: Model;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alert-rules-'));
  model = await loadModel(shippedModelDir());
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UprateError, String(e));
    assert.equal(e.code, 'CONFIG_INVALID');
    return e.describe();
  }
  assert.fail('expected a CONFIG_INVALID error');
}

const CHANNELS = `alerts:
  channels:
    ops:
      type: webhook
      url: http://127.0.0.1:9/hook
  rules:
`;

test('bad threshold, bad cron and unknown channel: rule, field and line', () => {
  const text = `${CHANNELS}    - name: headline-low
      condition:
        type: below
        threshold: 1.5
      channels: [ops]
    - name: nightly
      schedule: "61 * * * *"
      condition:
        type: control-limit
    - name: to-slack
      condition:
        type: volume-drop
      channels:
        - slack-team
`;
  const path = file('bad-shape.yaml', text);
  const message = problems(() => loadConfig(path));
  assert.ok(message.includes(`bad-shape.yaml:${lineOf(text, 'threshold: 1.5')}: alerts.rules.0.condition.threshold (rule headline-low): threshold must be a fraction from 0 to 1`), message);
  assert.ok(message.includes(`bad-shape.yaml:${lineOf(text, '61 * * * *')}: alerts.rules.1.schedule (rule nightly): bad cron expression '61 * * * *'`), message);
  assert.match(message, /bad cron expression '61 \* \* \* \*': Invalid value for minute: 61/);
  assert.ok(message.includes(`bad-shape.yaml:${lineOf(text, '- slack-team')}: alerts.rules.2.channels.0 (rule to-slack): unknown channel 'slack-team' (channels: ops)`), message);
});

test('unknown dimensions and filter members are found against the model', () => {
  const text = `${CHANNELS}    - name: smb-watch
      scope:
        by: Customers.acountSize
      condition:
        type: drop
      channels: [ops]
    - name: channel-gap
      condition:
        type: segment-below
        by: Offers.chanel
    - name: upsell-only
      scope:
        filters:
          - member: Offers.offerKind
            operator: equals
            values: [upsell]
      condition:
        type: below
        band: poor
    - name: bad-operator
      scope:
        filters:
          - member: Offers.offerType
            operator: resembles
            values: [upsell]
      condition:
        type: below
        band: poor
`;
  const path = file('bad-members.yaml', text);
  const config = loadConfig(path);
  const message = problems(() => alertSetup(config, model));
  assert.ok(message.includes(`bad-members.yaml:${lineOf(text, 'Customers.acountSize')}: alerts.rules.0.scope.by (rule smb-watch): unknown dimension 'Customers.acountSize' (dimensions: `), message);
  assert.ok(message.includes(`bad-members.yaml:${lineOf(text, 'Offers.chanel')}: alerts.rules.1.condition.by (rule channel-gap): unknown dimension 'Offers.chanel'`), message);
  assert.ok(message.includes(`bad-members.yaml:${lineOf(text, 'Offers.offerKind')}: alerts.rules.2.scope.filters.0.member (rule upsell-only): unknown dimension 'Offers.offerKind'`), message);
  assert.match(message, /alerts\.rules\.3\.scope\.filters \(rule bad-operator\): .*resembles/);
});

test('other shape problems: both band and threshold, grain, alpha, duplicate names, a measure as scope', () => {
  const text = `${CHANNELS}    - name: twice
      grain: fortnight
      condition: { type: below, band: poor, threshold: 0.1 }
    - name: twice
      condition: { type: drop, alpha: 1.2 }
`;
  const message = problems(() => loadConfig(file('bad-more.yaml', text)));
  assert.match(message, /alerts\.rules\.0\.grain \(rule twice\): grain must be one of day, week, month, quarter, year/);
  assert.match(message, /alerts\.rules\.0\.condition \(rule twice\): give either band or threshold/);
  assert.match(message, /alerts\.rules\.1\.condition\.alpha \(rule twice\): alpha must be below 1/);
  const dup = `${CHANNELS}    - name: twice\n      condition: { type: drop }\n    - name: twice\n      condition: { type: drop }\n`;
  assert.match(problems(() => loadConfig(file('dup.yaml', dup))), /dup\.yaml:9: alerts\.rules\.1\.name \(rule twice\): a second rule named 'twice'/);
  const measure = file('measure.yaml', `${CHANNELS}    - name: by-measure\n      scope: { by: Offers.conversionRate }\n      condition: { type: drop }\n`);
  assert.match(problems(() => alertSetup(loadConfig(measure), model)), /scope\.by \(rule by-measure\): 'Offers\.conversionRate' is a measure, not a dimension/);
});

test('a channel secret from an unset environment variable is named', () => {
  const path = file('secret-env.yaml', `alerts:\n  channels:\n    ops:\n      type: slack\n      url: https://hooks.example/T1\n      secretEnv: UPRATE_TEST_UNSET_SECRET\n`);
  const message = problems(() => alertSetup(loadConfig(path), model, {}));
  assert.match(message, /secret-env\.yaml:6: alerts\.channels\.ops\.secretEnv: environment variable UPRATE_TEST_UNSET_SECRET is not set/);
  const ok = alertSetup(loadConfig(path), model, { UPRATE_TEST_UNSET_SECRET: 's3cret' });
  assert.equal(ok.channels.get('ops')?.signingSecret, 's3cret');
});

test('no config: the three default rules, on a daily schedule, judging months', () => {
  const setup = alertSetup(loadConfig(undefined), model);
  assert.deepEqual(
    setup.rules.map((r) => [r.name, r.condition.type, r.grain, r.schedule, r.includeProvisional]),
    [
      ['headline-poor-band', 'below', 'month', '0 7 * * *', false],
      ['headline-monthly-drop', 'drop', 'month', '0 7 * * *', false],
      ['headline-control-limit', 'control-limit', 'month', '0 7 * * *', false],
    ],
  );
  // Channels but no rules: the defaults notify every channel.
  const withChannels = alertSetup(loadConfig(file('channels-only.yaml', CHANNELS.replace('  rules:\n', ''))), model);
  assert.deepEqual(withChannels.rules.map((r) => r.channels), [['ops'], ['ops'], ['ops']]);
  // Rules of your own replace the defaults unless defaultRules: true.
  const own = `${CHANNELS}    - name: mine\n      condition: { type: drop }\n`;
  assert.deepEqual(alertSetup(loadConfig(file('own.yaml', own)), model).rules.map((r) => r.name), ['mine']);
  const both = own.replace('alerts:\n', 'alerts:\n  defaultRules: true\n');
  assert.equal(alertSetup(loadConfig(file('both.yaml', both)), model).rules.length, 4);
});
