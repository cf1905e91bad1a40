import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RollupsUpkeep } from '../store/store.js';
import { Upkeep } from './upkeep.js';

test('a load’s upkeep reports each rollup as it starts, then the total and the seconds of its timed steps only', async () => {
  const seen: RollupsUpkeep[] = [];
  let clock = 1_000;
  const upkeep = new Upkeep((u) => seen.push(u), () => clock);
  upkeep.plan(2);
  await upkeep.timed(async () => {
    clock += 300;
  });
  upkeep.start('a');
  upkeep.start('b');
  // Untimed work (the rows' own writing) is not counted.
  clock += 5_000;
  await upkeep.timed(async () => {
    clock += 450;
  });
  const kept = upkeep.finish();
  assert.deepEqual(seen.slice(0, 2), [
    { done: 0, total: 2, rollup: 'a' },
    { done: 1, total: 2, rollup: 'b' },
  ]);
  assert.deepEqual(kept, { kept: 2, seconds: 0.75 });
  assert.deepEqual(seen[2], { done: 2, total: 2, seconds: 0.75 });
});

test('an upkeep that kept nothing, or whose step failed, reports nothing kept', async () => {
  const none = new Upkeep(() => assert.fail('nothing to report'));
  assert.equal(none.finish(), null);
  const failed = new Upkeep();
  failed.plan(3);
  await assert.rejects(failed.timed(() => Promise.reject(new Error('boom'))), /boom/);
  failed.fail();
  assert.equal(failed.finish(), null);
});
