// Tests for alert-setup.ts, written for the mutation run: the rules and channels in force for a
// config, checked against the shipped model (and a model without the KPI's inputs, the fan-out
// fixture), with every refusal's message written out by hand.
import { before, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { configSchema } from '../config/index.js';
import { isUprateError } from '../core/errors.js';
import { bindKpi } from '../kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { alertSetup, checkRuleNames, type AlertSetup } from './alert-setup.js';
import { defaultRules } from './default-rules.js';

let model: Model;
let fanOut: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
  fanOut = await loadModel('test/fixtures/models/fan-out');
});

const config = (c: Record<string, unknown>) => configSchema.parse(c);

/** The problems of the CONFIG_INVALID error `fn` throws. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(isUprateError(e) && e.code === 'CONFIG_INVALID', String(e));
    return (e.details as { problems: string[] }).problems;
  }
  assert.fail('no error');
}

test('no alerts config: the default rules, no channels, 30 recent days, the config’s bands and the shipped binding', () => {
  const c = config({ bands: { strong: 0.3, poor: 0.05 } });
  const s = alertSetup(c, model);
  assert.deepEqual(s, {
    rules: defaultRules(),
    channels: new Map(),
    publicUrl: undefined,
    recentDays: 30,
    bands: c.bands,
    binding: bindKpi(model, undefined),
  });
  assert.equal('notice' in s, false);
});

test('the config’s public URL, recent days and channels; a secret given, or read from the environment', () => {
  const c = config({
    alerts: {
      publicUrl: 'https://dash.example',
      recentDays: 7,
      channels: {
        ops: { type: 'webhook', url: 'https://hooks.example/ops', secret: 'given' },
        chat: { type: 'slack', url: 'https://hooks.example/chat', secretEnv: 'CHAT_SECRET' },
        plain: { type: 'webhook', url: 'https://hooks.example/plain' },
      },
    },
  });
  const s = alertSetup(c, model, { CHAT_SECRET: 'from-env' });
  assert.equal(s.publicUrl, 'https://dash.example');
  assert.equal(s.recentDays, 7);
  assert.deepEqual([...s.channels.values()].map((ch) => [ch.name, ch.type, ch.url, ch.signingSecret]), [
    ['ops', 'webhook', 'https://hooks.example/ops', 'given'],
    ['chat', 'slack', 'https://hooks.example/chat', 'from-env'],
    ['plain', 'webhook', 'https://hooks.example/plain', undefined],
  ]);
  assert.equal(s.channels.get('ops')?.timeoutMs, 5000);
  // Defaults notify every channel.
  assert.deepEqual(s.rules.map((r) => r.channels), defaultRules().map(() => ['ops', 'chat', 'plain']));
  assert.deepEqual(problems(() => alertSetup(c, model, {})), ['(defaults): alerts.channels.chat.secretEnv: environment variable CHAT_SECRET is not set (it holds the signing secret)']);
});

test('members a rule names must be dimensions of the model: scope.by, the segment’s by and each filter, each named by its path', () => {
  const c = config({
    alerts: {
      rules: [
        { name: 'ok', scope: { by: 'Customers.accountSize' }, condition: { type: 'drop' } },
        {
          name: 'bad',
          scope: { by: 'Offers.count', filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.nope', operator: 'equals', values: ['x'] }] },
          condition: { type: 'segment-below', by: 'Nope.x' },
        },
      ],
    },
  });
  const dims = [...model.cubes.values()].flatMap((cube) => [...cube.dimensions.keys()].map((d) => `${cube.name}.${d}`)).join(', ');
  assert.deepEqual(problems(() => alertSetup(c, model)), [
    "(defaults): alerts.rules.1.scope.by: 'Offers.count' is a measure, not a dimension",
    `(defaults): alerts.rules.1.condition.by: unknown dimension 'Nope.x' (dimensions: ${dims})`,
    `(defaults): alerts.rules.1.scope.filters.1.member: unknown dimension 'Offers.nope' (dimensions: ${dims})`,
  ]);
});

test('a rule whose query the semantic layer refuses (an unknown operator) is refused at its filters', () => {
  const c = config({ alerts: { rules: [{ name: 'odd', scope: { filters: [{ member: 'Offers.channel', operator: 'resembles', values: ['email'] }] }, condition: { type: 'drop' } }] } });
  assert.deepEqual(problems(() => alertSetup(c, model)), [
    '(defaults): alerts.rules.0.scope.filters: Operator resembles not supported for filter: {"member":"Offers.channel","operator":"resembles","values":["email"]}',
  ]);
});

test('a model without the KPI’s inputs: the default rules are off, said once; the user’s rules are refused naming the binding', () => {
  const off = alertSetup(config({}), fanOut);
  assert.deepEqual(off.rules, []);
  assert.equal(off.binding, null);
  assert.match(
    off.notice ?? '',
    /^alerts: the default rules are off: the model has no KPI binding \(kpi \(default: the shipped model's members\)\.offers: Offers\.count is not a member of the model .*; kpi .*\.time: Offers\.offeredAt is not a member of the model .*\); bind kpi: in uprate\.config\.yaml to turn them on$/,
  );
  // Defaults switched off by the config itself: nothing to say.
  const none = alertSetup(config({ alerts: { defaultRules: false } }), fanOut);
  assert.deepEqual(none.rules, []);
  assert.equal('notice' in none, false);
  const own = config({ alerts: { rules: [{ name: 'mine', condition: { type: 'drop' } }] } });
  const p = problems(() => alertSetup(own, fanOut));
  assert.equal(p.length, 3);
  assert.match(p[0] ?? '', /^\(defaults\): kpi: alert rules count with the KPI binding: kpi \(default: the shipped model's members\)\.offers: Offers\.count is not a member/);
  // A kpi binding of the config that does not fit: the defaults are not switched off, they are refused.
  const bound = config({ kpi: { offers: 'Accounts.count', accepted: 'Accounts.nope', time: 'Accounts.region' } });
  const q = problems(() => alertSetup(bound, fanOut));
  assert.ok(q.length > 0 && q.every((x) => x.startsWith('(defaults): kpi: alert rules count with the KPI binding: ')), q.join('\n'));
});

test('checkRuleNames: a name not in force is refused, naming the rules that are', () => {
  const s = { rules: defaultRules() } as unknown as AlertSetup;
  checkRuleNames(s, ['headline-poor-band', 'headline-control-limit'], '--rule');
  try {
    checkRuleNames(s, ['headline-poor-band', 'nope'], '--rule');
    assert.fail('no error');
  } catch (e) {
    assert.ok(isUprateError(e));
    assert.equal(e.code, 'BAD_ARGUMENT');
    assert.equal(e.message, "no alert rule named 'nope'");
    assert.equal(e.location, '--rule');
    assert.equal(e.hint, 'rules in force: headline-poor-band, headline-monthly-drop, headline-control-limit');
  }
});

test('a default rule the semantic layer refuses is named in the message, at alerts (it has no index of its own)', async () => {
  // A binding checkBinding accepts (a count, a count, a time dimension) whose cubes have no join
  // between them: every rule's count query is refused, the three defaults included.
  const dir = mkdtempSync(join(tmpdir(), 'uprate-alert-setup-'));
  try {
    writeFileSync(
      join(dir, 'unjoined.yml'),
      [
        'cubes:',
        '  - name: Offers',
        '    sql_table: offers',
        '    dimensions:',
        '      - { name: id, sql: "{CUBE}.offer_id", type: string, primary_key: true }',
        '      - { name: offeredAt, sql: "{CUBE}.offered_at", type: time }',
        '    measures:',
        '      - { name: count, type: count }',
        '  - name: Wins',
        '    sql_table: offers',
        '    dimensions:',
        '      - { name: id, sql: "{CUBE}.offer_id", type: string, primary_key: true }',
        '    measures:',
        '      - { name: accepted, type: count }',
        '',
      ].join('\n'),
    );
    const unjoined = await loadModel(dir);
    const kpi = { offers: 'Offers.count', accepted: 'Wins.accepted', time: 'Offers.offeredAt' };
    const refusal = "Can't find join path to join 'Offers', 'Wins'";
    assert.deepEqual(problems(() => alertSetup(config({ kpi }), unjoined)), [
      `(defaults): alerts: default rule headline-poor-band: ${refusal}`,
      `(defaults): alerts: default rule headline-monthly-drop: ${refusal}`,
      `(defaults): alerts: default rule headline-control-limit: ${refusal}`,
    ]);
    // A rule of the config keeps its own path and message; the defaults asked for beside it are named.
    const own = config({ kpi, alerts: { defaultRules: true, rules: [{ name: 'mine', condition: { type: 'drop' } }] } });
    assert.deepEqual(problems(() => alertSetup(own, unjoined)), [
      `(defaults): alerts.rules.0.scope.filters: ${refusal}`,
      `(defaults): alerts: default rule headline-poor-band: ${refusal}`,
      `(defaults): alerts: default rule headline-monthly-drop: ${refusal}`,
      `(defaults): alerts: default rule headline-control-limit: ${refusal}`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a channel without secretEnv reads no environment variable, not even one named "undefined"', () => {
  const c = config({ alerts: { channels: { plain: { type: 'webhook', url: 'https://hooks.example/plain' } } } });
  const s = alertSetup(c, model, { undefined: 'stray' });
  assert.equal(s.channels.get('plain')?.signingSecret, undefined);
});

test('a segment rule whose by is a dimension is accepted', () => {
  const s = alertSetup(config({ alerts: { rules: [{ name: 'seg', condition: { type: 'segment-below', by: 'Offers.channel' } }] } }), model);
  assert.deepEqual(s.rules.map((r) => r.name), ['seg']);
});

test('a binding with problems: only they are reported, the rules are not checked against it', () => {
  // Offers, accepted and time bind (so there is a binding), the pending measure does not.
  const kpi = { offers: 'Offers.count', accepted: 'Offers.accepted', time: 'Offers.offeredAt', pending: 'Offers.nope' };
  const c = config({ kpi, alerts: { rules: [{ name: 'r', scope: { by: 'Nope.x' }, condition: { type: 'drop' } }] } });
  const p = problems(() => alertSetup(c, model));
  assert.equal(p.length, 1, p.join('\n'));
  assert.match(p[0] ?? '', /^\(defaults\): kpi: alert rules count with the KPI binding: kpi\.pending: Offers\.nope is not a member of the model/);
});

test('a fault inside the semantic layer (not an UprateError) is thrown as it is, not reported as a problem of the rule', () => {
  // The shipped model with the Offers cube's source unreadable: every default rule's count query
  // reads it (the KPI's members are Offers'), and reading it throws a plain TypeError — a bug of
  // the query code, say, rather than something the config got wrong.
  const offers = model.cubes.get('Offers');
  assert.ok(offers);
  const broken = Object.defineProperty({ ...offers }, 'source', {
    get() {
      throw new TypeError('a fault inside the semantic layer');
    },
  });
  const faulty: Model = { ...model, cubes: new Map([...model.cubes].map(([name, cube]) => [name, name === 'Offers' ? broken : cube])) };
  assert.throws(() => alertSetup(config({}), faulty), (e: unknown) => e instanceof TypeError && e.message === 'a fault inside the semantic layer');
});
