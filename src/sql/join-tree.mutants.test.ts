// Tests for join-tree.ts (added for mutation testing, bench/mutation-report.md): Cube's join rule
// (the root is the query cube that reaches the others with the fewest joins, the first one in
// query order on a tie), how a query without a path is refused, and which cubes a join tree
// repeats (the "one" side of a one-to-many step, and everything a many-to-one step reaches).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { compileModel, type Model, type Relationship } from '../model/index.js';
import { buildJoinTree, multipliedCubes, type JoinTree } from './join-tree.js';

// A reaches C only through M (two joins); B reaches A and C directly. D is joined to nothing.
const MODEL = `
cubes:
  - name: A
    sql_table: a
    joins:
      - { name: M, relationship: many_to_one, sql: "{CUBE}.m = {M}.id" }
      - { name: B, relationship: one_to_many, sql: "{CUBE}.id = {B}.a" }
    dimensions: [{ name: id, sql: id, type: string, primary_key: true }]
  - name: M
    sql_table: m
    joins:
      - { name: C, relationship: many_to_one, sql: "{CUBE}.c = {C}.id" }
    dimensions: [{ name: id, sql: id, type: string, primary_key: true }]
  - name: B
    sql_table: b
    joins:
      - { name: A, relationship: many_to_one, sql: "{CUBE}.a = {A}.id" }
      - { name: C, relationship: many_to_one, sql: "{CUBE}.c = {C}.id" }
    dimensions: [{ name: id, sql: id, type: string, primary_key: true }]
  - name: C
    sql_table: c
    dimensions: [{ name: id, sql: id, type: string, primary_key: true }]
  - name: D
    sql_table: d
    dimensions: [{ name: id, sql: id, type: string, primary_key: true }]
`;

let model: Model;
before(() => {
  const compiled = compileModel([{ file: 'model.yml', text: MODEL }]);
  assert.ok(compiled.model, compiled.problems.map((p) => p.message).join('\n'));
  model = compiled.model;
});

const shape = (t: JoinTree) => ({ root: t.root, edges: t.edges.map((e) => `${e.from}->${e.to}`) });

test('the root reaches the other query cubes with the fewest joins; on a tie, the first in query order', () => {
  assert.deepEqual(shape(buildJoinTree(model, ['A', 'B', 'C'])), { root: 'B', edges: ['B->A', 'B->C'] });
  assert.deepEqual(shape(buildJoinTree(model, ['A', 'C'])), { root: 'A', edges: ['A->M', 'M->C'] });
  assert.deepEqual(shape(buildJoinTree(model, ['A', 'B'])), { root: 'A', edges: ['A->B'] });
  assert.deepEqual(shape(buildJoinTree(model, ['B', 'A'])), { root: 'B', edges: ['B->A'] });
  assert.deepEqual(shape(buildJoinTree(model, ['C'])), { root: 'C', edges: [] });
});

test('no cube, or no path between the cubes, is a query error saying so', () => {
  assert.throws(() => buildJoinTree(model, []), (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID' && e.message === 'the query uses no cube');
  assert.throws(
    () => buildJoinTree(model, ['C', 'D']),
    (e: unknown) =>
      e instanceof UprateError &&
      e.code === 'QUERY_INVALID' &&
      e.message === "Can't find join path to join 'C', 'D'" &&
      e.hint === 'joins are directed: declare a join from one of these cubes to the others in the model',
  );
});

test('multiplied cubes: everything outside the many side of a one-to-many step, everything a many-to-one step reaches', () => {
  const edge = (from: string, to: string, relationship: Relationship) => ({ from, to, relationship, sql: [] });
  const multiplied = (root: string, ...edges: ReturnType<typeof edge>[]) => [...multipliedCubes({ root, edges })].sort();
  // R's rows and those of X (one per R) repeat once per Y.
  assert.deepEqual(multiplied('R', edge('R', 'X', 'one_to_one'), edge('R', 'Y', 'one_to_many')), ['R', 'X']);
  // Y's subtree (Y and Z) is the many side: neither repeats.
  assert.deepEqual(multiplied('R', edge('R', 'Y', 'one_to_many'), edge('Y', 'Z', 'one_to_one')), ['R']);
  // S (and T below it) repeat once per R row.
  assert.deepEqual(multiplied('R', edge('R', 'S', 'many_to_one'), edge('S', 'T', 'one_to_one')), ['S', 'T']);
  assert.deepEqual(multiplied('R', edge('R', 'X', 'one_to_one')), []);
});
