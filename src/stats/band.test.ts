import { test } from 'node:test';
import assert from 'node:assert/strict';
import { band, bandWithInterval, DEFAULT_BAND_THRESHOLDS } from './band.js';
import { BENCHMARK_RATES, BENCHMARKS, benchmarkFor, standingAgainst } from './benchmarks.js';
import { UprateError } from '../core/errors.js';

test('band: > 20 % strong, 10–20 % moderate (both ends), < 10 % poor', () => {
  assert.equal(band(0.25), 'strong');
  assert.equal(band(0.2000001), 'strong');
  assert.equal(band(0.2), 'moderate');
  assert.equal(band(0.15), 'moderate');
  assert.equal(band(0.1), 'moderate');
  assert.equal(band(0.0999999), 'poor');
  assert.equal(band(0), 'poor');
  assert.equal(band(1), 'strong');
  assert.deepEqual(DEFAULT_BAND_THRESHOLDS, { strong: 0.2, poor: 0.1 });
});

test('band: thresholds are configurable and checked', () => {
  const t = { strong: 0.3, poor: 0.05 };
  assert.equal(band(0.25, t), 'moderate');
  assert.equal(band(0.04, t), 'poor');
  assert.throws(() => band(0.2, { strong: 0.1, poor: 0.2 }), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
  assert.throws(() => band(Number.NaN), UprateError);
});

test('bandWithInterval: a band only when the whole interval lies inside it', () => {
  assert.deepEqual(bandWithInterval(0.21, 0.3), { band: 'strong', determinate: true, spans: ['strong'], reason: null });
  assert.deepEqual(bandWithInterval(0.1, 0.2), { band: 'moderate', determinate: true, spans: ['moderate'], reason: null });
  assert.equal(bandWithInterval(0, 0.05).band, 'poor');
  assert.deepEqual(bandWithInterval(0.15, 0.25), {
    band: 'indeterminate',
    determinate: false,
    spans: ['moderate', 'strong'],
    reason: 'the interval 15.0%–25.0% spans moderate and strong',
  });
  const wide = bandWithInterval(0.05, 0.25);
  assert.deepEqual(wide.spans, ['poor', 'moderate', 'strong']);
  assert.equal(wide.reason, 'the interval 5.0%–25.0% spans poor, moderate and strong');
  assert.equal(bandWithInterval(0.08, 0.12, { strong: 0.3, poor: 0.05 }).band, 'moderate');
  assert.throws(() => bandWithInterval(0.3, 0.2), UprateError);
});

test('benchmarks: retail 15 % (Forrester), SaaS 25 % (Gartner), consumer goods 18 % (Nielsen)', () => {
  assert.deepEqual(BENCHMARK_RATES, { retail: 0.15, saas: 0.25, consumer_goods: 0.18 });
  assert.equal(BENCHMARKS.retail.source, 'Forrester');
  assert.equal(BENCHMARKS.saas.source, 'Gartner');
  assert.equal(BENCHMARKS.consumer_goods.source, 'Nielsen');
  assert.equal(benchmarkFor('SaaS'), BENCHMARKS.saas);
  assert.equal(benchmarkFor(' consumer goods '), BENCHMARKS.consumer_goods);
  assert.equal(benchmarkFor('consumer-goods'), BENCHMARKS.consumer_goods);
  assert.equal(benchmarkFor('fintech'), null);
  assert.equal(benchmarkFor(null), null);
  assert.ok(Object.isFrozen(BENCHMARKS) && Object.isFrozen(BENCHMARKS.retail));
});

test('standingAgainst: above, below or consistent with a reference rate', () => {
  assert.equal(standingAgainst({ lower: 0.19, upper: 0.24 }, BENCHMARK_RATES.retail), 'above');
  assert.equal(standingAgainst({ lower: 0.1, upper: 0.14 }, BENCHMARK_RATES.retail), 'below');
  assert.equal(standingAgainst({ lower: 0.14, upper: 0.2 }, BENCHMARK_RATES.retail), 'consistent');
});
