/**
 * /meta (meta.ts) on a small model written here: every field of a public cube, measure, dimension
 * and segment in Cube's key order, optional fields only where the model sets them, drill members
 * split into measures and dimensions, and hidden cubes and members left out. The expected body is
 * written out by hand from the model below (titles: Cube's titleize of the name unless given).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, type Model } from '../model/index.js';
import { meta } from './meta.js';

const FILES = {
  'deals.js': `cube('Deals', {
  sql_table: 'deals',
  description: 'Deals won and lost.',
  meta: { owner: 'sales' },
  measures: {
    count: { type: 'count', drillMembers: [id, stage, amount] },
    amount: { sql: 'amount', type: 'sum', title: 'Deal Amount', description: 'Summed amount.', format: 'currency', meta: { unit: 'EUR' } },
    secret: { type: 'count', public: false },
  },
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true, public: true },
    stage: { sql: 'stage', type: 'string', description: 'Pipeline stage.', meta: { order: 1 } },
    probability: { sql: 'probability', type: 'number', format: 'percent' },
    closedAt: { sql: 'closed_at', type: 'time', title: 'Closed' },
    internal: { sql: 'internal', type: 'string', public: false },
  },
  segments: {
    won: { sql: \`\${CUBE}.stage = 'won'\`, title: 'Won Deals', description: 'Only won.', meta: { x: 1 } },
    open: { sql: \`\${CUBE}.stage = 'open'\` },
    lost: { sql: \`\${CUBE}.stage = 'lost'\`, public: false },
  },
});`,
  'notes.js': `cube('SalesNotes', { sql_table: 'notes', title: 'Notes', measures: { count: { type: 'count' } } });`,
  'vault.js': `cube('Vault', { sql_table: 'vault', public: false, measures: { count: { type: 'count' } } });`,
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text }))).model;
  assert.ok(compiled);
  return compiled;
}

const COUNT_FLAGS = { cumulativeTotal: false, cumulative: false, type: 'number' };

test('public cubes only, each with its public members and every field in Cube\'s order', () => {
  const expected = {
    cubes: [
      {
        public: true,
        name: 'Deals',
        type: 'cube',
        title: 'Deals',
        description: 'Deals won and lost.',
        meta: { owner: 'sales' },
        measures: [
          {
            name: 'Deals.count',
            title: 'Deals Count',
            shortTitle: 'Count',
            ...COUNT_FLAGS,
            aggType: 'count',
            drillMembers: ['Deals.id', 'Deals.stage', 'Deals.amount'],
            drillMembersGrouped: { measures: ['Deals.amount'], dimensions: ['Deals.id', 'Deals.stage'] },
            isVisible: true,
          },
          {
            name: 'Deals.amount',
            title: 'Deals Deal Amount',
            description: 'Summed amount.',
            shortTitle: 'Deal Amount',
            format: 'currency',
            ...COUNT_FLAGS,
            aggType: 'sum',
            drillMembers: [],
            drillMembersGrouped: { measures: [], dimensions: [] },
            meta: { unit: 'EUR' },
            isVisible: true,
          },
        ],
        dimensions: [
          { name: 'Deals.id', title: 'Deals Id', type: 'number', shortTitle: 'Id', suggestFilterValues: true, isVisible: true, primaryKey: true },
          { name: 'Deals.stage', title: 'Deals Stage', type: 'string', description: 'Pipeline stage.', shortTitle: 'Stage', suggestFilterValues: true, meta: { order: 1 }, isVisible: true },
          { name: 'Deals.probability', title: 'Deals Probability', type: 'number', shortTitle: 'Probability', suggestFilterValues: true, format: 'percent', isVisible: true },
          { name: 'Deals.closedAt', title: 'Deals Closed', type: 'time', shortTitle: 'Closed', suggestFilterValues: true, isVisible: true },
        ],
        segments: [
          { name: 'Deals.won', title: 'Deals Won Deals', shortTitle: 'Won Deals', description: 'Only won.', meta: { x: 1 }, isVisible: true },
          { name: 'Deals.open', title: 'Deals Open', shortTitle: 'Open', isVisible: true },
        ],
      },
      {
        public: true,
        name: 'SalesNotes',
        type: 'cube',
        title: 'Notes',
        measures: [{ name: 'SalesNotes.count', title: 'Notes Count', shortTitle: 'Count', ...COUNT_FLAGS, aggType: 'count', drillMembers: [], drillMembersGrouped: { measures: [], dimensions: [] }, isVisible: true }],
        dimensions: [],
        segments: [],
      },
    ],
  };
  const got = meta(model());
  assert.deepEqual(got, expected);
  // Key order too: Cube's clients show fields in the order they arrive.
  assert.equal(JSON.stringify(got), JSON.stringify(expected));
});
