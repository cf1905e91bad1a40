import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModel } from './index.js';

// The same cube in YAML and JavaScript compiles to the same model (lines and files aside).
const YAML = `cubes:
  - name: Orders
    sql_table: public.orders
    title: Orders
    joins:
      - name: Users
        relationship: belongs_to
        sql: "{CUBE}.user_id = {Users.id}"
    measures:
      - name: count
        type: count
        drill_members: [id]
      - name: paid
        type: count
        filters:
          - sql: "{CUBE}.status = 'paid'"
      - name: paidShare
        type: number
        sql: "{paid} * 1.0 / NULLIF({count}, 0)"
        format: percent
    dimensions:
      - name: id
        sql: "{CUBE}.id"
        type: number
        primary_key: true
    segments:
      - name: big
        sql: "{CUBE}.amount > 100"
  - name: Users
    sql: SELECT * FROM users
    dimensions:
      - name: id
        sql: id
        type: number
        primaryKey: true
`;

const JS = `cube('Orders', {
  sqlTable: 'public.orders',
  title: 'Orders',
  joins: { Users: { relationship: 'many_to_one', sql: \`\${CUBE}.user_id = \${Users.id}\` } },
  measures: {
    count: { type: 'count', drillMembers: [id] },
    paid: { type: 'count', filters: [{ sql: \`\${CUBE}.status = 'paid'\` }] },
    paidShare: { type: 'number', sql: \`\${paid} * 1.0 / NULLIF(\${count}, 0)\`, format: 'percent' },
  },
  dimensions: { id: { sql: \`\${CUBE}.id\`, type: 'number', primary_key: true } },
  segments: { big: { sql: \`\${CUBE}.amount > 100\` } },
});
cube('Users', { sql: 'SELECT * FROM users', dimensions: { id: { sql: 'id', type: 'number', primaryKey: true } } });`;

function normalized(file: string, text: string): unknown {
  const { model, problems } = compileModel([{ file, text }]);
  assert.deepEqual(problems, []);
  return JSON.parse(JSON.stringify([...(model?.cubes.values() ?? [])], (k, v: unknown) => (k === 'line' || k === 'file' ? undefined : v instanceof Map ? [...v] : v)));
}

test('YAML and JavaScript spellings compile to the same model', () => {
  assert.deepEqual(normalized('m.yml', YAML), normalized('m.js', JS));
});

test('YAML errors carry lines', () => {
  const { problems } = compileModel([{ file: 'm.yml', text: 'cubes:\n  - name: A\n    sql_table: a\n    sql_table: b\n' }]);
  assert.equal(problems[0]?.line, 4);
  assert.match(problems[0]?.message ?? '', /YAML syntax error/);
});
