/**
 * deepFreeze (plan.ts): plain data — objects and arrays — frozen at every depth; values that are
 * not plain data (null, primitives, functions) and parts already frozen are left as they are.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepFreeze } from './plan.js';

test('objects and arrays are frozen at every depth, and the same value is returned', () => {
  const inner = { c: [1, { d: 'x' }] };
  const value = { a: inner, b: [inner.c], e: null, f: undefined, g: 'text', h: 3 };
  assert.equal(deepFreeze(value), value);
  for (const part of [value, inner, inner.c, inner.c[1], value.b]) assert.ok(Object.isFrozen(part));
});

test('null and primitives come back unchanged', () => {
  assert.equal(deepFreeze(null), null);
  assert.equal(deepFreeze(undefined), undefined);
  assert.equal(deepFreeze('text'), 'text');
  assert.equal(deepFreeze(0), 0);
});

test('a function inside is not plain data: it stays unfrozen', () => {
  const fn = () => 1;
  const value = deepFreeze({ fn });
  assert.ok(Object.isFrozen(value));
  assert.equal(Object.isFrozen(fn), false);
});

test('a part already frozen is taken as it is: it is not walked again', () => {
  const open = { n: 1 };
  const value = deepFreeze({ shared: Object.freeze({ open }) });
  assert.ok(Object.isFrozen(value));
  assert.equal(Object.isFrozen(open), false);
});
