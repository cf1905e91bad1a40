import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cumulativeAcceptance } from './cumulative-acceptance.js';
import { kaplanMeier } from './kaplan-meier.js';
import { rateEstimate } from './rate-estimate.js';

test('no offer still open: the share is accepted ÷ offers and the interval is the rate\'s own', () => {
  const curve = kaplanMeier({ events: [30, 15, 5], censored: [0, 0, 0], offers: 200 });
  const points = cumulativeAcceptance(curve, { level: 0.95 });
  assert.deepEqual(points.map((p) => p.days), [0, 1, 2, 3]);
  assert.deepEqual(points.map((p) => p.accepted), [0, 30, 45, 50]);
  assert.equal(points[0]?.share, 0);
  for (const [i, k] of [30, 45, 50].entries()) {
    const p = points[i + 1];
    const r = rateEstimate(k, 200);
    assert.ok(p && Math.abs(p.share - k / 200) < 1e-12);
    assert.ok(Math.abs((p?.lower ?? NaN) - (r.lower ?? NaN)) < 1e-9, `lower ${p?.lower} vs ${r.lower}`);
    assert.ok(Math.abs((p?.upper ?? NaN) - (r.upper ?? NaN)) < 1e-9);
  }
});

test('a design effect widens the interval as k/d of n/d; open offers leave the followed count', () => {
  const curve = kaplanMeier({ events: [30, 15, 5], censored: [0, 40, 0], offers: 200 });
  const plain = cumulativeAcceptance(curve, { level: 0.95 });
  const clustered = cumulativeAcceptance(curve, { level: 0.95, designEffect: 2 });
  assert.deepEqual(plain.map((p) => p.observed), [200, 200, 160, 160]);
  const last = plain.at(-1);
  const wide = clustered.at(-1);
  assert.ok(last && wide);
  assert.ok(wide.upper - wide.lower > last.upper - last.lower);
  assert.ok(Math.abs(wide.effectiveOffers - last.effectiveOffers / 2) < 1e-9);
  // Open offers at age 1 raise the share above accepted ÷ offers.
  assert.ok(last.share > 50 / 200);
  assert.throws(() => cumulativeAcceptance(curve, { level: 0.95, designEffect: 0.5 }), /design effect/);
});
