/**
 * The planted effects of the demo data (src/demo/README.md) are found, equal segments are not
 * flagged beyond the false-positive rate, and a tiny offer with 3 of 3 accepted does not top the
 * leaderboard. Everything goes through model queries, as the API does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateDemo, TINY_OFFERS, TWIN_REGIONS } from '../src/demo/index.js';
import { breakdown, comparePopulations, findInsights, leaderboard, type KpiContext, type Selection } from '../src/insights/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../src/stats/index.js';
import { DuckDbStore } from '../src/store/index.js';
import binomial from '@stdlib/stats-base-dists-binomial';
import { uprate } from './cli-helpers.js';
import { allAccess } from '../src/query/index.js';

const END = new Date('2025-06-30T12:00:00Z');
const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
const LEVEL = 0.95;
let model: Model;
let store: DuckDbStore;

function context(s: DuckDbStore): KpiContext {
  return { store: s, model, asOf: END, access: allAccess('local'), windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: LEVEL, method: 'wilson' };
}

const TWINS: Selection = { ...ALL, filters: [{ member: 'Customers.region', operator: 'equals', values: [...TWIN_REGIONS] }] };

before(async () => {
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 200_000, seed: 42, end: END });
});
after(async () => store.close());

describe('demo data, 200,000 offers, seed 42', () => {
  test('account size: enterprise > mid_market > smb, enterprise above and smb below the rest', async () => {
    const b = await breakdown(context(store), ALL, { by: ['Customers.accountSize'] });
    const rate = (v: string) => b.rows.find((r) => r.segment['Customers.accountSize'] === v)?.rate ?? NaN;
    assert.ok(rate('enterprise') > rate('mid_market') && rate('mid_market') > rate('smb'), `${rate('enterprise')} > ${rate('mid_market')} > ${rate('smb')}`);
    assert.ok(b.homogeneity.significant);
    const insights = await findInsights(context(store), ALL);
    const ids = insights.insights.map((i) => i.id);
    assert.ok(ids.includes('segment_above:Customers.accountSize=enterprise'), ids.join('\n'));
    assert.ok(ids.includes('segment_below:Customers.accountSize=smb'), ids.join('\n'));
    // other planted effects the findings name
    for (const id of [
      'segment_above:Customers.lifecycleStage=expansion',
      'segment_below:Customers.lifecycleStage=at_risk',
      'segment_above:Customers.engagementTier=high',
      'segment_below:Customers.engagementTier=low',
      'segment_above:Offers.channel=sales',
      'segment_below:Offers.channel=email',
      'segment_above:Offers.offerType=upsell',
      'best_offer:Extra seats',
      'worst_offer:Training workshop',
      'channel_gap:sales-email',
      'benchmark:saas',
    ]) {
      assert.ok(ids.includes(id), `${id} missing from\n${ids.join('\n')}`);
    }
    // Below its benchmark, but context rather than a warning: the benchmark is a published average.
    const saas = insights.insights.find((i) => i.id === 'benchmark:saas');
    assert.equal(saas?.severity, 'info');
    assert.equal(saas?.title, 'SaaS customers are below their industry benchmark');
  });

  test('north_america and europe (exact twins) are not told apart', async () => {
    const ctx = context(store);
    const eq = (v: string) => [{ member: 'Customers.region', operator: 'equals', values: [v] }];
    const c = await comparePopulations(ctx, ALL, { filters: eq('north_america') }, { filters: eq('europe') });
    assert.equal(c.difference.significant, false);
    assert.ok(Math.abs(c.difference.differencePoints ?? 1) < 0.1, `${c.difference.differencePoints} points`);
    const twins = await breakdown(ctx, TWINS, { by: ['Customers.region'] });
    assert.deepEqual(twins.rows.map((r) => r.vsRest.significant), [false, false]);
    assert.equal(twins.homogeneity.significant, false);
  });

  test("'Concierge onboarding' (3 of 3) does not top the leaderboard", async () => {
    const ctx = context(store);
    for (const sort of ['shrunken', 'raw', 'probability'] as const) {
      const board = await leaderboard(ctx, ALL, { sort });
      const tiny = board.rows.find((r) => r.offer === TINY_OFFERS.allAccepted.name);
      assert.ok(tiny, 'the tiny offer is listed');
      assert.deepEqual([tiny.offers, tiny.accepted, tiny.rate, tiny.smallSample], [3, 3, 1, true]);
      assert.notEqual(board.rows[0]?.offer, TINY_OFFERS.allAccepted.name, sort);
      const lastRanked = Math.max(...board.rows.filter((r) => !r.smallSample).map((r) => r.rank));
      assert.ok(tiny.rank > lastRanked, `${sort}: rank ${tiny.rank} after ${lastRanked}`);
      assert.ok(tiny.shrunkenRate < 0.3, `shrunk to ${tiny.shrunkenRate}`);
    }
    const board = await leaderboard(ctx, ALL);
    assert.equal(board.rows[0]?.offer, 'Extra seats');
    assert.equal(board.rows.filter((r) => !r.smallSample).at(-1)?.offer, 'Training workshop');
  });
});

/** A small seeded generator (mulberry32): the same draws on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('false positives: independent segments with the same true rate', () => {
  // PAIRS independent trials. Each trial compares two disjoint segments of CUSTOMERS customers
  // each (a region per segment). Every customer, in every segment, draws a propensity from the
  // same mixture — 5 % (half of them), 20 % (30 %), 50 % (20 %): mean 18.5 % everywhere — and
  // receives 1–10 offers, each accepted with that propensity. Nothing differs between segments, so
  // a test at α = 0.05 should call a pair different in about 5 % of the trials. Offers cluster by
  // customer (intra-class correlation ≈ 0.19, ≈ 5.5 offers each: design effect ≈ 2), so a test that
  // treats offers as independent calls far more pairs different — the naive count below shows it.
  const PAIRS = 300;
  const CUSTOMERS = 100;
  const ALPHA = 0.05;
  const RANGE = { from: '2024-01-01', to: '2024-06-30' };
  let s: DuckDbStore;

  before(async () => {
    s = await DuckDbStore.open(':memory:');
    const next = mulberry32(20251202);
    // Per customer: its segment (region r<g>), offers m, acceptances a, first offer day.
    const plan: string[] = [];
    for (let g = 0; g < 2 * PAIRS; g++) {
      for (let c = 0; c < CUSTOMERS; c++) {
        const u = next();
        const propensity = u < 0.5 ? 0.05 : u < 0.8 ? 0.2 : 0.5;
        const offers = 1 + Math.floor(next() * 10);
        let accepted = 0;
        for (let j = 0; j < offers; j++) if (next() < propensity) accepted++;
        plan.push(`('s${g}-c${c}', 'r${g}', ${offers}, ${accepted}, ${Math.floor(next() * 170)})`);
      }
    }
    await s.run('CREATE TABLE plan (customer_id VARCHAR, region VARCHAR, m INTEGER, a INTEGER, day INTEGER)');
    for (let i = 0; i < plan.length; i += 10_000) await s.run(`INSERT INTO plan VALUES ${plan.slice(i, i + 10_000).join(', ')}`);
    await s.run(`INSERT INTO customers SELECT customer_id, 'smb', 'adoption', 50, 'saas', region, 'pro', 100 FROM plan`);
    // A customer's offers a day apart from its first; the first a of them accepted a day later, the others declined.
    await s.run(`
      INSERT INTO offers
      SELECT customer_id || '-' || j, customer_id, offered, 'upsell', 'Pro Plan', 'email', NULL,
        CASE WHEN j < a THEN offered + INTERVAL 1 DAY END, CASE WHEN j >= a THEN offered + INTERVAL 1 DAY END, NULL
      FROM (SELECT customer_id, a, j, TIMESTAMP '2024-01-01 09:00:00' + to_days(CAST(day + j AS INTEGER)) AS offered
            FROM (SELECT customer_id, a, day, unnest(range(m)) AS j FROM plan))`);
  });
  after(async () => s.close());

  test('two equal segments are called different in about α of the trials (99.9 % binomial tolerance)', async (t) => {
    const ctx = context(s);
    const region = (g: number) => [{ member: 'Customers.region', operator: 'equals', values: [`r${g}`] }];
    // Per-segment counts by plain SQL, for the naive (offers-independent) pooled z test.
    const rows = await s.query<{ region: string; n: bigint; k: bigint }>(
      `SELECT c.region, count(*) AS n, count(*) FILTER (WHERE o.accepted_at IS NOT NULL) AS k FROM offers o JOIN customers c USING (customer_id) GROUP BY c.region`,
    );
    const counts = new Map(rows.map((r) => [r.region, { n: Number(r.n), k: Number(r.k) }]));
    let hits = 0;
    let naiveHits = 0;
    for (let pair = 0; pair < PAIRS; pair++) {
      const c = await comparePopulations(ctx, { ...ALL, ...RANGE }, { filters: region(2 * pair) }, { filters: region(2 * pair + 1) });
      const a = counts.get(`r${2 * pair}`);
      const b = counts.get(`r${2 * pair + 1}`);
      assert.ok(a && b, `pair ${pair}`);
      assert.deepEqual([c.a.offers, c.a.accepted, c.b.offers, c.b.accepted], [a.n, a.k, b.n, b.k], `pair ${pair}: the counts of plain SQL`);
      if (c.difference.significant) hits++;
      // Naive: z = (pa − pb)/√(p̄(1 − p̄)(1/na + 1/nb)), called different when |z| > 1.96.
      const pooled = (a.k + b.k) / (a.n + b.n);
      const z = (a.k / a.n - b.k / b.n) / Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
      if (Math.abs(z) > 1.959963984540054) naiveHits++;
    }
    // The central 99.9 % of Binomial(PAIRS, α): the hits a correct 5 % test lands in all but 1 run in 1,000.
    const low = binomial.quantile(0.0005, PAIRS, ALPHA);
    const high = binomial.quantile(0.9995, PAIRS, ALPHA);
    t.diagnostic(`called different: ${hits} of ${PAIRS} pairs (${((100 * hits) / PAIRS).toFixed(1)} %); naive z test: ${naiveHits}; 99.9 % tolerance ${low}–${high}`);
    assert.ok(hits >= low && hits <= high, `${hits} of ${PAIRS} equal pairs called different; a 5 % test gives ${low}–${high}`);
    assert.ok(naiveHits > high, `offers treated as independent: ${naiveHits} of ${PAIRS} called different (the data cluster enough to tell the two apart)`);
  });
});

describe('uprate report --insights / --compare', () => {
  test('findings appended to the JSON report; A against B with counts as SQL; a bad member names the argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uprate-insights-'));
    const db = join(dir, 'demo.duckdb');
    try {
      const file = await DuckDbStore.open(db);
      await generateDemo(file, { rows: 20_000, seed: 7, end: END });
      const [expected] = await file.query<{ ne: bigint; ke: bigint; ns: bigint; ks: bigint }>(`
        SELECT count(*) FILTER (WHERE account_size = 'enterprise') AS ne,
          count(*) FILTER (WHERE account_size = 'enterprise' AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-06-30 12:00:00') AS ke,
          count(*) FILTER (WHERE account_size = 'smb') AS ns,
          count(*) FILTER (WHERE account_size = 'smb' AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-06-30 12:00:00') AS ks
        FROM offers JOIN customers USING (customer_id)`);
      await file.close();
      const asOf = ['--as-of', END.toISOString()];
      const withInsights = uprate(['report', '--db', db, ...asOf, '--insights', '--format', 'json']);
      assert.equal(withInsights.code, 0, withInsights.stderr);
      const doc = JSON.parse(withInsights.stdout) as { rows: unknown[]; insights: { insights: { id: string }[] } };
      assert.ok(doc.rows.length > 0);
      assert.ok(doc.insights.insights.some((i) => i.id === 'segment_above:Customers.accountSize=enterprise'));
      const text = uprate(['report', '--db', db, ...asOf, '--insights']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Findings\n/);
      const compared = uprate(['report', '--db', db, ...asOf, '--compare', 'Customers.accountSize=enterprise', 'Customers.accountSize=smb', '--format', 'json']);
      assert.equal(compared.code, 0, compared.stderr);
      const c = (JSON.parse(compared.stdout) as { comparison: { a: { offers: number; accepted: number }; b: { offers: number; accepted: number }; difference: { significant: boolean } } }).comparison;
      assert.deepEqual([c.a.offers, c.a.accepted, c.b.offers, c.b.accepted], [expected?.ne, expected?.ke, expected?.ns, expected?.ks].map(Number));
      assert.equal(c.difference.significant, true);
      const bad = uprate(['report', '--db', db, '--compare', 'Customers.nope=x', 'all']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--compare A\[0\]\.member: 'Customers\.nope' is not a dimension/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
