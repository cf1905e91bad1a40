import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { DuckDbStore } from '../store/index.js';
import { ingestFiles } from './ingest.js';

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const GOOD = [
  'o1,c1,2025-01-01T10:00:00Z,upsell,Premium,in_app,,2025-01-02T10:00:00Z,,120.50',
  'o2,c1,2025-01-03,cross_sell,Seats,email,spring,,2025-01-04,',
  'o3,c2,2025-01-05T00:30:00+02:00,upsell,Premium,sales,,,,',
];

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-ingest-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function freshStore(): Promise<DuckDbStore> {
  return DuckDbStore.open(join(dir, `db-${Math.random().toString(36).slice(2)}.duckdb`));
}

async function count(store: DuckDbStore, table = 'offers'): Promise<number> {
  const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

async function expectError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<UprateError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UprateError, `expected an UprateError, got ${String(e)}`);
    assert.equal(e.code, code, e.describe());
    assert.match(e.describe(), pattern);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('ingest', () => {
  test('loads a CSV with typed values; an explicit offset is converted to UTC', async () => {
    const store = await freshStore();
    const s = await ingestFiles(store, { table: 'offers', files: [file('a.csv', [HEADER, ...GOOD].join('\n'))] });
    assert.deepEqual([s.rowsRead, s.inserted, s.updated, s.rejected], [3, 3, 0, 0]);
    const rows = await store.query<{ offer_id: string; offered_at: Date; revenue: number | null; campaign: string | null }>(
      'SELECT offer_id, offered_at, revenue, campaign FROM offers ORDER BY offer_id',
    );
    assert.equal(rows[0]?.revenue, 120.5);
    assert.equal(rows[1]?.campaign, 'spring');
    assert.equal(rows[2]?.offered_at.toISOString(), '2025-01-04T22:30:00.000Z');
    await store.close();
  });

  test('is idempotent: the same file twice leaves every count unchanged; a corrected row wins', async () => {
    const store = await freshStore();
    const path = file('b.csv', [HEADER, ...GOOD].join('\n'));
    await ingestFiles(store, { table: 'offers', files: [path] });
    const again = await ingestFiles(store, { table: 'offers', files: [path] });
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 3]);
    assert.equal(await count(store), 3);
    const corrected = file('b2.csv', [HEADER, 'o3,c2,2025-01-05T00:30:00+02:00,upsell,Premium,sales,,2025-01-06T00:00:00Z,,99'].join('\n'));
    await ingestFiles(store, { table: 'offers', files: [corrected] });
    const [o3] = await store.query<{ revenue: number; accepted_at: Date }>("SELECT revenue, accepted_at FROM offers WHERE offer_id = 'o3'");
    assert.equal(o3?.revenue, 99);
    assert.equal(await count(store), 3);
    await store.close();
  });

  test('within one load, the last occurrence of a key wins', async () => {
    const store = await freshStore();
    const s = await ingestFiles(store, {
      table: 'offers',
      files: [file('dup.csv', [HEADER, 'o1,c1,2025-01-01,upsell,A,,,,,1', 'o1,c1,2025-01-01,upsell,B,,,,,2'].join('\n'))],
    });
    assert.deepEqual([s.rowsRead, s.inserted], [2, 1]);
    const [row] = await store.query<{ offer_name: string }>('SELECT offer_name FROM offers');
    assert.equal(row?.offer_name, 'B');
    await store.close();
  });

  test('reads NDJSON, a JSON array and Parquet with case-insensitive names', async () => {
    const store = await freshStore();
    const ndjson = file('c.ndjson', [
      '{"OFFER_ID": "n1", "customer_id": "c1", "offered_at": "2025-02-01T00:00:00Z", "offer_type": "upsell", "offer_name": "Premium", "revenue": 10}',
      '{"OFFER_ID": "n2", "customer_id": "c2", "offered_at": "2025-02-02T00:00:00Z", "offer_type": "cross_sell", "offer_name": "Seats", "accepted_at": null}',
    ].join('\n'));
    const json = file('d.json', JSON.stringify([
      { offer_id: 'j1', Customer_Id: 'c1', offered_at: '2025-03-01', offer_type: 'upsell', offer_name: 'Premium', revenue: '5.25' },
    ]));
    await ingestFiles(store, { table: 'offers', files: [ndjson, json] });
    const parquet = join(dir, 'e.parquet');
    await store.run(`COPY (SELECT 'p1' AS offer_id, 'c9' AS customer_id, TIMESTAMP '2025-04-01 12:00:00' AS offered_at,
      'upsell' AS offer_type, 'Premium' AS offer_name, 7.5 AS revenue) TO '${parquet}' (FORMAT parquet)`);
    await ingestFiles(store, { table: 'offers', files: [parquet] });
    const rows = await store.query<{ offer_id: string; revenue: number | null; offered_at: Date }>('SELECT offer_id, revenue, offered_at FROM offers ORDER BY offer_id');
    assert.deepEqual(rows.map((r) => r.offer_id), ['j1', 'n1', 'n2', 'p1']);
    assert.deepEqual(rows.map((r) => r.revenue), [5.25, 10, null, 7.5]);
    assert.equal(rows[3]?.offered_at.toISOString(), '2025-04-01T12:00:00.000Z');
    await store.close();
  });

  test('loads customers and checks their enums and ranges', async () => {
    const store = await freshStore();
    const header = 'customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr';
    await ingestFiles(store, { table: 'customers', files: [file('customers.csv', `${header}\nc1,smb,adoption,55.5,saas,emea,pro,100\nc2,,,,,,,\n`)] });
    assert.equal(await count(store, 'customers'), 2);
    const e = await expectError(
      ingestFiles(store, { table: 'customers', files: [file('customers-bad.csv', `${header}\nc3,huge,adoption,101,saas,emea,pro,-1\n`)] }),
      'INVALID_ROWS',
      /customers-bad\.csv:2/,
    );
    const fields = (e.details as { errors: { field: string }[] }).errors.map((x) => x.field);
    assert.deepEqual(fields, ['account_size', 'engagement_score', 'mrr']);
    assert.equal(await count(store, 'customers'), 2);
    await store.close();
  });

  test('a bad row at the end of a large file loads nothing', async () => {
    const store = await freshStore();
    await ingestFiles(store, { table: 'offers', files: [file('seed.csv', [HEADER, ...GOOD].join('\n'))] });
    const lines = [HEADER];
    for (let i = 0; i < 200_000; i++) lines.push(`big${i},c${i % 997},2025-01-01T00:00:00Z,upsell,Premium,,,,,`);
    lines.push('bigbad,c1,2025-01-01T00:00:00Z,upgrade,Premium,,,,,');
    const big = file('big.csv', lines.join('\n'));
    const e = await expectError(ingestFiles(store, { table: 'offers', files: [big] }), 'INVALID_ROWS', /big\.csv:200002 {2}offer_type="upgrade" {2}must be one of upsell, cross_sell/);
    assert.match(e.message, /1 of 200001 offers rows/);
    assert.equal(await count(store), 3);
    const loads = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM uprate_loads');
    assert.equal(Number(loads[0]?.n), 1);
    await store.close();
  });

  test('names file:line, field, value and rule for each broken rule', async () => {
    const store = await freshStore();
    const bad = file('bad.csv', [
      HEADER,
      'x1,c1,2025-02-30,upsell,Premium,,,,,',
      'x2,c1,2025-01-01,upsell,Premium,,,2024-12-31,,',
      'x3,c1,2025-01-01,upsell,Premium,,,,,-5',
      'x4,,2025-01-01,upsell,Premium,,,,,abc',
    ].join('\n'));
    const e = await expectError(ingestFiles(store, { table: 'offers', files: [bad] }), 'INVALID_ROWS', /nothing was loaded/);
    const errors = (e.details as { errors: { location: string; field: string; value: string | null; rule: string }[] }).errors;
    assert.deepEqual(
      errors.map((x) => [x.location.replace(/^.*\//, ''), x.field, x.value]),
      [
        ['bad.csv:2', 'offered_at', '2025-02-30'],
        ['bad.csv:3', 'accepted_at', '2024-12-31'],
        ['bad.csv:4', 'revenue', '-5'],
        ['bad.csv:5', 'customer_id', null],
        ['bad.csv:5', 'revenue', 'abc'],
      ],
    );
    assert.match(errors[0]?.rule ?? '', /ISO 8601/);
    assert.match(errors[1]?.rule ?? '', /not be before offered_at/);
    assert.equal(await count(store), 0);
    await store.close();
  });

  test('--reject-file loads the good rows and writes the bad ones with reasons', async () => {
    const store = await freshStore();
    const mixed = file('mixed.csv', [HEADER, GOOD[0], 'r1,c1,2025-01-01,upgrade,Premium,,,,,', GOOD[1]].join('\n'));
    const rejects = join(dir, 'rejects.csv');
    const s = await ingestFiles(store, { table: 'offers', files: [mixed], rejectFile: rejects });
    assert.deepEqual([s.inserted, s.rejected], [2, 1]);
    const text = readFileSync(rejects, 'utf8').trim().split('\n');
    assert.equal(text.length, 2);
    assert.match(text[1] ?? '', /,3,r1,.*offer_type must be one of upsell, cross_sell/);
    await store.close();
  });

  test('bad headers list the expected columns', async () => {
    const store = await freshStore();
    await expectError(
      ingestFiles(store, { table: 'offers', files: [file('h1.csv', 'offer_id,customer_id,offered_at,offer_type,offer_nam\n')] }),
      'BAD_HEADER',
      /unknown column 'offer_nam'.*missing required column offer_name[\s\S]*expected columns: offer_id \(required\)/,
    );
    await expectError(
      ingestFiles(store, { table: 'offers', files: [file('h2.csv', 'offer_id,Offer_ID,customer_id,offered_at,offer_type,offer_name\n')] }),
      'BAD_HEADER',
      /duplicated column 'Offer_ID'/,
    );
    await store.close();
  });

  test('an empty file, a mislabelled file and a missing file are refused by name', async () => {
    const store = await freshStore();
    await expectError(ingestFiles(store, { table: 'offers', files: [file('empty.csv', '')] }), 'FILE_EMPTY', /empty\.csv.*0 bytes/);
    await expectError(ingestFiles(store, { table: 'offers', files: [file('fake.parquet', `${HEADER}\n${GOOD[0]}\n`)] }), 'FILE_FORMAT', /fake\.parquet.*named as a Parquet file.*looks like CSV text/);
    await expectError(ingestFiles(store, { table: 'offers', files: [file('fake.csv', '{"offer_id": "x"}\n')] }), 'FILE_FORMAT', /looks like newline-delimited JSON/);
    await expectError(ingestFiles(store, { table: 'offers', files: [join(dir, 'nope.csv')] }), 'FILE_NOT_FOUND', /nope\.csv does not exist/);
    await expectError(ingestFiles(store, { table: 'offers', files: [file('ragged.csv', `${HEADER}\n${GOOD[0]}\no9,c1\n`)] }), 'FILE_FORMAT', /ragged\.csv/);
    const header = await ingestFiles(store, { table: 'offers', files: [file('header-only.csv', `${HEADER}\n`)] });
    assert.equal(header.rowsRead, 0);
    assert.equal(await count(store), 0);
    await store.close();
  });
});
