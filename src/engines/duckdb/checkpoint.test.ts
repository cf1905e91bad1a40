import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isUprateError } from '../../core/errors.js';
import { CHECKPOINT_VARIABLE, duckDbCheckpointThreshold } from './checkpoint.js';
import { DuckDbStore } from './duckdb-store.js';

const threshold = (value: string | undefined) => duckDbCheckpointThreshold(value === undefined ? {} : { [CHECKPOINT_VARIABLE]: value });

describe("a server's DuckDB checkpoint threshold", () => {
  test('unset: 128MB; a size DuckDB reads, as given', () => {
    assert.equal(threshold(undefined), '128MB');
    assert.equal(threshold(' '), '128MB');
    assert.equal(threshold('16MB'), '16MB');
    assert.equal(threshold('1 GiB'), '1GiB');
  });

  test('anything else is refused naming the variable', () => {
    for (const bad of ['lots', '128', '50%', '-1MB', '12 parsecs']) {
      assert.throws(() => threshold(bad), (e: unknown) => isUprateError(e) && e.code === 'CONFIG_INVALID' && e.location === CHECKPOINT_VARIABLE && e.message.includes(bad), bad);
    }
  });

  test('DuckDB takes the value (its own default is 16 MB)', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const read = async () => String((await store.query("SELECT current_setting('checkpoint_threshold') AS v"))[0]?.['v']);
      assert.equal(await read(), '16.0 MiB');
      await store.run(`SET GLOBAL checkpoint_threshold = '${threshold(undefined)}'`);
      assert.equal(await read(), '122.0 MiB'); // 128 × 10^6 bytes
    } finally {
      await store.close();
    }
  });
});
