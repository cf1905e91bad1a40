// Tests for evaluate-rules.ts, written for the mutation run: the query a rule runs (its periods
// counted by hand from the evaluation instant), the scope groups made of the series, which period
// is judged (the latest whose offers are all answered or out of their window), and how a failed
// read is reported. The data are a few hand-made offers in an in-memory DuckDB.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { evaluateRule, evaluateRules, ruleRequest, scopeGroups } from './evaluate-rules.js';
import type { CountSeries, PeriodCounts } from './offer-counts.js';
import { ruleSchema, type AlertRule } from './rules-schema.js';

const AT = new Date('2025-07-02T07:00:00Z');
const rule = (r: Record<string, unknown>): AlertRule => ruleSchema.parse({ name: 'r', ...r });
const day = (s: string) => new Date(`${s}T00:00:00Z`);

let model: Model;
/** The same model with a 400-day conversion window: an unanswered offer stays pending for over a year. */
let longWindow: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
  longWindow = await loadModel(shippedModelDir(), { conversionWindowDays: 400 });
});

test('ruleRequest: the periods each condition needs, counted back from the start of the period holding the instant', () => {
  // At 2025-07-02 the current month starts 2025-07-01; a month is searched 6 back for a final one.
  const from = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) => ruleRequest(rule({ condition, ...extra }), AT).from.toISOString().slice(0, 10);
  assert.equal(from({ type: 'below', threshold: 0.1 }), '2024-12-01', '6 + 0 + 1 = 7 months back');
  assert.equal(from({ type: 'segment-below', by: 'Offers.channel' }), '2024-12-01', '7 months back');
  assert.equal(from({ type: 'drop' }), '2024-11-01', '6 + 1 + 1 = 8 months back');
  assert.equal(from({ type: 'drop', versus: 'last-year' }), '2023-12-01', '6 + 12 + 1 = 19 months back');
  assert.equal(from({ type: 'control-limit', periods: 5 }), '2024-08-01', '6 + 4 + 1 = 11 months back');
  // volume-drop needs no final period (offers made do not change): no search.
  assert.equal(from({ type: 'volume-drop' }), '2025-05-01', '0 + 1 + 1 = 2 months back');
  assert.equal(from({ type: 'volume-drop', versus: 'last-year' }), '2024-06-01', '0 + 12 + 1 = 13 months back');
  // Weeks start on Monday: 2025-07-02 is a Wednesday, its week starts 2025-06-30; 20 + 52 + 1 weeks back.
  assert.equal(from({ type: 'drop', versus: 'last-year' }, { grain: 'week' }), '2024-02-05');
});

