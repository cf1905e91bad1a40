// Tests for fisherExactTest's argument checks, which the reference tests (valid counts only) leave
// open: bad counts in either group are reported at "fisherExactTest".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { fisherExactTest } from './fisher-exact-test.js';

test('fisherExactTest: bad counts in either group are a BAD_ARGUMENT at "fisherExactTest"', () => {
  const bad = (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'fisherExactTest';
  assert.throws(() => fisherExactTest(5, 4, 1, 4), bad);
  assert.throws(() => fisherExactTest(1, 4, 5, 4), bad);
});
