/**
 * When a clustered read may be summed per cluster before its joins (clustersFirstShape) and when
 * that pays (clustersFirstPays), rule by rule on the shipped model (Offers many-to-one Customers on
 * customer_id) and on a small model written here for the joins and cube sources the shipped one
 * lacks. Each expectation follows from the rule in clusters-first.ts's comments, written out by hand.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { planOf } from '../../test/sql-harness.js';
import { compileModel, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { clustersFirstPays, clustersFirstSelect, clustersFirstShape, type ClustersFirstShape } from './clusters-first.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');
const CLUSTER = 'Offers.customerId';

let shipped: Model;
before(async () => {
  shipped = await loadModel(shippedModelDir());
});

/** The shape of a clustered read: the query with the cluster dimension added. */
function shapeOf(query: Record<string, unknown>, cluster = CLUSTER, model = shipped): ClustersFirstShape | null {
  const dimensions = [...((query['dimensions'] as string[] | undefined) ?? []), cluster];
  return clustersFirstShape(model, planOf(model, { ...query, dimensions, order: [] }, NOW), cluster);
}
/** A shape's parts by member path: its own keys, and the member each side's conditions read. */
function parts(shape: ClustersFirstShape | null) {
  assert.ok(shape, 'a shape');
  const paths = (ps: readonly unknown[]) => ps.map((p) => JSON.stringify(p).match(/"path":"([^"]+)"/g)?.map((s) => s.slice(8, -1)).join('+'));
  return { key: shape.key, cluster: shape.cluster.key, own: [...shape.own].map((s) => s.key), ownWhere: paths(shape.ownWhere), joinedWhere: paths(shape.joinedWhere), pays: clustersFirstPays(shape) };
}

const M = ['Offers.count', 'Offers.accepted'];

test('a breakdown by a customer attribute: summed per customer first, and that pays', () => {
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'] })), { key: 'customer_id', cluster: CLUSTER, own: [CLUSTER], ownWhere: [], joinedWhere: [], pays: true });
  // Sums too (expansionRevenue), not only counts.
  assert.ok(shapeOf({ measures: ['Offers.expansionRevenue'], dimensions: ['Customers.region'] }));
});

test('an offer dimension is a key on the cluster side: exact, but it does not pay', () => {
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize', 'Offers.channel'] })), { key: 'customer_id', cluster: CLUSTER, own: ['Offers.channel', CLUSTER], ownWhere: [], joinedWhere: [], pays: false });
  // A time dimension of the offers is one of its own keys too.
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] })).own, [CLUSTER, 'Offers.offeredAt.month']);
});

test('each top-level condition goes to the side it reads: the date range and an offer filter before the sums, a customer filter after', () => {
  const shape = shapeOf({
    measures: M,
    dimensions: ['Customers.accountSize'],
    timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-01-31'] }],
    filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Customers.region', operator: 'equals', values: ['eu'] }],
  });
  assert.deepEqual(parts(shape), { key: 'customer_id', cluster: CLUSTER, own: [CLUSTER], ownWhere: ['Offers.offeredAt', 'Offers.channel'], joinedWhere: ['Customers.region'], pays: false });
  // An offer filter alone still pays: the join reads one row per customer.
  assert.equal(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [{ member: 'Offers.channel', operator: 'set' }] })).pays, true);
});

test('an or group is one condition: on one side it goes there, across both sides there is no shape', () => {
  const customers = { or: [{ member: 'Customers.region', operator: 'equals', values: ['eu'] }, { member: 'Customers.plan', operator: 'equals', values: ['pro'] }] };
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [customers] })).joinedWhere, ['Customers.region+Customers.plan']);
  const offers = { or: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.campaign', operator: 'set' }] };
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [offers] })).ownWhere, ['Offers.channel+Offers.campaign']);
  const across = { or: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Customers.region', operator: 'equals', values: ['eu'] }] };
  assert.equal(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [across] }), null);
  // The same two conditions ANDed are two conditions, one per side.
  const both = { and: across.or };
  assert.deepEqual(parts(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [both] })), { key: 'customer_id', cluster: CLUSTER, own: [CLUSTER], ownWhere: ['Offers.channel'], joinedWhere: ['Customers.region'], pays: false });
});

