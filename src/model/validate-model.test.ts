import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { compileModel, formatProblems, loadModel, validateModel, type ModelProblem } from './index.js';

// Every problem at once, each with file, cube, member and a fix.
const problemsOf = (files: Record<string, string>): readonly ModelProblem[] =>
  compileModel(Object.entries(files).map(([file, text]) => ({ file, text }))).problems;
const one = (files: Record<string, string>, pattern: RegExp): ModelProblem => {
  const hit = problemsOf(files).find((p) => pattern.test(p.message));
  assert.ok(hit, `no problem matching ${pattern} in:\n${formatProblems(problemsOf(files))}`);
  return hit;
};

test("the seed's upsellConversionRate is an error whose fix is the ratio of sums", async () => {
  const problems = await validateModel('test/fixtures/models/seed');
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.equal(p?.file, 'test/fixtures/models/seed/upsell_offers.js');
  assert.equal(p?.line, 1);
  assert.equal(p?.cube, 'UpsellOffers');
  assert.equal(p?.member, 'upsellConversionRate');
  assert.match(p?.message ?? '', /raw columns \(successful_upsells, total_upsell_offers\)/);
  assert.equal(p?.fix, 'compute it from measures (a ratio of sums): sql: `${successfulUpsells} * 1.0 / NULLIF(${totalUpsellOffers}, 0)`');
  await assert.rejects(loadModel('test/fixtures/models/seed'), (e: unknown) => isUprateError(e) && e.code === 'MODEL_INVALID' && e.location === 'test/fixtures/models/seed/upsell_offers.js:1 UpsellOffers.upsellConversionRate');
  assert.deepEqual(await validateModel('test/fixtures/models/seed-fixed'), []);
});

test('unknown references, with the closest name', () => {
  const p = one({ 'a.js': `cube('A', { sql_table: 'a', measures: { n: { type: 'count' }, r: { type: 'number', sql: \`\${nn} / 2\` } } });` }, /unknown reference/);
  assert.deepEqual([p.cube, p.member, p.fix], ['A', 'r', 'did you mean ${n}?']);
  one({ 'a.yml': 'cubes:\n  - name: A\n    sql_table: a\n    dimensions:\n      - name: x\n        sql: "{B.y}"\n        type: string\n' }, /unknown reference \$\{B\.y\}: B is neither/);
});

test('cycles between members', () => {
  const p = one({ 'a.js': `cube('A', { sql_table: 'a', dimensions: { x: { sql: \`\${y} + 1\`, type: 'number' }, y: { sql: \`\${x} + 1\`, type: 'number' } } });` }, /reference cycle/);
  assert.match(p.message, /A\.x → A\.y → A\.x/);
});

test('duplicate names, bad types, missing primary keys, a join to nowhere — all reported together', () => {
  const problems = problemsOf({
    'a.yml': `cubes:
  - name: A
    sql_table: a
    joins:
      - name: B
        relationship: many_to_one
        sql: "{CUBE}.b = {B}.id"
      - name: Nowhere
        relationship: many_to_one
        sql: "{CUBE}.x = 1"
    measures:
      - name: n
        type: count
      - name: n
        type: sum
        sql: x
      - name: m
        type: median
        sql: x
    dimensions:
      - name: d
        type: text
        sql: d
`,
    'b.js': `cube('B', { sql_table: 'b', dimensions: { id: { sql: 'id', type: 'number' } } });\ncube('A', { sql_table: 'a2' });`,
  });
  const text = formatProblems(problems);
  for (const pattern of [/duplicate name n/, /bad measure type median/, /bad dimension type text/, /cube A has no primary key, but it joins B/, /cube B has no primary key, but A joins it/, /join to unknown cube Nowhere/, /duplicate cube A \(also defined in a\.yml:2\)/]) {
    assert.match(text, pattern);
  }
  const dup = problems.find((p) => p.message.startsWith('duplicate name n'));
  assert.deepEqual([dup?.file, dup?.line, dup?.cube, dup?.member], ['a.yml', 14, 'A', 'n']);
});

test('measures where only rows make sense, and unsupported properties', () => {
  one({ 'a.js': `cube('A', { sql_table: 'a', measures: { n: { type: 'count' }, s: { type: 'sum', sql: \`\${n}\` } } });` }, /is a measure and cannot be used in an aggregating measure/);
  one({ 'a.js': `cube('A', { sql_table: 'a', measures: { n: { type: 'count' } }, dimensions: { d: { type: 'number', sql: \`\${n}\` } } });` }, /cannot be used in a dimension/);
  one({ 'a.js': `cube('A', { sql_table: 'a', measures: { n: { type: 'count', rolling_window: { trailing: '7 day' } } } });` }, /unsupported property rolling_window/);
  one({ 'a.js': `cube('A', { sql_table: 'a; DROP TABLE x', measures: { n: { type: 'count' } } });` }, /is not a table name/);
  const warning = problemsOf({ 'a.js': `cube('A', { sql_table: 'a', refresh_key: { every: '1 hour' }, measures: { n: { type: 'count' } } });` });
  assert.deepEqual(warning.map((p) => p.severity), ['warning']);
});

test('problems in JavaScript files point at the member\'s line', () => {
  const text = "cube('A', {\n  sql_table: 'a',\n  measures: {\n    n: { type: 'count' },\n    rate: {\n      type: 'number',\n      sql: `x / y`,\n    },\n  },\n});";
  const p = one({ 'model/a.js': text }, /uses raw columns \(x, y\)/);
  assert.deepEqual([p.file, p.line, p.cube, p.member], ['model/a.js', 5, 'A', 'rate']);
});
