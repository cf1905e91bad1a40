import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { DuckDbStore } from '../store/index.js';
import { ingestFiles, type IngestOptions, type RowError } from './ingest.js';

// NUL bytes and over-long text fields are bad rows: named by file:line and field, nothing stored.
const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const GOOD = ['o1,c1,2025-01-01T10:00:00Z,upsell,Premium,in_app,,,,', 'o2,c2,2025-01-03T00:00:00Z,cross_sell,Seats,email,spring,,,'];
const LIMIT_RULE = 'must be at most 10000 characters (shorten it, or raise limits.maxFieldLength in uprate.config.yaml)';
const NUL_RULE = 'must not contain a NUL byte (U+0000)';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-field-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A store holding GOOD, so "nothing was written" can be checked against what was there. */
async function seeded(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(join(dir, `db-${Math.random().toString(36).slice(2)}.duckdb`));
  await ingestFiles(store, { table: 'offers', files: [file('seed.csv', [HEADER, ...GOOD].join('\n'))] });
  return store;
}

async function stored(store: DuckDbStore): Promise<{ offers: string[]; loads: number }> {
  const offers = (await store.query<{ offer_id: string }>('SELECT offer_id FROM offers ORDER BY offer_id')).map((r) => r.offer_id);
  const [loads] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM uprate_loads');
  return { offers, loads: Number(loads?.n) };
}

/** Loads `path`, expects INVALID_ROWS, checks the store is as it was, and returns the row errors. */
async function rejected(path: string, options: Partial<IngestOptions> = {}): Promise<{ error: UprateError; errors: RowError[] }> {
  const store = await seeded();
  const before = await stored(store);
  try {
    await ingestFiles(store, { table: 'offers', files: [path], ...options });
  } catch (e) {
    assert.ok(e instanceof UprateError && e.code === 'INVALID_ROWS', String(e));
    assert.deepEqual(await stored(store), before, 'nothing was written');
    return { error: e, errors: (e.details as { errors: RowError[] }).errors };
  } finally {
    await store.close();
  }
  assert.fail('expected INVALID_ROWS');
}

const brief = (errors: readonly RowError[]) => errors.map((e) => [e.location.slice(dir.length + 1), e.field, e.value, e.rule]);

