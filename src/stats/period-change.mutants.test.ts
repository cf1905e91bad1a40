// Added for a mutant that survived (bench/mutation-report.md): with no current offers there is no
// difference, so no relative change either, even though the previous rate exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { periodChange } from './period-change.js';

test('periodChange: no relative change when the current period has no offers', () => {
  const c = periodChange({ k: 0, n: 0 }, { k: 1, n: 2 });
  assert.equal(c.difference, null);
  assert.equal(c.rateB, 0.5);
  assert.equal(c.relativeChange, null);
});
