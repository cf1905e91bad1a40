// Tests for what correction-family.test.ts leaves open in compareSegments: segments with customer
// sums (the rest of a segment carries the other segments' sums, added), a segment without sums
// (then no rest is clustered), and the options (level, method, test) reaching every comparison
// and the family. Design effects by hand from C/(C − 1)·Σ(k_c − r n_c)²/n² over r(1 − r)/n.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { compareSegments } from './segment-comparison.js';

// Per customer (offers, accepted): a = (4, 3), (4, 0); b = (2, 1), (2, 2); c = (3, 0), (1, 1).
const a = { label: 'a', k: 3, n: 8, clusters: { customers: 2, offersSquared: 32, acceptedSquared: 9, acceptedOffers: 12 } };
const b = { label: 'b', k: 3, n: 4, clusters: { customers: 2, offersSquared: 8, acceptedSquared: 5, acceptedOffers: 6 } };
const c = { label: 'c', k: 1, n: 4, clusters: { customers: 2, offersSquared: 10, acceptedSquared: 1, acceptedOffers: 1 } };
const empty = { label: 'empty', k: 0, n: 0 };

test('compareSegments with customer sums: each rest is clustered with the other segments’ customers', () => {
  const r = compareSegments([a, b, c, empty]);
  const [sa, sb, sc] = r.segments;
  assert.ok(sa && sb && sc);
  // a: r = 3/8, Σ(k_c − r n_c)² = 1.5² + 1.5² = 4.5, clustered 2·4.5/64, binomial 0.375·0.625/8: d = 4.8.
  // Rest of a = b + c: 4 of 8, r = 0.5, squares 0² + 1² + 1.5² + 0.5² = 3.5,
  // clustered (4/3)·3.5/64 = 0.0729167, binomial 0.25/8 = 0.03125: d = 7/3.
  assertClose(sa.comparison.designEffects[0], 4.8, 'a', 1e-12);
  assertClose(sa.comparison.designEffects[1], 7 / 3, 'rest of a', 1e-12);
  // b: r = 0.75, squares 0.5² + 0.5² = 0.5, clustered 2·0.5/16 = 0.0625, binomial 0.1875/4: d = 4/3.
  // Rest of b = a + c: 4 of 12, r = 1/3, squares (5/3)² + (4/3)² + 1² + (2/3)² = 6,
  // clustered (4/3)·6/144, binomial (2/9)/12: d = 3.
  assertClose(sb.comparison.designEffects[0], 4 / 3, 'b', 1e-12);
  assertClose(sb.comparison.designEffects[1], 3, 'rest of b', 1e-12);
  assert.equal(sb.comparison.variance, 'customer-clustered');
  // The empty segment has no sums and no offers: it does not stop the others being clustered.
  assert.equal(r.segments[3]?.comparison.pValue, null);
});

test('compareSegments: when a segment with offers has no customer sums, no rest is clustered', () => {
  const { clusters: _dropped, ...plainC } = c;
  const r = compareSegments([a, b, plainC]);
  assertClose(r.segments[0]?.comparison.designEffects[0], 4.8, 'a keeps its own sums', 1e-12);
  assert.equal(r.segments[0]?.comparison.designEffects[1], 1, 'rest of a: binomial');
  assert.equal(r.segments[1]?.comparison.designEffects[1], 1, 'rest of b: binomial');
});

test('compareSegments: level, method and test reach every comparison and the family', () => {
  const groups = [
    { label: 'x', k: 30, n: 100 },
    { label: 'y', k: 18, n: 100 },
    { label: 'z', k: 25, n: 150 },
  ];
  const r = compareSegments(groups, { level: 0.9, method: 'bonferroni', test: 'fisher' });
  assert.equal(r.family.method, 'bonferroni');
  assertClose(r.family.alpha, 0.1, 'α = 1 − level', 1e-12);
  for (const s of r.segments) {
    assert.equal(s.comparison.level, 0.9);
    assert.equal(s.comparison.test, 'fisher');
    // Bonferroni over 3: the interval level 1 − 0.1/3.
    assertClose(s.adjustedLevel, 1 - 0.1 / 3, `${s.label} adjusted level`, 1e-12);
  }
  const defaults = compareSegments(groups);
  assert.equal(defaults.family.method, 'holm');
  assertClose(defaults.family.alpha, 0.05, 'α', 1e-12);
  assert.equal(defaults.segments[0]?.comparison.level, 0.95);
  assert.equal(defaults.segments[0]?.comparison.test, 'z', 'auto: every expected count ≥ 5');
  assert.throws(() => compareSegments(groups, { level: 1 }), (e: unknown) => e instanceof UprateError && e.location === 'level');
});

test("each segment carries its Holm-adjusted p-value: two segments, each against the other, so p̃ = min(1, 2p)", () => {
  const r = compareSegments([
    { label: 'a', k: 40, n: 400 },
    { label: 'b', k: 45, n: 300 },
  ]);
  for (const s of r.segments) {
    const p = s.comparison.pValue;
    assert.ok(p !== null && p > 0 && p < 0.5, `p = ${String(p)}`);
    assert.equal(s.adjustedPValue, Math.min(1, 2 * p));
  }
});
