/**
 * Member look-up (resolve-member.ts) on a small model written here: the reference each kind of
 * member resolves to, Cube's messages for an unknown cube, an unknown member and a member of the
 * wrong kind (with the hint naming where it belongs), and which members may be selected. Expected
 * references and texts are written out by hand from the model below.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { compileModel, type Model } from '../model/index.js';
import { checkVisible, resolveMember } from './resolve-member.js';

const FILES = {
  'deals.js': `cube('Deals', {
  sql_table: 'deals',
  measures: {
    count: { type: 'count' },
    amount: { sql: 'amount', type: 'sum' },
    secret: { type: 'count', public: false },
  },
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true },
    code: { sql: 'code', type: 'string', primary_key: true, public: true },
    stage: { sql: 'stage', type: 'string' },
    closedAt: { sql: 'closed_at', type: 'time' },
  },
  segments: { won: { sql: \`\${CUBE}.stage = 'won'\` } },
});`,
  'vault.js': `cube('Vault', {
  sql_table: 'vault',
  public: false,
  measures: { count: { type: 'count' } },
  dimensions: { id: { sql: 'id', type: 'number', primary_key: true }, label: { sql: 'label', type: 'string' } },
});`,
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text }))).model;
  assert.ok(compiled);
  return compiled;
}
const m = model();

test('each kind resolves to its reference: cube, name, member kind and type (a segment\'s type is segment)', () => {
  assert.deepEqual(resolveMember(m, 'Deals.amount', 'measure', 'measures[0]'), { kind: 'member', path: 'Deals.amount', cube: 'Deals', name: 'amount', memberType: 'measure', type: 'sum' });
  assert.deepEqual(resolveMember(m, 'Deals.closedAt', 'dimension', 'dimensions[0]'), { kind: 'member', path: 'Deals.closedAt', cube: 'Deals', name: 'closedAt', memberType: 'dimension', type: 'time' });
  assert.deepEqual(resolveMember(m, 'Deals.won', 'segment', 'segments[0]'), { kind: 'member', path: 'Deals.won', cube: 'Deals', name: 'won', memberType: 'segment', type: 'segment' });
  // A filter may name a measure or a dimension.
  assert.deepEqual(resolveMember(m, 'Deals.count', 'filterable', 'filters[0].member'), { kind: 'member', path: 'Deals.count', cube: 'Deals', name: 'count', memberType: 'measure', type: 'count' });
  assert.deepEqual(resolveMember(m, 'Deals.stage', 'filterable', 'filters[0].member'), { kind: 'member', path: 'Deals.stage', cube: 'Deals', name: 'stage', memberType: 'dimension', type: 'string' });
});

test('an unknown cube: Cube\'s message, the place, and the known cubes as the hint', () => {
  refused(() => resolveMember(m, 'Nope.count', 'measure', 'measures[2]'), 'QUERY_INVALID', 'measures[2]', {
    message: "Cube 'Nope' not found for path 'Nope.count'",
    hint: /^known cubes: Deals, Vault$/,
  });
});

test('an unknown member: Cube\'s message, and where to look its kind up', () => {
  const cases: [Parameters<typeof resolveMember>[2], string][] = [
    ['measure', 'measures'],
    ['dimension', 'dimensions'],
    ['segment', 'segments'],
    ['filterable', 'dimensions or measures'],
  ];
  for (const [expected, list] of cases) {
    refused(() => resolveMember(m, 'Deals.nope', expected, 'here'), 'QUERY_INVALID', 'here', {
      message: "'nope' not found for path 'Deals.nope'",
      hint: new RegExp(`^look the ${list} of Deals up in /cubejs-api/v1/meta$`),
    });
  }
  // An order key without a member name (order keys are not checked by the validator's name pattern).
  refused(() => resolveMember(m, 'Deals', 'filterable', 'order[0]'), 'QUERY_INVALID', 'order[0]', {
    message: "'' not found for path 'Deals'",
    hint: /^look the dimensions or measures of Deals up in \/cubejs-api\/v1\/meta$/,
  });
});

test('a member of the wrong kind: not found, and the hint names the list it belongs under', () => {
  refused(() => resolveMember(m, 'Deals.stage', 'measure', 'measures[0]'), 'QUERY_INVALID', 'measures[0]', {
    message: "'stage' not found for path 'Deals.stage'",
    hint: /^Deals\.stage is a dimension: list it under dimensions$/,
  });
  refused(() => resolveMember(m, 'Deals.count', 'dimension', 'dimensions[0]'), 'QUERY_INVALID', 'dimensions[0]', {
    message: "'count' not found for path 'Deals.count'",
    hint: /^Deals\.count is a measure: list it under measures$/,
  });
  refused(() => resolveMember(m, 'Deals.won', 'dimension', 'dimensions[1]'), 'QUERY_INVALID', 'dimensions[1]', {
    message: "'won' not found for path 'Deals.won'",
    hint: /^Deals\.won is a segment: list it under segments$/,
  });
  refused(() => resolveMember(m, 'Deals.count', 'segment', 'segments[0]'), 'QUERY_INVALID', 'segments[0]', {
    message: "'count' not found for path 'Deals.count'",
    hint: /^Deals\.count is a measure: list it under measures$/,
  });
  // A segment is no filter: filters take dimensions or measures.
  refused(() => resolveMember(m, 'Deals.won', 'filterable', 'filters[0].member'), 'QUERY_INVALID', 'filters[0].member', {
    message: "'won' not found for path 'Deals.won'",
    hint: /^Deals\.won is a segment: list it under segments$/,
  });
});

test('only public members of public cubes may be selected: hidden members, primary keys and a hidden cube\'s members are refused', () => {
  const ref = (path: string, kind: Parameters<typeof resolveMember>[2]) => resolveMember(m, path, kind, 'x');
  assert.doesNotThrow(() => checkVisible(m, ref('Deals.count', 'measure'), 'measures[0]'));
  assert.doesNotThrow(() => checkVisible(m, ref('Deals.code', 'dimension'), 'dimensions[0]'));
  const hidden = (path: string, kind: Parameters<typeof resolveMember>[2], where: string) =>
    refused(() => checkVisible(m, ref(path, kind), where), 'QUERY_INVALID', where, {
      message: `You requested hidden member: '${path}'. Please make it visible using \`shown: true\`.`,
      hint: /^hidden members \(and primary keys without public: true\) can be filtered on but not selected$/,
    });
  hidden('Deals.secret', 'measure', 'measures[1]');
  hidden('Deals.id', 'dimension', 'dimensions[2]');
  hidden('Vault.count', 'measure', 'measures[3]');
  hidden('Vault.label', 'dimension', 'dimensions[4]');
  // A reference to a member the model does not hold (built by hand) is no visible member either.
  refused(() => checkVisible(m, { kind: 'member', path: 'Deals.gone', cube: 'Deals', name: 'gone', memberType: 'measure', type: 'count' }, 'measures[5]'), 'QUERY_INVALID', 'measures[5]');
});
