/**
 * The loader `npm test` runs the tests' TypeScript with (scripts/ts-register.mjs): a `.js`
 * specifier in a .ts file finds the .ts beside it, types are stripped, an edit is compiled again
 * (never an older text's JavaScript from the cache), a syntax error names the file and line, and a
 * stack trace points into the .ts source.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('../scripts/ts-register.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'uprate-ts-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `main.ts` of the folder through the loader. */
const run = () => spawnSync(process.execPath, ['--import', REGISTER, join(dir, 'main.ts')], { encoding: 'utf8', timeout: 60_000 });

test('a .ts file importing `./x.js` gets ./x.ts, stripped of its types; an edit is compiled again', () => {
  // A value unique to this run: a cached compile of another run's text could not print it.
  const mark = `${process.pid}-${Date.now()}`;
  writeFileSync(join(dir, 'rate.ts'), `export interface Counts { offers: number; accepted: number }\nexport const rate = (c: Counts): number => c.accepted / c.offers;\nexport const mark: string = '${mark}';\n`);
  writeFileSync(join(dir, 'main.ts'), `import { rate, mark, type Counts } from './rate.js';\nconst c: Counts = { offers: 8, accepted: 2 };\nconsole.log(rate(c), mark);\n`);
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout.trim(), `0.25 ${mark}`);
  writeFileSync(join(dir, 'rate.ts'), `export interface Counts { offers: number; accepted: number }\nexport const rate = (c: Counts): number => (c.accepted * 100) / c.offers;\nexport const mark: string = '${mark}-edited';\n`);
  const second = run();
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout.trim(), `25 ${mark}-edited`);
});

test('a syntax error names the file and line; a thrown error points into the .ts source', () => {
  writeFileSync(join(dir, 'main.ts'), `const a: number = 1;\nconst b = (a +;\n`);
  const broken = run();
  assert.notEqual(broken.status, 0);
  assert.match(broken.stderr, /main\.ts:2/);
  // Types on the lines above move nothing: the source map keeps the .ts line of the throw.
  writeFileSync(join(dir, 'main.ts'), `type Offer = {\n  id: string;\n};\nconst o: Offer = { id: 'x' };\nthrow new Error(\`no offer \${o.id}\`);\n`);
  const thrown = run();
  assert.notEqual(thrown.status, 0);
  assert.match(thrown.stderr, /no offer x/);
  assert.match(thrown.stderr, /main\.ts:5/);
});
