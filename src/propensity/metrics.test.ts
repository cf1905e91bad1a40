import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { percentileInterval, resampleCustomers, seededUniform } from './bootstrap.js';
import { auc, brier, calibrationDeciles, compareAuc, hasBothOutcomes, holdoutMetrics, logLoss, topDecileLift } from './metrics.js';
import type { CalibrationBin } from './types.js';

const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** Made by reference/make-reference.py: numpy pair counting and statsmodels Wilson intervals. */
interface MetricsReference {
  readonly predicted: number[];
  readonly outcome: number[];
  readonly weight: number[];
  readonly customer: string[];
  readonly weighted: ReferenceValues;
  readonly unweighted: ReferenceValues;
}
interface ReferenceValues {
  readonly auc: number;
  readonly brier: number;
  readonly logLoss: number;
  readonly calibration: CalibrationBin[];
  readonly topDecileLift: number;
}
const reference = JSON.parse(readFileSync(new URL('./reference/metrics-reference.json', import.meta.url), 'utf8')) as MetricsReference;

test('AUC by hand: counting the pairs', () => {
  // Accepted at .9, .7, .6; not at .8, .5, .4: .9 beats 3, .7 beats 2, .6 beats 2 → 7 of 9 pairs.
  close(auc([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [1, 0, 1, 1, 0, 0]), 7 / 9, 'auc');
  // A tie between an accepted and a not accepted offer counts ½: (½ + 1) / 2.
  close(auc([0.3, 0.3, 0.1], [1, 0, 0]), 0.75, 'ties');
  // Weights multiply the pairs: 1·3·½ + 1·1·1 over 1 × 4.
  close(auc([0.3, 0.3, 0.1], [1, 0, 0], [1, 3, 1]), 0.625, 'weighted ties');
  // Perfect, reversed, all tied.
  assert.equal(auc([0.9, 0.1], [1, 0]), 1);
  assert.equal(auc([0.1, 0.9], [1, 0]), 0);
  assert.equal(auc([0.5, 0.5, 0.5], [1, 0, 1]), 0.5);
});

test('Brier score and log loss by hand', () => {
  close(brier([0.8, 0.3], [1, 0]), (0.2 ** 2 + 0.3 ** 2) / 2, 'brier');
  close(brier([0.8, 0.3], [1, 0], [3, 1]), (3 * 0.2 ** 2 + 0.3 ** 2) / 4, 'weighted brier');
  close(logLoss([0.8, 0.3], [1, 0]), -(Math.log(0.8) + Math.log(0.7)) / 2, 'log loss');
  // A certain miss is large, not infinite (1 − (1 − 1e-15) is not quite 1e-15 in doubles).
  close(logLoss([0, 1], [1, 0]), -(Math.log(1e-15) + Math.log(1 - (1 - 1e-15))) / 2, 'clipped');
});

test('top-decile lift by hand, and a tie straddling the cut counts pro rata', () => {
  // 20 offers, 5 accepted; the two highest both accepted: (2/2) / (5/20) = 4.
  const predicted = Array.from({ length: 20 }, (_, i) => (20 - i) / 21);
  const outcome = [1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0];
  close(topDecileLift(predicted, outcome), 4, 'lift');
  // Top 3 tied, 2 of them accepted; the cut takes 2 of the 3: rate 2/3 whatever the row order.
  const tied = [0.9, 0.9, 0.9, ...predicted.slice(3)];
  for (const top of [[1, 1, 0], [0, 1, 1], [1, 0, 1]]) {
    close(topDecileLift(tied, [...top, ...outcome.slice(3)]), 2 / 3 / (5 / 20), `tied lift ${top.join('')}`);
  }
});

test('calibration deciles by hand: 20 offers, two per bin', () => {
  const predicted = Array.from({ length: 20 }, (_, i) => (i + 1) / 21);
  const outcome = Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? 1 : 0));
  const bins = calibrationDeciles(predicted, outcome);
  assert.equal(bins.length, 10);
  bins.forEach((b, k) => {
    assert.equal(b.bin, k + 1);
    assert.equal(b.offers, 2);
    close(b.meanPredicted, (2 * k + 1.5) / 21, `bin ${k + 1} mean`);
  });
  assert.deepEqual(bins.map((b) => b.accepted), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  // Fewer than ten offers: empty bins are left out.
  assert.deepEqual(calibrationDeciles([0.2, 0.1, 0.3], [0, 0, 1]).map((b) => [b.bin, b.meanPredicted]), [[2, 0.1], [6, 0.2], [9, 0.3]]);
});

