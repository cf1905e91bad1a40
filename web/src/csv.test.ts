import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, toCsv } from './csv.js';

test('CSV: quoting, nulls, machine-readable numbers, and it parses back', () => {
  const text = toCsv({ columns: ['name', 'rate', 'n', 'flag', 'note'], rows: [['a, "b"', 0.1834, 1234567, true, null], ['line\nbreak', Number.NaN, 0, false, undefined]] });
  assert.equal(text, 'name,rate,n,flag,note\r\n"a, ""b""",0.1834,1234567,true,\r\n"line\nbreak",,0,false,\r\n');
  assert.deepEqual(parseCsv(text), [['name', 'rate', 'n', 'flag', 'note'], ['a, "b"', '0.1834', '1234567', 'true', ''], ['line\nbreak', '', '0', 'false', '']]);
});
