// Tests for what band.test.ts leaves open in benchmarks.ts: each benchmark's industry name, the
// lookup of every industry (runs of spaces and dashes, undefined), and an interval that touches
// the reference rate (not wholly above or below it: consistent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCHMARKS, benchmarkFor, standingAgainst } from './benchmarks.js';

test('each benchmark carries its own industry name', () => {
  assert.deepEqual(BENCHMARKS.retail, { industry: 'retail', rate: 0.15, source: 'Forrester' });
  assert.deepEqual(BENCHMARKS.saas, { industry: 'saas', rate: 0.25, source: 'Gartner' });
  assert.deepEqual(BENCHMARKS.consumer_goods, { industry: 'consumer_goods', rate: 0.18, source: 'Nielsen' });
});

test('benchmarkFor finds every industry, whatever the case, spaces and dashes', () => {
  assert.equal(benchmarkFor('retail'), BENCHMARKS.retail);
  assert.equal(benchmarkFor('  RETAIL\t'), BENCHMARKS.retail);
  assert.equal(benchmarkFor('saas'), BENCHMARKS.saas);
  assert.equal(benchmarkFor('consumer_goods'), BENCHMARKS.consumer_goods);
  assert.equal(benchmarkFor('Consumer - Goods'), BENCHMARKS.consumer_goods, 'a run of spaces and a dash is one underscore');
  assert.equal(benchmarkFor('consumer  goods'), BENCHMARKS.consumer_goods);
  assert.equal(benchmarkFor('consumergoods'), null);
  assert.equal(benchmarkFor('re tail'), null);
  assert.equal(benchmarkFor(undefined), null);
  assert.equal(benchmarkFor(''), null);
});

test('standingAgainst: an interval that touches the reference is consistent with it', () => {
  assert.equal(standingAgainst({ lower: 0.15, upper: 0.2 }, 0.15), 'consistent');
  assert.equal(standingAgainst({ lower: 0.1, upper: 0.15 }, 0.15), 'consistent');
  assert.equal(standingAgainst({ lower: 0.150001, upper: 0.2 }, 0.15), 'above');
  assert.equal(standingAgainst({ lower: 0.1, upper: 0.149999 }, 0.15), 'below');
});