test('no shape: a measure filter, an ungrouped read, a measure that is no count or sum, or a measure of the joined cube', () => {
  assert.equal(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], filters: [{ member: 'Offers.count', operator: 'gt', values: ['1'] }] }), null);
  assert.equal(shapeOf({ measures: M, dimensions: ['Customers.accountSize'], ungrouped: true }), null);
  for (const measure of ['Offers.customersOffered', 'Offers.conversionRate', 'Offers.avgDaysToAccept']) {
    assert.equal(shapeOf({ measures: ['Offers.count', measure], dimensions: ['Customers.accountSize'] }), null, measure);
  }
  assert.equal(shapeOf({ measures: ['Offers.count', 'Customers.count'], dimensions: ['Customers.accountSize'] }), null);
});

test('no shape without a join, or without the cluster among the dimensions', () => {
  // Offers alone: nothing to join, so nothing to sum first.
  assert.equal(shapeOf({ measures: M, dimensions: ['Offers.channel'] }), null);
  assert.equal(shapeOf({ measures: M }), null);
  // The cluster is not a dimension of the plan.
  assert.equal(clustersFirstShape(shipped, planOf(shipped, { measures: M, dimensions: ['Customers.accountSize'], order: [] }, NOW), CLUSTER), null);
});

// Orders many-to-one Accounts on account_id (a table), Views and Selves on account_id (SQL naming no
// other cube: the model refuses a cube's SQL naming another), Regions on region_code, Lines one-to-many
// on account_id, Shadows on the column uprate_account; Accounts many-to-one Tiers.
const MODEL = `
cubes:
  - name: Orders
    sql_table: t_orders
    joins:
      - { name: Accounts, relationship: many_to_one, sql: "{CUBE}.account_id = {Accounts}.id" }
      - { name: Views, relationship: many_to_one, sql: "{CUBE}.account_id = {Views}.id" }
      - { name: Selves, relationship: many_to_one, sql: "{CUBE}.account_id = {Selves}.id" }
      - { name: Regions, relationship: many_to_one, sql: "{CUBE}.region_code = {Regions}.code" }
      - { name: Lines, relationship: one_to_many, sql: "{CUBE}.account_id = {Lines}.account_id" }
      - { name: Shadows, relationship: many_to_one, sql: "{CUBE}.uprate_account = {Shadows}.id" }
      - { name: Lowered, relationship: many_to_one, sql: "lower({CUBE}.account_id) = {Lowered}.id" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: accountId, sql: "{CUBE}.account_id", type: string }
      - { name: lowered, sql: "lower({CUBE}.account_id)", type: string }
      - { name: internal, sql: "{CUBE}.uprate_account", type: string }
    measures:
      - { name: count, type: count }
  - name: Accounts
    sql_table: t_accounts
    joins:
      - { name: Tiers, relationship: many_to_one, sql: "{CUBE}.tier_id = {Tiers}.id" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: size, sql: "{CUBE}.size", type: string }
      - { name: since, sql: "{CUBE}.since", type: time }
  - name: Views
    sql: "SELECT id, size FROM t_accounts WHERE size IS NOT NULL"
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: size, sql: "{CUBE}.size", type: string }
  - name: Selves
    sql: "SELECT id, size FROM t_accounts AS {CUBE} WHERE {Selves}.size IS NOT NULL"
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: size, sql: "{CUBE}.size", type: string }
  - name: Regions
    sql_table: t_regions
    dimensions:
      - { name: code, sql: "{CUBE}.code", type: string, primary_key: true }
      - { name: label, sql: "{CUBE}.label", type: string }
  - name: Lines
    sql_table: t_lines
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: sku, sql: "{CUBE}.sku", type: string }
  - name: Shadows
    sql_table: t_shadows
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: label, sql: "{CUBE}.label", type: string }
  - name: Lowered
    sql_table: t_accounts
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: size, sql: "{CUBE}.size", type: string }
  - name: Tiers
    sql_table: t_tiers
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: name, sql: "{CUBE}.name", type: string }
`;

