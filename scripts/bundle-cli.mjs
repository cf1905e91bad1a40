#!/usr/bin/env node
// The `uprate` command as a few files (dist/cli/bundle/: one per command, loaded when it runs, and
// the chunks they share), bundled from src/ with esbuild. Loading the compiled dist/ file by file
// (~300 of uprate's own, ~150 of @stdlib's small CommonJS modules) took about half a second of
// every command before it did anything. The other packages stay imports (DuckDB's native
// binding, pg, fastify, … load as their authors ship them); dist/ itself stays the library.
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const { dependencies = {} } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const target = `${root}dist/cli/bundle`;
// Written beside it, then renamed into place: a command started meanwhile finds the old bundle or none.
const outdir = `${target}.${process.pid}`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(dependencies).filter((name) => !name.startsWith('@stdlib/')),
  // @stdlib is CommonJS, and requires Node's own modules: an ES module has no `require` of its own.
  banner: { js: "import { createRequire as uprateCreateRequire } from 'node:module'; const require = uprateCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);
