/**
 * withProgress: the first report at 0 %, the timer's reports while a statement runs (DuckDB's own
 * progress; with no statement running its -1 % shown as 0), no report after the end; reader errors turned into FILE_FORMAT
 * naming the file the message names (or every file); uprate's own errors passed through.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { memoryDuckDb, refusalOf as refusal } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import type { IngestProgress } from './ingest-options.js';
import type { Source } from './source-sql.js';
import { firstRow, inputChanged, withProgress } from './statement-progress.js';

const { c } = await memoryDuckDb();

const sources = ['/in/a.csv', '/in/b.csv'].map((file) => ({ file }) as Source);

test('without a listener the answer of fn comes back', async () => {
  assert.equal(await withProgress(c, 'offers', 'checking', undefined, sources, () => Promise.resolve(42)), 42);
  // Long enough for a timer to fire, were one started without a listener.
  assert.equal(await withProgress(c, 'offers', 'checking', undefined, sources, () => sleep(350).then(() => 'slow')), 'slow');
});

test('a listener hears 0 % first, then the idle progress every 150 ms as 0 %, and nothing after the end', async () => {
  const heard: IngestProgress[] = [];
  const answer = await withProgress(c, 'customers', 'loading', (p) => heard.push(p), sources, async () => {
    assert.deepEqual(heard, [{ table: 'customers', phase: 'loading', percent: 0 }]);
    await sleep(480);
    return 'done';
  });
  assert.equal(answer, 'done');
  assert.ok(heard.length >= 2, `heard ${heard.length}`);
  assert.deepEqual(heard[0], { table: 'customers', phase: 'loading', percent: 0 });
  for (const p of heard.slice(1)) assert.deepEqual(p, { table: 'customers', phase: 'loading', percent: 0, rows: 0 });
  const count = heard.length;
  await sleep(400);
  assert.equal(heard.length, count, 'the timer stopped');
});

test("a running statement's progress is DuckDB's own: reports between 0 and 100 %, with the rows read so far", async () => {
  const heard: IngestProgress[] = [];
  // DuckDB estimates progress from a table's size (a range() alone reports none).
  await c.run('CREATE OR REPLACE TEMP TABLE progress_rows AS SELECT i FROM range(20000000) t(i)');
  const t0 = Date.now();
  // A scan long enough for a 150 ms tick, re-run until one lands inside it (or 10 s pass).
  await withProgress(c, 'offers', 'checking', (p) => heard.push(p), sources, async () => {
    do await c.run('SELECT i % 100003 AS k, count(*) FROM progress_rows GROUP BY 1 ORDER BY 2 DESC LIMIT 1');
    while (Date.now() - t0 < 10_000 && !heard.some((p) => p.percent > 0));
  });
  await c.run('DROP TABLE progress_rows');
  const running = heard.filter((p) => p.percent > 0 && p.percent < 100);
  assert.ok(running.length > 0, `progress heard: ${JSON.stringify(heard)}`);
  for (const p of running) assert.ok((p.rows ?? 0) > 0, JSON.stringify(p));
});

test('the timer stops when fn fails too', async () => {
  const heard: IngestProgress[] = [];
  await assert.rejects(
    withProgress(c, 'offers', 'checking', (p) => heard.push(p), sources, async () => {
      await sleep(200);
      throw new Error('boom');
    }),
  );
  const count = heard.length;
  await sleep(400);
  assert.equal(heard.length, count);
});

test("uprate's own error passes through as it is", async () => {
  const own = new UprateError('INVALID_ROWS', 'bad rows');
  await assert.rejects(
    withProgress(c, 'offers', 'checking', undefined, sources, () => Promise.reject(own)),
    (e) => e === own,
  );
});

test('a reader error naming one file names that file', async () => {
  const e = await withProgress(c, 'offers', 'checking', undefined, sources, () => Promise.reject(new Error('IO Error: cannot open "/in/b.csv"'))).catch((x: unknown) => x);
  assert.deepEqual(refusal(e), {
    code: 'FILE_FORMAT',
    message: 'cannot read /in/b.csv: IO Error: cannot open "/in/b.csv"',
    location: '/in/b.csv',
    hint: 'check that the file is complete and in the format its name says',
  });
});

test('a reader error naming no file names every file, and keeps a line number', async () => {
  const e = await withProgress(c, 'offers', 'checking', undefined, sources, () => Promise.reject(new Error('CSV Error on Line: 7'))).catch((x: unknown) => x);
  assert.deepEqual(refusal(e), {
    code: 'FILE_FORMAT',
    message: 'cannot read /in/a.csv, /in/b.csv: CSV Error on Line: 7',
    location: '/in/a.csv, /in/b.csv:7',
    hint: 'check that the file is complete and in the format its name says',
  });
});

test('a real DuckDB error from a statement that fails is turned the same way', async () => {
  const e = await withProgress(c, 'offers', 'checking', undefined, sources, () => firstRow(c, "SELECT * FROM read_csv('/in/a.csv')")).catch((x: unknown) => x);
  const r = refusal(e);
  assert.equal(r['code'], 'FILE_FORMAT');
  assert.equal(r['location'], '/in/a.csv');
  assert.match(String(r['message']), /^cannot read \/in\/a\.csv: IO Error: .*\/in\/a\.csv/);
});

test('firstRow: the first row as JS values, {} when there is none', async () => {
  assert.deepEqual(await firstRow(c, "SELECT 1::BIGINT AS n, 'x' AS s UNION ALL SELECT 2, 'y' ORDER BY n"), { n: 1n, s: 'x' });
  assert.deepEqual(await firstRow(c, 'SELECT 1 AS n WHERE false'), {});
});

test('inputChanged names both counts', () => {
  const e = inputChanged(5, 4);
  assert.deepEqual(refusal(e), {
    code: 'FILE_FORMAT',
    message: 'the input changed while it was being loaded (5 good rows checked, 4 read the second time)',
    location: undefined,
    hint: 'load a file that is not being written to',
  });
});
