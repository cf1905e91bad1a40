/**
 * answerRows / summarizeRows (answer-rows.ts) at their edges, on the hand-made offers of
 * test/fixtures/models/offers-data.ts (at its NOW, 2025-03-20T10:00Z): the sample's bucket bounds
 * (MD5 test vectors of RFC 1321: md5('abc') = 900150983cd24fb0…, md5('') = d41d8cd98f00b204…),
 * which bounds reach the SQL, the errors' words, and summary conditions on NULL and above a number.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { compileModel, type Model as CompiledModel } from '../model/index.js';
import { compileSql, duckdbDialect } from '../sql/index.js';
import { DuckDbStore, type Store } from '../store/index.js';
import { NOW, OFFERS, offersStore } from '../../test/fixtures/models/offers-data.js';
import { allAccess } from './access.js';
import { answerRows, inSample, prepareRows, sampleBuckets, summarizeRows, type RowsOptions } from './answer-rows.js';

const OPTIONS = { now: NOW, access: allAccess('local') };
let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
});
after(() => store.close());

// md5('abc') starts 9001: bucket 36865; md5('') starts d41d: bucket 54301.
const ABC = 0x9001;

test('inSample at the bounds: a value whose bucket is the slice start is in, one whose bucket is the end is out', () => {
  assert.equal(inSample('abc', (ABC + 1) / 65_536), true);
  assert.equal(inSample('abc', ABC / 65_536), false);
  assert.equal(inSample('abc', 1, ABC / 65_536), true);
  assert.equal(inSample('abc', 1, (ABC + 1) / 65_536), false);
  // A slice from 0 starts at the first bucket (0 is not a fraction sampleBuckets takes).
  assert.equal(inSample('abc', 1, 0), true);
  assert.equal(inSample('', 1, 0), true);
  assert.equal(inSample('', 0xd41d / 65_536), false);
  assert.equal(inSample('', (0xd41d + 1) / 65_536), true);
});

test("a bad fraction names itself and the option's place", () => {
  assert.throws(
    () => sampleBuckets(0),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'sample.fraction' && e.message === 'a sample fraction must be above 0 and at most 1, not 0',
  );
});

/** The sample's hex bounds among a statement's parameters. */
const bounds = (options: RowsOptions) => {
  const sql = compileSql(duckdbDialect, prepareRows(model, { dimensions: ['Offers.customerId'], measures: ['Offers.count'] }, options, duckdbDialect).node);
  return { sql: sql.sql, hex: sql.params.filter((p) => typeof p === 'string' && /^[0-9a-f]{4,5}$/.test(p)) };
};

test('only the bounds that cut reach the SQL: an end below the last bucket, a start above the first', () => {
  const plain = bounds(OPTIONS);
  assert.deepEqual(plain.hex, []);
  // 0.05 × 65536 = 3276.8 → 3277 buckets = 0x0ccd: only the end.
  const end = bounds({ ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.05 } });
  assert.deepEqual(end.hex, ['0ccd']);
  assert.match(end.sql, / < \$1/);
  assert.ok(!end.sql.includes('>='));
  // From 0.5 to 1: only the start, 32768 = 0x8000.
  const start = bounds({ ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 1, from: 0.5 } });
  assert.deepEqual(start.hex, ['8000']);
  assert.match(start.sql, / >= \$1/);
  // The whole space (fraction 1, from 0 or none): no condition at all, the statement without a sample.
  assert.deepEqual(bounds({ ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 1 } }), plain);
  assert.deepEqual(bounds({ ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 1, from: 0 } }), plain);
});

test('the sampled rows are the customers whose md5 falls in the slice (node:crypto), the whole space every customer', async () => {
  const bucket = (v: string) => Number.parseInt(createHash('md5').update(v).digest('hex').slice(0, 4), 16);
  const customers = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const query = { dimensions: ['Offers.customerId'], measures: ['Offers.count'] };
  const read = async (fraction: number, from?: number) =>
    (await answerRows(store, model, query, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction, ...(from === undefined ? {} : { from }) } })).map((r) => String(r['Offers.customerId'])).sort();
  assert.deepEqual(await read(1), customers);
  assert.deepEqual(await read(1, 0.5), customers.filter((c) => bucket(c) >= 32_768));
  assert.deepEqual(await read(0.5), customers.filter((c) => bucket(c) < 32_768));
  // The query's own filter stays beside the sample's condition: email offers (o01 c1, o04 c2, o08 c5) in the upper half.
  const email = { ...query, filters: [{ member: 'Offers.channel', operator: 'equals' as const, values: ['email'] }] };
  const emailRows = async (sample: RowsOptions['sample']) => (await answerRows(store, model, email, { ...OPTIONS, sample })).map((r) => String(r['Offers.customerId'])).sort();
  assert.deepEqual(await emailRows({ member: 'Offers.customerId', fraction: 1, from: 0.5 }), ['c1', 'c2', 'c5'].filter((c) => bucket(c) >= 32_768));
  // With the whole space the filter alone.
  assert.deepEqual(await emailRows({ member: 'Offers.customerId', fraction: 1 }), ['c1', 'c2', 'c5']);
});

