import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UprateError } from '../../core/errors.js';
import { fileReadsIn, resolveSandbox, sandboxSql } from './file-sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-sandbox-unit-'));
const model = join(dir, 'model');
const outside = join(dir, 'outside');
mkdirSync(join(model, 'data'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(outside, 'secret.csv'), 'a\n1\n');
symlinkSync(outside, join(model, 'data', 'link'));
const sandbox = resolveSandbox({ base: model, roots: ['.'] });
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(sql: string, path: RegExp): void {
  assert.throws(
    () => sandboxSql(sql, sandbox),
    (e: unknown) => e instanceof UprateError && e.code === 'MODEL_INVALID' && path.test(e.message) && e.message.includes(model) && /files\.roots/.test(e.hint ?? ''),
  );
}

describe('file arguments in DuckDB SQL', () => {
  test('the first argument of file functions, lists of them, FROM and JOIN literals', () => {
    const paths = (sql: string) => fileReadsIn(sql).map((r) => r.path);
    assert.deepEqual(paths(`SELECT * FROM read_parquet('data/o.parquet')`), ['data/o.parquet']);
    assert.deepEqual(paths(`SELECT * FROM read_csv('a.csv', delim = ',', names = ['x', 'y'])`), ['a.csv']);
    assert.deepEqual(paths(`SELECT * FROM read_parquet(['a.parquet', 'b''s.parquet'], union_by_name = true)`), ['a.parquet', "b's.parquet"]);
    assert.deepEqual(paths(`SELECT * FROM 'x.parquet' AS x JOIN 'y.csv' AS y ON true`), ['x.parquet', 'y.csv']);
    assert.deepEqual(paths(`SELECT * FROM (SELECT * FROM READ_JSON_AUTO ( 'j.json' )) t`), ['j.json']);
    assert.deepEqual(paths(`SELECT * FROM "Read_CSV"('q.csv'), main.glob('g/*')`), ['q.csv', 'g/*']);
  });

  test('values that only look like paths are left alone', () => {
    const none = [
      `SELECT extract(year FROM '2025-01-01'::DATE)`,
      `SELECT trim(BOTH 'x' FROM 'xax')`,
      `SELECT * FROM t WHERE a IS DISTINCT FROM 'upsell' AND b = 'read_csv(''z'')'`,
      `SELECT 'FROM ''/etc/passwd''' AS s -- FROM '/etc/passwd'`,
      `SELECT lower('data/x.csv') /* read_csv('/etc/passwd') */`,
      `SELECT "a"."b" FROM t WHERE "from" = 'x'`,
      `SET TimeZone = 'UTC'`,
    ];
    for (const sql of none) assert.deepEqual(fileReadsIn(sql), [], sql);
  });
});

describe('the sandbox', () => {
  test('relative paths are the model folder\'s and come out absolute; globs too', () => {
    assert.equal(sandboxSql(`SELECT * FROM read_parquet('data/o.parquet')`, sandbox), `SELECT * FROM read_parquet('${join(model, 'data', 'o.parquet')}')`);
    assert.equal(sandboxSql(`FROM 'data/**/*.csv'`, sandbox), `FROM '${join(model, 'data', '**', '*.csv')}'`);
    assert.equal(sandboxSql(`SELECT 1`, sandbox), `SELECT 1`);
  });

  test('paths outside the roots are refused naming the path and the roots', () => {
    refused(`SELECT * FROM read_csv('../outside/secret.csv')`, /reading \.\.\/outside\/secret\.csv is not allowed: files are read only under/);
    refused(`SELECT * FROM read_csv('${join(outside, 'secret.csv')}')`, /secret\.csv is not allowed/);
    refused(`SELECT * FROM read_csv('data/../../outside/*.csv')`, /is not allowed/);
    refused(`SELECT * FROM read_csv('https://example.com/x.csv')`, /remote files and URLs/);
    refused(`SELECT * FROM 'data/link/secret.csv'`, /it leads to/);
  });
});