test('ruleRequest: grain, until, instant, the scope’s and the segment’s dimensions, the filters with their values as text', () => {
  const r = rule({
    grain: 'quarter',
    scope: { by: 'Customers.accountSize', filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email', 2, true] }, { member: 'Customers.region', operator: 'set' }] },
    condition: { type: 'segment-below', by: 'Offers.channel' },
  });
  assert.deepEqual(ruleRequest(r, AT), {
    grain: 'quarter',
    // Q3 2025 starts 2025-07-01; 3 + 0 + 1 = 4 quarters back.
    from: day('2024-07-01'),
    until: day('2025-07-01'),
    dimensions: ['Customers.accountSize', 'Offers.channel'],
    filters: [
      { member: 'Offers.channel', operator: 'equals', values: ['email', '2', 'true'] },
      { member: 'Customers.region', operator: 'set' },
    ],
    at: AT,
  });
  assert.deepEqual(ruleRequest(rule({ condition: { type: 'drop' } }), AT).dimensions, []);
  assert.deepEqual(ruleRequest(rule({ scope: { by: 'Customers.plan' }, condition: { type: 'drop' } }), AT).dimensions, ['Customers.plan']);
  assert.deepEqual(ruleRequest(rule({ condition: { type: 'segment-below', by: 'Offers.channel' } }), AT).dimensions, ['Offers.channel']);
});

const P1 = { start: day('2025-05-01'), end: day('2025-06-01'), label: '2025-05' };
const P2 = { start: day('2025-06-01'), end: day('2025-07-01'), label: '2025-06' };
const cells = (a: [number, number, number], b: [number, number, number]): PeriodCounts[] => [
  { ...P1, k: a[0], n: a[1], pending: a[2], clusters: null },
  { ...P2, k: b[0], n: b[1], pending: b[2], clusters: null },
];
const series = (values: (string | null)[], a: [number, number, number], b: [number, number, number]): CountSeries => ({ values, periods: cells(a, b) });

test('scopeGroups: one group per value of scope.by (a missing value is its own, (not set)), each with its filter', () => {
  const r = rule({ scope: { by: 'Customers.accountSize' }, condition: { type: 'drop' } });
  const base = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }];
  const groups = scopeGroups(r, [series(['smb'], [1, 10, 0], [2, 20, 1]), series([null], [3, 30, 0], [4, 40, 0]), series(['null'], [5, 50, 0], [6, 60, 0])], base);
  assert.deepEqual(groups, [
    { scope: 'Customers.accountSize=smb', filters: [...base, { member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }], total: cells([1, 10, 0], [2, 20, 1]), segments: [] },
    { scope: 'Customers.accountSize=(not set)', filters: [...base, { member: 'Customers.accountSize', operator: 'notSet' }], total: cells([3, 30, 0], [4, 40, 0]), segments: [] },
    { scope: 'Customers.accountSize=null', filters: [...base, { member: 'Customers.accountSize', operator: 'equals', values: ['null'] }], total: cells([5, 50, 0], [6, 60, 0]), segments: [] },
  ]);
});

test('scopeGroups: without scope.by one group, all; a segment rule’s total adds its segments up period by period', () => {
  const r = rule({ condition: { type: 'segment-below', by: 'Offers.channel' } });
  const email = series(['email'], [1, 10, 0], [2, 20, 1]);
  const inApp = series([null], [3, 30, 2], [4, 40, 0]);
  const [group, ...more] = scopeGroups(r, [email, inApp], []);
  assert.equal(more.length, 0);
  assert.deepEqual(group, {
    scope: 'all',
    filters: [],
    total: cells([4, 40, 2], [6, 60, 1]),
    segments: [
      { value: 'email', periods: email.periods },
      { value: null, periods: inApp.periods },
    ],
  });
  // Scope and segment: the segment's value is the second.
  const both = rule({ scope: { by: 'Customers.accountSize' }, condition: { type: 'segment-below', by: 'Offers.channel' } });
  const groups = scopeGroups(both, [series(['smb', 'email'], [1, 10, 0], [2, 20, 0]), series(['smb', 'in_app'], [1, 10, 0], [2, 20, 0]), series(['mid', 'email'], [1, 10, 0], [2, 20, 0])], []);
  assert.deepEqual(groups.map((g) => [g.scope, g.segments.map((s) => s.value), g.total.map((p) => p.n)]), [
    ['Customers.accountSize=smb', ['email', 'in_app'], [20, 40]],
    ['Customers.accountSize=mid', ['email'], [10, 20]],
  ]);
  assert.deepEqual(scopeGroups(r, [], []), []);
});

// ---------------------------------------------------------------------------------------------
// Which period is judged, on hand-made offers.

