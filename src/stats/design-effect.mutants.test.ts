// Tests for what design-effect.test.ts leaves open: every path's whole answer (variance kind,
// customers, effective counts, the reason in words), each check of the customer sums with its
// message, the design effect of exactly 1, and effectOf with a design effect given. Expected
// values by hand from Var(r) = C/(C − 1)·Σ(k_c − r n_c)²/n² over the binomial r(1 − r)/n.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { designEffect, effectOf, NO_MOMENTS } from './design-effect.js';

/** A BAD_ARGUMENT error at "clusters" with this message, and the hint. */
function badSums(message: string) {
  return (e: unknown) =>
    e instanceof UprateError &&
    e.code === 'BAD_ARGUMENT' &&
    e.location === 'clusters' &&
    e.message === message &&
    e.hint === 'the sums must come from the same offers as the counts, grouped by customer';
}

test('designEffect without customer sums: the binomial variance, and says why', () => {
  for (const d of [designEffect(3, 10), designEffect(3, 10, null)]) {
    const { binomialVariance, ...rest } = d;
    assertClose(binomialVariance, 0.3 * 0.7 / 10, 'binomial variance 0.3·0.7/10 = 0.021', 1e-12);
    assert.deepEqual(rest, {
      variance: 'binomial',
      designEffect: 1,
      rawDesignEffect: null,
      clusteredVariance: null,
      customers: null,
      effectiveOffers: 10,
      effectiveAccepted: 3,
      reason: 'binomial: offers treated as independent (no customer sums given)',
    });
  }
});

test('designEffect of no offers (the sums of no customers): no variance at all', () => {
  assert.deepEqual(designEffect(0, 0, NO_MOMENTS), {
    variance: 'binomial',
    designEffect: 1,
    rawDesignEffect: null,
    clusteredVariance: null,
    binomialVariance: null,
    customers: 0,
    effectiveOffers: 0,
    effectiveAccepted: 0,
    reason: 'no offers',
  });
  assert.deepEqual(NO_MOMENTS, { customers: 0, offersSquared: 0, acceptedSquared: 0, acceptedOffers: 0 });
});

test('designEffect falls back to the binomial variance for one customer, one offer each, 0 % and 100 %, naming the customers', () => {
  const one = designEffect(2, 5, { customers: 1, offersSquared: 25, acceptedSquared: 4, acceptedOffers: 10 });
  assert.deepEqual([one.customers, one.reason], [1, 'binomial: one customer, so no between-customer variance can be measured']);
  assertClose(one.binomialVariance, 0.4 * 0.6 / 5, 'binomial variance', 1e-12);
  const single = designEffect(1, 3, { customers: 3, offersSquared: 3, acceptedSquared: 1, acceptedOffers: 1 });
  assert.deepEqual([single.variance, single.customers, single.reason], ['binomial', 3, 'binomial: every customer received one offer, so offers are independent']);
  const none = designEffect(0, 6, { customers: 2, offersSquared: 18, acceptedSquared: 0, acceptedOffers: 0 });
  assert.deepEqual([none.variance, none.customers, none.reason], ['binomial', 2, 'binomial: every offer was declined or unanswered, so there is no variance to cluster']);
  const all = designEffect(6, 6, { customers: 2, offersSquared: 18, acceptedSquared: 18, acceptedOffers: 18 });
  assert.deepEqual([all.variance, all.designEffect, all.reason], ['binomial', 1, 'binomial: every offer was accepted, so there is no variance to cluster']);
});

test('designEffect by hand: 3 of 4 and 0 of 4 — the whole answer and its reason', () => {
  // r = 3/8, clustered 2·(1.5² + 1.5²)/64 = 0.140625, binomial 0.375·0.625/8 = 0.029296875,
  // d = 4.8, worth 8/4.8 = 1.67 → 2 independent offers.
  const d = designEffect(3, 8, { customers: 2, offersSquared: 32, acceptedSquared: 9, acceptedOffers: 12 });
  assert.equal(d.reason, 'customer-clustered: 8 offers to 2 customers, design effect 4.8, worth 2 independent offers');
  assert.equal(d.customers, 2);
  assertClose(d.rawDesignEffect, 4.8, 'raw', 1e-12);
  assertClose(d.effectiveAccepted, 3 / 4.8, 'effective accepted', 1e-12);
});

test('designEffect of exactly 1 is not floored: 0 of 1 and 2 of 3', () => {
  // r = 2/4 = 0.5; Σ(k_c − r n_c)² = 0.5² + 0.5² = 0.5; clustered 2/1 · 0.5/16 = 1/16;
  // binomial 0.25/4 = 1/16: raw = 1 (every number a power of two, so exact in doubles).
  const d = designEffect(2, 4, { customers: 2, offersSquared: 10, acceptedSquared: 4, acceptedOffers: 6 });
  assert.equal(d.rawDesignEffect, 1);
  assert.equal(d.clusteredVariance, 1 / 16);
  assert.equal(d.reason, 'customer-clustered: 4 offers to 2 customers, design effect 1, worth 4 independent offers');
});

