import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { compileModel, findBroken, formatProblems, loadModel, type Model } from './index.js';

// A tolerant load serves what compiles, as Cube does: what has errors, and what uses it, is left
// out and listed with its problems.
const tolerant = (files: Record<string, string>): Model => {
  const { model } = compileModel(Object.entries(files).map(([file, text]) => ({ file, text })), { tolerant: true });
  assert.ok(model, 'a tolerant compile always has a model');
  return model;
};
const why = (model: Model, key: string): string => formatProblems(model.broken.get(key) ?? []);
const names = (map: ReadonlyMap<string, unknown> | undefined) => [...(map?.keys() ?? [])];

const SEED = `cube('UpsellOffers', {
  sql: \`SELECT * FROM upsell_offers\`,
  measures: {
    totalUpsellOffers: { sql: \`total_upsell_offers\`, type: 'sum' },
    successfulUpsells: { sql: \`successful_upsells\`, type: 'sum', drillMembers: [customerId, upsellConversionRate] },
    upsellConversionRate: { sql: \`successful_upsells * 1.0 / NULLIF(total_upsell_offers, 0)\`, type: 'number' },
    upsellPercent: { sql: \`\${upsellConversionRate} * 100\`, type: 'number' },
    fixedRate: { sql: \`\${successfulUpsells} * 1.0 / NULLIF(\${totalUpsellOffers}, 0)\`, type: 'number' },
  },
  dimensions: {
    id: { sql: \`id\`, type: 'number', primaryKey: true },
    customerId: { sql: \`customer_id\`, type: 'number' },
  },
});`;

test('a broken measure and the measure using it are left out; the rest compiles', () => {
  const model = tolerant({ 'upsell_offers.js': SEED });
  const cube = model.cubes.get('UpsellOffers');
  assert.deepEqual(names(cube?.measures), ['totalUpsellOffers', 'successfulUpsells', 'fixedRate']);
  assert.deepEqual(names(model.broken), ['UpsellOffers.upsellConversionRate', 'UpsellOffers.upsellPercent']);
  assert.match(why(model, 'UpsellOffers.upsellConversionRate'), /^upsell_offers\.js:6 UpsellOffers\.upsellConversionRate: error: number measure .* uses raw columns \(successful_upsells, total_upsell_offers\)[\s\S]*\n {2}fix: compute it from measures/);
  const dependent = why(model, 'UpsellOffers.upsellPercent');
  assert.match(dependent, /^upsell_offers\.js:7 UpsellOffers\.upsellPercent: error: uses UpsellOffers\.upsellConversionRate, which has an error/);
  assert.match(dependent, /\nupsell_offers\.js:6 UpsellOffers\.upsellConversionRate: error: number measure/, 'the cause follows');
  // Drill members left out are dropped; each problem is in model.problems once.
  assert.deepEqual(cube?.measures.get('successfulUpsells')?.drillMembers, ['UpsellOffers.customerId']);
  assert.deepEqual(model.problems.map((p) => p.member), ['upsellConversionRate', 'upsellPercent']);
  assert.equal(findBroken(model, 'UpsellOffers.fixedRate'), undefined);
  assert.equal(findBroken(model, 'UpsellOffers.upsellPercent')?.length, 2);
});

