/**
 * `uprate` on the PATH as `npm link` puts it there: a symlink to the checkout's bin/uprate.js,
 * which runs the bundled dist/cli/bundle/main.js — what a user gets after `npm install`. The examples
 * therefore run the build, so the build must be the sources': `staleBuild` says which source
 * changed after it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The command's entry, bundled from src/ after tsc's dist/ (scripts/bundle-cli.mjs). */
const BUNDLE = 'dist/cli/bundle/main.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Why dist/ cannot stand for src/ (missing, or older than a source file), or undefined. */
export function staleBuild(root: string): string | undefined {
  const fix = 'run `npm run build` (npm install does it): the README examples run the compiled `uprate`, as a user gets it';
  if (!existsSync(join(root, 'dist/cli/main.js'))) return `dist/ is missing: ${fix}`;
  if (!existsSync(join(root, BUNDLE))) return `${BUNDLE} is missing: ${fix}`;
  // The bundle is written after tsc's output, from all of src/: a source newer than it changed since.
  const bundled = statSync(join(root, BUNDLE)).mtimeMs;
  const stale: string[] = [];
  for (const src of sources(join(root, 'src'))) {
    const rel = relative(join(root, 'src'), src).replace(/\.ts$/, '.js');
    const built = join(root, 'dist', rel);
    if (!existsSync(built)) stale.push(`${relative(root, src)} (no dist/${rel})`);
    else if (statSync(src).mtimeMs > Math.min(statSync(built).mtimeMs, bundled)) stale.push(`${relative(root, src)} (newer than dist/${rel} or ${BUNDLE})`);
  }
  if (stale.length === 0) return undefined;
  return `dist/ is older than src/: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}; ${fix}`;
}

/** Blocks this thread for `ms` (a test's setup, waiting for another test process's build). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Brings dist/ up to date with src/ as `npm run build` would (tsc, then the command's bundle;
 * the web bundle is not the CLI's), when a source changed since the last build: tests that run `uprate` run the
 * compiled CLI, as a user does, and must run the sources' code. One build at a time across test
 * processes (a lock folder in node_modules/; one left by a killed build expires after 5 minutes).
 */
export function ensureBuilt(root: string): void {
  if (!staleBuild(root)) return;
  const lock = join(root, 'node_modules', '.uprate-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 300_000) rmSync(lock, { recursive: true, force: true });
      else sleepSync(500);
    }
  }
  try {
    if (staleBuild(root)) {
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
      if (tsc.status !== 0) throw new Error(`dist/ is older than src/ and \`tsc -p tsconfig.build.json\` failed:\n${tsc.stdout}${tsc.stderr}`);
      const bundle = spawnSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { cwd: root, encoding: 'utf8' });
      if (bundle.status !== 0) throw new Error(`dist/ is older than src/ and \`node scripts/bundle-cli.mjs\` failed:\n${bundle.stdout}${bundle.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  const stale = staleBuild(root);
  if (stale) throw new Error(stale);
}

/** `npm link`, emulated: `binDir/uprate` → the checkout's bin/uprate.js. Returns binDir. */
export function linkBin(root: string, binDir: string): string {
  mkdirSync(binDir, { recursive: true });
  symlinkSync(join(root, 'bin/uprate.js'), join(binDir, 'uprate'));
  return binDir;
}
