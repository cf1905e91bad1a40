import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isUprateError } from '../../core/errors.js';
import { DuckDbStore } from './duckdb-store.js';
import { duckDbMemoryLimit, MEMORY_LIMIT_VARIABLE } from './memory-limit.js';

const GIB = 2 ** 30;
const limit = (value: string | undefined, machine = 10 * GIB) => duckDbMemoryLimit(value === undefined ? {} : { [MEMORY_LIMIT_VARIABLE]: value }, machine);

describe('DuckDB memory limit', () => {
  test('unset: 60 % of the machine; a share of it; a size DuckDB reads, as given', () => {
    assert.equal(limit(undefined), '6144MiB'); // 0.6 × 10 GiB = 6 GiB
    assert.equal(limit(''), '6144MiB');
    assert.equal(limit('50%'), '5120MiB');
    assert.equal(limit(' 12.5 % '), '1280MiB');
    assert.equal(limit('100%'), '10240MiB');
    assert.equal(limit('12GB'), '12GB');
    assert.equal(limit('800 MiB'), '800MiB');
    // Never below what the smallest load needs.
    assert.equal(limit('1%', 100 * 2 ** 20), '64MiB');
  });

  test('anything else is refused naming the variable and what it takes', () => {
    for (const bad of ['lots', '0%', '150%', '-5%', '12', '12 parsecs', '%']) {
      assert.throws(
        () => limit(bad),
        (e: unknown) => isUprateError(e) && e.code === 'CONFIG_INVALID' && e.location === MEMORY_LIMIT_VARIABLE && e.message.includes(bad.trim()) && /share of this machine's memory/.test(e.hint ?? ''),
        bad,
      );
    }
  });

  test('a store opens with it: DuckDB reports the limit; a bad one is refused before the file is made', async () => {
    const before = process.env[MEMORY_LIMIT_VARIABLE];
    try {
      process.env[MEMORY_LIMIT_VARIABLE] = '300MiB';
      const store = await DuckDbStore.open(':memory:', { ownTables: 'on-demand' });
      try {
        const [row] = await store.query<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
        assert.equal(row?.m, '300.0 MiB');
      } finally {
        await store.close();
      }
      process.env[MEMORY_LIMIT_VARIABLE] = 'plenty';
      await assert.rejects(DuckDbStore.open(':memory:'), (e: unknown) => isUprateError(e) && e.location === MEMORY_LIMIT_VARIABLE);
    } finally {
      if (before === undefined) delete process.env[MEMORY_LIMIT_VARIABLE];
      else process.env[MEMORY_LIMIT_VARIABLE] = before;
    }
  });
});
