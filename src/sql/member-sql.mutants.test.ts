// Tests for member-sql.ts (added for mutation testing, bench/mutation-report.md): a member whose
// SQL reaches another cube — through a member reference, a cube alias, or a macro argument —
// joins that cube; the macros and the clock render as SQL; lookups of what the model lacks are
// bugs, said as such. The expected SQL is written by hand; the answers are worked out by hand
// from the rows below and checked on DuckDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, planOf, type SqlHarness } from '../../test/sql-harness.js';
import { InternalError } from '../core/errors.js';
import { type Model } from '../model/index.js';
import { compileSql, duckdbDialect, planToSql } from './index.js';
import { cubeOf, dimensionExpr, memberCubes, segmentExpr, templateExpr, type RenderScope } from './member-sql.js';
import { raw } from './nodes.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

const MODEL = `
cube('Accounts', {
  sql_table: 't_accounts',
  dimensions: {
    id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true },
    region: { sql: \`\${CUBE}.region\`, type: 'string' },
    opened: { sql: \`\${CUBE}.opened\`, type: 'time' },
  },
  measures: { count: { type: 'count' } },
});
cube('Deals', {
  sql_table: 't_deals',
  joins: { Accounts: { relationship: 'many_to_one', sql: \`\${CUBE}.account_id = \${Accounts.id}\` } },
  dimensions: {
    id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true },
    closed: { sql: \`\${CUBE}.closed\`, type: 'time' },
    home: { sql: \`\${Accounts.region}\`, type: 'string' },
    accountKey: { sql: \`upper(\${Accounts}.id)\`, type: 'string' },
    daysOpen: { sql: uprate.daysBetween(\`\${Accounts.opened}\`, \`\${CUBE}.closed\`), type: 'number' },
    due: { sql: uprate.addDays(\`\${CUBE}.closed\`, 30), type: 'time' },
  },
  measures: {
    count: { type: 'count' },
    overdue: { type: 'count', filters: [{ sql: \`\${due} < \${uprate.now()}\` }, { sql: \`\${CUBE}.closed < \${uprate.now()}\` }] },
  },
});
`;

// d4 belongs to no account, and closes after NOW.
const DATA = [
  'CREATE TABLE t_accounts (id TEXT, region TEXT, opened TIMESTAMP)',
  "INSERT INTO t_accounts VALUES ('a1', 'eu', '2025-01-01 00:00'), ('a2', 'us', '2025-01-10 00:00')",
  'CREATE TABLE t_deals (id TEXT, account_id TEXT, closed TIMESTAMP)',
  "INSERT INTO t_deals VALUES ('d1', 'a1', '2025-01-03 12:00'), ('d2', 'a2', '2025-01-11 00:00'), ('d3', 'a2', '2025-03-05 00:00'), ('d4', 'a9', '2025-03-25 00:00')",
];

let model: Model;
let harness: SqlHarness;
before(async () => {
  harness = await openSqlHarness({ file: 'model.js', text: MODEL }, DATA);
  model = harness.model;
});
after(() => harness.close());

function sqlOf(query: Record<string, unknown>): { sql: string; params: readonly unknown[] } {
  const got = compileSql(duckdbDialect, planToSql(model, planOf(model, query, NOW)).query);
  return { sql: got.sql, params: got.params };
}

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

const join = 'LEFT JOIN t_accounts AS "accounts" ON "deals".account_id = ("accounts".id)';

test('a dimension that is another cube\'s dimension joins that cube and reads its SQL, parenthesised once', async () => {
  const got = sqlOf({ measures: ['Deals.count'], dimensions: ['Deals.home'], order: { 'Deals.home': 'asc' } });
  assert.equal(got.sql, `SELECT
  ("accounts".region) "deals__home",
  count(("deals".id)) "deals__count"
FROM t_deals AS "deals"
${join}
GROUP BY 1
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  assert.deepEqual(await run(got.sql), [['eu', 1], ['us', 2], [null, 1]]);
});

test('a dimension naming another cube\'s alias joins that cube', async () => {
  const got = sqlOf({ measures: ['Deals.count'], dimensions: ['Deals.accountKey'], order: { 'Deals.accountKey': 'asc' } });
  assert.equal(got.sql.split('\n')[1], '  (upper("accounts".id)) "deals__account_key",');
  assert.ok(got.sql.includes(join));
  assert.deepEqual(await run(got.sql), [['A1', 1], ['A2', 2], [null, 1]]);
});

test('macro arguments join the cubes they name; the clock is one shared parameter', async () => {
  const got = sqlOf({ measures: ['Deals.count', 'Deals.overdue'], dimensions: ['Deals.daysOpen'], order: { 'Deals.daysOpen': 'asc' } });
  assert.equal(got.sql, `SELECT
  (((epoch("deals".closed) - epoch(("accounts".opened))) / 86400.0)) "deals__days_open",
  count(("deals".id)) "deals__count",
  count(CASE WHEN (((("deals".closed + INTERVAL (30) DAY)) < CAST($1 AS TIMESTAMP))) AND (("deals".closed < CAST($1 AS TIMESTAMP))) THEN ("deals".id) END) "deals__overdue"
FROM t_deals AS "deals"
${join}
GROUP BY 1
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  assert.deepEqual(got.params, [NOW.toISOString()]);
  // d2 a day after a2 opened, d1 2.5 days after a1, d3 54 days after a2 (21 + 28 + 5); d4 has no
  // account. Overdue: 30 days after closing is before NOW for d1 and d2 only.
  assert.deepEqual(await run(got.sql, got.params), [[1, 1, 1], [2.5, 1, 1], [54, 1, 0], [null, 1, 0]]);
});

test('memberCubes: the member\'s cube and every cube its SQL and filters reach', () => {
  const cubes = (path: string) => [...memberCubes(model, path)].sort();
  assert.deepEqual(cubes('Deals.home'), ['Accounts', 'Deals']);
  assert.deepEqual(cubes('Deals.accountKey'), ['Accounts', 'Deals']);
  assert.deepEqual(cubes('Deals.daysOpen'), ['Accounts', 'Deals']);
  assert.deepEqual(cubes('Deals.overdue'), ['Deals']);
  assert.deepEqual(cubes('Deals.nope'), ['Deals']);
  assert.deepEqual(cubes('Nope.id'), []);
});

test('what the model lacks, or a segment inside SQL, is a bug, said as such', () => {
  const scope: RenderScope = { model, now: NOW.toISOString(), measure: () => raw('M') };
  const bug = (f: () => unknown, message: string) => assert.throws(f, (e: unknown) => e instanceof InternalError && e.message === message);
  bug(() => cubeOf(model, 'Nope'), 'cube Nope is not in the model');
  bug(() => dimensionExpr(scope, 'Accounts', 'nope'), 'dimension Accounts.nope is not in the model');
  bug(() => segmentExpr(scope, 'Accounts', 'nope'), 'segment Accounts.nope is not in the model');
  bug(() => templateExpr([{ kind: 'member', cube: 'Accounts', member: 'us', memberType: 'segment' }], scope), 'segment Accounts.us referenced inside SQL');
  // A measure reference goes to the scope's renderer; a dimension reference never does.
  assert.deepEqual(templateExpr([{ kind: 'member', cube: 'Accounts', member: 'count', memberType: 'measure' }], scope), raw('M'));
  assert.deepEqual(templateExpr([{ kind: 'member', cube: 'Accounts', member: 'region', memberType: 'dimension' }], scope), { kind: 'paren', expr: { kind: 'concat', parts: [{ kind: 'identifier', name: 'accounts' }, raw('.region')] } });
});