for (const weighted of [false, true]) {
  test(`reference (${weighted ? 'frequency weights' : 'unweighted'}): AUC, Brier, log loss, calibration, lift`, () => {
    const expected = weighted ? reference.weighted : reference.unweighted;
    const w = weighted ? reference.weight : undefined;
    close(auc(reference.predicted, reference.outcome, w), expected.auc, 'auc');
    close(brier(reference.predicted, reference.outcome, w), expected.brier, 'brier');
    close(logLoss(reference.predicted, reference.outcome, w), expected.logLoss, 'log loss');
    close(topDecileLift(reference.predicted, reference.outcome, w), expected.topDecileLift, 'lift');
    const bins = calibrationDeciles(reference.predicted, reference.outcome, w);
    assert.equal(bins.length, expected.calibration.length);
    bins.forEach((b, k) => {
      const e = expected.calibration[k] as CalibrationBin;
      assert.equal(b.bin, e.bin);
      assert.equal(b.offers, e.offers);
      assert.equal(b.accepted, e.accepted);
      close(b.meanPredicted, e.meanPredicted, `bin ${b.bin} mean`);
      close(b.observed, e.observed, `bin ${b.bin} observed`);
      close(b.lower, e.lower, `bin ${b.bin} lower`, 1e-9);
      close(b.upper, e.upper, `bin ${b.bin} upper`, 1e-9);
    });
    const m = holdoutMetrics(reference.predicted, reference.outcome, reference.customer, { weight: w });
    close(m.auc.value, expected.auc, 'holdoutMetrics auc');
    close(m.topDecileLift.value, expected.topDecileLift, 'holdoutMetrics lift');
    assert.deepEqual(m.calibration, bins);
    assert.ok(m.auc.lower < m.auc.value && m.auc.value < m.auc.upper);
    assert.ok(m.topDecileLift.lower < m.topDecileLift.value && m.topDecileLift.value < m.topDecileLift.upper);
  });
}

test('frequency weights are the same as repeating offers (the bootstrap too: weights ride with their customer)', () => {
  const { predicted, outcome, weight, customer } = reference;
  const rep = (xs: readonly (number | string)[]) => xs.flatMap((v, i) => Array<number | string>(weight[i] as number).fill(v));
  const repeated = { predicted: rep(predicted) as number[], outcome: rep(outcome) as number[], customer: rep(customer) as string[] };
  close(auc(repeated.predicted, repeated.outcome), auc(predicted, outcome, weight), 'auc');
  close(topDecileLift(repeated.predicted, repeated.outcome), topDecileLift(predicted, outcome, weight), 'lift');
  const a = holdoutMetrics(predicted, outcome, customer, { weight });
  const b = holdoutMetrics(repeated.predicted, repeated.outcome, repeated.customer);
  close(a.auc.lower, b.auc.lower, 'auc lower');
  close(a.auc.upper, b.auc.upper, 'auc upper');
  close(a.topDecileLift.upper, b.topDecileLift.upper, 'lift upper');
});

test('the bootstrap is seeded: the same seed, the same intervals; another seed, others', () => {
  const { predicted, outcome, customer } = reference;
  const a = holdoutMetrics(predicted, outcome, customer);
  const b = holdoutMetrics(predicted, outcome, customer);
  const c = holdoutMetrics(predicted, outcome, customer, { seed: 7 });
  assert.deepEqual(a, b);
  assert.notEqual(a.auc.lower, c.auc.lower);
  // More replicates at a lower level: a narrower interval.
  const narrow = holdoutMetrics(predicted, outcome, customer, { replicates: 400, level: 0.5 });
  assert.ok(narrow.auc.upper - narrow.auc.lower < a.auc.upper - a.auc.lower);
  // Customers named by numbers work as well as by strings.
  const numbered = holdoutMetrics(predicted, outcome, customer.map((c) => Number(c.slice(1))));
  assert.deepEqual(numbered.auc, a.auc);
});

test('a paired comparison of a predictor with itself is exactly 0; with its reverse, 1 − 2·AUC', () => {
  const { predicted, outcome, customer } = reference;
  assert.deepEqual(compareAuc(predicted, predicted, outcome, customer), { value: 0, lower: 0, upper: 0 });
  const reversed = predicted.map((p) => 1 - p);
  const g = compareAuc(reversed, predicted, outcome, customer);
  close(g.value, 1 - 2 * auc(predicted, outcome), 'reverse gain');
  assert.ok(g.lower < g.value && g.value < g.upper && g.upper < 0);
});

