import assert from 'node:assert/strict';
import { UprateError } from '../src/core/errors.js';

/** What else a refusal must say: its whole message (or a pattern of it) and its hint. */
export interface RefusalText {
  readonly message?: string | RegExp;
  readonly hint?: RegExp;
}

/** The UprateError `fn` throws, checked for its code and location (the fields a user's fix reads), and its text when given. */
export function refused(fn: () => unknown, code: string, location: string, text: RefusalText = {}): UprateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UprateError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.location, location);
    if (typeof text.message === 'string') assert.equal(e.message, text.message);
    else if (text.message) assert.match(e.message, text.message);
    if (text.hint) assert.match(e.hint ?? '', text.hint);
    return e;
  }
  assert.fail('expected an error');
}
