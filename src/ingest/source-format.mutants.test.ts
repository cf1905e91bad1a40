/**
 * Formats by name and by content, the checks on a source file before it is read, the header
 * reader, the CSV line splitter and the delimiter guess — each case worked out by hand.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { refusalOf, tempFolder, thrown } from '../../test/ingest-fixtures.js';
import { checkSource, formatFromName, guessDelimiter, readFirstLine, sniffContent, splitCsvLine, SUPPORTED_EXTENSIONS, type SourceFormat } from './source-format.js';

const { dir, write: file } = tempFolder('source-format');

const refusal = (fn: () => unknown) => refusalOf(thrown(fn, 'expected an UprateError'));

describe('formatFromName', () => {
  test('each extension, any case, in any folder', () => {
    assert.deepEqual(
      ['a.csv', 'b.TSV', '/x/c.ndjson', 'd.JsonL', 'e.json', 'f.parquet', 'x.json/g.csv'].map(formatFromName),
      ['csv', 'csv', 'ndjson', 'ndjson', 'json', 'parquet', 'csv'],
    );
    assert.deepEqual(SUPPORTED_EXTENSIONS, { '.csv': 'csv', '.tsv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'json', '.parquet': 'parquet' });
  });

  test('an unknown extension, or one only in the folder name, is refused with the list', () => {
    for (const name of ['data.txt', '/in/data.csv/export', 'csv']) {
      assert.deepEqual(refusal(() => formatFromName(name)), {
        code: 'FILE_FORMAT',
        message: `cannot tell the format of ${name} from its name`,
        location: name,
        hint: 'name it with one of .csv, .tsv, .ndjson, .jsonl, .json, .parquet, or pass --format csv|ndjson|json|parquet',
      });
    }
  });
});

describe('sniffContent', () => {
  const sniff = (s: string) => sniffContent(Buffer.from(s, 'latin1'));
  test('Parquet magic needs all four bytes', () => {
    assert.equal(sniff('PAR1'), 'parquet');
    assert.equal(sniff('PAR1\0\0\0'), 'parquet');
    assert.equal(sniff('PAR'), 'csv');
    assert.equal(sniff('PAR2'), 'csv');
  });

  test('a NUL in the first line is binary; after the first line it is a row value', () => {
    assert.equal(sniff('PK\x03\x04\0'), 'binary');
    assert.equal(sniff('a,b\0\nc'), 'binary');
    assert.equal(sniff('a,b\nc\0,d'), 'csv');
    assert.equal(sniff('\0'), 'binary');
    assert.equal(sniff('\na\0'), 'csv'); // an empty first line holds no NUL
  });

  test('empty, white space, JSON array, NDJSON, CSV; a byte order mark and leading space skipped', () => {
    assert.equal(sniff(''), 'empty');
    assert.equal(sniff(' \n\t\r\n'), 'empty');
    assert.equal(sniffContent(Buffer.from('\uFEFF', 'utf8')), 'empty');
    assert.equal(sniff('  [ {"a": 1} ]'), 'json');
    assert.equal(sniff('\n{"a": 1}'), 'ndjson');
    assert.equal(sniffContent(Buffer.from('\uFEFF[1]', 'utf8')), 'json');
    assert.equal(sniffContent(Buffer.from('\uFEFF{"a":1}', 'utf8')), 'ndjson');
    assert.equal(sniff('a,b\n1,2'), 'csv');
    assert.equal(sniff('x'), 'csv');
  });
});

describe('checkSource', () => {
  test('a missing file is FILE_NOT_FOUND', () => {
    const path = join(dir, 'missing.csv');
    assert.equal(refusal(() => checkSource(path, 'csv'))['code'], 'FILE_NOT_FOUND');
  });

  test('a file of 0 bytes, and one of white space only, are FILE_EMPTY', () => {
    const empty = file('empty.csv', '');
    assert.deepEqual(refusal(() => checkSource(empty, 'csv')), {
      code: 'FILE_EMPTY',
      message: `file ${empty} is empty (0 bytes): there is no header and no row to load`,
      location: empty,
      hint: 'check the export that produced it',
    });
    const blank = file('blank.csv', '  \n\n');
    assert.deepEqual(refusal(() => checkSource(blank, 'csv')), {
      code: 'FILE_EMPTY',
      message: `file ${blank} holds only white space: there is no header and no row to load`,
      location: blank,
      hint: undefined,
    });
  });

  test('content matching the format passes: a short CSV without a newline, a long one, JSON, NDJSON in .json, Parquet', () => {
    assert.equal(checkSource(file('short.csv', 'a,b'), 'csv'), undefined);
    assert.equal(checkSource(file('long.csv', `h\n${'x\n'.repeat(5000)}`), 'csv'), undefined);
    assert.equal(checkSource(file('arr.json', '[{"a":1}]'), 'json'), undefined);
    assert.equal(checkSource(file('nd.json', '{"a":1}\n{"a":2}'), 'json'), undefined);
    assert.equal(checkSource(file('nd.ndjson', '{"a":1}'), 'ndjson'), undefined);
    assert.equal(checkSource(file('p.parquet', Buffer.from('PAR1xxxxPAR1', 'latin1')), 'parquet'), undefined);
  });

  test('a NUL after the first 4096 bytes of the first line is not looked at', () => {
    assert.equal(checkSource(file('late-nul.csv', `${'a'.repeat(5000)}\0`), 'csv'), undefined);
  });

  test('mislabelled content names what the name says and what the content looks like', () => {
    const cases: [string, string | Buffer, SourceFormat, string, string][] = [
      ['fake.parquet', 'a,b\n1,2\n', 'parquet', 'a Parquet file', 'CSV text'],
      ['fake.csv', '{"a": 1}\n', 'csv', 'CSV text', 'newline-delimited JSON'],
      ['arr.csv', '[1]', 'csv', 'CSV text', 'a JSON array'],
      ['arr.ndjson', '[1]', 'ndjson', 'newline-delimited JSON', 'a JSON array'],
      ['csv.json', 'a,b', 'json', 'a JSON array', 'CSV text'],
      ['zip.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), 'csv', 'CSV text', 'binary data'],
      ['par.json', Buffer.from('PAR1', 'latin1'), 'json', 'a JSON array', 'a Parquet file'],
    ];
    for (const [name, content, format, named, looks] of cases) {
      const path = file(name, content);
      assert.deepEqual(refusal(() => checkSource(path, format)), {
        code: 'FILE_FORMAT',
        message: `file ${path} is named as ${named} but its content looks like ${looks}`,
        location: path,
        hint: 'rename the file to match its content, or pass --format',
      });
    }
  });
});

describe('readFirstLine', () => {
  test('the first line without its newline, carriage return or byte order mark', () => {
    assert.equal(readFirstLine(file('h1.csv', 'a,b\nc,d\n')), 'a,b');
    assert.equal(readFirstLine(file('h2.csv', '\uFEFFa;b\r\nc;d\r\n')), 'a;b');
    assert.equal(readFirstLine(file('h3.csv', 'only')), 'only');
    assert.equal(readFirstLine(file('h4.csv', '')), '');
    assert.equal(readFirstLine(file('h5.csv', '\nsecond')), '');
    assert.equal(readFirstLine(file('h6.csv', 'a\r\r\n')), 'a\r');
    assert.equal(readFirstLine(file('h8.csv', 'a\rb\r\n')), 'a\rb');
    assert.equal(readFirstLine(file('h7.csv', 'x\uFEFFy\n')), 'x\uFEFFy');
  });

  test('a header longer than one 64 KiB read is read whole', () => {
    const long = 'h'.repeat(70_000);
    assert.equal(readFirstLine(file('wide.csv', `${long}\nrow\n`)), long);
    const exact = 'k'.repeat(65_536);
    assert.equal(readFirstLine(file('exact.csv', `${exact}\nrow\n`)), exact);
  });

  test('reading stops past 1 MiB: 17 reads of 64 KiB', () => {
    // 16 reads reach exactly 1 MiB (not past it); the 17th passes it: 17 × 65536 = 1114112.
    const path = file('huge.csv', 'z'.repeat(2 * 1024 * 1024));
    assert.equal(readFirstLine(path).length, 1_114_112);
  });
});

describe('splitCsvLine', () => {
  test('plain, empty and trailing fields', () => {
    assert.deepEqual(splitCsvLine('a,b,c', ','), ['a', 'b', 'c']);
    assert.deepEqual(splitCsvLine('a,,c,', ','), ['a', '', 'c', '']);
    assert.deepEqual(splitCsvLine('', ','), ['']);
    assert.deepEqual(splitCsvLine(' a ; b ', ';'), [' a ', ' b ']);
    assert.deepEqual(splitCsvLine('a,b', ';'), ['a,b']);
  });

  test('quoted fields keep delimiters, doubled quotes are one quote', () => {
    assert.deepEqual(splitCsvLine('"a,b",c', ','), ['a,b', 'c']);
    assert.deepEqual(splitCsvLine('"say ""hi""",x', ','), ['say "hi"', 'x']);
    assert.deepEqual(splitCsvLine('""', ','), ['']);
    assert.deepEqual(splitCsvLine('"a""",b', ','), ['a"', 'b']);
    assert.deepEqual(splitCsvLine('a"b"c\td', '\t'), ['abc', 'd']);
    assert.deepEqual(splitCsvLine('"open,end', ','), ['open,end']);
  });
});

describe('guessDelimiter', () => {
  test('the most frequent of comma, semicolon, tab and bar; comma on a tie or when none', () => {
    assert.equal(guessDelimiter('a,b,c'), ',');
    assert.equal(guessDelimiter('a;b;c,d'), ';');
    assert.equal(guessDelimiter('a\tb\tc'), '\t');
    assert.equal(guessDelimiter('a|b'), '|');
    assert.equal(guessDelimiter('a;b,c'), ',');
    assert.equal(guessDelimiter('a|b;c'), ';');
    assert.equal(guessDelimiter('abc'), ',');
    assert.equal(guessDelimiter(''), ',');
  });
});

describe('open files', () => {
  /** The file descriptors this process holds open (Linux). */
  const openFiles = () => readdirSync('/proc/self/fd').length;

  test('checkSource and readFirstLine close the file they read, whether it passes or not', () => {
    const good = file('fd.csv', 'a,b\nc,d\n');
    const wrong = file('fd-wrong.csv', '[{"a": 1}]');
    const before = openFiles();
    for (let i = 0; i < 20; i += 1) {
      checkSource(good, 'csv');
      assert.equal(refusal(() => checkSource(wrong, 'csv'))['code'], 'FILE_FORMAT');
      assert.equal(readFirstLine(good), 'a,b');
    }
    assert.equal(openFiles(), before);
  });
});
