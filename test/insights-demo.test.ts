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
    assert.equal(insights.insights.find((i) => i.id === 'benchmark:saas')?.severity, 'warning');
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

describe('false positives across seeds (30,000 offers each)', () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  test('equal segments are flagged at most at the configured rate', async (t) => {
    let twinFlags = 0;
    for (const seed of SEEDS) {
      const s = await DuckDbStore.open(':memory:');
      await generateDemo(s, { rows: 30_000, seed, end: END });
      const ctx = context(s);
      // the twin regions, corrected together as the breakdown does
      const twins = await breakdown(ctx, TWINS, { by: ['Customers.region'] });
      if (twins.rows.some((r) => r.vsRest.significant)) twinFlags++;
      await s.close();
    }
    t.diagnostic(`twins flagged in ${twinFlags} of ${SEEDS.length} seeds`);
    assert.ok(twinFlags / SEEDS.length <= 1 - LEVEL, `twins flagged in ${twinFlags} of ${SEEDS.length} seeds`);
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
