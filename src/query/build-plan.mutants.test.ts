/**
 * A normalised query resolved into a plan (build-plan.ts), rule by rule on the shipped model: the
 * selections and their aliases, time dimensions and their date ranges in UTC, segments and a
 * tenant's filters, the plan's defaults, and Cube's default order. Expected plans written by hand.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { refused } from '../../test/uprate-error.js';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, tenantAccess, type Access } from './access.js';
import { buildPlan } from './build-plan.js';
import { normalizeRequest } from './normalize-query.js';
import type { Predicate, QueryPlan } from './plan.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

let model: Model;
before(async () => {
  model = await loadModel(shippedModelDir());
});

function plan(query: Record<string, unknown>, access: Access = allAccess('local'), m: Model = model): QueryPlan {
  const request = normalizeRequest(query, NOW);
  const [q] = request.queries;
  assert.ok(q);
  return buildPlan(m, q, request.orderGiven, { now: NOW, access });
}
/** A predicate as text: `path operator values`, groups as `and(…)`. */
function shown(p: Predicate | null): string | null {
  if (p === null) return null;
  if ('items' in p) return `${p.kind}(${p.items.map(shown).join(', ')})`;
  if (p.kind === 'segment') return `segment ${p.member.path}`;
  return `${p.member.path} ${p.operator} ${JSON.stringify(p.values)}`;
}
const orderOf = (p: QueryPlan) => p.order.map((o) => `${o.id} ${o.alias} ${o.desc ? 'desc' : 'asc'}`);

test('selections: each member with its alias and key; the defaults of an empty query part', () => {
  const p = plan({ measures: ['Offers.count'], dimensions: ['Customers.accountSize'] });
  assert.deepEqual(
    [...p.measures, ...p.dimensions].map((s) => [s.member.path, s.member.memberType, s.granularity, s.alias, s.key]),
    [['Offers.count', 'measure', null, 'offers__count', 'Offers.count'], ['Customers.accountSize', 'dimension', null, 'customers__account_size', 'Customers.accountSize']],
  );
  assert.deepEqual([p.where, p.having, p.limit, p.offset, p.total, p.ungrouped, p.timezone, p.now], [null, null, 10000, 0, false, false, 'UTC', '2025-03-20T10:00:00.000Z']);
  const q = plan({ measures: ['Offers.count'], offset: 20, total: true, ungrouped: true, limit: 5, timezone: 'Europe/Berlin' });
  assert.deepEqual([q.limit, q.offset, q.total, q.ungrouped, q.timezone], [5, 20, true, true, 'Europe/Berlin']);
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.measures) && Object.isFrozen(p.measures[0]?.member), 'deep-frozen');
});

test('time dimensions: a granularity selects it once; a date range is a condition in UTC instants of the query zone', () => {
  const p = plan({
    measures: ['Offers.count'],
    timezone: 'Europe/Berlin',
    timeDimensions: [
      { dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-01-31'] },
      { dimension: 'Offers.offeredAt', granularity: 'month' },
      { dimension: 'Offers.offeredAt', granularity: 'day' },
      { dimension: 'Offers.acceptedAt' },
    ],
  });
  assert.deepEqual(p.timeDimensions.map((s) => [s.key, s.alias, s.granularity]), [['Offers.offeredAt.month', 'offers__offered_at_month', 'month'], ['Offers.offeredAt.day', 'offers__offered_at_day', 'day']]);
  // Berlin is +01:00 in January: local midnight of 01-01 is 23:00 UTC the day before.
  assert.equal(shown(p.where), 'Offers.offeredAt inDateRange ["2024-12-31T23:00:00.000Z","2025-01-31T22:59:59.999Z"]');
  refused(() => plan({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.channel', granularity: 'day' }] }), 'QUERY_INVALID', 'timeDimensions[0].dimension', {
    message: 'Invalid query format: Offers.channel is a string dimension, not a time dimension',
    hint: /list it under dimensions, or use a dimension of type time here/,
  });
});

test('conditions: the date range, segments, filters and then the tenant filters, ANDed in that order; measure filters apart', () => {
  const access = tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['eu'] }, { member: 'Offers.count', operator: 'gt', values: ['0'] }]);
  const p = plan(
    {
      measures: ['Offers.count'],
      segments: ['Offers.upsells'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-01-01'] }],
      filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.accepted', operator: 'gte', values: ['2'] }],
    },
    access,
  );
  assert.equal(
    shown(p.where),
    'and(Offers.offeredAt inDateRange ["2025-01-01T00:00:00.000Z","2025-01-01T23:59:59.999Z"], segment Offers.upsells, Offers.channel equals ["email"], Customers.region equals ["eu"])',
  );
  assert.equal(shown(p.having), 'and(Offers.accepted gte [2], Offers.count gt [0])');
  // One condition alone is not wrapped in a group.
  assert.equal(shown(plan({ measures: ['Offers.count'] }, tenantAccess([{ member: 'Offers.count', operator: 'gt', values: ['1'] }])).having), 'Offers.count gt [1]');
  // A bad tenant filter names its place under security.
  refused(() => plan({ measures: ['Offers.count'] }, tenantAccess([{ member: 'Offers.nope', operator: 'set' }])), 'QUERY_INVALID', 'security[0].member');
  refused(() => plan({ measures: ['Offers.count'], segments: ['Offers.upsells', 'Offers.nope'] }), 'QUERY_INVALID', 'segments[1]');
  // A tenant filter without an operator is refused where it is, under security too.
  refused(() => plan({ measures: ['Offers.count'] }, tenantAccess([{ member: 'Offers.channel' } as never])), 'QUERY_INVALID', 'security[0]');
  refused(() => plan({ measures: ['Offers.count'], dimensions: ['Offers.channel', 'Offers.nope'] }), 'QUERY_INVALID', 'dimensions[1]');
});