test("errors: compareDateRange, a slice that does not start before its end, a sample dimension the query lacks", () => {
  assert.throws(
    () => prepareRows(model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }] }, OPTIONS, duckdbDialect),
    (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID' && e.location === 'timeDimensions' && e.message === 'a read of every row answers one query (no compareDateRange)',
  );
  assert.throws(
    () => prepareRows(model, { dimensions: ['Offers.customerId'] }, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.3, from: 0.3 } }, duckdbDialect),
    (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'sample.from' && e.message === 'a sample slice must start before it ends (from 0.3 to 0.3)',
  );
  assert.throws(
    () => prepareRows(model, { dimensions: ['Offers.channel'] }, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.5 } }, duckdbDialect),
    (e: unknown) => e instanceof Error && e.name === 'InternalError' && e.message === "the sample's dimension Offers.customerId is not among the query's dimensions",
  );
});

test('summaries: a condition on NULL, a number above a value, sums of no group 0, maxima of none null', async () => {
  // Per customer at NOW: the offers without a channel (o05, c3, offered 2025-02-28 22:00) and the accepted ones (o01 c1, o03 c2, o06 c3).
  const rows = await summarizeRows(
    store,
    model,
    { dimensions: ['Offers.customerId', 'Offers.channel', 'Offers.offeredAt'], measures: ['Offers.count', 'Offers.accepted'] },
    {
      by: ['Offers.customerId'],
      columns: [
        { name: 'noChannel', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.channel', is: null }] },
        { name: 'lastNoChannel', fn: 'max', of: 'Offers.offeredAt', where: [{ member: 'Offers.channel', is: null }] },
        { name: 'accepted', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.accepted', above: 0 }] },
        { name: 'email', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.channel', is: 'email' }] },
      ],
    },
    OPTIONS,
  );
  const got = rows.map((r) => [r.keys['Offers.customerId'], r.values]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  // Email: o01 (c1), o04 (c2), o08 (c5).
  assert.deepEqual(got, [
    ['c1', { noChannel: '0', lastNoChannel: null, accepted: '1', email: '1' }],
    ['c2', { noChannel: '0', lastNoChannel: null, accepted: '1', email: '1' }],
    ['c3', { noChannel: '1', lastNoChannel: '2025-02-28T22:00:00.000', accepted: '1', email: '0' }],
    ['c4', { noChannel: '0', lastNoChannel: null, accepted: '0', email: '0' }],
    ['c5', { noChannel: '0', lastNoChannel: null, accepted: '0', email: '1' }],
  ]);
});

test('summary errors: a member the query does not select, grouping by a measure, a condition above NaN', async () => {
  const query = { dimensions: ['Offers.customerId'], measures: ['Offers.count'] };
  const internal = (message: string) => (e: unknown) => e instanceof Error && e.name === 'InternalError' && e.message === message;
  await assert.rejects(summarizeRows(store, model, query, { by: ['Offers.customerId'], columns: [{ name: 'x', fn: 'sum', of: 'Offers.accepted' }] }, OPTIONS), internal('a summary names Offers.accepted, which the query does not select'));
  await assert.rejects(summarizeRows(store, model, query, { by: ['Offers.count'], columns: [] }, OPTIONS), internal('a summary groups by Offers.count, which is not a dimension'));
  await assert.rejects(
    summarizeRows(store, model, query, { by: ['Offers.customerId'], columns: [{ name: 'x', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.count', above: Number.NaN }] }] }, OPTIONS),
    internal('a summary condition compares Offers.count with NaN'),
  );
});

test('a dialect whose hashPrefix does not use its argument exactly once (twice, or never) is refused as an internal error naming the dialect', async () => {
  const { InternalError } = await import('../core/errors.js');
  const sampled = { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.05 } };
  for (const hashPrefix of [(sql: string) => `md5(${sql}) || md5(${sql})`, () => `md5('x')`]) {
    const broken = { ...duckdbDialect, hashPrefix };
    assert.throws(
      () => prepareRows(model, { dimensions: ['Offers.customerId'], measures: ['Offers.count'] }, sampled, broken),
      (e: unknown) => e instanceof InternalError && e.message === 'duckdb: hashPrefix must use its argument exactly once',
    );
  }
});

test('prepareRows plans no order: the plan carries none (not Cube\'s default, the first measure descending) and the statement has no ORDER BY', () => {
  const p = prepareRows(model, { dimensions: ['Offers.customerId'], measures: ['Offers.count'] }, OPTIONS, duckdbDialect);
  assert.deepEqual(p.plan.order, []);
  assert.ok(!compileSql(duckdbDialect, p.node).sql.includes('ORDER BY'));
});

test('the sample hashes its own dimension wherever the query lists it (here the second, after the channel)', async () => {
  const bucket = (v: string) => Number.parseInt(createHash('md5').update(v).digest('hex').slice(0, 4), 16);
  // The fixture's offers whose customer's md5 starts below 0x8000 (c3: 0a3d…, c5: 25ea…): o05 (c3, no channel), o06 (c3, checkout), o08 (c5, email).
  const expected = [...new Set(OFFERS.filter((o) => bucket(o.customer_id) < 32_768).map((o) => JSON.stringify([o.channel, o.customer_id])))].sort();
  assert.equal(expected.length, 3);
  const rows = await answerRows(store, model, { dimensions: ['Offers.channel', 'Offers.customerId'], measures: ['Offers.count'] }, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.5 } });
  assert.deepEqual(rows.map((r) => JSON.stringify([r['Offers.channel'], r['Offers.customerId']])).sort(), expected);
});

test('summaries over a boolean dimension: its maximum as the text true/false, its sum as a number, two conditions both holding, keys holding only the by members', async () => {
  const compiled: CompiledModel | undefined = compileModel([
    {
      file: 'flags.js',
      text: "cube('Flags', { sql_table: 'flags', measures: { count: { type: 'count' } }, dimensions: { id: { sql: 'id', type: 'string', primary_key: true }, grp: { sql: 'grp', type: 'string' }, on: { sql: 'is_on', type: 'boolean' }, n: { sql: 'n', type: 'number' } } });",
    },
  ]).model;
  assert.ok(compiled);
  const flags = await DuckDbStore.open(':memory:');
  try {
    await flags.run('CREATE TABLE flags (id VARCHAR, grp VARCHAR, is_on BOOLEAN, n INTEGER)');
    await flags.run("INSERT INTO flags VALUES ('a', 'g1', true, 5), ('b', 'g1', false, 2), ('c', 'g2', false, 7), ('d', 'g3', NULL, 1)");
    const rows = await summarizeRows(
      flags,
      compiled,
      { dimensions: ['Flags.grp', 'Flags.on', 'Flags.n'], measures: ['Flags.count'] },
      {
        by: ['Flags.grp'],
        columns: [
          { name: 'anyOn', fn: 'max', of: 'Flags.on' },
          { name: 'onCount', fn: 'sum', of: 'Flags.on' },
          { name: 'bigInG1', fn: 'sum', of: 'Flags.count', where: [{ member: 'Flags.n', above: 3 }, { member: 'Flags.grp', is: 'g1' }] },
        ],
      },
      OPTIONS,
    );
    // By hand, per group (one flag each): g1 = a (on, 5) and b (off, 2); g2 = c (off, 7); g3 = d (NULL, 1).
    // max(on): g1 true, g2 false, g3 NULL. sum(on) counts the trues: g1 1, g2 0, g3 NULL (no value summed).
    // n above 3 and in g1: only a, so 1 in g1; c (n = 7) is in g2: 0 there.
    assert.deepEqual(
      rows.sort((x, y) => (String(x.keys['Flags.grp']) < String(y.keys['Flags.grp']) ? -1 : 1)),
      [
        { keys: { 'Flags.grp': 'g1' }, values: { anyOn: 'true', onCount: '1', bigInG1: '1' } },
        { keys: { 'Flags.grp': 'g2' }, values: { anyOn: 'false', onCount: '0', bigInG1: '0' } },
        { keys: { 'Flags.grp': 'g3' }, values: { anyOn: null, onCount: null, bigInG1: '0' } },
      ],
    );
  } finally {
    await flags.close();
  }
});

test('summary conditions bind their values typed as the member: text, timestamp and number placeholders on ClickHouse', async () => {
  // A stand-in for a ClickHouse server (none runs here): it keeps the statement it is sent and answers no rows.
  const sent: { sql: string; params: readonly unknown[] }[] = [];
  const unused = () => Promise.reject(new Error('the stand-in server runs nothing else'));
  const clickhouse: Store = {
    engine: 'clickhouse',
    target: 'stand-in server',
    readOnly: true,
    readOnlyReason: 'a stand-in',
    featuresOff: [],
    query: (sql, params) => {
      sent.push({ sql, params: params ?? [] });
      return Promise.resolve([]);
    },
    run: unused,
    dataVersion: () => Promise.resolve(1),
    lastLoad: () => Promise.resolve(null),
    ensureOwnTables: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  const early = new Date('2025-02-01T00:00:00.000Z');
  await summarizeRows(
    clickhouse,
    model,
    { dimensions: ['Offers.customerId', 'Offers.channel', 'Offers.offeredAt'], measures: ['Offers.count', 'Offers.accepted'] },
    {
      by: ['Offers.customerId'],
      columns: [
        { name: 'email', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.channel', is: 'email' }] },
        { name: 'early', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.offeredAt', atOrBefore: early }] },
        { name: 'accepted', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.accepted', above: 0 }] },
      ],
    },
    OPTIONS,
  );
  assert.equal(sent.length, 1);
  const { sql, params } = sent[0] ?? { sql: '', params: [] };
  // ClickHouse's query parameters are {name:Type}: String for text, DateTime for a time, Float64 for a number.
  assert.ok(sql.includes('"offers__channel" = {p1:String}'), sql);
  assert.ok(sql.includes('"offers__offered_at" <= {p2:DateTime}'), sql);
  assert.ok(sql.includes('"offers__accepted" > {p3:Float64}'), sql);
  assert.deepEqual(params.slice(0, 3), ['email', '2025-02-01T00:00:00.000Z', 0]);
});
