// Tests added for mutants that survived chi-square-homogeneity.test.ts (bench/mutation-report.md):
// the smallest expected count, the Rao–Scott division by the mean design effect, and where bad
// counts are reported. Expected values by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { chiSquareHomogeneity } from './chi-square-homogeneity.js';

// 10, 20 and 30 of 100: pooled rate 0.2, expected 20 accepted and 80 not in each row;
// X² = (10² + 0 + 10²) / 20 + (10² + 0 + 10²) / 80 = 10 + 2.5 = 12.5.
const GROUPS = [{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }];

test('chiSquareHomogeneity: the smallest expected count is the smallest cell', () => {
  const r = chiSquareHomogeneity(GROUPS);
  assert.equal(r.statistic, 12.5);
  assert.equal(r.minExpected, 20);
});

test('chiSquareHomogeneity: clustered offers divide X² by the offer-weighted mean design effect', () => {
  // Design effects 2, 2, 2: mean (100·2 · 3) / 300 = 2, so X² = 12.5 / 2 = 6.25.
  const r = chiSquareHomogeneity(GROUPS.map((g) => ({ ...g, designEffect: 2 })));
  assert.equal(r.designEffect, 2);
  assert.equal(r.statistic, 6.25);
  // Design effects 1, 1, 4 over 100 offers each: mean (100 + 100 + 400) / 300 = 2 again.
  const mixed = chiSquareHomogeneity([{ ...GROUPS[0]!, designEffect: 1 }, GROUPS[1]!, { ...GROUPS[2]!, designEffect: 4 }]);
  assert.equal(mixed.designEffect, 2);
  assert.equal(mixed.statistic, 6.25);
});

test('chiSquareHomogeneity: a bad group is named by its position', () => {
  assert.throws(
    () => chiSquareHomogeneity([{ k: 1, n: 2 }, { k: 3, n: 2 }]),
    (e: unknown) => e instanceof UprateError && e.location === 'chiSquareHomogeneity group 1',
  );
});
