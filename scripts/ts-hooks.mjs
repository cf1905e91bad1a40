// The module hooks scripts/ts-register.mjs registers (they run on Node's loader thread).
// resolve: `./x.js` written in a .ts file is ./x.ts when that exists (NodeNext's convention).
// load: a .ts file's JavaScript, esbuild's transform of it with the repository's compiler
// options, cached in the temp folder under the hash of its text (and of the options and esbuild's
// version), so an edit is always compiled again and two test processes share each result.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir as cache } from './ts-cache.mjs';

const root = new URL('..', import.meta.url);
const { compilerOptions = {} } = JSON.parse(readFileSync(new URL('tsconfig.json', root), 'utf8'));
const options = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', tsconfigRaw: { compilerOptions } };
// esbuild's version from its package.json: its module (and its service process) load only on a miss.
const { version } = JSON.parse(readFileSync(new URL('node_modules/esbuild/package.json', root), 'utf8'));
const salt = createHash('sha1').update(JSON.stringify([version, options])).digest('hex');
mkdirSync(cache, { recursive: true });

const relative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && relative(specifier) && specifier.endsWith('.js')) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const text = readFileSync(path, 'utf8');
  const compiled = join(cache, `${createHash('sha1').update(salt).update(path).update('\0').update(text).digest('hex')}.js`);
  let source;
  try {
    source = readFileSync(compiled, 'utf8');
  } catch {
    const { transform } = await import('esbuild');
    ({ code: source } = await transform(text, { ...options, sourcefile: path }));
    // Written beside it and renamed into place: another test process reads the whole file or none.
    const scratch = `${compiled}.${process.pid}`;
    writeFileSync(scratch, source);
    renameSync(scratch, compiled);
  }
  return { format: 'module', source, shortCircuit: true };
}
