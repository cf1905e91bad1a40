/** How README text becomes examples: commands, comments, continuations, directives and their mistakes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readmeBlocks, servesForever } from './readme-examples.js';
import { commandsOf, splitAnd, stripComment } from './shell-text.js';

test('a comment starts at a # that begins a word outside quotes', () => {
  assert.equal(stripComment('uprate report   # monthly trend'), 'uprate report');
  assert.equal(stripComment(`curl 'http://h/x#frag' "a # b" # c`), `curl 'http://h/x#frag' "a # b"`);
  assert.equal(stripComment('echo a#b'), 'echo a#b');
  assert.equal(stripComment('TOKEN=$(node -e "x # y") # z'), 'TOKEN=$(node -e "x # y")');
});

test('a && b splits only at the top level', () => {
  assert.deepEqual(splitAnd('npm install && npm run demo'), ['npm install', 'npm run demo']);
  assert.deepEqual(splitAnd(`echo 'a && b' && x=$(p && q)`), [`echo 'a && b'`, 'x=$(p && q)']);
});

test('continued lines join; blank and comment-only lines are dropped; lines are counted from the block', () => {
  const body = '# a comment\nuprate ingest \\\n  customers.csv offers.csv   # both\n\nuprate report';
  assert.deepEqual(commandsOf(body, 10), [
    { text: 'uprate ingest customers.csv offers.csv', line: 11 },
    { text: 'uprate report', line: 14 },
  ]);
});

test('serving commands are known', () => {
  assert.ok(servesForever('uprate serve --dev'));
  assert.ok(servesForever('UPRATE_API_SECRET=x uprate serve'));
  assert.ok(servesForever('npm run demo'));
  assert.ok(servesForever('uprate demo --rows 5'));
  assert.ok(!servesForever('uprate demo --rows 5 --no-serve'));
  assert.ok(!servesForever('uprate report'));
});

test('directives attach to the next ```sh block and say what each command may do', () => {
  const md = [
    '## Load',
    '<!-- readme-test: file offers.csv: bad row; exit 1 "uprate ingest a" printing "must be one of"',
    '  skip "npm test": the suite cannot run itself -->',
    '',
    '```sh',
    'uprate ingest a b   # c',
    'npm test',
    'uprate report',
    '```',
  ].join('\n');
  const [block] = readmeBlocks(md);
  assert.equal(block?.line, 5);
  assert.equal(block?.heading, 'Load');
  assert.deepEqual(block?.examples.map((e) => [e.text, e.exits, e.skip, e.printing]), [
    ['uprate ingest a b', [1], undefined, 'must be one of'],
    ['npm test', [0], 'the suite cannot run itself', undefined],
    ['uprate report', [0], undefined, undefined],
  ]);
});

test('a directive that is wrong, matches nothing, or is attached to nothing is an error naming its line', () => {
  assert.throws(() => readmeBlocks('<!-- readme-test: shout -->\n```sh\nx\n```'), /README.md:1: unknown readme-test directive 'shout'/);
  assert.throws(() => readmeBlocks('<!-- readme-test: skip "npm x": why -->\n```sh\nnpm y\n```'), /README.md:2: no command starts with "npm x"/);
  assert.throws(() => readmeBlocks('<!-- readme-test: continues -->\ntext\n```sh\nx\n```'), /README.md:1: a readme-test comment must come right before/);
  assert.throws(() => readmeBlocks('<!-- readme-test: continues -->\n```yaml\na: 1\n```'), /not ```yaml/);
});

test('placeholders mark the server a command needs', () => {
  const md = '<!-- readme-test: replace "postgres://U:P@H/D" with postgres -->\n```sh\nnode x.mjs --url postgres://U:P@H/D\nuprate report\nscripts/services/clickhouse.sh start\n```';
  assert.deepEqual(readmeBlocks(md)[0]?.examples.map((e) => e.needs), [['postgres'], [], ['clickhouse']]);
});