test('the joined cubes: a table or SQL naming no other cube, reached many-to-one on the cluster column', () => {
  const { model, problems } = compileModel([{ file: 'model.yml', text: MODEL }]);
  assert.ok(model, problems.map((p) => p.message).join('\n'));
  const shape = (dimension: string, cluster = 'Orders.accountId') => shapeOf({ measures: ['Orders.count'], dimensions: [dimension] }, cluster, model);
  assert.equal(parts(shape('Accounts.size')).key, 'account_id');
  assert.equal(parts(shape('Views.size')).key, 'account_id', 'SQL of text only');
  assert.equal(parts(shape('Selves.size')).key, 'account_id', 'SQL naming only its own cube');
  assert.equal(shape('Regions.label'), null, 'joined on another column');
  assert.equal(shape('Lines.sku'), null, 'one-to-many');
  assert.equal(shape('Tiers.name'), null, 'reached through another joined cube');
  assert.equal(shape('Lowered.size'), null, 'joined on an expression, not a column pair');
  // A time dimension of the joined cube is a key after the sums: the per-customer step reads Orders alone.
  const byMonth = planOf(model, { measures: ['Orders.count'], dimensions: ['Orders.accountId'], timeDimensions: [{ dimension: 'Accounts.since', granularity: 'month' }], order: [] }, NOW);
  const monthly = clustersFirstShape(model, byMonth, 'Orders.accountId');
  assert.deepEqual(parts(monthly).own, ['Orders.accountId']);
  assert.ok(monthly && clustersFirstSelect(model, byMonth, monthly).joins.length === 1);
  // The cluster must be a plain column of its cube, and not one of uprate's own names (the
  // per-cluster step names its columns uprate_key_…, uprate_part_…).
  assert.equal(shape('Accounts.size', 'Orders.lowered'), null);
  assert.equal(shape('Shadows.label', 'Orders.internal'), null);
});

test('a joined cube whose SQL calls a macro stands alone only when the macro reads no SQL of its own', () => {
  const cube = (name: string, where: string) =>
    `cube('${name}', { sql: \`SELECT * FROM t_accounts WHERE ${where}\`, dimensions: { id: { sql: \`\${CUBE}.id\`, type: 'string', primary_key: true }, size: { sql: \`\${CUBE}.size\`, type: 'string' } } });`;
  const { model, problems } = compileModel([
    {
      file: 'm.js',
      text: [
        "cube('Orders', { sql_table: 't_orders', joins: { Clocked: { relationship: 'many_to_one', sql: `${CUBE}.account_id = ${Clocked}.id` }, Shifted: { relationship: 'many_to_one', sql: `${CUBE}.account_id = ${Shifted}.id` }, Spanned: { relationship: 'many_to_one', sql: `${CUBE}.account_id = ${Spanned}.id` } },",
        "  dimensions: { id: { sql: `${CUBE}.id`, type: 'string', primary_key: true }, accountId: { sql: `${CUBE}.account_id`, type: 'string' } }, measures: { count: { type: 'count' } } });",
        cube('Clocked', 'since < ${uprate.now()}'),
        cube('Shifted', 'since < ${uprate.addDays(`${CUBE}.since`, 3)}'),
        cube('Spanned', '${uprate.daysBetween(`${CUBE}.since`, `${CUBE}.until`)} > 3'),
      ].join('\n'),
    },
  ]);
  assert.ok(model, problems.map((p) => p.message).join('\n'));
  const shape = (dimension: string) => shapeOf({ measures: ['Orders.count'], dimensions: [dimension] }, 'Orders.accountId', model);
  assert.equal(parts(shape('Clocked.size')).key, 'account_id', 'now() takes no SQL');
  assert.equal(shape('Shifted.size'), null, 'addDays reads a column');
  assert.equal(shape('Spanned.size'), null, 'daysBetween reads two columns');
});
