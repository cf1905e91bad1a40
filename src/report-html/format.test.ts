import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatter } from './format.js';

test('numbers follow the locale; missing values are a dash', () => {
  const en = formatter('en-US');
  assert.equal(en.percent(0.18342), '18.3%');
  assert.equal(en.interval(0.179, 0.187), '17.9–18.7%');
  assert.equal(en.count(200000), '200,000');
  assert.equal(en.money(1234567.8), '1.2M');
  assert.equal(en.points(1.234), '+1.2 pts');
  assert.equal(en.points(-0.5), '−0.5 pts');
  assert.equal(en.pValue(0.0342), 'p = 0.034');
  assert.equal(en.pValue(1e-9), 'p < 0.001');
  assert.equal(en.probability(0.9999), '>99.9%');
  assert.equal(en.day('2025-06-30'), 'Jun 30, 2025');
  assert.equal(en.period('2025-04-01', 'quarter'), 'Q2 2025');
  assert.equal(en.period('2025-04-01', 'month'), 'Apr 2025');
  assert.equal(en.percent(null), '–');
  const de = formatter('de-DE');
  assert.equal(de.percent(0.18342), '18,3\u00a0%');
  assert.equal(de.interval(0.179, 0.187), '17,9–18,7\u00a0%');
  assert.equal(de.count(200000), '200.000');
  assert.equal(formatter('not a locale!').locale, 'en-US');
});
