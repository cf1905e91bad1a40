// Tests for rules-schema.ts, written for the mutation run: every refusal message the schema
// defines, with its path, at each limit and one step past it, and every documented default
// written out by hand. (Messages from croner, the cron library, are its own, copied here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import {
  alertsSchema,
  belowCondition,
  channelSchema,
  conditionSchema,
  controlLimitCondition,
  cronExpression,
  dropCondition,
  ruleFilterSchema,
  ruleSchema,
  segmentBelowCondition,
  volumeDropCondition,
} from './rules-schema.js';

/** The issues of a refused value as [path, message]; [] when it is accepted. */
function issues(schema: z.ZodType, value: unknown): [PropertyKey[], string][] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => [i.path, i.message]);
}
/** Only the paths (for limits whose message is zod's own). */
function paths(schema: z.ZodType, value: unknown): PropertyKey[][] {
  return issues(schema, value).map(([p]) => p);
}

const FRACTION = (what: string) => `${what} must be a fraction from 0 to 1 (0.12 is 12 %)`;
const ALPHA_LOW = 'alpha must be above 0 (0.05 is the usual significance level)';
const ALPHA_HIGH = 'alpha must be below 1 (0.05 is the usual significance level)';
const VERSUS = "versus must be 'previous' (the period before) or 'last-year' (the same period a year earlier)";
const MEMBER = 'must be Cube.member, e.g. Customers.accountSize';

test('below: band or threshold, basis interval by default', () => {
  assert.deepEqual(belowCondition.parse({ type: 'below', band: 'poor' }), { type: 'below', band: 'poor', basis: 'interval' });
  assert.deepEqual(belowCondition.parse({ type: 'below', band: 'moderate', basis: 'rate' }), { type: 'below', band: 'moderate', basis: 'rate' });
  assert.deepEqual(belowCondition.parse({ type: 'below', threshold: 0.12 }), { type: 'below', threshold: 0.12, basis: 'interval' });
});

test('below: exactly one of band and threshold', () => {
  assert.deepEqual(issues(belowCondition, { type: 'below' }), [[[], 'give either band or threshold (one of them)']]);
  assert.deepEqual(issues(belowCondition, { type: 'below', band: 'poor', threshold: 0.1 }), [[[], 'give either band or threshold (one of them)']]);
});

test('below: a band that is not poor or moderate', () => {
  assert.deepEqual(issues(belowCondition, { type: 'below', band: 'strong' }), [[['band'], "band must be 'poor' (rate in the poor band) or 'moderate' (moderate or worse)"]]);
});

test('below: a threshold is a fraction from 0 to 1, both ends included', () => {
  assert.deepEqual(issues(belowCondition, { type: 'below', threshold: 0 }), []);
  assert.deepEqual(issues(belowCondition, { type: 'below', threshold: 1 }), []);
  assert.deepEqual(issues(belowCondition, { type: 'below', threshold: -0.01 }), [[['threshold'], FRACTION('threshold')]]);
  assert.deepEqual(issues(belowCondition, { type: 'below', threshold: 1.01 }), [[['threshold'], FRACTION('threshold')]]);
  assert.deepEqual(issues(belowCondition, { type: 'below', threshold: '0.1' }), [[['threshold'], 'threshold must be a number']]);
});

test('below: unknown keys and bases are refused', () => {
  assert.deepEqual(paths(belowCondition, { type: 'below', band: 'poor', basis: 'median' }), [['basis']]);
  assert.equal(issues(belowCondition, { type: 'below', band: 'poor', extra: 1 }).length, 1);
});

test('drop: the defaults', () => {
  assert.deepEqual(dropCondition.parse({ type: 'drop' }), { type: 'drop', versus: 'previous', alpha: 0.05, minPoints: 0 });
  assert.deepEqual(dropCondition.parse({ type: 'drop', versus: 'last-year', alpha: 0.01, minPoints: 2 }), { type: 'drop', versus: 'last-year', alpha: 0.01, minPoints: 2 });
});

