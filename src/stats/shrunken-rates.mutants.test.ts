// Tests for shrinkRates beyond empirical-bayes-prior.test.ts: the whole answer for a given prior
// (posterior mean, credible interval, probability above the pooled rate), the level, customer
// sums, the small-sample edge and the argument checks. Reference values from SciPy's
// beta.ppf / beta.isf / beta.sf on the hand-computed posterior Beta(α + k/d, β + (n − k)/d).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { shrinkRates } from './shrunken-rates.js';

const prior = { alpha: 2, beta: 8 };
// Pooled rate (3 + 1)/(5 + 30) = 4/35 = 0.1142857.
const groups = [
  { label: 'tiny', k: 3, n: 5 },
  { label: 'thirty', k: 1, n: 30 },
];

test('shrinkRates with a given prior, by hand: posterior Beta(2 + k, 8 + n − k) of each group', () => {
  const r = shrinkRates(groups, { prior });
  assertClose(r.overallRate, 4 / 35, 'pooled rate', 1e-15);
  const [tiny, thirty] = r.groups;
  assert.ok(tiny && thirty);
  // Beta(5, 10): mean 1/3, 95 % interval 0.1275984 … 0.5810353, P(rate > 4/35) = 0.9839521.
  assert.deepEqual([tiny.label, tiny.k, tiny.n, tiny.rate, tiny.designEffect, tiny.smallSample], ['tiny', 3, 5, 0.6, 1, true]);
  assertClose(tiny.shrunkenRate, 1 / 3, 'mean', 1e-12);
  assertClose(tiny.lower, 0.1275984298591596, 'lower', 1e-9);
  assertClose(tiny.upper, 0.5810352571836609, 'upper', 1e-9);
  assertClose(tiny.probabilityAboveOverall, 0.983952092501817, 'P(above)', 1e-9);
  // Beta(3, 37): mean 0.075, interval 0.0161533 … 0.1732448, P(rate > 4/35) = 0.1616395.
  assertClose(thirty.shrunkenRate, 0.075, 'mean', 1e-12);
  assertClose(thirty.lower, 0.01615330031065837, 'lower', 1e-9);
  assertClose(thirty.upper, 0.17324478137360574, 'upper', 1e-9);
  assertClose(thirty.probabilityAboveOverall, 0.1616394869917301, 'P(above)', 1e-9);
  assert.equal(thirty.smallSample, false, '30 offers is not fewer than the default 30');
});

test('shrinkRates: the level sets the credible interval (90 %: 0.1527176 … 0.5400054 for Beta(5, 10))', () => {
  const tiny = shrinkRates(groups, { prior, level: 0.9 }).groups[0];
  assertClose(tiny?.lower, 0.1527176223846631, 'lower', 1e-9);
  assertClose(tiny?.upper, 0.5400054465239323, 'upper', 1e-9);
  assert.throws(() => shrinkRates(groups, { prior, level: 1 }), (e: unknown) => e instanceof UprateError && e.location === 'level');
});

test("shrinkRates: a group's customer sums shrink its evidence to k/d of n/d", () => {
  // 3 of 8 from customers (4, 3) and (4, 0): d = 4.8 (design-effect.test.ts), posterior
  // Beta(2 + 3/4.8, 8 + 5/4.8) = Beta(2.625, 9.0417): mean 0.225, interval 0.0461129 … 0.4917428.
  const clustered = { label: 'c', k: 3, n: 8, clusters: { customers: 2, offersSquared: 32, acceptedSquared: 9, acceptedOffers: 12 } };
  const g = shrinkRates([clustered], { prior }).groups[0];
  assertClose(g?.designEffect, 4.8, 'design effect', 1e-12);
  assertClose(g?.shrunkenRate, 0.225, 'mean', 1e-12);
  assertClose(g?.lower, 0.04611290154448091, 'lower', 1e-8);
  assertClose(g?.upper, 0.49174280168766504, 'upper', 1e-8);
});

test('shrinkRates: no offers anywhere gives no pooled rate and no probability above it', () => {
  const r = shrinkRates([{ label: 'none', k: 0, n: 0 }], { prior });
  assert.equal(r.overallRate, null);
  assert.equal(r.groups[0]?.probabilityAboveOverall, null);
  assert.equal(r.groups[0]?.rate, null);
  assertClose(r.groups[0]?.shrunkenRate, 0.2, 'the prior mean', 1e-12);
});

test('shrinkRates: bad counts name their group', () => {
  assert.throws(
    () => shrinkRates([{ label: 'a', k: 1, n: 2 }, { label: 'b', k: 3, n: 2 }], { prior }),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'shrinkRates group 1',
  );
});
