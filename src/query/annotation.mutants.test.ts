/**
 * The `annotation` of a /load answer (annotation.ts) on a small model written here: each kind of
 * member's annotation with only the fields the model sets, in Cube's key order, and which keys a
 * query's measures, dimensions, time dimensions and segments appear under. Expected annotations
 * are written out by hand from the model below.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, type Model } from '../model/index.js';
import { allAccess } from './access.js';
import { buildAnnotation, memberAnnotation } from './annotation.js';
import { buildPlan } from './build-plan.js';
import { normalizeRequest } from './normalize-query.js';

const FILES = {
  'deals.js': `cube('Deals', {
  sql_table: 'deals',
  measures: {
    count: { type: 'count', drillMembers: [id, stage, amount] },
    amount: { sql: 'amount', type: 'sum', title: 'Deal Amount', description: 'Summed amount.', format: 'currency', meta: { unit: 'EUR' } },
  },
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true, public: true },
    stage: { sql: 'stage', type: 'string', description: 'Pipeline stage.', meta: { order: 1 } },
    probability: { sql: 'probability', type: 'number', format: 'percent' },
    closedAt: { sql: 'closed_at', type: 'time', title: 'Closed' },
  },
  segments: {
    won: { sql: \`\${CUBE}.stage = 'won'\`, title: 'Won Deals', description: 'Only won.', meta: { x: 1 } },
    open: { sql: \`\${CUBE}.stage = 'open'\` },
  },
});`,
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text }))).model;
  assert.ok(compiled);
  return compiled;
}
const m = model();

const COUNT = { title: 'Deals Count', shortTitle: 'Count', type: 'number', drillMembers: ['Deals.id', 'Deals.stage', 'Deals.amount'], drillMembersGrouped: { measures: ['Deals.amount'], dimensions: ['Deals.id', 'Deals.stage'] } };
const AMOUNT = { title: 'Deals Deal Amount', shortTitle: 'Deal Amount', description: 'Summed amount.', type: 'number', format: 'currency', meta: { unit: 'EUR' }, drillMembers: [], drillMembersGrouped: { measures: [], dimensions: [] } };
const STAGE = { title: 'Deals Stage', shortTitle: 'Stage', description: 'Pipeline stage.', type: 'string', meta: { order: 1 } };
const PROBABILITY = { title: 'Deals Probability', shortTitle: 'Probability', type: 'number', format: 'percent' };
const CLOSED = { title: 'Deals Closed', shortTitle: 'Closed', type: 'time' };
const WON = { title: 'Deals Won Deals', shortTitle: 'Won Deals', description: 'Only won.', meta: { x: 1 } };
const OPEN = { title: 'Deals Open', shortTitle: 'Open' };

/** Same value and same key order. */
function same(got: unknown, expected: unknown): void {
  assert.deepEqual(got, expected);
  assert.equal(JSON.stringify(got), JSON.stringify(expected));
}

test('a member\'s annotation: measures as numbers with their drill members split, dimensions by type, segments untyped', () => {
  same(memberAnnotation(m, 'Deals.count'), COUNT);
  same(memberAnnotation(m, 'Deals.amount'), AMOUNT);
  same(memberAnnotation(m, 'Deals.stage'), STAGE);
  same(memberAnnotation(m, 'Deals.probability'), PROBABILITY);
  same(memberAnnotation(m, 'Deals.closedAt'), CLOSED);
  same(memberAnnotation(m, 'Deals.won'), WON);
  same(memberAnnotation(m, 'Deals.open'), OPEN);
  assert.equal(memberAnnotation(m, 'Deals.nope'), undefined);
  assert.equal(memberAnnotation(m, 'Nope.count'), undefined);
});

function plan(query: Record<string, unknown>) {
  const request = normalizeRequest(query, new Date('2025-07-01T00:00:00Z'));
  const [q] = request.queries;
  assert.ok(q);
  return buildPlan(m, q, request.orderGiven, { now: new Date('2025-07-01T00:00:00Z'), access: allAccess('local') });
}

