// Tests added for mutants that survived the correction tests (bench/mutation-report.md): the
// p-value check and its location, an unknown method, and ascendingRanks with nulls and ties.
// Expected values by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UprateError } from '../core/errors.js';
import { adjustPValues, ascendingRanks } from './p-value-adjustment.js';

const bad = (location: string, message: RegExp) => (e: unknown) =>
  e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && message.test(e.message);

test('adjustPValues: a p-value outside [0, 1] is refused where it stands; 0 and 1 are allowed', () => {
  assert.throws(() => adjustPValues([0.1, 1.5]), bad('pValues[1]', /^p-values must lie between 0 and 1, not 1\.5$/));
  assert.throws(() => adjustPValues([null, -0.1]), bad('pValues[1]', /not -0\.1$/));
  assert.throws(() => adjustPValues([Number.NaN]), bad('pValues[0]', /not NaN$/));
  // Bonferroni by hand: min(1, 2p).
  assert.deepEqual(adjustPValues([0, 1], 'bonferroni'), [0, 1]);
});

test('adjustPValues: an unknown method is an error at "method" with the three names', () => {
  assert.throws(
    () => adjustPValues([0.1], 'nope' as 'holm'),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'method' && e.message === 'unknown correction nope' && e.hint === "use 'holm', 'bh' or 'bonferroni'",
  );
});

test('ascendingRanks: 1-based, nulls keep no rank, ties in input order', () => {
  assert.deepEqual(ascendingRanks([0.5, null, 0.1, 0.5, 0.3]), [3, null, 1, 4, 2]);
  assert.deepEqual(ascendingRanks([0.2, 0.2, 0.2]), [1, 2, 3]);
  assert.deepEqual(ascendingRanks([null, null]), [null, null]);
});
