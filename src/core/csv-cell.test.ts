import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell } from './csv-cell.js';

// Expected fields written out by hand from OWASP's rule (prefix ', then RFC 4180 quoting).
test('csvCell: text starting like a formula gets a leading quote, then RFC 4180 quoting', () => {
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('\rx'), '"\'\rx"');
  assert.equal(csvCell('=1,2'), '"\'=1,2"');
});

test('csvCell: ordinary text, quoting, empties', () => {
  assert.equal(csvCell('spring'), 'spring');
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell("'quoted"), "'quoted");
  assert.equal(csvCell('a, "b"'), '"a, ""b"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell(' =x'), ' =x');
  assert.equal(csvCell(''), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
});

test('csvCell: numbers, bigints and booleans are written as they are', () => {
  assert.equal(csvCell(-0.5), '-0.5');
  assert.equal(csvCell(-12), '-12');
  assert.equal(csvCell(0.1834), '0.1834');
  assert.equal(csvCell(-(2n ** 70n)), '-1180591620717411303424');
  assert.equal(csvCell(Number.NaN), '');
  assert.equal(csvCell(Number.NEGATIVE_INFINITY), '');
  assert.equal(csvCell(true), 'true');
});

test("csvCell: kind 'number' exempts number text only when it is a number", () => {
  assert.equal(csvCell('-0.5', 'number'), '-0.5');
  assert.equal(csvCell('-1.5e-7', 'number'), '-1.5e-7');
  assert.equal(csvCell('-0.5'), "'-0.5");
  assert.equal(csvCell('-2+3', 'number'), "'-2+3");
  assert.equal(csvCell('=1', 'number'), "'=1");
  assert.equal(csvCell('+1', 'number'), "'+1");
  assert.equal(csvCell('-1,5', 'number'), '"\'-1,5"');
});
