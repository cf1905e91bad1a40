/**
 * Missing files, folders and other non-files are all named in one FILE_NOT_FOUND, each kind in its
 * own sentence, singular or plural; the location is the first problem in the order given.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { refusalWithDetails, tempFolder, thrown } from '../../test/ingest-fixtures.js';
import { checkFilesExist, listed } from './files-exist.js';

const { dir, write } = tempFolder('files-exist');

const file = write('present.csv', 'a\n');
const other = write('other.csv', 'b\n');
const folder = join(dir, 'folder');
mkdirSync(folder);
const folder2 = join(dir, 'folder2');
mkdirSync(folder2);
const missing = (n: string) => join(dir, n);
const HINT = `check the name and the folder (a relative path starts at ${process.cwd()})`;

const refusal = (files: string[]) => refusalWithDetails(thrown(() => checkFilesExist(files), 'expected FILE_NOT_FOUND'));

test('regular files, and no files at all, pass', () => {
  assert.equal(checkFilesExist([file, other]), undefined);
  assert.equal(checkFilesExist([]), undefined);
});

test('one missing file', () => {
  assert.deepEqual(refusal([file, missing('a.csv')]), {
    code: 'FILE_NOT_FOUND',
    message: `file ${missing('a.csv')} does not exist`,
    location: missing('a.csv'),
    hint: HINT,
    details: { missing: [missing('a.csv')], folders: [], others: [] },
  });
});

test('three missing files are listed with commas and "and"', () => {
  assert.deepEqual(refusal([missing('a.csv'), missing('b.csv'), file, missing('c.csv')]), {
    code: 'FILE_NOT_FOUND',
    message: `files ${missing('a.csv')}, ${missing('b.csv')} and ${missing('c.csv')} do not exist`,
    location: missing('a.csv'),
    hint: HINT,
    details: { missing: [missing('a.csv'), missing('b.csv'), missing('c.csv')], folders: [], others: [] },
  });
});

test('one folder, two folders', () => {
  assert.deepEqual(refusal([folder]), {
    code: 'FILE_NOT_FOUND',
    message: `${folder} is a folder, not a file`,
    location: folder,
    hint: HINT,
    details: { missing: [], folders: [folder], others: [] },
  });
  assert.equal(refusal([file, folder, folder2])['message'], `${folder} and ${folder2} are folders, not files`);
});

test('a device is not a regular file; two are not regular files', () => {
  assert.deepEqual(refusal(['/dev/null']), {
    code: 'FILE_NOT_FOUND',
    message: '/dev/null is not a regular file',
    location: '/dev/null',
    hint: HINT,
    details: { missing: [], folders: [], others: ['/dev/null'] },
  });
  assert.equal(refusal(['/dev/null', '/dev/zero'])['message'], '/dev/null and /dev/zero are not regular files');
});

test('every kind at once: missing, then folders, then others; the location is the first problem given', () => {
  assert.deepEqual(refusal([file, '/dev/null', folder, missing('x.csv'), missing('y.csv')]), {
    code: 'FILE_NOT_FOUND',
    message: `files ${missing('x.csv')} and ${missing('y.csv')} do not exist; ${folder} is a folder, not a file; /dev/null is not a regular file`,
    location: '/dev/null',
    hint: HINT,
    details: { missing: [missing('x.csv'), missing('y.csv')], folders: [folder], others: ['/dev/null'] },
  });
});

test('listed: none, one, two, three', () => {
  assert.equal(listed([]), '');
  assert.equal(listed(['a']), 'a');
  assert.equal(listed(['a', 'b']), 'a and b');
  assert.equal(listed(['a', 'b', 'c']), 'a, b and c');
});