test('hidden members are refused where they are named', () => {
  const { model: m } = compileModel([
    {
      file: 'm.yml',
      text: `
cubes:
  - name: T
    sql_table: t
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: at, sql: "{CUBE}.at", type: time, public: false }
      - { name: kind, sql: "{CUBE}.kind", type: string }
    measures:
      - { name: count, type: count }
      - { name: secret, type: count, public: false }
`,
    },
  ]);
  assert.ok(m);
  refused(() => plan({ measures: ['T.count', 'T.secret'] }, allAccess('local'), m), 'QUERY_INVALID', 'measures[1]');
  refused(() => plan({ measures: ['T.count'], dimensions: ['T.kind', 'T.id'] }, allAccess('local'), m), 'QUERY_INVALID', 'dimensions[1]');
  refused(() => plan({ measures: ['T.count'], timeDimensions: [{ dimension: 'T.at', granularity: 'day' }] }, allAccess('local'), m), 'QUERY_INVALID', 'timeDimensions[0]');
  // A hidden time dimension may still bound the rows (a date range without a granularity).
  assert.equal(plan({ measures: ['T.count'], timeDimensions: [{ dimension: 'T.at', dateRange: ['2025-01-01', '2025-01-01'] }] }, allAccess('local'), m).timeDimensions.length, 0);
});

test("Cube's default order: the first time dimension, else the first measure descending beside a dimension, else the first dimension", () => {
  const td = [{ dimension: 'Offers.offeredAt', granularity: 'month' }];
  assert.deepEqual(orderOf(plan({ measures: ['Offers.count'], dimensions: ['Offers.channel'], timeDimensions: td })), ['Offers.offeredAt offers__offered_at_month asc']);
  assert.deepEqual(orderOf(plan({ measures: ['Offers.accepted', 'Offers.count'], dimensions: ['Offers.channel'] })), ['Offers.accepted offers__accepted desc']);
  assert.deepEqual(orderOf(plan({ dimensions: ['Offers.channel', 'Offers.offerType'] })), ['Offers.channel offers__channel asc']);
  assert.deepEqual(orderOf(plan({ measures: ['Offers.count'] })), []);
});

test('a given order: selected members only, each column once, a time dimension by its key or its member', () => {
  const td = [{ dimension: 'Offers.offeredAt', granularity: 'month' }];
  const p = plan({
    measures: ['Offers.count'],
    dimensions: ['Offers.channel'],
    timeDimensions: td,
    order: [['Offers.campaign', 'asc'], ['Offers.channel', 'desc'], ['Offers.count', 'asc'], ['Offers.channel', 'asc'], ['Offers.offeredAt.month', 'desc']],
  });
  assert.deepEqual(orderOf(p), ['Offers.channel offers__channel desc', 'Offers.count offers__count asc', 'Offers.offeredAt.month offers__offered_at_month desc']);
  assert.deepEqual(orderOf(plan({ measures: ['Offers.count'], timeDimensions: td, order: { 'Offers.offeredAt': 'desc' } })), ['Offers.offeredAt offers__offered_at_month desc']);
  // An empty order is no order at all, not Cube's default.
  assert.deepEqual(orderOf(plan({ measures: ['Offers.count'], dimensions: ['Offers.channel'], order: [] })), []);
  refused(() => plan({ measures: ['Offers.count'], order: [['Offers.count', 'asc'], ['Offers.nope', 'asc']] }), 'QUERY_INVALID', 'order[1]');
});
