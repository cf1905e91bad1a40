import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, toCsv } from './csv.js';

test('CSV: quoting, nulls, machine-readable numbers, and it parses back', () => {
  const text = toCsv({ columns: ['name', 'rate', 'n', 'flag', 'note'], rows: [['a, "b"', 0.1834, 1234567, true, null], ['line\nbreak', Number.NaN, 0, false, undefined]] });
  assert.equal(text, 'name,rate,n,flag,note\r\n"a, ""b""",0.1834,1234567,true,\r\n"line\nbreak",,0,false,\r\n');
  assert.deepEqual(parseCsv(text), [['name', 'rate', 'n', 'flag', 'note'], ['a, "b"', '0.1834', '1234567', 'true', ''], ['line\nbreak', '', '0', 'false', '']]);
});

test('CSV: text that a spreadsheet would run as a formula is defused; numbers stay numbers', () => {
  const text = toCsv({
    columns: ['campaign', 'rate', 'change'],
    rows: [['=HYPERLINK("http://x","y")', 0.25, -0.5], ['+1', 0, -2], ['-2+3', null, 1], ['@SUM(A1)', 1, 0], ['\tx', 0.5, -0.125], ['\rx', 0.5, 0]],
  });
  assert.equal(
    text,
    'campaign,rate,change\r\n' +
      '"\'=HYPERLINK(""http://x"",""y"")",0.25,-0.5\r\n' +
      "'+1,0,-2\r\n" +
      "'-2+3,,1\r\n" +
      "'@SUM(A1),1,0\r\n" +
      "'\tx,0.5,-0.125\r\n" +
      '"\'\rx",0.5,0\r\n',
  );
});