test('drop: α strictly between 0 and 1', () => {
  assert.deepEqual(issues(dropCondition, { type: 'drop', alpha: 0 }), [[['alpha'], ALPHA_LOW]]);
  assert.deepEqual(issues(dropCondition, { type: 'drop', alpha: 1 }), [[['alpha'], ALPHA_HIGH]]);
  assert.deepEqual(issues(dropCondition, { type: 'drop', alpha: 0.0001 }), []);
  assert.deepEqual(issues(dropCondition, { type: 'drop', alpha: 0.9999 }), []);
  assert.deepEqual(issues(dropCondition, { type: 'drop', alpha: 'small' }), [[['alpha'], 'alpha must be a number']]);
});

test('drop: versus and minPoints', () => {
  assert.deepEqual(issues(dropCondition, { type: 'drop', versus: 'yesterday' }), [[['versus'], VERSUS]]);
  assert.deepEqual(issues(dropCondition, { type: 'drop', minPoints: -0.1 }), [[['minPoints'], 'minPoints must be 0 or more']]);
  assert.deepEqual(issues(dropCondition, { type: 'drop', minPoints: 0 }), []);
  assert.deepEqual(issues(dropCondition, { type: 'drop', minPoints: 100 }), []);
  assert.deepEqual(paths(dropCondition, { type: 'drop', minPoints: 100.5 }), [['minPoints']]);
});

test('control-limit: the defaults', () => {
  assert.deepEqual(controlLimitCondition.parse({ type: 'control-limit' }), { type: 'control-limit', chart: 'auto', periods: 12, sigmas: 3, side: 'below' });
  assert.deepEqual(controlLimitCondition.parse({ type: 'control-limit', chart: 'laney', periods: 3, sigmas: 10, side: 'both' }), {
    type: 'control-limit',
    chart: 'laney',
    periods: 3,
    sigmas: 10,
    side: 'both',
  });
});

test('control-limit: chart, periods 3 to 120 whole, sigmas above 0 up to 10', () => {
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', chart: 'xbar' }), [
    [['chart'], "chart must be 'auto' (Laney p′ when periods vary more than chance, else p), 'p' or 'laney'"],
  ]);
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', periods: 2 }), [[['periods'], 'periods must be at least 3']]);
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', periods: 120 }), []);
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', periods: 121 }), [[['periods'], 'periods must be at most 120']]);
  assert.deepEqual(paths(controlLimitCondition, { type: 'control-limit', periods: 3.5 }), [['periods']]);
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', sigmas: 0 }), [[['sigmas'], 'sigmas must be above 0']]);
  assert.deepEqual(issues(controlLimitCondition, { type: 'control-limit', sigmas: 0.5 }), []);
  assert.deepEqual(paths(controlLimitCondition, { type: 'control-limit', sigmas: 10.5 }), [['sigmas']]);
  assert.deepEqual(paths(controlLimitCondition, { type: 'control-limit', side: 'above' }), [['side']]);
});

test('segment-below: by is a Cube.member; the defaults', () => {
  assert.deepEqual(segmentBelowCondition.parse({ type: 'segment-below', by: 'Offers.channel' }), {
    type: 'segment-below',
    by: 'Offers.channel',
    alpha: 0.05,
    method: 'holm',
    minPoints: 0,
  });
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: 'channel' }), [[['by'], MEMBER]]);
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: 'Offers.channel.day' }), [[['by'], MEMBER]]);
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: '_a1.b_2' }), []);
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: '1a.b' }), [[['by'], MEMBER]]);
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: 'x Offers.channel' }), [[['by'], MEMBER]]);
  assert.deepEqual(issues(segmentBelowCondition, { type: 'segment-below', by: 'Offers.channel', alpha: 1 }), [[['alpha'], ALPHA_HIGH]]);
  assert.deepEqual(paths(segmentBelowCondition, { type: 'segment-below', by: 'Offers.channel', method: 'sidak' }), [['method']]);
  assert.deepEqual(paths(segmentBelowCondition, { type: 'segment-below', by: 'Offers.channel', minPoints: -1 }), [['minPoints']]);
  assert.deepEqual(paths(segmentBelowCondition, { type: 'segment-below', by: 'Offers.channel', minPoints: 101 }), [['minPoints']]);
});

