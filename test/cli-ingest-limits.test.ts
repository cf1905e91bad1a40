import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDbStore } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-cli-ingest-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,campaign';

async function offerIds(db: string): Promise<string[]> {
  const store = await DuckDbStore.open(db);
  try {
    return (await store.query<{ offer_id: string }>('SELECT offer_id FROM offers ORDER BY 1')).map((r) => r.offer_id);
  } finally {
    await store.close();
  }
}

describe('uprate ingest and limits.maxFieldLength', () => {
  test('the config limit applies: a longer field is refused by file:line and field; --reject-file loads the rest', async () => {
    const config = join(dir, 'uprate.config.yaml');
    writeFileSync(config, 'limits:\n  maxFieldLength: 10\n');
    // cross_sell is 10 characters: at the limit, allowed; the campaign of o2 is 11.
    const offers = join(dir, 'offers.csv');
    writeFileSync(offers, `${HEADER}\no1,c1,2025-01-01T00:00:00Z,cross_sell,Premium,abcdefghij\no2,c1,2025-01-02T00:00:00Z,cross_sell,Premium,abcdefghijk\n`);
    const db = join(dir, 'a.duckdb');
    const refused = uprate(['ingest', '--db', db, '--config', config, offers]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.ok(refused.stderr.includes('offers.csv:3  campaign="abcdefghijk"  must be at most 10 characters (shorten it, or raise limits.maxFieldLength in uprate.config.yaml)'), refused.stderr);
    assert.deepEqual(await offerIds(db), []);

    const rejects = join(dir, 'rejects.csv');
    const loaded = uprate(['ingest', '--db', db, '--config', config, '--reject-file', rejects, offers]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.deepEqual(await offerIds(db), ['o1']);

    // A config without limits: the default (10,000) applies and both rows load.
    const plainConfig = join(dir, 'plain.config.yaml');
    writeFileSync(plainConfig, 'conversionWindowDays: 30\n');
    const b = join(dir, 'b.duckdb');
    const plain = uprate(['ingest', '--db', b, '--config', plainConfig, offers]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(await offerIds(b), ['o1', 'o2']);
  });
});
