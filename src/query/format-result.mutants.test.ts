/**
 * Database rows → Cube's `data` rows (format-result.ts) on a small model written here: each
 * selected column read by its SQL alias and written under its member key, values by member type,
 * a time dimension under its granularity key and its own, and the compared range's label.
 * Expected rows are written out by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, type Model } from '../model/index.js';
import { allAccess } from './access.js';
import { buildPlan } from './build-plan.js';
import { formatRows } from './format-result.js';
import { normalizeRequest } from './normalize-query.js';

const FILES = {
  'deals.js': `cube('Deals', {
  sql_table: 'deals',
  measures: { count: { type: 'count' }, amount: { sql: 'amount', type: 'sum' } },
  dimensions: {
    id: { sql: 'id', type: 'number', primary_key: true },
    stage: { sql: 'stage', type: 'string' },
    isWon: { sql: 'won', type: 'boolean' },
    probability: { sql: 'probability', type: 'number' },
    closedAt: { sql: 'closed_at', type: 'time' },
  },
});`,
};

function model(): Model {
  const compiled = compileModel(Object.entries(FILES).map(([file, text]) => ({ file, text }))).model;
  assert.ok(compiled);
  return compiled;
}
const m = model();
const NOW = new Date('2025-07-01T00:00:00Z');

function plan(query: Record<string, unknown>) {
  const request = normalizeRequest(query, NOW);
  const [q] = request.queries;
  assert.ok(q);
  return buildPlan(m, q, request.orderGiven, { now: NOW, access: allAccess('local') });
}

test('each column under its member key, by type: strings, booleans, numbers as text, times as wall times', () => {
  const p = plan({
    measures: ['Deals.count', 'Deals.amount'],
    dimensions: ['Deals.stage', 'Deals.isWon', 'Deals.probability'],
    timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }],
  });
  const rows = [
    { deals__stage: 'won', deals__is_won: true, deals__probability: 0.75, deals__closed_at_month: '2025-03-01 00:00:00', deals__count: 12n, deals__amount: '1234.50' },
    { deals__stage: 7, deals__is_won: 't', deals__probability: 1e-7, deals__closed_at_month: new Date('2025-04-01T00:00:00Z'), deals__count: 0, deals__amount: null },
  ];
  const data = formatRows(p, rows);
  assert.deepEqual(data, [
    { 'Deals.stage': 'won', 'Deals.isWon': true, 'Deals.probability': '0.75', 'Deals.closedAt.month': '2025-03-01T00:00:00.000', 'Deals.closedAt': '2025-03-01T00:00:00.000', 'Deals.count': '12', 'Deals.amount': '1234.50' },
    { 'Deals.stage': '7', 'Deals.isWon': true, 'Deals.probability': '0.0000001', 'Deals.closedAt.month': '2025-04-01T00:00:00.000', 'Deals.closedAt': '2025-04-01T00:00:00.000', 'Deals.count': '0', 'Deals.amount': null },
  ]);
  // Cube's key order: dimensions, time dimensions, measures.
  assert.deepEqual(Object.keys(data[0] ?? {}), ['Deals.stage', 'Deals.isWon', 'Deals.probability', 'Deals.closedAt.month', 'Deals.closedAt', 'Deals.count', 'Deals.amount']);
});

test('a time dimension also selected plain keeps its raw value under its own key', () => {
  const p = plan({ measures: ['Deals.count'], dimensions: ['Deals.closedAt'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }] });
  const data = formatRows(p, [{ deals__closed_at: '2025-03-17 14:05:09.250', deals__closed_at_month: '2025-03-01 00:00:00', deals__count: 1 }]);
  assert.deepEqual(data, [{ 'Deals.closedAt': '2025-03-17T14:05:09.250', 'Deals.closedAt.month': '2025-03-01T00:00:00.000', 'Deals.count': '1' }]);
});

test('two granularities of one time dimension: the plain key carries the last one\'s value', () => {
  const p = plan({ measures: ['Deals.count'], timeDimensions: [{ dimension: 'Deals.closedAt', granularity: 'month' }, { dimension: 'Deals.closedAt', granularity: 'day' }] });
  const data = formatRows(p, [{ deals__closed_at_month: '2025-03-01 00:00:00', deals__closed_at_day: '2025-03-17 00:00:00', deals__count: 2 }]);
  assert.deepEqual(data, [{ 'Deals.closedAt.month': '2025-03-01T00:00:00.000', 'Deals.closedAt': '2025-03-17T00:00:00.000', 'Deals.closedAt.day': '2025-03-17T00:00:00.000', 'Deals.count': '2' }]);
});

test('a compared range labels every row; without one there is no such key; no rows give no rows', () => {
  const p = plan({ measures: ['Deals.count'] });
  assert.deepEqual(formatRows(p, [{ deals__count: 3 }], '2025-01-01T00:00:00.000 - 2025-01-31T23:59:59.999'), [{ 'Deals.count': '3', compareDateRange: '2025-01-01T00:00:00.000 - 2025-01-31T23:59:59.999' }]);
  assert.deepEqual(formatRows(p, [{ deals__count: 3 }]), [{ 'Deals.count': '3' }]);
  assert.ok(!('compareDateRange' in (formatRows(p, [{ deals__count: 3 }])[0] ?? {})));
  assert.deepEqual(formatRows(p, [{ deals__count: 3 }], ''), [{ 'Deals.count': '3', compareDateRange: '' }]);
  assert.deepEqual(formatRows(p, []), []);
});
