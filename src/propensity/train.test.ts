import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../core/random.js';
import { historyColumnNames } from './features.js';
import { labelledOffers, pooledMetrics, trainOffer } from './train.js';
import type { AttributeValue, FeatureMember, OfferEvent } from './types.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const AS_OF = Date.UTC(2026, 0, 1);

/** The project's seeded generator: the test's data do not depend on the code under test. */
function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const FEATURES: FeatureMember[] = [
  { member: 'C.stage', title: 'Stage', kind: 'category' },
  { member: 'C.score', title: 'Score', kind: 'number' },
];
const STAGES = ['adoption', 'expansion', 'renewal', 'at_risk'];
const STAGE_EFFECT: Record<string, number> = { adoption: 0, expansion: 0.5, renewal: 0.1, at_risk: -0.8 };

/**
 * Customers with a stage, a score and an own propensity, each offered `X` a few times over two
 * years. With `signal`, acceptance follows a logistic model in the score (1 log-odds per sd) and
 * the stage; without, every offer accepts at the same 15 %.
 */
function simulate(seed: number, signal: boolean, customers = 2500) {
  const r = rng(seed);
  const events: OfferEvent[] = [];
  const attributes = new Map<string, Record<string, AttributeValue>>();
  for (let c = 0; c < customers; c++) {
    const id = `c${String(c).padStart(5, '0')}`;
    // Adoption is the most frequent stage, so the coding takes it as the reference level.
    const u = r();
    const stage = u < 0.4 ? 'adoption' : (STAGES[1 + Math.floor(((u - 0.4) / 0.6) * 3)] ?? 'adoption');
    const score = 50 + 18 * normal(r);
    attributes.set(id, { 'C.stage': stage, 'C.score': score });
    const own = 0.4 * normal(r);
    const n = 2 + Math.floor(r() * 6);
    const times = Array.from({ length: n }, () => START + Math.floor(r() * (AS_OF - START - DAY)));
    times.sort((a, b) => a - b);
    for (const t of times) {
      const eta = signal ? -2 + (score - 50) / 18 + (STAGE_EFFECT[stage] ?? 0) + own : Math.log(0.15 / 0.85);
      const accepted = r() < 1 / (1 + Math.exp(-eta));
      const pending = !accepted && t + 30 * DAY > AS_OF;
      events.push({ customer: id, offeredAt: t, offerName: 'X', offerType: 'upsell', accepted, pending, daysToAccept: accepted ? Math.floor(r() * 10) : null, revenue: accepted ? 100 : null });
    }
  }
  return { events, attributes };
}

const options = (types: string[]) => ({ features: FEATURES, historyNames: historyColumnNames(types), cutoff: Date.UTC(2025, 6, 1), windowDays: 30, level: 0.95, seed: 7 });

test('a planted signal is found: the model beats the segment rate on the holdout and is used', () => {
  const { events, attributes } = simulate(11, true);
  const { byOffer, types } = labelledOffers(events, attributes, AS_OF, 30);
  const rows = byOffer.get('X') ?? [];
  const trained = trainOffer('X', rows, options(types));
  const v = trained.validation;
  assert.equal(v.used, 'model', v.verdict);
  assert.ok(v.model && v.baseline && v.aucGain);
  assert.ok(v.model.auc.value >= 0.7, `AUC ${v.model.auc.value}`);
  assert.ok(v.aucGain.lower > 0);
  assert.equal(v.baselineSegment, 'C.stage');
  // Training offers' windows closed before the cut-off; holdout offers were made after it.
  assert.ok(v.train.to < '2025-06-01');
  assert.ok(v.holdout.from >= '2025-07-01');
  assert.equal(trained.predictor.kind, 'model');
  // The score's coefficient is positive and the at-risk stage's negative (they were planted so).
  if (trained.predictor.kind === 'model') {
    const cols = trained.predictor.coding.columns;
    const coef = (name: string) => trained.predictor.kind === 'model' ? trained.predictor.fit.coefficients[cols.indexOf(name)] ?? NaN : NaN;
    assert.ok(coef('C.score (standardised)') > 0.7);
    assert.ok(coef('C.stage = at_risk') < -0.4);
  }
  const pooled = pooledMetrics([trained], { seed: 1, level: 0.95 });
  assert.equal(pooled.model?.auc.value, v.model.auc.value);
});

test('no signal: the model reports no lift and falls back to the segment rate at about the nominal rate', () => {
  let fellBack = 0;
  let liftCoversOne = 0;
  const runs = 20;
  for (let s = 0; s < runs; s++) {
    const { events, attributes } = simulate(100 + s, false, 1500);
    const { byOffer, types } = labelledOffers(events, attributes, AS_OF, 30);
    const trained = trainOffer('X', byOffer.get('X') ?? [], options(types));
    if (trained.validation.used === 'segment rate') fellBack++;
    const lift = trained.validation.model?.topDecileLift;
    if (lift && lift.lower <= 1 && lift.upper >= 1) liftCoversOne++;
  }
  // The gain's one-sided 2.5 % tail: with 20 runs, 17 or more fall back unless the rule is miscalibrated (P(X ≥ 4) ≈ 1.6 % at p = 0.025).
  assert.ok(fellBack >= 17, `fell back ${fellBack} of ${runs}`);
  assert.ok(liftCoversOne >= 16, `lift interval covered 1 in ${liftCoversOne} of ${runs}`);
});

test('too few outcomes: no model is validated, the segment rate ranks and the verdict says why', () => {
  const { events, attributes } = simulate(5, true, 60);
  const { byOffer, types } = labelledOffers(events, attributes, AS_OF, 30);
  const trained = trainOffer('X', byOffer.get('X') ?? [], options(types));
  assert.equal(trained.validation.used, 'segment rate');
  assert.equal(trained.validation.model, null);
  assert.match(trained.validation.verdict, /Too few outcomes/);
});

test('only closed windows train: pending offers and offers whose window is open at the clock are left out', () => {
  const { events, attributes } = simulate(3, true, 300);
  const { byOffer } = labelledOffers(events, attributes, AS_OF, 30);
  const rows = byOffer.get('X') ?? [];
  const closed = events.filter((e) => e.offeredAt + 30 * DAY <= AS_OF);
  assert.equal(rows.length, closed.length);
  assert.ok(rows.every((r) => r.offeredAt + 30 * DAY <= AS_OF));
});
