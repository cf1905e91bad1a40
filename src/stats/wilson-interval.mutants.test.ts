// Added for mutants that survived (bench/mutation-report.md): the Wilson ends are set to exactly
// 0 and 1 because the formula misses them by rounding: at 95 % and n = 5, the formula's operations
// redone step by step in doubles give centre − half = 2.8e-17 for k = 0 and centre + half =
// 1 − 1.1e-16 for k = 5 (at n = 3 both happen to land on 0 and 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilsonBounds } from './wilson-interval.js';

test('wilson: exactly 0 when k = 0 and exactly 1 when k = n', () => {
  assert.equal(wilsonBounds(0, 5, 0.95).lower, 0);
  assert.equal(wilsonBounds(5, 5, 0.95).upper, 1);
});
