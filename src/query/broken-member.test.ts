import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { compileModel, type Model } from '../model/index.js';
import { duckdbDialect } from '../sql/index.js';
import { allAccess } from './access.js';
import { meta, prepareQuery } from './index.js';

// A query naming a member a tolerant load left out fails with the model's diagnostic, wherever
// the member appears; everything else is answered as usual.
const FILES = {
  'offers.js': `cube('Deals', {
  sql_table: 'deals',
  measures: {
    count: { type: 'count', drillMembers: [id, badRate] },
    won: { sql: 'won', type: 'sum' },
    badRate: { sql: 'won * 1.0 / NULLIF(total, 0)', type: 'number' },
    badPercent: { sql: \`\${badRate} * 100\`, type: 'number' },
  },
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true },
    stage: { sql: 'stage', type: 'string' },
    closedAt: { sql: 'closed_at', type: 'time', colour: 'red' },
  },
  segments: { recent: { sql: \`\${closedAt} > '2025-01-01'\` } },
});`,
  'ghost.js': "cube('Ghost', { sql_table: 'ghost', measures: { count: { type: 'count' } }",
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text })), { tolerant: true }).model;
  assert.ok(compiled);
  return compiled;
}

const sql = (query: unknown) => prepareQuery(model(), query, { now: new Date('2025-07-01T00:00:00Z'), access: allAccess('local') }, duckdbDialect);

function rejectsWith(query: unknown, location: string, member: string, diagnostic: RegExp) {
  assert.throws(() => sql(query), (e: unknown) => {
    assert.ok(isUprateError(e), `not an UprateError: ${String(e)}`);
    assert.equal(e.code, 'QUERY_INVALID');
    assert.equal(e.location, location);
    assert.ok(e.message.startsWith(`${member} cannot be queried: the model defines it with an error`), e.message);
    assert.match(e.message, diagnostic);
    assert.equal((e.details as { member: string }).member, member);
    return true;
  });
}

test('a broken member fails the query wherever it is named, with the diagnostic', () => {
  const rate = /\noffers\.js:6 Deals\.badRate: error: number measure Deals\.badRate uses raw columns \(won, total\)[\s\S]*\n {2}fix: /;
  rejectsWith({ measures: ['Deals.badRate'] }, 'measures[0]', 'Deals.badRate', rate);
  rejectsWith({ measures: ['Deals.count', 'Deals.badPercent'] }, 'measures[1]', 'Deals.badPercent', /offers\.js:7 Deals\.badPercent: error: uses Deals\.badRate, which has an error[\s\S]*offers\.js:6 Deals\.badRate: error: number measure/);
  rejectsWith({ measures: ['Deals.count'], filters: [{ member: 'Deals.badRate', operator: 'gt', values: ['0'] }] }, 'filters[0].member', 'Deals.badRate', rate);
  rejectsWith({ measures: ['Deals.count'], segments: ['Deals.recent'] }, 'segments[0]', 'Deals.recent', /Deals\.recent: error: uses Deals\.closedAt, which has an error[\s\S]*property colour/);
  rejectsWith({ measures: ['Deals.count'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }] }, 'timeDimensions[0].dimension', 'Deals.closedAt', /unknown or unsupported property colour/);
  rejectsWith({ measures: ['Ghost.count'] }, 'measures[0]', 'Ghost.count', /ghost\.js:\d+: error: syntax error/);
});

test('the rest of the model is answered, and /meta lists only what compiled', () => {
  const ok = sql({ measures: ['Deals.count', 'Deals.won'], dimensions: ['Deals.stage'] });
  assert.match(ok.queries[0]?.sql.sql ?? '', /deals/);
  const cubes = meta(model()).cubes as { name: string; measures: { name: string; drillMembers: string[] }[]; dimensions: { name: string }[]; segments: unknown[] }[];
  assert.deepEqual(cubes.map((c) => c.name), ['Deals']);
  const [deals] = cubes;
  assert.deepEqual(deals?.measures.map((m) => m.name), ['Deals.count', 'Deals.won']);
  assert.deepEqual(deals?.dimensions.map((d) => d.name), ['Deals.stage']);
  assert.deepEqual(deals?.segments, []);
  assert.deepEqual(deals?.measures[0]?.drillMembers, ['Deals.id']);
  assert.doesNotMatch(JSON.stringify(cubes), /badRate|error|offers\.js|ghost|Ghost/);
  // A member the model never had keeps Cube's wording.
  assert.throws(() => sql({ measures: ['Deals.nope'] }), /'nope' not found for path 'Deals\.nope'/);
});
