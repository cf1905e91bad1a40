/**
 * Issue 16's acceptance on the whole pipeline (the semantic layer's reads, features, fits, holdout):
 * the demo data plant a propensity signal (src/demo/README.md, "Who is ready to grow"), and the
 * model must find it — holdout AUC ≥ 0.70 and a gain over the segment-rate baseline whose
 * customer-clustered interval lies above 0. With the outcomes shuffled among offers (no signal
 * left), it must report no gain and fall back to the baseline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../src/demo/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../src/stats/index.js';
import type { KpiContext } from '../src/insights/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { findOpportunities, propensityReport } from '../src/propensity/index.js';
import { allAccess } from '../src/query/index.js';
import { DuckDbStore } from '../src/store/index.js';

const END = new Date('2025-06-30T00:00:00Z');
const AS_OF = new Date('2025-06-30T00:00:00Z');

function context(store: DuckDbStore, model: Model): KpiContext {
  return { store, model, asOf: AS_OF, access: allAccess('local'), windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson' };
}

describe('propensity on the demo data', () => {
  let store: DuckDbStore;
  let model: Model;
  before(async () => {
    store = await DuckDbStore.open(':memory:');
    await generateDemo(store, { rows: 120_000, seed: 3, end: END });
    model = await loadModel(shippedModelDir(), { conversionWindowDays: 30 });
  });
  after(async () => {
    await store.close();
  });

  test('the planted signal is found: holdout AUC ≥ 0.70 and the model beats the segment rate', async () => {
    const report = await propensityReport(context(store, model));
    const pooled = report.overall;
    assert.ok(pooled.model && pooled.baseline);
    assert.ok(pooled.model.auc.value >= 0.7, `pooled holdout AUC ${pooled.model.auc.value}`);
    assert.ok(pooled.model.auc.value > pooled.baseline.auc.value + 0.03, `model ${pooled.model.auc.value} vs baseline ${pooled.baseline.auc.value}`);
    // Every offer with enough outcomes to validate is ranked by the model, each with a gain above 0.
    const validated = report.offers.filter((o) => o.model !== null);
    assert.ok(validated.length >= 8, `${validated.length} offers validated`);
    const used = validated.filter((o) => o.used === 'model');
    assert.ok(used.length >= validated.length - 1, `model used for ${used.length} of ${validated.length}: ${validated.map((o) => o.verdict).join('\n')}`);
    for (const o of used) assert.ok((o.aucGain?.lower ?? 0) > 0);
    // The holdout is after the cut-off and closed by the clock; the training before it.
    for (const o of validated) {
      assert.ok(o.train.to < report.cutoff.slice(0, 10));
      assert.ok(o.holdout.from >= report.cutoff.slice(0, 10));
      assert.ok(o.holdout.to <= report.holdoutEnd.slice(0, 10));
    }
    // Offers read = every offer the store holds (no sampling below the default limit), by plain SQL.
    const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers WHERE offered_at <= ?', [AS_OF.toISOString().slice(0, 19).replace('T', ' ')]);
    assert.equal(report.sample.totalOffers, Number(row?.n));
    assert.equal(report.sample.fraction, 1);
    assert.match(report.caveat, /not uplift/);
  });

  test('opportunities: customers without an open offer, best first, the top of a long list equals the short list', async () => {
    const ctx = context(store, model);
    const long = await findOpportunities(ctx, { offer: 'Extra seats', limit: 3000 });
    const short = await findOpportunities(ctx, { offer: 'Extra seats', limit: 25 });
    assert.deepEqual(
      short.rows.map((r) => [r.customer, r.probability]),
      long.rows.slice(0, 25).map((r) => [r.customer, r.probability]),
    );
    for (let i = 1; i < long.rows.length; i++) assert.ok((long.rows[i - 1]?.probability ?? 0) >= (long.rows[i]?.probability ?? 0));
    for (const r of long.rows) assert.ok(r.lower <= r.probability && r.probability <= r.upper && r.drivers.length > 0 && r.drivers.length <= 3);
    // Nobody listed holds an offer still pending at the clock (plain SQL: inside its window, neither accepted nor declined by then).
    const clock = AS_OF.toISOString().slice(0, 19).replace('T', ' ');
    const pending = await store.query<{ customer_id: string }>(
      `SELECT DISTINCT customer_id FROM offers WHERE offered_at <= ? AND offered_at + INTERVAL 30 DAY > ?
         AND (accepted_at IS NULL OR accepted_at > ?) AND (declined_at IS NULL OR declined_at > ?)`,
      [clock, clock, clock, clock],
    );
    const holding = new Set(pending.map((p) => p.customer_id));
    assert.ok(holding.size > 0);
    assert.equal(long.customersWithOpenOffers, holding.size);
    assert.ok(long.rows.every((r) => !holding.has(r.customer)));
    // Sorted by expected revenue: probability × the offer's mean accepted revenue (plain SQL over closed windows).
    const byRevenue = await findOpportunities(ctx, { offer: 'Extra seats', limit: 5, sort: 'revenue' });
    const [mean] = await store.query<{ m: number }>(
      `SELECT avg(revenue)::DOUBLE AS m FROM offers WHERE offer_name = 'Extra seats' AND accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY
         AND revenue IS NOT NULL AND offered_at + INTERVAL 30 DAY <= ?`,
      [clock],
    );
    for (const r of byRevenue.rows) assert.ok(Math.abs((r.expectedRevenue ?? 0) - r.probability * (mean?.m ?? NaN)) < 1e-6 * (r.expectedRevenue ?? 1));
  });

  test('a smaller training budget samples whole customers and says so', async () => {
    const report = await propensityReport(context(store, model), { maxTrainingOffers: 40_000 });
    assert.ok(report.sample.fraction < 1);
    assert.ok(Math.abs(report.sample.offers / report.sample.totalOffers - report.sample.fraction) < 0.05, `${report.sample.offers} of ${report.sample.totalOffers} at ${report.sample.fraction}`);
    assert.match(report.sample.note, /sample of \d+(\.\d)? % of customers/);
  });

  test('no signal (outcomes shuffled among offers): no gain, the segment rate is used', async () => {
    // A store of its own: the data change below is not a load, so the data version (which keys
    // the trainings kept) would not move.
    const own = await DuckDbStore.open(':memory:');
    await generateDemo(own, { rows: 120_000, seed: 3, end: END });
    // Each offer takes another offer's outcome (its delays to accept or decline, its revenue), by a
    // fixed permutation: the outcomes no longer depend on the customer or the history.
    await own.run(`CREATE TABLE shuffled AS
      WITH a AS (SELECT offer_id, offered_at, row_number() OVER (ORDER BY offer_id) AS rn FROM offers),
           b AS (SELECT accepted_at - offered_at AS acc, declined_at - offered_at AS dec, revenue,
                        row_number() OVER (ORDER BY md5(offer_id)) AS rn FROM offers)
      SELECT a.offer_id, a.offered_at + b.acc AS accepted_at, a.offered_at + b.dec AS declined_at, b.revenue
      FROM a JOIN b USING (rn)`);
    await own.run(`UPDATE offers SET accepted_at = s.accepted_at, declined_at = s.declined_at, revenue = s.revenue FROM shuffled s WHERE offers.offer_id = s.offer_id`);
    const report = await propensityReport(context(own, model));
    await own.close();
    const validated = report.offers.filter((o) => o.model !== null);
    assert.ok(validated.length >= 8);
    const fellBack = validated.filter((o) => o.used === 'segment rate').length;
    // Each offer's gain interval excludes 0 upwards about 2.5 % of the time under no signal.
    assert.ok(fellBack >= validated.length - 1, `fell back on ${fellBack} of ${validated.length}`);
    const pooled = report.overall;
    assert.ok(pooled.model && pooled.model.auc.lower <= 0.5 + 0.02, `pooled AUC ${JSON.stringify(pooled.model?.auc)}`);
    assert.ok(pooled.model.topDecileLift.lower <= 1, `top-decile lift ${JSON.stringify(pooled.model.topDecileLift)}`);
  });
});