test('strict stays the default: loadModel throws MODEL_INVALID listing every problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uprate-tolerant-'));
  try {
    writeFileSync(join(dir, 'upsell_offers.js'), SEED);
    await assert.rejects(loadModel(dir), (e: unknown) => isUprateError(e) && e.code === 'MODEL_INVALID' && /upsellConversionRate/.test(e.message));
    assert.equal(compileModel([{ file: 'a.js', text: SEED }]).model, undefined);
    // Tolerant: files relative to the model folder (the problems reach API callers).
    const model = await loadModel(dir, { tolerant: true });
    assert.deepEqual(model.files, ['upsell_offers.js']);
    assert.match(why(model, 'UpsellOffers.upsellConversionRate'), /^upsell_offers\.js:6 /);
    const valid = await loadModel('test/fixtures/models/seed-fixed', { tolerant: true });
    assert.deepEqual([valid.broken.size, valid.problems.length], [0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be parsed or evaluated breaks each of its cubes; other files are served', () => {
  const good = "cube('Good', { sql_table: 'good', measures: { count: { type: 'count' } } });";
  const syntax = tolerant({ 'good.js': good, 'bad.js': "cube('Ghost', { sql_table: 'ghost', measures: { count: { type: 'count' } }\ncube('Other', {" });
  assert.deepEqual(names(syntax.cubes), ['Good']);
  assert.deepEqual(names(syntax.broken), ['Ghost', 'Other']);
  assert.match(why(syntax, 'Ghost'), /^bad\.js:\d+: error: syntax error/);
  assert.match(formatProblems(findBroken(syntax, 'Ghost.count') ?? []), /syntax error/);

  const thrown = tolerant({ 'good.js': good, 'bad.js': "cube('Early', { sql_table: 'e', measures: { count: { type: 'count' } } });\nnull.boom;\ncube('Late', { sql_table: 'l' });" });
  assert.deepEqual(names(thrown.broken), ['Early', 'Late']);
  assert.match(why(thrown, 'Early'), /bad\.js:2: error: error while evaluating/);

  const yaml = tolerant({ 'good.js': good, 'bad.yml': 'cubes:\n  - name: Broken\n    sql_table: b\n    measures:\n      - name: n\n        type: count\n     bad: [\n' });
  assert.deepEqual([names(yaml.cubes), names(yaml.broken)], [['Good'], ['Broken']]);

  const view = tolerant({ 'good.js': `${good}\nview('V', {});` });
  assert.deepEqual([names(view.cubes), view.broken.size], [['Good'], 0], 'an unsupported view() breaks nothing else');
  assert.match(formatProblems(view.problems), /view\(\) is not supported/);
});

test('a cube-level error breaks the cube, and what uses the cube breaks with it', () => {
  const model = tolerant({
    'a.js': `cube('A', { sql_table: 'a; DROP TABLE x', measures: { n: { type: 'count' } }, dimensions: { id: { sql: 'id', type: 'number', primary_key: true } } });
cube('B', { sql_table: 'b', joins: { A: { relationship: 'many_to_one', sql: \`\${CUBE}.a_id = \${A}.id\` } },
  measures: { n: { type: 'count' } },
  dimensions: { id: { sql: 'id', type: 'number', primary_key: true }, aId: { sql: \`\${A.id}\`, type: 'number' } } });`,
  });
  assert.deepEqual(names(model.cubes), ['B']);
  assert.deepEqual(names(model.cubes.get('B')?.dimensions), ['id']);
  assert.deepEqual(names(model.cubes.get('B')?.joins), []);
  assert.match(why(model, 'B.joins.A'), /^a\.js:2 B\.joins\.A: error: the join to A uses cube A, which has an error[\s\S]*\na\.js:1 A: error: sql_table .* is not a table name/);
  assert.match(why(model, 'B.aId'), /^a\.js:4 B\.aId: error: uses cube A, which has an error/);
  assert.match(formatProblems(findBroken(model, 'A.n') ?? []), /is not a table name/);
});

test('a join breaks when a cube lacks its primary key, or the primary key is broken; the cubes stay', () => {
  const noKey = tolerant({
    'a.js': `cube('A', { sql_table: 'a', joins: { B: { relationship: 'many_to_one', sql: \`\${CUBE}.b = \${B}.id\` } }, measures: { n: { type: 'count' } } });
cube('B', { sql_table: 'b', measures: { n: { type: 'count' } }, dimensions: { id: { sql: 'id', type: 'number', primary_key: true } } });`,
  });
  assert.deepEqual(names(noKey.cubes), ['A', 'B']);
  assert.deepEqual(names(noKey.broken), ['A.joins.B']);
  assert.match(why(noKey, 'A.joins.B'), /cube A has no primary key, but it joins B/);

  const brokenKey = tolerant({
    'a.js': `cube('A', { sql_table: 'a', joins: { B: { relationship: 'many_to_one', sql: \`\${CUBE}.b = \${B}.x\` } }, measures: { n: { type: 'count' } }, dimensions: { id: { sql: 'id', type: 'number', primary_key: true } } });
cube('B', { sql_table: 'b', measures: { n: { type: 'count' } }, dimensions: { x: { sql: 'x', type: 'number' }, id: { sql: 'id', type: 'number', primary_key: true, colour: 'red' } } });`,
  });
  assert.deepEqual(names(brokenKey.broken), ['B.id', 'A.joins.B']);
  assert.match(why(brokenKey, 'A.joins.B'), /needs the primary key B\.id[\s\S]*unknown or unsupported property colour/);
  assert.deepEqual(brokenKey.cubes.get('B')?.primaryKeys, []);
});

test('members in a reference cycle are all left out', () => {
  const model = tolerant({ 'a.js': `cube('A', { sql_table: 'a', measures: { n: { type: 'count' } }, dimensions: { x: { sql: \`\${y} + 1\`, type: 'number' }, y: { sql: \`\${x} + 1\`, type: 'number' }, z: { sql: 'z', type: 'number' } } });` });
  assert.deepEqual(names(model.cubes.get('A')?.dimensions), ['z']);
  assert.deepEqual(names(model.broken).sort(), ['A.x', 'A.y']);
});
