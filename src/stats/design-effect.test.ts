import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { addMoments, designEffect, effectOf, type ClusterMoments } from './design-effect.js';
import { rateEstimate } from './rate-estimate.js';
import { wilsonInterval } from './wilson-interval.js';

/** Customer sums of per-customer [offers, accepted] pairs. */
function moments(perCustomer: readonly (readonly [number, number])[]): { k: number; n: number; m: ClusterMoments } {
  let k = 0;
  let n = 0;
  const m = { customers: 0, offersSquared: 0, acceptedSquared: 0, acceptedOffers: 0 };
  for (const [nc, kc] of perCustomer) {
    n += nc;
    k += kc;
    m.customers += 1;
    m.offersSquared += nc * nc;
    m.acceptedSquared += kc * kc;
    m.acceptedOffers += kc * nc;
  }
  return { k, n, m };
}

const close = (a: number | null | undefined, b: number, what: string, tol = 1e-9) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('by hand: 3 of 4 and 0 of 4 from two customers', () => {
  const { k, n, m } = moments([
    [4, 3],
    [4, 0],
  ]);
  // r = 3/8; clustered 2/1 · ((3 − 1.5)² + (0 − 1.5)²)/8² = 0.140625; binomial 0.375·0.625/8 = 0.029296875
  const d = designEffect(k, n, m);
  assert.equal(d.variance, 'customer-clustered');
  close(d.clusteredVariance, 0.140625, 'clustered variance');
  close(d.binomialVariance, 0.029296875, 'binomial variance');
  close(d.designEffect, 4.8, 'design effect');
  close(d.effectiveOffers, 8 / 4.8, 'effective offers');
});

test('independent offers: one offer per customer, one customer, 0 % or 100 %, no sums — the binomial variance', () => {
  const one = moments([
    [1, 1],
    [1, 0],
    [1, 0],
  ]);
  assert.equal(designEffect(one.k, one.n, one.m).designEffect, 1);
  assert.equal(designEffect(one.k, one.n, one.m).variance, 'binomial');
  assert.equal(designEffect(2, 5, { customers: 1, offersSquared: 25, acceptedSquared: 4, acceptedOffers: 10 }).variance, 'binomial');
  assert.equal(designEffect(0, 6, { customers: 2, offersSquared: 18, acceptedSquared: 0, acceptedOffers: 0 }).designEffect, 1);
  assert.equal(designEffect(3, 10).variance, 'binomial');
  // and then the interval is the plain one
  assert.deepEqual(
    (({ lower, upper }) => ({ lower, upper }))(rateEstimate(one.k * 20, one.n * 20, { clusters: { customers: 60, offersSquared: 60, acceptedSquared: 20, acceptedOffers: 20 } })),
    wilsonInterval(20, 60),
  );
});

test('under-dispersion is floored at 1; the raw ratio is kept', () => {
  // Each customer accepted exactly one of two offers: less spread than independent offers.
  const { k, n, m } = moments([
    [2, 1],
    [2, 1],
    [2, 1],
  ]);
  const d = designEffect(k, n, m);
  assert.equal(d.designEffect, 1);
  assert.equal(d.rawDesignEffect, 0);
});

test('customer sums that cannot come from the counts are a BAD_ARGUMENT naming them', () => {
  const bad = (f: () => unknown) => assert.throws(f, (e) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'clusters');
  bad(() => designEffect(2, 5, { customers: 6, offersSquared: 5, acceptedSquared: 2, acceptedOffers: 2 }));
  bad(() => designEffect(2, 5, { customers: 2, offersSquared: 4, acceptedSquared: 2, acceptedOffers: 2 }));
  bad(() => designEffect(2, 5, { customers: 2, offersSquared: 13, acceptedSquared: 1, acceptedOffers: 2 }));
  assert.throws(() => effectOf({ k: 1, n: 4, designEffect: 0.5 }), /design effect must be a finite number ≥ 1/);
});

test('moments of disjoint groups add up', () => {
  const a = moments([[3, 1], [2, 2]]);
  const b = moments([[4, 0]]);
  const all = moments([[3, 1], [2, 2], [4, 0]]);
  assert.deepEqual(addMoments(a.m, b.m), all.m);
});

test('statsmodels: the design effect and interval of every fixture group (OLS with cov_type=cluster)', () => {
  // Per-customer counts by plain SQL (kpi-fixture-counts.ts) and statsmodels' numbers (kpi_reference.py).
  const dir = new URL('../../test/reference/', import.meta.url);
  const counts = JSON.parse(readFileSync(new URL('kpi-counts.json', dir), 'utf8'));
  const ref = JSON.parse(readFileSync(new URL('kpi-reference.json', dir), 'utf8'));
  const groups: [string, { perCustomer: [number, number][] }, { designEffect: number; lower: number; upper: number; clusteredVariance: number | null }][] = [
    ['total', counts.total, ref.total.wilson],
    ...counts.months.map((g: { label: string; perCustomer: [number, number][] }, i: number) => [`month ${g.label}`, g, ref.months.rates[i]] as const),
  ];
  assert.ok(groups.length >= 7);
  for (const [name, group, expected] of groups) {
    const { k, n, m } = moments(group.perCustomer);
    const d = designEffect(k, n, m);
    close(d.designEffect, expected.designEffect, `${name} design effect`);
    if (expected.clusteredVariance !== null) close(d.clusteredVariance, expected.clusteredVariance, `${name} clustered variance`, 1e-9);
    const r = rateEstimate(k, n, { clusters: m });
    close(r.lower, expected.lower, `${name} lower`);
    close(r.upper, expected.upper, `${name} upper`);
  }
});
