import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { allSettled, inParallel } from './in-parallel.js';

test('answers in the items’ order, never more than the limit at once', async () => {
  let running = 0;
  let most = 0;
  // Later items finish first: the order of the answers is still the items'.
  const out = await inParallel([5, 4, 3, 2, 1, 0], 3, async (ms, i) => {
    running += 1;
    most = Math.max(most, running);
    await sleep(ms * 4);
    running -= 1;
    return `${i}:${ms}`;
  });
  assert.deepEqual(out, ['0:5', '1:4', '2:3', '3:2', '4:1', '5:0']);
  assert.equal(most, 3);
});

test('a failure: nothing more starts, and the error comes only after the work under way has ended', async () => {
  const started: number[] = [];
  const ended: number[] = [];
  const failed = inParallel([0, 1, 2, 3, 4, 5], 2, async (n) => {
    started.push(n);
    if (n === 1) throw new Error('item 1 failed');
    await sleep(30);
    ended.push(n);
    return n;
  });
  await assert.rejects(failed, /item 1 failed/);
  // Item 0 was under way when item 1 failed: it ended before the error reached the caller, and no item started after the failure.
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(ended, [0]);
});

test('the first error is the one thrown when several fail; no items and odd limits are fine', async () => {
  await assert.rejects(
    inParallel([10, 1], 2, async (ms) => {
      await sleep(ms);
      throw new Error(`failed after ${ms} ms`);
    }),
    /failed after 1 ms/,
  );
  assert.deepEqual(await inParallel([], 4, async () => 1), []);
  assert.deepEqual(await inParallel([1, 2, 3], 0, async (n) => n * 2), [2, 4, 6]);
  assert.deepEqual(await inParallel([1, 2], 10, async (n) => n + 1), [2, 3]);
});

test('allSettled: every result in order; a failure thrown only once the others have ended', async () => {
  const [a, b] = await allSettled([sleep(20).then(() => 'slow'), Promise.resolve(2)]);
  assert.deepEqual([a, b], ['slow', 2]);
  let ended = false;
  const failed = allSettled([Promise.reject(new Error('first failed')), sleep(30).then(() => (ended = true)), Promise.reject(new Error('second failed'))]);
  await assert.rejects(failed, /first failed/);
  assert.equal(ended, true);
});
