/** The server's shared count reads: one memo per generation of the data, started afresh past its bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allAccess } from '../query/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { bindKpi, type KpiSource } from '../kpi/index.js';
import type { Store } from '../store/index.js';
import { SHARED_READS_LIMITS, SharedReads } from './shared-reads.js';

test('one memo per generation; a new one when the data changes, when it is old, or when it holds too many rows', async () => {
  let now = 1_000_000;
  const shared = new SharedReads(() => now);
  const first = shared.for('1|');
  assert.equal(shared.for('1|'), first, 'the same generation shares');
  assert.notEqual(shared.for('2|'), first, 'new data: a new memo');
  const second = shared.for('2|');
  now += SHARED_READS_LIMITS.ageMs;
  assert.equal(shared.for('2|'), second, 'still young enough');
  now += 1;
  const third = shared.for('2|');
  assert.notEqual(third, second, 'older than the age limit: a new memo');
  now -= 10_000;
  assert.notEqual(shared.for('2|'), third, 'a clock that went back: a new memo');

  // Rows of the answers kept count against the budget.
  const model = await loadModel(shippedModelDir());
  const source: KpiSource = { store: {} as Store, model, binding: bindKpi(model, undefined), read: { now: new Date(0), access: allAccess('local') } };
  const reads = shared.for('3|');
  await reads.once(source, 'big', async () => Array.from({ length: SHARED_READS_LIMITS.rows - 1 }, (_, i) => i));
  assert.equal(reads.rows, SHARED_READS_LIMITS.rows - 1);
  assert.equal(shared.for('3|'), reads, 'under the budget');
  await reads.once(source, 'one', async () => 'one answer');
  assert.equal(reads.rows, SHARED_READS_LIMITS.rows);
  assert.notEqual(shared.for('3|'), reads, 'at the budget: a new memo');
});
