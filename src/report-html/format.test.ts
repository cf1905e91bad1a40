import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, interval, NO_NUMBER, percent, points, pValue } from '../core/display.js';
import { formatter } from './format.js';

test('numbers follow the locale; missing numbers are NO_NUMBER', () => {
  const en = formatter('en-US');
  assert.equal(en.percent(0.18342), '18.3%');
  assert.equal(en.interval(0.179, 0.187), '17.9%–18.7%');
  assert.equal(en.count(200000), '200,000');
  assert.equal(en.money(1234567.8), '$1.2M');
  assert.equal(en.points(1.234), '+1.2 points');
  assert.equal(en.points(-0.5), '−0.5 points');
  assert.equal(en.points(-0.04), '0.0 points');
  assert.equal(en.pValue(0.0342), 'p = 0.034');
  assert.equal(en.pValue(1e-9), 'p < 0.001');
  assert.equal(en.probability(0.9999), '>99.9%');
  assert.equal(en.day('2025-06-30'), 'Jun 30, 2025');
  assert.equal(en.period('2025-04-01', 'quarter'), 'Q2 2025');
  assert.equal(en.period('2025-04-01', 'month'), 'Apr 2025');
  assert.equal(en.percent(null), '—');
  assert.equal(en.pValue(null), 'p = —');
  const de = formatter('de-DE');
  assert.equal(de.percent(0.18342), '18,3\u00a0%');
  assert.equal(de.interval(0.179, 0.187), '17,9\u00a0%–18,7\u00a0%');
  assert.equal(de.count(200000), '200.000');
  assert.equal(formatter('not a locale!').locale, 'en-US');
});

test('in en-US the report writes numbers as every command does (src/core/display.ts)', () => {
  const en = formatter('en-US');
  for (const x of [0, 0.0004, 0.17634, 0.2, 0.99951, 1, null]) {
    assert.equal(en.percent(x), percent(x));
    assert.equal(en.percent(x, 0), percent(x, 0));
  }
  for (const x of [2.345, -1.25, 0.04, -0.04, 0, 12.06, null]) assert.equal(en.points(x), points(x));
  for (const p of [0.5, 0.0342, 0.012, 0.001, 0.00049, 1, null]) assert.equal(en.pValue(p), pValue(p));
  for (const n of [0, 7, 1234, 200000, null]) assert.equal(en.count(n), count(n));
  assert.equal(en.interval(0.179, 0.1874), interval(0.179, 0.1874));
  assert.equal(en.interval(null, 0.2), NO_NUMBER);
});

test('money in the configured currency (Intl), USD by default', () => {
  assert.equal(formatter('en-US').currency, 'USD');
  assert.equal(formatter('en-US', { currency: 'EUR' }).money(1234567.8), '€1.2M');
  assert.equal(formatter('en-GB', { currency: 'GBP' }).money(5400), '£5.4k');
  assert.equal(formatter('de-DE', { currency: 'EUR' }).money(1234567.8), '1,2\u00a0Mio.\u00a0€');
  assert.equal(formatter('ja-JP', { currency: 'JPY' }).money(1234567.8), '￥123.5万');
  assert.equal(formatter('en-US', { currency: 'EUR' }).money(null), NO_NUMBER);
});

test('translated words: German and French reports, English otherwise', () => {
  const de = formatter('de-DE', { translate: true });
  assert.equal(de.percent(0.18342), '18,3\u00a0%');
  assert.equal(de.points(1.234), '+1,2 Prozentpunkte');
  assert.equal(de.words.sections.trend, 'Verlauf');
  assert.equal(de.words.band.between('moderate', 'strong'), 'zwischen mittel und stark');
  const fr = formatter('fr-FR', { translate: true });
  assert.equal(fr.percent(0.18342), '18,3\u00a0%');
  assert.equal(fr.words.sections.bySegment, 'Par segment');
  assert.equal(fr.words.band.between('poor', 'moderate'), 'entre faible et moyen');
  // Without translate (the dashboard), the words stay English whatever the locale.
  assert.equal(formatter('de-DE').points(1.234), '+1,2 points');
  assert.equal(formatter('es-ES', { translate: true }).words.language, 'en');
});
