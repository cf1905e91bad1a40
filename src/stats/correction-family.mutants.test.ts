// Tests for the edges of correctFamily, describeFamily and adjustedIntervalLevels that
// correction-family.test.ts leaves open: an empty family, an adjusted p-value exactly at α, the
// α check, mismatched lengths, and the step levels of BH and Bonferroni. Values by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { adjustedIntervalLevels, correctFamily, describeFamily } from './correction-family.js';

test('describeFamily: an empty family lists nobody; Bonferroni by name', () => {
  assert.equal(describeFamily('holm', 0.05, []), 'Holm correction across 0 comparisons (α = 0.05)');
  assert.equal(describeFamily('bonferroni', 0.01, ['a', 'b']), 'Bonferroni correction across 2 comparisons (α = 0.01): a, b');
  const none = correctFamily([{ label: 'x', pValue: null }]);
  assert.deepEqual(none.family, { method: 'holm', alpha: 0.05, size: 0, members: [], excluded: ['x'], description: 'Holm correction across 0 comparisons (α = 0.05)' });
});

test('correctFamily: an adjusted p-value exactly at α is significant (p̃ ≤ α)', () => {
  // One hypothesis: every method leaves p unchanged, p̃ = 0.05.
  const r = correctFamily([{ label: 'only', pValue: 0.05 }]);
  assert.deepEqual(r.hypotheses[0], { label: 'only', pValue: 0.05, adjustedPValue: 0.05, significant: true, intervalLevel: 0.95 });
  assert.equal(correctFamily([{ label: 'only', pValue: 0.0500001 }]).hypotheses[0]?.significant, false);
});

test('correctFamily: alpha is checked and used', () => {
  assert.throws(() => correctFamily([], { alpha: 1 }), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'alpha');
  const r = correctFamily([{ label: 'a', pValue: 0.04 }], { alpha: 0.01, method: 'bh' });
  assert.deepEqual([r.family.alpha, r.family.method, r.hypotheses[0]?.significant], [0.01, 'bh', false]);
  // 1 − α·p/p̃ = 1 − 0.01·1.
  assertClose(r.hypotheses[0]?.intervalLevel, 0.99, 'level', 1e-12);
});

test('adjustedIntervalLevels: lengths must match; clipped p̃ falls back to the BH and Bonferroni step levels', () => {
  assert.throws(
    () => adjustedIntervalLevels([0.1, 0.2], [0.2], 'holm', 0.05),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'adjusted' && e.message === 'p-values and adjusted p-values must have the same length',
  );
  // p̃ = 1 (clipped): BH rank r of m → 1 − α·r/m; Bonferroni → 1 − α/m. Nulls stay null.
  const bh = adjustedIntervalLevels([0.7, null, 0.9], [1, null, 1], 'bh', 0.05);
  assertClose(bh[0], 1 - 0.05 * (1 / 2), 'bh rank 1 of 2', 1e-12);
  assert.equal(bh[1], null);
  assertClose(bh[2], 1 - 0.05 * (2 / 2), 'bh rank 2 of 2', 1e-12);
  const bonferroni = adjustedIntervalLevels([0.7, 0.9, 0.8], [1, 1, 1], 'bonferroni', 0.05);
  for (const l of bonferroni) assertClose(l, 1 - 0.05 / 3, 'bonferroni step', 1e-12);
  // Holm ranks 1, 3, 2 of 3: 1 − α/(m − rank + 1) = 1 − α/3, 1 − α/1, 1 − α/2.
  const holm = adjustedIntervalLevels([0.7, 0.9, 0.8], [1, 1, 1], 'holm', 0.05);
  assertClose(holm[0], 1 - 0.05 / 3, 'holm rank 1', 1e-12);
  assertClose(holm[1], 1 - 0.05, 'holm rank 3', 1e-12);
  assertClose(holm[2], 1 - 0.05 / 2, 'holm rank 2', 1e-12);
  // A missing adjusted value (shorter arrays cannot happen, but undefined entries can) is null.
  assert.deepEqual(adjustedIntervalLevels([0.1], [null], 'holm', 0.05), [null]);
});