describe('ingest: NUL bytes and field length', () => {
  test('CSV: a NUL byte in a text field is a row error naming file:line and field', async () => {
    const path = file('nul.csv', [HEADER, GOOD[0], 'o3,c1,2025-01-05T00:00:00Z,upsell,Premium,,spr\0ing,,,', GOOD[1]].join('\n'));
    const { error, errors } = await rejected(path);
    assert.deepEqual(brief(errors), [['nul.csv:3', 'campaign', 'spr\0ing', NUL_RULE]]);
    assert.ok(error.message.includes(`nul.csv:3  campaign="spr\\u0000ing"  ${NUL_RULE}`), error.message);
  });

  test('a NUL in the first line is still binary data (a zip named .csv), refused as a whole', async () => {
    const store = await seeded();
    const zip = file('sheet.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x0a, 0x41]).toString('latin1'));
    await assert.rejects(ingestFiles(store, { table: 'offers', files: [zip] }), (e) => e instanceof UprateError && e.code === 'FILE_FORMAT' && /looks like binary data/.test(e.message));
    await store.close();
  });

  test('CSV: a text field over 10,000 characters is a row error; 10,000 exactly (even of 2-byte characters) loads', async () => {
    const long = 'x'.repeat(10_001);
    const path = file('long.csv', [HEADER, `o3,c1,2025-01-05T00:00:00Z,upsell,${long},,,,,`].join('\n'));
    const { error, errors } = await rejected(path);
    assert.deepEqual(brief(errors), [['long.csv:2', 'offer_name', `${'x'.repeat(100)}…`, LIMIT_RULE]]);
    assert.match(error.message, /long\.csv:2 {2}offer_name="x{100}…" {2}must be at most 10000 characters .*limits\.maxFieldLength/);

    const store = await seeded();
    const fits = file('fits.csv', [HEADER, `o3,c1,2025-01-05T00:00:00Z,upsell,${'é'.repeat(10_000)},,,,,`].join('\n'));
    assert.equal((await ingestFiles(store, { table: 'offers', files: [fits] })).inserted, 1);
    const [row] = await store.query<{ n: bigint }>("SELECT length(offer_name) AS n FROM offers WHERE offer_id = 'o3'");
    assert.equal(Number(row?.n), 10_000);
    await store.close();
  });

  test('the limit is an option: maxFieldLength 10 refuses an 11-character campaign, takes a 10-character one', async () => {
    const path = file('ten.csv', [HEADER, 'o3,c1,2025-01-05T00:00:00Z,cross_sell,Prem,,abcdefghijk,,,', 'o4,c1,2025-01-05T00:00:00Z,cross_sell,Prem,,abcdefghij,,,'].join('\n'));
    const { errors } = await rejected(path, { maxFieldLength: 10 });
    assert.deepEqual(brief(errors).map((e) => e.slice(0, 3)), [['ten.csv:2', 'campaign', 'abcdefghijk']]);
    assert.match(errors[0]?.rule ?? '', /^must be at most 10 characters/);
    const store = await seeded();
    await assert.rejects(ingestFiles(store, { table: 'offers', files: [path], maxFieldLength: 0 }), /limits\.maxFieldLength|1 or more/);
    await store.close();
  });

  test('NDJSON: an escaped NUL and an over-long value are row errors naming file:line and field', async () => {
    const row = (id: string, name: string, campaign: string) =>
      JSON.stringify({ offer_id: id, customer_id: 'c1', offered_at: '2025-02-01T00:00:00Z', offer_type: 'upsell', offer_name: name, campaign });
    const path = file('bad.ndjson', [row('n1', 'Premium', 'ok'), row('n2', 'Pre\0mium', 'ok'), row('n3', 'Premium', 'y'.repeat(20_000))].join('\n'));
    assert.ok(readFileSync(path, 'utf8').includes('\\u0000'), 'the NUL travels as the JSON escape');
    const { errors } = await rejected(path);
    assert.deepEqual(brief(errors), [
      ['bad.ndjson:2', 'offer_name', 'Pre\0mium', NUL_RULE],
      ['bad.ndjson:3', 'campaign', `${'y'.repeat(100)}…`, LIMIT_RULE],
    ]);
  });

  test('JSON array and Parquet: a NUL is a row error naming the record', async () => {
    const json = file('bad.json', JSON.stringify([{ offer_id: 'j1', customer_id: 'c\0', offered_at: '2025-03-01', offer_type: 'upsell', offer_name: 'P' }]));
    assert.deepEqual(brief((await rejected(json)).errors), [['bad.json#1', 'customer_id', 'c\0', NUL_RULE]]);
    const parquet = join(dir, 'bad.parquet');
    const store = await DuckDbStore.open(':memory:');
    await store.run(`COPY (SELECT 'p1' AS offer_id, 'c1' AS customer_id, TIMESTAMP '2025-04-01 12:00:00' AS offered_at, 'upsell' AS offer_type,
      'Pre' || chr(0) || 'mium' AS offer_name) TO '${parquet}' (FORMAT parquet)`);
    await store.close();
    assert.deepEqual(brief((await rejected(parquet)).errors), [['bad.parquet#1', 'offer_name', 'Pre\0mium', NUL_RULE]]);
  });

  test('--reject-file: the good rows load, the NUL and over-long rows are set aside with their reasons', async () => {
    const path = file('mixed.csv', [
      HEADER,
      'm1,c1,2025-01-05T00:00:00Z,upsell,Premium,,,,,',
      'm2,c1,2025-01-05T00:00:00Z,upsell,Prem\0ium,,,,,',
      `m3,c1,2025-01-05T00:00:00Z,upsell,Premium,${'z'.repeat(10_001)},,,,`,
      'm4,c2,2025-01-06T00:00:00Z,cross_sell,Seats,,,,,',
    ].join('\n'));
    const rejects = join(dir, 'rejects.csv');
    const store = await seeded();
    const s = await ingestFiles(store, { table: 'offers', files: [path], rejectFile: rejects });
    assert.deepEqual([s.rowsRead, s.inserted, s.rejected], [4, 2, 2]);
    assert.deepEqual((await stored(store)).offers, ['m1', 'm4', 'o1', 'o2']);
    await store.close();
    const lines = readFileSync(rejects, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1] ?? '', new RegExp(`,3,m2,.*offer_name ${NUL_RULE.replace(/[()+]/g, '\\$&')}`));
    assert.match(lines[2] ?? '', /,4,m3,.*channel must be at most 10000 characters/);
  });
});