async function storeWith(offers: [id: string, offeredAt: string, acceptedAt: string | null, declinedAt: string | null][]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb')`);
  for (const [id, offeredAt, acceptedAt, declinedAt] of offers) {
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at) VALUES ($1, 'c1', $2::TIMESTAMP, 'upsell', 'Pro', $3::TIMESTAMP, $4::TIMESTAMP)`, [
      id,
      offeredAt,
      acceptedAt,
      declinedAt,
    ]);
  }
  return store;
}

const options = { at: AT, bands: DEFAULT_BAND_THRESHOLDS };
const rateBelow = (extra: Record<string, unknown> = {}) => rule({ condition: { type: 'below', threshold: 0.5, basis: 'rate' }, minOffers: 0, ...extra });

test('the latest month without pending offers is judged; includeProvisional judges the last ended one', async () => {
  // May: accepted. June 20: unanswered, 12 days before the instant: pending in a 30-day window.
  const store = await storeWith([
    ['o1', '2025-05-10 09:00:00', '2025-05-11 09:00:00', null],
    ['o2', '2025-06-20 09:00:00', null, null],
  ]);
  try {
    const [judged] = (await evaluateRule(store, model, rateBelow(), options)).findings;
    assert.equal(judged?.period?.label, '2025-05');
    const [provisional] = (await evaluateRule(store, model, rateBelow({ includeProvisional: true }), options)).findings;
    assert.equal(provisional?.period?.label, '2025-06');
  } finally {
    await store.close();
  }
});

test('the search for a final month goes back 6 months from the last, not further: then nothing is judged, and why', async () => {
  // 400-day window: every unanswered offer is still pending. A drop reads 8 months (Nov–Jun).
  const months = ['2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];
  const pending = months.map((m, i): [string, string, null, null] => [`p${i}`, `${m}-15 09:00:00`, null, null]);
  // November answered (declined), December to June pending: November is 7 back, past the search.
  const store = await storeWith([['nov', '2024-11-15 09:00:00', null, '2024-11-16 09:00:00'], ...pending]);
  try {
    const drop = rule({ condition: { type: 'drop' }, minOffers: 0 });
    const result = await evaluateRule(store, longWindow, drop, options);
    assert.equal(result.error, null);
    assert.deepEqual(result.findings.map((f) => [f.status, f.period, f.message]), [
      ['skipped', null, 'every month of the last 7 is provisional (offers still inside their conversion window); set includeProvisional: true to judge them'],
    ]);
    // December answered too: 6 back from June, the oldest month searched, and judged against November.
    await store.run(`UPDATE offers SET declined_at = TIMESTAMP '2024-12-16 09:00:00' WHERE offer_id = 'p0'`);
    const [f] = (await evaluateRule(store, longWindow, drop, options)).findings;
    assert.equal(f?.period?.label, '2024-12');
    assert.equal(f?.numbers['previousPeriod'], '2024-11');
    // A rate rule reads 7 months (Dec–Jun): December is its first period, and still searched.
    const [b] = (await evaluateRule(store, longWindow, rateBelow(), options)).findings;
    assert.equal(b?.period?.label, '2024-12');
  } finally {
    await store.close();
  }
});

test('every scope of a rule judges the same month, decided by the whole population', async () => {
  // Two channels: email's June offer is pending, in_app's June is final; May is final for both.
  const store = await storeWith([
    ['e1', '2025-05-10 09:00:00', '2025-05-11 09:00:00', null],
    ['e2', '2025-06-20 09:00:00', null, null],
    ['i1', '2025-05-10 09:00:00', null, '2025-05-11 09:00:00'],
    ['i2', '2025-06-02 09:00:00', '2025-06-03 09:00:00', null],
  ]);
  try {
    await store.run(`UPDATE offers SET channel = CASE WHEN offer_id LIKE 'e%' THEN 'email' ELSE 'in_app' END`);
    const byChannel = rateBelow({ scope: { by: 'Offers.channel' } });
    const { findings } = await evaluateRule(store, model, byChannel, options);
    assert.deepEqual(findings.map((f) => [f.scope, f.period?.label]), [
      ['Offers.channel=email', '2025-05'],
      ['Offers.channel=in_app', '2025-05'],
    ]);
  } finally {
    await store.close();
  }
});

/** The store with its reads of the offers failing with `error`. */
function failing(store: DuckDbStore, error: Error): DuckDbStore {
  const query = store.query.bind(store);
  const spied = Object.create(store) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (/\bFROM offers\b/.test(sql)) throw error;
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return spied;
}

test('a database failure is the rule’s error, not thrown; any other uprate error is thrown', async () => {
  const store = await storeWith([['o1', '2025-05-10 09:00:00', null, null]]);
  try {
    const r = rateBelow();
    assert.deepEqual(await evaluateRule(failing(store, new UprateError('DB_ERROR', 'DuckDB: disk full')), model, r, options), { rule: r, findings: [], error: 'DuckDB: disk full' });
    assert.deepEqual(await evaluateRule(failing(store, new UprateError('DB_LOCKED', 'the database is locked')), model, r, options), { rule: r, findings: [], error: 'the database is locked' });
    assert.deepEqual(await evaluateRule(failing(store, new Error('socket closed')), model, r, options), { rule: r, findings: [], error: 'socket closed' });
    await assert.rejects(evaluateRule(failing(store, new UprateError('QUERY_CANCELLED', 'cancelled')), model, r, options), /cancelled/);
  } finally {
    await store.close();
  }
});

test('evaluateRules: the enabled rules only, in order, each as evaluateRule gives it', async () => {
  const store = await storeWith([
    ['o1', '2025-05-10 09:00:00', '2025-05-11 09:00:00', null],
    ['o2', '2025-06-05 09:00:00', null, '2025-06-06 09:00:00'],
  ]);
  try {
    const rules = [rateBelow({ name: 'a' }), rateBelow({ name: 'off', enabled: false }), rule({ name: 'b', condition: { type: 'drop' }, minOffers: 0 })];
    const results = await evaluateRules(store, model, rules, options);
    assert.deepEqual(results.map((r) => r.rule.name), ['a', 'b']);
    assert.deepEqual(results, [await evaluateRule(store, model, rules[0] as AlertRule, options), await evaluateRule(store, model, rules[2] as AlertRule, options)]);
    // June: 0 of 1 (declined) after May's 1 of 1; below 50%.
    assert.deepEqual(results.map((r) => [r.findings[0]?.status, r.findings[0]?.period?.label]), [['firing', '2025-06'], ['ok', '2025-06']]);
  } finally {
    await store.close();
  }
});

test('scopeGroups: without scope.by the one group keeps the rule’s filters', () => {
  const base = [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }];
  const [group] = scopeGroups(rule({ condition: { type: 'drop' } }), [series([], [1, 10, 0], [2, 20, 0])], base);
  assert.deepEqual(group?.filters, base);
});

test('each condition is judged by its own judge: control-limit, segment-below and volume-drop through evaluateRule', async () => {
  // May: 1 offer (accepted); June: 1 offer (declined); both by email.
  const store = await storeWith([
    ['o1', '2025-05-10 09:00:00', '2025-05-11 09:00:00', null],
    ['o2', '2025-06-05 09:00:00', null, '2025-06-06 09:00:00'],
  ]);
  try {
    await store.run(`UPDATE offers SET channel = 'email'`);
    const judged = async (condition: Record<string, unknown>) => (await evaluateRule(store, model, rule({ condition, minOffers: 0 }), options)).findings.map((f) => [f.status, f.message]);
    // Two months with offers (May, June), three asked for.
    assert.deepEqual(await judged({ type: 'control-limit', periods: 3 }), [['skipped', 'a control chart needs at least 3 periods with offers; 2 up to 2025-06']]);
    // One channel only: nothing to compare.
    assert.deepEqual(await judged({ type: 'segment-below', by: 'Offers.channel' }), [['skipped', 'fewer than two values of Offers.channel with at least 0 offers in 2025-06']]);
    // June's 1 offer against May's 1: 100%, above the default 50% floor.
    const [volume] = (await evaluateRule(store, model, rule({ condition: { type: 'volume-drop' }, minOffers: 0 }), options)).findings;
    assert.deepEqual([volume?.status, volume?.numbers], ['ok', { offers: 1, previousPeriod: '2025-05', previousOffers: 1, ratio: 1, floor: 0.5 }]);
  } finally {
    await store.close();
  }
});
