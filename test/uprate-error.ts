import assert from 'node:assert/strict';
import { UprateError } from '../src/core/errors.js';

/** The UprateError `fn` throws, checked for its code and location (the fields a user's fix reads). */
export function refused(fn: () => unknown, code: string, location: string): UprateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UprateError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.location, location);
    return e;
  }
  assert.fail('expected an error');
}
