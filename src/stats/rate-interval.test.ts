import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, reference } from '../../test/reference/stats-reference.js';
import { exactInterval } from './exact-interval.js';
import { jeffreysInterval } from './jeffreys-interval.js';
import { rateInterval } from './rate-interval.js';
import { wilsonInterval } from './wilson-interval.js';
import { UprateError } from '../core/errors.js';

test('Wilson, Jeffreys and exact intervals match statsmodels proportion_confint', () => {
  assert.ok(reference.intervals.length >= 100);
  for (const r of reference.intervals) {
    const where = `${r.k}/${r.n} at ${r.level}`;
    const w = wilsonInterval(r.k, r.n, r.level);
    assertClose(w.lower, r.wilson[0], `wilson lower ${where}`);
    assertClose(w.upper, r.wilson[1], `wilson upper ${where}`);
    const j = jeffreysInterval(r.k, r.n, r.level);
    assertClose(j.lower, r.jeffreys[0], `jeffreys lower ${where}`);
    assertClose(j.upper, r.jeffreys[1], `jeffreys upper ${where}`);
    const e = exactInterval(r.k, r.n, r.level);
    assertClose(e.lower, r.exact[0], `exact lower ${where}`);
    assertClose(e.upper, r.exact[1], `exact upper ${where}`);
  }
});

test('endpoints are exactly 0 at k = 0 and exactly 1 at k = n', () => {
  for (const f of [wilsonInterval, jeffreysInterval, exactInterval]) {
    assert.equal(f(0, 1).lower, 0);
    assert.equal(f(1, 1).upper, 1);
    assert.equal(f(0, 10_000_000).lower, 0);
    assert.equal(f(10_000_000, 10_000_000).upper, 1);
    const i = f(1, 3);
    assert.ok(i.lower > 0 && i.upper < 1 && i.lower < 1 / 3 && i.upper > 1 / 3);
  }
});

test('Wilson by hand: 18 of 100 at 95 %', () => {
  const z = 1.959963984540054;
  const centre = (0.18 + (z * z) / 200) / (1 + (z * z) / 100);
  const half = (z * Math.sqrt((0.18 * 0.82) / 100 + (z * z) / 40_000)) / (1 + (z * z) / 100);
  const w = wilsonInterval(18, 100);
  assertClose(w.lower, centre - half, 'lower', 1e-12);
  assertClose(w.upper, centre + half, 'upper', 1e-12);
});

test('rateInterval: rate, method, level; n = 0 gives nulls, never NaN', () => {
  assert.deepEqual(rateInterval(0, 0), { rate: null, lower: null, upper: null, method: 'wilson', level: 0.95 });
  assert.deepEqual(rateInterval(0, 0, { method: 'auto' }), { rate: null, lower: null, upper: null, method: 'exact', level: 0.95 });
  const r = rateInterval(18, 100, { level: 0.9 });
  assert.equal(r.rate, 0.18);
  assert.equal(r.method, 'wilson');
  assert.equal(r.level, 0.9);
  assert.deepEqual({ lower: r.lower, upper: r.upper }, wilsonInterval(18, 100, 0.9));
  assert.equal(rateInterval(3, 12, { method: 'jeffreys' }).method, 'jeffreys');
});

test("rateInterval 'auto': exact below 30 offers, Wilson from 30", () => {
  const small = rateInterval(14, 29, { method: 'auto' });
  assert.equal(small.method, 'exact');
  assert.deepEqual({ lower: small.lower, upper: small.upper }, exactInterval(14, 29));
  const large = rateInterval(15, 30, { method: 'auto' });
  assert.equal(large.method, 'wilson');
  assert.deepEqual({ lower: large.lower, upper: large.upper }, wilsonInterval(15, 30));
});

test('bad counts and levels are BAD_ARGUMENT errors naming the problem', () => {
  const bad = (f: () => unknown, words: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && words.test(e.message));
  bad(() => rateInterval(5, 4), /exceed|from 0 to n = 4/);
  bad(() => rateInterval(-1, 4), /from 0 to n/);
  bad(() => rateInterval(1.5, 4), /whole number/);
  bad(() => rateInterval(1, Number.NaN), /whole number/);
  bad(() => rateInterval(1, 4, { level: 1 }), /level/);
  bad(() => rateInterval(1, 4, { level: 0 }), /level/);
  bad(() => rateInterval(1, 4, { method: 'wald' as 'wilson' }), /unknown interval method/);
  assert.throws(() => wilsonInterval(0, 0), RangeError);
});