test('volume-drop: floor strictly between 0 and 1, 0.5 by default', () => {
  assert.deepEqual(volumeDropCondition.parse({ type: 'volume-drop' }), { type: 'volume-drop', versus: 'previous', floor: 0.5 });
  assert.deepEqual(issues(volumeDropCondition, { type: 'volume-drop', floor: 0 }), [[['floor'], 'floor must be above 0']]);
  assert.deepEqual(issues(volumeDropCondition, { type: 'volume-drop', floor: 1 }), [[['floor'], 'floor must be below 1 (0.5 fires below half)']]);
  assert.deepEqual(issues(volumeDropCondition, { type: 'volume-drop', floor: 0.99 }), []);
  assert.deepEqual(issues(volumeDropCondition, { type: 'volume-drop', versus: 'week' }), [[['versus'], VERSUS]]);
});

test('condition: an unknown type names the five', () => {
  assert.deepEqual(issues(conditionSchema, { type: 'spike' }), [[['type'], 'condition.type must be one of below, drop, control-limit, segment-below, volume-drop']]);
  assert.deepEqual(conditionSchema.parse({ type: 'volume-drop', floor: 0.25 }), { type: 'volume-drop', versus: 'previous', floor: 0.25 });
});

test('cron: five or six fields or a nickname; a bad one quotes croner', () => {
  for (const ok of ['0 7 * * *', '0 0 7 * * *', '@daily', '*/15 * * * *']) assert.deepEqual(issues(cronExpression, ok), [], ok);
  // Not fields: refused before croner, which would read a date-time as a single run.
  const notFields = (v: string) => [[[], `bad cron expression '${v}': 5 or 6 fields (minute hour day month weekday, seconds first when 6) or a nickname such as @daily (e.g. '0 7 * * *' is 07:00 UTC every day)`]];
  for (const v of ['bad', '2025-01-01T00:00:00', '0 7 * *', '0 0 7 * * * 2030']) assert.deepEqual(issues(cronExpression, v), notFields(v), v);
  // croner says "CronPattern: Invalid value for minute: 61"; its prefix is dropped.
  assert.deepEqual(issues(cronExpression, '61 * * * *'), [[[], "bad cron expression '61 * * * *': Invalid value for minute: 61 (e.g. '0 7 * * *' is 07:00 UTC every day)"]]);
});

test('cron: spaces around or between the fields make no field; a nickname is the whole text, nothing before the @ or after the name', () => {
  // Six fields with a space after them, before them, or two spaces between two: still six fields.
  // A nickname with a space around it is still the nickname (croner accepts all four).
  for (const ok of ['0 0 7 * * * ', ' 0 0 7 * * *', '0  0 7 * * *', ' @daily', '@daily ']) assert.deepEqual(issues(cronExpression, ok), [], JSON.stringify(ok));
  // Text before the @ or after the name is neither a nickname nor 5 or 6 fields: refused with the
  // schema's own words, before croner is asked.
  const notFields = (v: string) => [[[], `bad cron expression '${v}': 5 or 6 fields (minute hour day month weekday, seconds first when 6) or a nickname such as @daily (e.g. '0 7 * * *' is 07:00 UTC every day)`]];
  for (const v of ['x@daily', '@daily x']) assert.deepEqual(issues(cronExpression, v), notFields(v), v);
});

test('rule: the defaults, whole', () => {
  assert.deepEqual(ruleSchema.parse({ name: 'r', condition: { type: 'volume-drop' } }), {
    name: 'r',
    scope: { filters: [] },
    grain: 'month',
    condition: { type: 'volume-drop', versus: 'previous', floor: 0.5 },
    minOffers: 100,
    channels: [],
    schedule: '0 7 * * *',
    includeProvisional: false,
    repeat: 'never',
    severity: 'warning',
    enabled: true,
  });
});

test('rule: name, grain, minOffers and schedule refusals', () => {
  const base = { condition: { type: 'volume-drop' } };
  const NAME = 'a rule name is letters, digits, -, _ or . (it names the alert)';
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'a.b-c_D9' }), []);
  assert.deepEqual(issues(ruleSchema, { ...base, name: '9' }), []);
  assert.deepEqual(issues(ruleSchema, { ...base, name: '-a' }), [[['name'], NAME]]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'a b' }), [[['name'], NAME]]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'a/b' }), [[['name'], NAME]]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'r', grain: 'hour' }), [[['grain'], 'grain must be one of day, week, month, quarter, year']]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'r', minOffers: 1.5 }), [[['minOffers'], 'minOffers must be a whole number']]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'r', minOffers: -1 }), [[['minOffers'], 'minOffers must be 0 or more']]);
  assert.deepEqual(issues(ruleSchema, { ...base, name: 'r', minOffers: 0 }), []);
  assert.deepEqual(paths(ruleSchema, { ...base, name: 'r', schedule: 'never' }), [['schedule']]);
  assert.deepEqual(paths(ruleSchema, { ...base, name: 'r', repeat: 'hourly' }), [['repeat']]);
  assert.deepEqual(paths(ruleSchema, { ...base, name: 'r', severity: 'info' }), [['severity']]);
  assert.deepEqual(paths(ruleSchema, { ...base, name: 'r', scope: { by: 'size' } }), [['scope', 'by']]);
  assert.deepEqual(paths(ruleSchema, { name: 'r', condition: { type: 'drop', alpha: 2 } }), [['condition', 'alpha']]);
});

