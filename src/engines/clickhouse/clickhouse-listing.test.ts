/**
 * A listing of tables while tables are dropped (a refresh drops old generations while another of
 * its requests, or another process, lists a rollup's generations): 18.16 opens each table as it
 * lists `system.tables`, and one dropped meanwhile fails the whole listing with UNKNOWN_TABLE.
 * `ClickHouseHttp.select` asks such a listing again; other statements and other errors are not.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { locateServer, skipUnlessReady } from '../../../test/engines.js';
import { UprateError } from '../../core/errors.js';
import { inParallel } from '../../core/in-parallel.js';
import { ClickHouseHttp, type RequestOptions } from './clickhouse-http.js';
import { parseClickHouseUrl } from './clickhouse-url.js';

/** A server whose first `failures` answers are `code` (as 18.16 answers them), then an empty JSON answer. */
class Failing extends ClickHouseHttp {
  asked = 0;
  constructor(private readonly failures: number, private readonly code: number) {
    super('http://127.0.0.1:9', 'default', '', 'default', 5, 'a test server');
  }
  override async request(sql: string, _options?: RequestOptions): Promise<string> {
    this.asked += 1;
    if (this.asked <= this.failures) throw new UprateError('DB_ERROR', `ClickHouse: Table db.t_${this.asked} doesn't exist.`, { details: { engine: 'clickhouse', clickhouseCode: this.code, sql } });
    return '{"meta":[],"data":[{"n":1}]}';
  }
}

describe('a listing of tables that a drop races', () => {
  test('UNKNOWN_TABLE (60) or UNKNOWN_DATABASE (81) on system.tables, system.columns or system.parts: asked again, up to 5 times', async () => {
    for (const code of [60, 81]) {
      const server = new Failing(4, code);
      assert.deepEqual((await server.select("SELECT count() AS n FROM system.tables WHERE database = 'x'")).data, [{ n: 1 }]);
      assert.equal(server.asked, 5);
    }
    const columns = new Failing(2, 60);
    await columns.select("SELECT name FROM system.columns WHERE table = 'x'");
    assert.equal(columns.asked, 3);
    const parts = new Failing(1, 60);
    await parts.select("SELECT table, sum(rows) FROM system.parts WHERE active GROUP BY table");
    assert.equal(parts.asked, 2);
    const always = new Failing(10, 60);
    await assert.rejects(always.select('SELECT name FROM system.tables'), /doesn't exist/);
    assert.equal(always.asked, 5);
  });

  test('another statement, or another error on a listing: not asked again', async () => {
    const read = new Failing(1, 60);
    await assert.rejects(read.select('SELECT count() FROM db.t_1'), /doesn't exist/);
    assert.equal(read.asked, 1);
    const other = new Failing(1, 62);
    await assert.rejects(other.select('SELECT name FROM system.tables'), /doesn't exist/);
    assert.equal(other.asked, 1);
  });
});

const DB = `uprate_listing_${process.pid}`;
const slot = await locateServer('clickhouse', DB);
const skip = skipUnlessReady(slot);

describe('on the server: listings while tables are created and dropped', { skip }, () => {
  const config = skip ? null : parseClickHouseUrl(slot.ready?.where ?? '');
  const server = config ? new ClickHouseHttp(config.endpoint, config.user, config.password, 'system', 30, config.display) : null;
  after(async () => {
    await server?.request(`DROP DATABASE IF EXISTS ${DB}`);
  });

  test('every listing answers (no UNKNOWN_TABLE reaches the caller), and lists only tables that exist', async () => {
    if (!server) return;
    await server.request(`DROP DATABASE IF EXISTS ${DB}`);
    await server.request(`CREATE DATABASE ${DB}`);
    // Two workers create and drop tables (a MergeTree and a Distributed table over it, as a rollup's generation) while two list them.
    let churning = true;
    const churn = async (worker: number) => {
      for (let i = 0; i < 60; i += 1) {
        const name = `${DB}.t_${worker}_${i}`;
        await server.request(`CREATE TABLE ${name} (n UInt8) ENGINE = MergeTree ORDER BY tuple()`);
        await server.request(`CREATE TABLE ${name}_all AS ${name} ENGINE = Distributed(${config?.cluster ?? 'uprate'}, ${DB}, t_${worker}_${i}, rand())`);
        await server.request(`DROP TABLE ${name}_all`);
        await server.request(`DROP TABLE ${name}`);
      }
    };
    let listings = 0;
    const list = async () => {
      while (churning) {
        const answer = await server.select(`SELECT name FROM system.tables WHERE database = '${DB}' AND startsWith(name, 't_')`);
        assert.ok(answer.data.length <= 8, `at most four tables at a time, listed ${answer.data.length}`);
        listings += 1;
      }
    };
    const listers = inParallel([0, 1], 2, list);
    try {
      await inParallel([0, 1], 2, churn);
    } finally {
      churning = false;
    }
    await listers;
    assert.ok(listings > 10, `${listings} listings`);
    assert.deepEqual((await server.select(`SELECT name FROM system.tables WHERE database = '${DB}'`)).data, []);
  });
});