test('percentile intervals and customer resampling', () => {
  const values = Array.from({ length: 101 }, (_, i) => 100 - i);
  const ninety = percentileInterval(values, 0.9);
  close(ninety.lower, 5, 'lower');
  close(ninety.upper, 95, 'upper');
  // Type 7 interpolates: 0.025 · 9 = 0.225 of the way from 1 to 2.
  const ten = percentileInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95);
  close(ten.lower, 1.225, 'lower');
  close(ten.upper, 9.775, 'upper');
  assert.deepEqual(percentileInterval([NaN, 2, NaN], 0.95), { lower: 2, upper: 2 });
  assert.ok(Number.isNaN(percentileInterval([NaN], 0.95).lower));
  const counts = resampleCustomers(seededUniform(1), 50, new Float64Array(50));
  assert.equal(counts.reduce((s, c) => s + c, 0), 50);
  assert.ok(counts.some((c) => c === 0) && counts.some((c) => c > 1));
  const u = seededUniform(3);
  const draws = Array.from({ length: 10_000 }, u);
  assert.ok(draws.every((d) => d >= 0 && d < 1));
  close(draws.reduce((s, d) => s + d, 0) / draws.length, 0.5, 'uniform mean', 0.01);
});

test('bad input is refused with BAD_ARGUMENT', () => {
  const refused = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && pattern.test(e.message));
  refused(() => holdoutMetrics([0.1, 0.2], [0, 0], ['a', 'b']), /both accepted and not accepted/);
  refused(() => compareAuc([0.1, 0.2], [0.2, 0.1], [1, 1], ['a', 'b']), /both accepted and not accepted/);
  refused(() => auc([0.1, 0.2], [1, 0], [0, 1]), /both accepted and not accepted/);
  refused(() => holdoutMetrics([0.1], [0, 1], ['a', 'b']), /predictions \(1\) and outcomes \(2\)/);
  refused(() => holdoutMetrics([0.1, 0.2], [0, 1], ['a']), /customers \(1\)/);
  refused(() => holdoutMetrics([0.1, 0.2], [0, 2], ['a', 'b']), /outcome of offer 1 must be 0 or 1/);
  refused(() => holdoutMetrics([0.1, 1.2], [0, 1], ['a', 'b']), /prediction of offer 1 must be a probability/);
  refused(() => brier([0.1, 0.2], [0, 1], [1, -1]), /weight of offer 1/);
  refused(() => brier([], []), /no offers/);
  refused(() => holdoutMetrics([0.1, 0.2], [0, 1], ['a', 'b'], { replicates: 0 }), /replicates/);
  refused(() => holdoutMetrics([0.1, 0.2], [0, 1], ['a', 'b'], { level: 95 }), /level/);
  // Scores need not be probabilities for the AUC and the gain.
  close(auc([3, -2], [1, 0]), 1, 'any scores');
  assert.equal(hasBothOutcomes([0, 1], [1, 0]), false);
  assert.equal(hasBothOutcomes([0, 1]), true);
});

// ---- Calibration of the intervals by simulation --------------------------------------------

