import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, interval, NO_NUMBER, NULL_VALUE, ofOffers, percent, points, pValue, signed } from './display.js';

test('one convention: "17.6%", "+2.3 points", "1,234", "p = 0.034"; a missing number is a dash', () => {
  assert.equal(percent(0.17634), '17.6%');
  assert.equal(percent(0.2, 0), '20%');
  assert.equal(percent(null), '—');
  assert.equal(interval(0.179, 0.1874), '17.9%–18.7%');
  assert.equal(interval(null, 0.2), '—');
  assert.equal(points(2.345), '+2.3 points');
  assert.equal(points(-1.25, 2), '−1.25 points');
  assert.equal(points(-0.04), '0.0 points', 'a change that rounds to zero has no sign');
  assert.equal(points(null), '—');
  assert.equal(signed(-3), '−3.0');
  assert.equal(count(1234567), '1,234,567');
  assert.equal(count(null), '—');
  assert.equal(pValue(0.0342), 'p = 0.034');
  assert.equal(pValue(0.5), 'p = 0.5');
  assert.equal(pValue(0.00049), 'p < 0.001');
  assert.equal(pValue(null), 'p = —');
  assert.equal(ofOffers(312, 3590), '312 of 3,590 offers');
  assert.equal(NO_NUMBER, '—');
  assert.equal(NULL_VALUE, '(none)');
});
