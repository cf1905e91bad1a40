/**
 * The rules of one check share a read of the same offers (sharedPeriodReader): the default rules
 * read 7, 18 and 19 months of the same counts, so one read of 19 months serves all three. Each
 * rule's findings must be those it gives when it reads on its own, and the counts plain SQL's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { bindKpi } from '../kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { defaultRules } from './default-rules.js';
import { evaluateRule, evaluateRules, ruleRequest } from './evaluate-rules.js';
import { fetchCounts, sharedPeriodReader } from './offer-counts.js';
import { ruleSchema, type AlertRule } from './rules-schema.js';

const END = new Date('2025-06-30T12:00:00Z');
const AT = new Date('2025-07-02T07:00:00Z');
let model: Model;
let store: DuckDbStore;

before(async () => {
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 3, end: END });
  await store.run(`DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 20)`);
});
after(() => store.close());

function counted(): { store: DuckDbStore; reads: () => number } {
  let n = 0;
  const query = store.query.bind(store);
  const spied = Object.create(store) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (/\bFROM offers\b/.test(sql)) n++;
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { store: spied, reads: () => n };
}

const rule = (r: Record<string, unknown>): AlertRule => ruleSchema.parse(r);
const RULES: AlertRule[] = [
  ...defaultRules(),
  // Another scope (by account size) and another grain: read apart from the defaults, shared among themselves.
  rule({ name: 'size-drop', scope: { by: 'Customers.accountSize' }, condition: { type: 'drop', versus: 'previous' }, minOffers: 10 }),
  rule({ name: 'size-band', scope: { by: 'Customers.accountSize' }, condition: { type: 'below', threshold: 0.5 }, minOffers: 10 }),
  rule({ name: 'weekly-channel', grain: 'week', condition: { type: 'segment-below', by: 'Offers.channel' }, minOffers: 10 }),
  rule({ name: 'weekly-volume', grain: 'week', condition: { type: 'volume-drop', versus: 'last-year' } }),
];
const options = { at: AT, bands: DEFAULT_BAND_THRESHOLDS };

describe('rules of one check share their reads', () => {
  test('the same findings as each rule reading alone, from one read per kind of count', async () => {
    const spy = counted();
    const shared = await evaluateRules(spy.store, model, RULES, options);
    const alone = [];
    for (const r of RULES) alone.push(await evaluateRule(store, model, r, options));
    assert.deepEqual(shared, alone);
    // Default rules (month, all offers); by account size (month); weekly by channel; weekly total.
    assert.equal(spy.reads(), 4);
    assert.ok(shared.some((r) => r.findings.length > 0));
  });

  test('each rule gets its own periods, with the counts of plain SQL', async () => {
    const binding = bindKpi(model, undefined);
    const requests = defaultRules().map((r) => ruleRequest(r, AT));
    const read = sharedPeriodReader(store, model, binding, requests);
    for (const request of requests) {
      const [series] = await fetchCounts(store, model, binding, request, read);
      assert.deepEqual(await fetchCounts(store, model, binding, request), [series]);
      const plain = await store.query(`
        SELECT strftime(date_trunc('month', offered_at), '%Y-%m') AS label, count(*)::INTEGER AS n,
          (count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-02 07:00:00'))::INTEGER AS k
        FROM offers WHERE offered_at >= TIMESTAMP '${request.from.toISOString().slice(0, 10)}' AND offered_at < TIMESTAMP '${request.until.toISOString().slice(0, 10)}'
        GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(series?.periods.map((p) => ({ label: p.label, n: p.n, k: p.k })), plain);
    }
    assert.deepEqual(requests.map((r) => r.from.toISOString().slice(0, 7)), ['2024-12', '2023-12', '2024-01'], '7, 19 and 18 months before July 2025');
  });
});
