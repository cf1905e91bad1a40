import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startUprate, uprate } from './cli-helpers.js';

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at,revenue';
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-cli-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('uprate CLI', () => {
  test('every command has --help', () => {
    for (const command of ['demo', 'serve', 'ingest', 'report']) {
      const r = uprate([command, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Usage: uprate/);
    }
  });

  test('ingest prints a summary; a bad row exits 1 naming file, line, field and rule', () => {
    const db = join(dir, 'a.duckdb');
    const good = file('offers.csv', `${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Premium,2025-01-05T00:00:00Z,10\no2,c1,2025-01-02T00:00:00Z,upsell,Premium,,\n`);
    const r = uprate(['ingest', '--db', db, good]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^offers: 2 rows read, 2 inserted, 0 updated, 0 unchanged, 0 rejected in [\d.]+ s \([\d,]+ rows\/s\)$/m);
    const bad = file('offers-bad.csv', `${HEADER}\no3,c1,2025-01-01T00:00:00Z,upsell,Premium,,-1\n`);
    const b = uprate(['ingest', '--db', db, bad]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /offers-bad\.csv:2 {2}revenue="-1" {2}must be 0 or more/);
    const report = uprate(['report', '--db', db, '--format', 'json', '--as-of', '2025-03-01']);
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(report.stdout);
    assert.equal(json.total.offers, 2);
    assert.equal(json.total.accepted, 1);
  });

  test('the files of one ingest load together: a bad offers row leaves customers.csv unloaded too, and says so', async () => {
    const db = join(dir, 'together.duckdb');
    const customers = file('customers.csv', 'customer_id,account_size\nc1,smb\nc2,enterprise\n');
    const offers = file('offers-two-bad.csv', `${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Premium,,\no2,c2,2025-01-02T00:00:00Z,upgrade,Premium,,\no3,c2,2025-01-03T00:00:00Z,upsell,Premium,,-5\n`);
    const r = uprate(['ingest', '--db', db, customers, offers]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /2 of 3 offers rows break the data model rules; nothing was loaded \(\S*customers\.csv was checked and is not loaded either\)/);
    assert.doesNotMatch(r.stdout, /customers: /, 'no summary line for a file that was not loaded');
    const { DuckDbStore } = await import('../src/store/index.js');
    const store = await DuckDbStore.open(db);
    try {
      const [row] = await store.query<{ n: bigint }>('SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM offers) AS n');
      assert.equal(Number(row?.n), 0);
    } finally {
      await store.close();
    }
    const good = uprate(['ingest', '--db', db, customers, file('offers-fine.csv', `${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Premium,,\n`)]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^customers: 2 rows read, 2 inserted, 0 updated, 0 unchanged, 0 rejected/m);
    assert.match(good.stdout, /^offers: 1 rows read, 1 inserted, 0 updated, 0 unchanged, 0 rejected/m);
    const again = uprate(['ingest', '--db', db, customers]);
    assert.match(again.stdout, /^customers: 2 rows read, 0 inserted, 0 updated, 2 unchanged, 0 rejected/m);
  });

  test('a file that does not exist is named as missing, whatever its name', () => {
    for (const name of ['offers-2025.csv', 'export.ndjson']) {
      const r = uprate(['ingest', '--db', join(dir, 'missing.duckdb'), join(dir, 'nope', name)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not exist/);
      assert.doesNotMatch(r.stderr, /cannot tell which table/);
    }
  });

  test('bad arguments exit 1 with a message naming the option', () => {
    const db = join(dir, 'b.duckdb');
    uprate(['ingest', '--db', db, file('offers-x.csv', `${HEADER}\n`)]);
    const grain = uprate(['report', '--db', db, '--grain', 'fortnight']);
    assert.equal(grain.code, 1);
    assert.match(grain.stderr, /--grain: unknown grain 'fortnight'/);
    const by = uprate(['report', '--db', db, '--by', 'colour']);
    assert.equal(by.code, 1);
    assert.match(by.stderr, /unknown dimension 'colour'/);
    const missing = uprate(['report', '--db', join(dir, 'nope.duckdb')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.duckdb does not exist/);
    const table = uprate(['ingest', '--db', db, file('export.csv', `${HEADER}\n`)]);
    assert.equal(table.code, 1);
    assert.match(table.stderr, /cannot tell which table .*export\.csv is for[\s\S]*--table offers/);
  });

  test('while uprate serve holds the file, ingest goes through the server', async () => {
    const db = join(dir, 'served.duckdb');
    const server = await startUprate(['serve', '--dev', '--db', db, '--port', '0'], /uprate is serving/);
    try {
      assert.ok(existsSync(`${db}.server.json`));
      const r = uprate(['ingest', '--db', db, file('offers-served.csv', `${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Premium,,\n`)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /held by uprate serve at http:\/\/127\.0\.0\.1:\d+; sending the data through it/);
      assert.match(r.stdout, /offers: 1 rows read, 1 inserted/);
      const health = (await (await fetch(`${server.url()}/health`)).json()) as { offers: number };
      assert.equal(health.offers, 1);
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(`${db}.server.json`), false);
  });

  test('serve applies the config file: target and bands reach /api/v1/kpi', async () => {
    const db = join(dir, 'configured.duckdb');
    const config = file('uprate.config.yaml', 'conversionWindowDays: 30\ntarget: 0.3\nbands:\n  strong: 0.5\n  poor: 0.4\n');
    const server = await startUprate(['serve', '--dev', '--db', db, '--port', '0', '--config', config], /uprate is serving/);
    try {
      const kpi = (await (await fetch(`${server.url()}/api/v1/kpi`)).json()) as { target: { rate: number } | null; query: { thresholds: { strong: number; poor: number } } };
      assert.equal(kpi.target?.rate, 0.3);
      assert.deepEqual({ strong: kpi.query.thresholds.strong, poor: kpi.query.thresholds.poor }, { strong: 0.5, poor: 0.4 });
    } finally {
      await server.stop();
    }
  });
});
