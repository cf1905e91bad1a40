// Tests for fisherExactTest's argument checks, which the reference tests (valid counts only) leave
// open: bad counts in either group are reported at "fisherExactTest".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { fisherExactTest } from './fisher-exact-test.js';

test('fisherExactTest: bad counts in either group are a BAD_ARGUMENT at "fisherExactTest"', () => {
  const bad = (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'fisherExactTest';
  assert.throws(() => fisherExactTest(5, 4, 1, 4), bad);
  assert.throws(() => fisherExactTest(1, 4, 5, 4), bad);
});

test('fisherExactTest: a table exactly (1 + 1e-7) times as likely as the observed one still counts as extreme', () => {
  // Margins 440,000,052 and 440,000,053 offers, 62 acceptances: a table with x acceptances in the
  // first group and its mirror 62 − x have the exact ratio P(62 − x)/P(x) = (n1 + 1 − 62 + x)/(n1 + 1 − x);
  // n1 = 44·10⁷ + 52 makes it 440,000,044/440,000,000 = 1 + 1e-7 for x = 53 (Python fractions:
  // 10000001/10000000). So the mirror (9 in the first group) sits exactly on the tolerance and is
  // counted: p = Σ P(t) over t ≤ 9 and t ≥ 53 = 1.05072213248581367e-8 (exact rationals).
  // Without it (scipy's 1e-14 tolerance) p would be 6.1082725e-9.
  assertClose(fisherExactTest(53, 440000052, 9, 440000053).pValue, 1.05072213248581367e-8, 'p', 1e-12);
});