test('designEffect under-dispersed: floored at 1 and says so', () => {
  // Three customers with 1 of 2 each: every k_c − r n_c = 0, so the clustered variance is 0.
  const d = designEffect(3, 6, { customers: 3, offersSquared: 12, acceptedSquared: 3, acceptedOffers: 6 });
  assert.deepEqual(
    { variance: d.variance, designEffect: d.designEffect, raw: d.rawDesignEffect, clustered: d.clusteredVariance, customers: d.customers, offers: d.effectiveOffers, accepted: d.effectiveAccepted },
    { variance: 'customer-clustered', designEffect: 1, raw: 0, clustered: 0, customers: 3, offers: 6, accepted: 3 },
  );
  assert.equal(d.reason, 'customer-clustered: 6 offers to 3 customers, design effect 0 (floored at 1)');
});

test('designEffect: each check of the customer sums, at its edge, with its message', () => {
  const sums = (customers: number, offersSquared: number, acceptedSquared: number, acceptedOffers: number) => ({ customers, offersSquared, acceptedSquared, acceptedOffers });
  assert.throws(() => designEffect(2, 5, sums(1.5, 13, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: 1.5 customers'));
  assert.throws(() => designEffect(2, 5, sums(-1, 13, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: -1 customers'));
  assert.throws(() => designEffect(2, 5, sums(6, 13, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: 6 customers'));
  assert.throws(() => designEffect(2, 5, sums(0, 13, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: 0 customers'));
  assert.throws(() => designEffect(2, 5, sums(2, 4, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: Σ offers² = 4'));
  assert.throws(() => designEffect(2, 5, sums(2, 26, 2, 2)), badSums('customer sums do not fit 2 of 5 offers: Σ offers² = 26'));
  assert.throws(() => designEffect(2, 5, sums(2, 13, 1, 2)), badSums('customer sums do not fit 2 of 5 offers: Σ accepted² = 1, Σ accepted·offers = 2'));
  assert.throws(() => designEffect(2, 5, sums(2, 13, 2, 1)), badSums('customer sums do not fit 2 of 5 offers: Σ accepted² = 2, Σ accepted·offers = 1'));
  assert.throws(() => designEffect(2, 5, sums(2, 13, 2, 14)), badSums('customer sums do not fit 2 of 5 offers: Σ accepted² = 2, Σ accepted·offers = 14'));
  // No offers: every sum must be 0 (Σn² ≤ (Σn)² = 0).
  assert.throws(() => designEffect(0, 0, sums(0, 3, 0, 0)), badSums('customer sums do not fit 0 of 0 offers: Σ offers² = 3'));
  // The edges themselves are allowed: C = n, Σn² = n and = n², Σk² = k, Σk·n = k and = Σn².
  assert.doesNotThrow(() => designEffect(2, 5, sums(5, 5, 2, 2)));
  assert.doesNotThrow(() => designEffect(2, 5, sums(1, 25, 4, 10)));
  assert.doesNotThrow(() => designEffect(5, 5, sums(2, 13, 13, 13)));
});

test('effectOf: counts with customer sums use them, even when a design effect is given', () => {
  const clusters = { customers: 2, offersSquared: 32, acceptedSquared: 9, acceptedOffers: 12 };
  assertClose(effectOf({ k: 3, n: 8, clusters }).designEffect, 4.8, 'from the sums', 1e-12);
  assertClose(effectOf({ k: 3, n: 8, clusters, designEffect: 2 }).designEffect, 4.8, 'the sums win', 1e-12);
  assert.equal(effectOf({ k: 3, n: 8, clusters: null }).variance, 'binomial');
});

test('effectOf with a design effect given: scales the binomial variance and the counts, and says where it came from', () => {
  // 3 of 10, d = 2.5: binomial 0.021, clustered 0.0525, effective 4 of 10/2.5.
  const { binomialVariance, clusteredVariance, ...rest } = effectOf({ k: 3, n: 10, designEffect: 2.5 });
  assertClose(binomialVariance, 0.021, 'binomial', 1e-12);
  assertClose(clusteredVariance, 0.0525, 'clustered', 1e-12);
  assert.deepEqual(rest, {
    variance: 'customer-clustered',
    designEffect: 2.5,
    rawDesignEffect: 2.5,
    customers: null,
    effectiveOffers: 4,
    effectiveAccepted: 1.2,
    reason: "customer-clustered: design effect 2.5 measured from the customers' counts",
  });
  // Three significant digits in the reason.
  assert.equal(effectOf({ k: 3, n: 10, designEffect: 2.34567 }).reason, "customer-clustered: design effect 2.35 measured from the customers' counts");
  // No offers: no variance to scale.
  assert.equal(effectOf({ k: 0, n: 0, designEffect: 2 }).clusteredVariance, null);
  // A design effect of exactly 1 is the binomial answer itself.
  assert.deepEqual(effectOf({ k: 3, n: 10, designEffect: 1 }), designEffect(3, 10));
});

test('effectOf: a design effect below 1, NaN or infinite is a BAD_ARGUMENT at "designEffect"', () => {
  const bad = (d: number) => (e: unknown) =>
    e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'designEffect' && e.message === `a design effect must be a finite number ≥ 1, not ${d}`;
  assert.throws(() => effectOf({ k: 1, n: 4, designEffect: 0.99 }), bad(0.99));
  assert.throws(() => effectOf({ k: 1, n: 4, designEffect: Number.NaN }), bad(Number.NaN));
  assert.throws(() => effectOf({ k: 1, n: 4, designEffect: Number.POSITIVE_INFINITY }), bad(Number.POSITIVE_INFINITY));
});
