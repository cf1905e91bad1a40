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

test('adjustedIntervalLevels: Holm lifted by the step-down maximum uses p/p̃, not the rank step', () => {
  // Holm on 0.01, 0.011, 0.04 (m = 3): 3·0.01 = 0.03, 2·0.011 = 0.022 → lifted to 0.03, 1·0.04 = 0.04.
  // Levels 1 − α·p/p̃ at α = 0.05: 1 − 0.05·(0.01/0.03), 1 − 0.05·(0.011/0.03), 1 − 0.05·(0.04/0.04).
  // The second is not the rank step 1 − 0.05/2 = 0.975: 1 − 0.05·0.36667 = 0.981667.
  const levels = adjustedIntervalLevels([0.01, 0.011, 0.04], [0.03, 0.03, 0.04], 'holm', 0.05);
  const expected = [1 - 0.05 / 3, 1 - (0.05 * 0.011) / 0.03, 0.95];
  for (const [i, e] of expected.entries()) assertClose(levels[i], e, `level ${i}`, 1e-12);
});

test('adjustedIntervalLevels: a p-value clipped to 1 takes its rank step — Holm 1 − α for the last rank, BH 1 − α·rank/m', () => {
  // Holm on 0.01, 0.02, 1: p̃ = 0.03, 0.04, 1; the third (rank 3 of 3) steps α/(3 − 3 + 1) = α.
  const holm = adjustedIntervalLevels([0.01, 0.02, 1], [0.03, 0.04, 1], 'holm', 0.05);
  assertClose(holm[2], 0.95, 'holm, clipped', 1e-12);
  // BH on the same: p̃ = 0.03, 0.03, 1; the third steps α·3/3 = α.
  const bh = adjustedIntervalLevels([0.01, 0.02, 1], [0.03, 0.03, 1], 'bh', 0.05);
  assertClose(bh[2], 0.95, 'bh, clipped', 1e-12);
  // The last rank steps α under either rule (m/m = 1/(m − m + 1) = 1); a middle one tells them
  // apart. BH on 0.01, 0.7, 1: p̃ = 0.03, min(1, 3·0.7/2, 3·1/3) = 1, 1; the second (rank 2 of 3)
  // is clipped and steps α·2/3 → 1 − 0.05·2/3 = 0.96666…, not Holm's α/(3 − 2 + 1) → 0.975.
  const bhMiddle = adjustedIntervalLevels([0.01, 0.7, 1], [0.03, 1, 1], 'bh', 0.05);
  assertClose(bhMiddle[1], 1 - (0.05 * 2) / 3, 'bh, clipped at rank 2 of 3', 1e-12);
  // A p-value of 0 (p̃ = 0) also takes the step: Holm rank 1 of 2 steps α/2.
  const zero = adjustedIntervalLevels([0, 0.3], [0, 0.3], 'holm', 0.05);
  assertClose(zero[0], 0.975, 'p = 0', 1e-12);
});

test('adjustedIntervalLevels: a test without an adjusted p-value has no level', () => {
  assert.deepEqual(adjustedIntervalLevels([0.01, 0.02], [0.02, null], 'holm', 0.05).map((l) => l === null), [false, true]);
});