test('rule filters: a Cube.member, an operator, values of text, numbers or booleans', () => {
  assert.deepEqual(ruleFilterSchema.parse({ member: 'Offers.channel', operator: 'equals', values: ['a', 1, true] }), { member: 'Offers.channel', operator: 'equals', values: ['a', 1, true] });
  assert.deepEqual(ruleFilterSchema.parse({ member: 'Offers.channel', operator: 'set' }), { member: 'Offers.channel', operator: 'set' });
  assert.deepEqual(issues(ruleFilterSchema, { member: 'channel', operator: 'equals' }), [[['member'], MEMBER]]);
  assert.deepEqual(paths(ruleFilterSchema, { member: 'Offers.channel', operator: '' }), [['operator']]);
  assert.deepEqual(paths(ruleFilterSchema, { member: 'Offers.channel', operator: 'equals', values: [null] }), [['values', 0]]);
});

test('channel: the defaults, whole', () => {
  assert.deepEqual(channelSchema.parse({ type: 'webhook', url: 'https://hooks.example/a' }), {
    type: 'webhook',
    url: 'https://hooks.example/a',
    timeoutMs: 5000,
    retries: 4,
    backoffMs: 1000,
    headers: {},
  });
});

test('channel: type, url, secretEnv refusals and the numeric limits', () => {
  const base = { type: 'slack', url: 'http://hooks.example/a' };
  assert.deepEqual(issues(channelSchema, base), []);
  assert.deepEqual(issues(channelSchema, { ...base, type: 'email' }), [[['type'], "type must be 'webhook' or 'slack'"]]);
  assert.deepEqual(issues(channelSchema, { ...base, url: 'ftp://hooks.example/a' }), [[['url'], 'url must be an http(s) URL']]);
  assert.deepEqual(issues(channelSchema, { ...base, url: 'hooks' }), [[['url'], 'url must be an http(s) URL']]);
  assert.deepEqual(issues(channelSchema, { ...base, secretEnv: 'HOOK_SECRET_1' }), []);
  assert.deepEqual(issues(channelSchema, { ...base, secretEnv: '1SECRET' }), [[['secretEnv'], 'secretEnv must be an environment variable name']]);
  assert.deepEqual(issues(channelSchema, { ...base, secretEnv: 'A-B' }), [[['secretEnv'], 'secretEnv must be an environment variable name']]);
  assert.deepEqual(paths(channelSchema, { ...base, secret: '' }), [['secret']]);
  for (const [key, ok, bad] of [
    ['timeoutMs', [1, 120_000], [0, 120_001, 1.5]],
    ['retries', [0, 10], [-1, 11]],
    ['backoffMs', [0, 600_000], [-1, 600_001]],
  ] as const) {
    for (const v of ok) assert.deepEqual(issues(channelSchema, { ...base, [key]: v }), [], `${key} ${v}`);
    for (const v of bad) assert.deepEqual(paths(channelSchema, { ...base, [key]: v }), [[key]], `${key} ${v}`);
  }
});

test('alerts: the defaults; publicUrl and recentDays limits', () => {
  assert.deepEqual(alertsSchema.parse({}), { channels: {}, recentDays: 30 });
  assert.deepEqual(issues(alertsSchema, { publicUrl: 'https://uprate.example' }), []);
  assert.deepEqual(issues(alertsSchema, { publicUrl: 'file:///x' }), [[['publicUrl'], 'publicUrl must be an http(s) URL']]);
  assert.deepEqual(issues(alertsSchema, { recentDays: 1 }), []);
  assert.deepEqual(issues(alertsSchema, { recentDays: 3650 }), []);
  assert.deepEqual(paths(alertsSchema, { recentDays: 0 }), [['recentDays']]);
  assert.deepEqual(paths(alertsSchema, { recentDays: 3651 }), [['recentDays']]);
});

