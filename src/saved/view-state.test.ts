import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { viewState } from './view-state.js';

describe('a saved view keeps the page\'s own query string', () => {
  test('every parameter the page writes is kept: comparison, not-equals and "not recorded" filters included', () => {
    const state = 'range=3m&grain=week&type=upsell&compare=year&filter=Offers.channel%21%3Demail&filter=Customers.industry%3D%E2%88%85';
    assert.equal(viewState(`?${state}`), state);
    assert.equal(viewState('compare=previous'), 'compare=previous');
  });

  test('what the page would not read is refused, naming it', () => {
    for (const [state, why] of [
      ['compare=decade', /compare='decade'/],
      ['colour=red', /'colour'/],
      ['from=2025-01-01', /only one of from and to/],
      ['grain=week&grain=month', /grain more than once/],
    ] as const) {
      assert.throws(() => viewState(state), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && why.test(e.message), state);
    }
  });
});