test('a query\'s annotation: selected members under their keys; a time dimension under its granularity key and its own', () => {
  const p = plan({
    measures: ['Deals.count', 'Deals.amount'],
    dimensions: ['Deals.stage', 'Deals.probability'],
    timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }, { dimension: 'Deals.closedAt', granularity: 'day' }],
    segments: ['Deals.won', 'Deals.open'],
  });
  same(buildAnnotation(m, p, ['Deals.won', 'Deals.open']), {
    measures: { 'Deals.count': COUNT, 'Deals.amount': AMOUNT },
    dimensions: { 'Deals.stage': STAGE, 'Deals.probability': PROBABILITY },
    segments: { 'Deals.won': WON, 'Deals.open': OPEN },
    timeDimensions: { 'Deals.closedAt.month': CLOSED, 'Deals.closedAt': CLOSED, 'Deals.closedAt.day': CLOSED },
  });
});

test('a time dimension also listed as a plain dimension appears in timeDimensions under its granularity key only', () => {
  const p = plan({ measures: ['Deals.count'], dimensions: ['Deals.closedAt'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }] });
  same(buildAnnotation(m, p, []), {
    measures: { 'Deals.count': COUNT },
    dimensions: { 'Deals.closedAt': CLOSED },
    segments: {},
    timeDimensions: { 'Deals.closedAt.month': CLOSED },
  });
  // A time dimension without granularity selects nothing: no annotation for it.
  same(buildAnnotation(m, plan({ measures: ['Deals.count'], timeDimensions: [{ dimension: 'Deals.closedAt', dateRange: ['2025-01-01', '2025-01-31'] }] }), []), {
    measures: { 'Deals.count': COUNT },
    dimensions: {},
    segments: {},
    timeDimensions: {},
  });
});

test('drill members a tolerant load left out are not listed (the load drops them from the list)', () => {
  const files = {
    'deals.js': `cube('Deals', {
  sql_table: 'deals',
  measures: {
    count: { type: 'count', drillMembers: [id, badRate, stage] },
    badRate: { sql: 'won * 1.0 / NULLIF(total, 0)', type: 'number' },
  },
  dimensions: { id: { sql: 'id', type: 'number', primary_key: true }, stage: { sql: 'stage', type: 'string' } },
});`,
  };
  const tolerant = compileModel(Object.entries(files).map(([file, text]) => ({ file, text })), { tolerant: true }).model;
  assert.ok(tolerant);
  same(memberAnnotation(tolerant, 'Deals.count'), {
    title: 'Deals Count',
    shortTitle: 'Count',
    type: 'number',
    drillMembers: ['Deals.id', 'Deals.stage'],
    drillMembersGrouped: { measures: [], dimensions: ['Deals.id', 'Deals.stage'] },
  });
});

test('a time dimension with no plain dimensions selected appears under both keys', () => {
  same(buildAnnotation(m, plan({ measures: ['Deals.count'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'week' }] }), []), {
    measures: { 'Deals.count': COUNT },
    dimensions: {},
    segments: {},
    timeDimensions: { 'Deals.closedAt.week': CLOSED, 'Deals.closedAt': CLOSED },
  });
});

test('members the model does not hold (a plan or segment list built by hand) get no annotation and no key', () => {
  const p = plan({ measures: ['Deals.count'], dimensions: ['Deals.stage'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }] });
  const ghost = (path: string, key: string) => ({ kind: 'selection' as const, member: { kind: 'member' as const, path, cube: 'Deals', name: 'gone', memberType: 'dimension' as const, type: 'time' as const }, granularity: null, alias: 'deals__gone', key });
  const handMade = { ...p, measures: [...p.measures, ghost('Deals.gone', 'Deals.gone')], dimensions: [...p.dimensions, ghost('Deals.gone2', 'Deals.gone2')], timeDimensions: [...p.timeDimensions, ghost('Deals.gone3', 'Deals.gone3.month')] };
  same(buildAnnotation(m, handMade, ['Deals.won', 'Deals.nope']), {
    measures: { 'Deals.count': COUNT },
    dimensions: { 'Deals.stage': STAGE },
    segments: { 'Deals.won': WON },
    timeDimensions: { 'Deals.closedAt.month': CLOSED, 'Deals.closedAt': CLOSED },
  });
});