test('alerts: a channel name is letters, digits, -, _ or .', () => {
  const r = alertsSchema.safeParse({ channels: { '-ops': { type: 'webhook', url: 'https://a.example/' } } });
  assert.equal(r.success, false);
  const issue = r.error?.issues[0] as unknown as { path: PropertyKey[]; issues: { message: string }[] };
  assert.deepEqual(issue.path, ['channels', '-ops']);
  assert.deepEqual(issue.issues.map((i) => i.message), ['a channel name is letters, digits, -, _ or .']);
  assert.deepEqual(issues(alertsSchema, { channels: { 'ops.main_1-a': { type: 'webhook', url: 'https://a.example/' } } }), []);
});

test('alerts: rule names must be unique', () => {
  const rule = { name: 'twice', condition: { type: 'volume-drop' } };
  assert.deepEqual(issues(alertsSchema, { rules: [rule, { name: 'other', condition: { type: 'volume-drop' } }, rule] }), [
    [['rules', 2, 'name'], "a second rule named 'twice': rule names must be unique"],
  ]);
});

test('alerts: a rule’s channels must be defined', () => {
  const channels = { ops: { type: 'webhook', url: 'https://a.example/' }, chat: { type: 'slack', url: 'https://b.example/' } };
  assert.deepEqual(issues(alertsSchema, { channels, rules: [{ name: 'r', condition: { type: 'volume-drop' }, channels: ['ops', 'pager', 'chat'] }] }), [
    [['rules', 0, 'channels', 1], "unknown channel 'pager' (channels: ops, chat)"],
  ]);
  assert.deepEqual(issues(alertsSchema, { rules: [{ name: 'a', condition: { type: 'volume-drop' } }, { name: 'r', condition: { type: 'volume-drop' }, channels: ['ops'] }] }), [
    [['rules', 1, 'channels', 0], "unknown channel 'ops' (no channels are defined under alerts.channels)"],
  ]);
  assert.deepEqual(issues(alertsSchema, { channels, rules: [{ name: 'r', condition: { type: 'volume-drop' }, channels: ['chat', 'ops'] }] }), []);
});

test('publicUrl: the scheme is http or https exactly, not one that only starts or ends so', () => {
  assert.deepEqual(issues(alertsSchema, { publicUrl: 'http://uprate.example' }), []);
  for (const bad of ['git+https://uprate.example', 'xhttp://uprate.example', 'httpx://uprate.example', 'https2://uprate.example']) {
    assert.deepEqual(issues(alertsSchema, { publicUrl: bad }), [[['publicUrl'], 'publicUrl must be an http(s) URL']], bad);
  }
});

test('channel url: the scheme is http or https exactly, not one that only starts or ends so', () => {
  const channel = (url: string) => ({ type: 'webhook', url });
  assert.deepEqual(issues(channelSchema, channel('http://hooks.example/x')), []);
  assert.deepEqual(issues(channelSchema, channel('https://hooks.example/x')), []);
  for (const bad of ['git+https://hooks.example/x', 'xhttp://hooks.example/x', 'httpx://hooks.example/x', 'https2://hooks.example/x']) {
    assert.deepEqual(issues(channelSchema, channel(bad)), [[['url'], 'url must be an http(s) URL']], bad);
  }
});

test('refusals of the schema’s own checks are zod custom issues: a bad cron, a second rule name, an unknown channel', () => {
  const codes = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => i.code);
  };
  assert.deepEqual(codes(cronExpression, 'bad'), ['custom']);
  // Five fields that croner refuses (minute 61): the schema's own issue too, quoting croner.
  assert.deepEqual(codes(cronExpression, '61 * * * *'), ['custom']);
  const rule = { name: 'twice', condition: { type: 'volume-drop' } };
  assert.deepEqual(codes(alertsSchema, { rules: [rule, rule] }), ['custom']);
  assert.deepEqual(codes(alertsSchema, { rules: [{ ...rule, channels: ['ops'] }] }), ['custom']);
});