/** Standard normal draws from the seeded uniform (Box–Muller). */
function normals(seed: number): () => number {
  const u = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

const expit = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Customers with random effects, several offers each. The score is what a model knows of an
 * offer, s = u_customer + e_offer (u ~ N(0, 1), e ~ N(0, 0.5²)); the offer is accepted with
 * probability expit(−1 + s + v_customer), v ~ N(0, 1.5²) a customer effect the model does not
 * know. One customer's offers share u and v, so they are not independent given the score.
 */
const CUSTOMER_SD = 1;
const OFFER_SD = 0.5;
const UNKNOWN_SD = 1.5;
const INTERCEPT = -1;

function simulate(draw: () => number, customers: number, offersEach: number, uniform: () => number) {
  const score: number[] = [];
  const outcome: number[] = [];
  const customer: number[] = [];
  const noiseA: number[] = [];
  const noiseB: number[] = [];
  for (let c = 0; c < customers; c++) {
    const u = CUSTOMER_SD * draw();
    const v = UNKNOWN_SD * draw();
    // Customer-level noise predictors: an attribute unrelated to accepting, the same on every offer.
    const a = draw();
    const b = draw();
    for (let k = 0; k < offersEach; k++) {
      const s = u + OFFER_SD * draw();
      score.push(s);
      outcome.push(uniform() < expit(INTERCEPT + s + v) ? 1 : 0);
      customer.push(c);
      noiseA.push(a);
      noiseB.push(b);
    }
  }
  return { score, outcome, customer, noiseA, noiseB };
}

/**
 * The population AUC of s: P(s₁ > s₀) for an accepted and a not accepted offer drawn at random
 * from different customers, s ~ N(0, 1 + 0.5²), P(accept | s) = E_v expit(−1 + s + v). By
 * quadrature on fine grids (the error is far below the intervals' width).
 */
function populationAuc(): number {
  const sd = Math.hypot(CUSTOMER_SD, OFFER_SD);
  let below = 0;
  let positives = 0;
  let sum = 0;
  for (let s = -10 * sd; s <= 10 * sd; s += 2e-3) {
    let accept = 0;
    let mass = 0;
    for (let z = -8; z <= 8; z += 0.02) {
      const w = Math.exp(-0.5 * z * z);
      accept += w * expit(INTERCEPT + s + UNKNOWN_SD * z);
      mass += w;
    }
    const density = Math.exp(-0.5 * (s / sd) ** 2);
    const pos = (density * accept) / mass;
    const neg = density - pos;
    sum += pos * (below + neg / 2);
    below += neg;
    positives += pos;
  }
  return sum / (positives * below);
}

test('the customer-clustered AUC interval covers the population AUC at about its level; an offer-level one does not', (t) => {
  const truth = populationAuc();
  const draw = normals(101);
  const uniform = seededUniform(202);
  const simulations = 200;
  let covered = 0;
  let naiveCovered = 0;
  let width = 0;
  let naiveWidth = 0;
  for (let sim = 0; sim < simulations; sim++) {
    const d = simulate(draw, 120, 6, uniform);
    const p = d.score.map((s) => expit(INTERCEPT + s));
    const clustered = holdoutMetrics(p, d.outcome, d.customer, { seed: sim }).auc;
    const naive = holdoutMetrics(p, d.outcome, d.score.map((_, i) => i), { seed: sim }).auc;
    if (clustered.lower <= truth && truth <= clustered.upper) covered++;
    if (naive.lower <= truth && truth <= naive.upper) naiveCovered++;
    width += clustered.upper - clustered.lower;
    naiveWidth += naive.upper - naive.lower;
  }
  const coverage = covered / simulations;
  const naiveCoverage = naiveCovered / simulations;
  t.diagnostic(`population AUC ${truth.toFixed(4)}; coverage clustered ${coverage}, offer-level ${naiveCoverage}; mean width ${(width / simulations).toFixed(4)} vs ${(naiveWidth / simulations).toFixed(4)}`);
  assert.ok(coverage >= 0.85 && coverage <= 0.99, `clustered coverage ${coverage} (naive ${naiveCoverage}, truth ${truth})`);
  assert.ok(naiveWidth < 0.8 * width, `naive width ${naiveWidth / simulations} vs clustered ${width / simulations}`);
  assert.ok(naiveCoverage < coverage - 0.05, `naive coverage ${naiveCoverage} vs clustered ${coverage}`);
});

test('the paired AUC-gain interval of two pure-noise predictors includes 0 at about its level', (t) => {
  const draw = normals(303);
  const uniform = seededUniform(404);
  const simulations = 200;
  let includesZero = 0;
  let naiveIncludesZero = 0;
  for (let sim = 0; sim < simulations; sim++) {
    const d = simulate(draw, 120, 6, uniform);
    const gain = compareAuc(d.noiseA, d.noiseB, d.outcome, d.customer, { seed: sim });
    const naive = compareAuc(d.noiseA, d.noiseB, d.outcome, d.score.map((_, i) => i), { seed: sim });
    if (gain.lower <= 0 && 0 <= gain.upper) includesZero++;
    if (naive.lower <= 0 && 0 <= naive.upper) naiveIncludesZero++;
  }
  const rate = includesZero / simulations;
  t.diagnostic(`includes 0: clustered ${rate}, offer-level ${naiveIncludesZero / simulations}`);
  assert.ok(rate >= 0.88 && rate <= 0.995, `includes 0 in ${rate} (naive ${naiveIncludesZero / simulations})`);
  assert.ok(naiveIncludesZero < includesZero, `naive ${naiveIncludesZero} vs clustered ${includesZero}`);
});
