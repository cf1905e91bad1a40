import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultCache } from './result-cache.js';

const answer = (value: number) => ({ value, refreshedAt: new Date(0) });

test('answers repeated keys, forgets on invalidate, drops answers computed before a change', () => {
  const cache = new ResultCache<number>(1000);
  const v = cache.currentVersion();
  cache.set('a', answer(1), v, 10);
  assert.equal(cache.get('a')?.value, 1);
  cache.invalidate();
  assert.equal(cache.get('a'), undefined);
  // Computed while an ingest committed: never stored.
  cache.set('b', answer(2), v, 10);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.hits, 1);
  assert.equal(cache.misses, 2);
});

test('stays within its byte budget, evicting the least recently used', () => {
  const cache = new ResultCache<number>(1000);
  const v = cache.currentVersion();
  cache.set('a', answer(1), v, 240);
  cache.set('b', answer(2), v, 240);
  cache.set('c', answer(3), v, 240);
  cache.get('a');
  cache.set('d', answer(4), v, 240);
  cache.set('e', answer(5), v, 240);
  assert.ok(cache.usedBytes <= 1000);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a')?.value, 1);
  cache.set('huge', answer(6), v, 600);
  assert.equal(cache.get('huge'), undefined);
});
