import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDbStore } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';

// A model with a measure that can be negative (refunds), so a real negative number reaches the CSV.
const MODEL = `cubes:
  - name: Offers
    sql_table: offers
    measures:
      - name: count
        type: count
      - name: refund
        type: sum
        sql: "-{CUBE}.revenue"
    dimensions:
      - name: offerId
        sql: offer_id
        type: string
        primary_key: true
      - name: campaign
        sql: campaign
        type: string
`;

// campaign → revenue of its one offer; the refund measure is minus that.
const ROWS: readonly (readonly [string, string])[] = [
  ['=HYPERLINK("http://x","y")', '0.5'],
  ['+1', '1'],
  ['-2+3', '2'],
  ['@SUM(A1)', '0.25'],
  ['\tx', '3'],
  ['\rx', '0'],
];

const dir = mkdtempSync(join(tmpdir(), 'uprate-query-csv-'));
const db = join(dir, 'q.duckdb');
const modelDir = join(dir, 'model');

before(async () => {
  mkdirSync(modelDir);
  writeFileSync(join(modelDir, 'offers.yml'), MODEL);
  const store = await DuckDbStore.open(db);
  const values = ROWS.map(([campaign, revenue], i) => `('o${i}', 'c1', TIMESTAMP '2025-01-01 00:00:00', 'upsell', 'Premium', '${campaign.replaceAll("'", "''")}', ${revenue})`);
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, campaign, revenue) VALUES ${values.join(', ')}`);
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('uprate query --format csv', () => {
  test('defuses formula-like text; negative measures stay numbers', () => {
    const query = JSON.stringify({ measures: ['Offers.count', 'Offers.refund'], dimensions: ['Offers.campaign'], order: { 'Offers.campaign': 'asc' } });
    const r = uprate(['query', '--db', db, '--model', modelDir, '--as-of', '2025-07-15', '--format', 'csv', query]);
    assert.equal(r.code, 0, r.stderr);
    // Byte order: tab < CR < + < - < = < @. Fields by hand: a leading ' on text, RFC 4180 quoting,
    // the refund (a DECIMAL(18, 2) sum) as DuckDB writes it: exact decimals keep their scale.
    assert.equal(
      r.stdout,
      'Offers.campaign,Offers.count,Offers.refund\n' +
        "'\tx,1,-3.00\n" +
        '"\'\rx",1,0.00\n' +
        "'+1,1,-1.00\n" +
        "'-2+3,1,-2.00\n" +
        '"\'=HYPERLINK(""http://x"",""y"")",1,-0.50\n' +
        "'@SUM(A1),1,-0.25\n",
    );
  });
});
