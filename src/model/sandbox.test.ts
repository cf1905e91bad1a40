import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel, type ModelSource } from './index.js';

// JavaScript model files run in a fresh vm context: references become markers, nothing of
// Node is reachable, endless loops stop.
const compile = (text: string, file = 'm.js') => compileModel([{ file, text } satisfies ModelSource], { timeoutMs: 10_000 });
const messages = (text: string) => compile(text).problems.map((p) => `${p.line ?? '-'}: ${p.message}`);

test('references, functions and macros become typed template parts', () => {
  const { model, problems } = compile(`
    const days = COMPILE_CONTEXT.uprate.conversionWindowDays;
    cube('A', {
      sql_table: 'a',
      joins: { B: { relationship: 'belongsTo', sql: \`\${CUBE}.b_id = \${B.id}\` } },
      measures: { n: { type: 'count' }, late: { type: 'count', filters: [{ sql: () => \`\${CUBE}.t > \${uprate.addDays(\`\${CUBE}.s\`, days)}\` }] } },
      dimensions: { id: { sql: (CUBE) => \`\${CUBE}.id\`, type: 'number', primaryKey: true } },
    });
    cube('B', { sql: 'SELECT 1 AS id', dimensions: { id: { sql: 'id', type: 'number', primary_key: true } } });`);
  assert.deepEqual(problems, []);
  const a = model?.cubes.get('A');
  assert.deepEqual(a?.joins.get('B')?.sql, [
    { kind: 'cube', cube: 'A' },
    { kind: 'text', text: '.b_id = ' },
    { kind: 'member', cube: 'B', member: 'id', memberType: 'dimension' },
  ]);
  const filter = a?.measures.get('late')?.filters[0];
  assert.deepEqual(filter?.[2], { kind: 'macro', name: 'addDays', args: [{ kind: 'sql', template: [{ kind: 'cube', cube: 'A' }, { kind: 'text', text: '.s' }] }, { kind: 'number', value: 30 }] });
  assert.deepEqual(a?.primaryKeys, ['id']);
});

test('the conversion window comes from the compile context', () => {
  const text = `cube('A', { sql_table: 'a', title: 'w' + uprate.conversionWindowDays, measures: { n: { type: 'count' } } });`;
  assert.equal(compileModel([{ file: 'm.js', text }], { conversionWindowDays: 14 }).model?.cubes.get('A')?.title, 'w14');
  assert.equal(compileModel([{ file: 'm.js', text }], { compileContext: { uprate: { conversionWindowDays: 7 } } }).model?.cubes.get('A')?.title, 'w7');
});

test('no require, process, import, eval or escape through constructors', () => {
  assert.match(messages(`const fs = require('fs');`)[0] ?? '', /^1: error while evaluating: require is not available/);
  assert.match(messages(`\n\nprocess.exit(1);`)[0] ?? '', /^3: .*process is not available/);
  assert.match(messages(`import fs from 'node:fs';`)[0] ?? '', /^1: syntax error/);
  assert.match(messages(`this.constructor.constructor('return process')()`)[0] ?? '', /Code generation from strings disallowed/);
  assert.match(messages(`eval('1')`)[0] ?? '', /Code generation from strings disallowed/);
  assert.match(messages(`fetch('http://example.com')`)[0] ?? '', /fetch is not available/);
});

test('an endless loop stops at the time limit', () => {
  const { problems } = compileModel([{ file: 'm.js', text: 'for (;;) {}' }], { timeoutMs: 200 });
  assert.match(problems[0]?.message ?? '', /took longer than 200 ms/);
});

test('syntax errors carry file:line', () => {
  const { problems } = compile(`cube('A', {\n  sql_table: 'a',\n  measures: { n: { type: 'count' },, }\n});`, 'model/a.js');
  assert.equal(problems[0]?.file, 'model/a.js');
  assert.equal(problems[0]?.line, 3);
  assert.match(problems[0]?.message ?? '', /^syntax error/);
});
