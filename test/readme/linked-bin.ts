/**
 * `uprate` on the PATH as `npm link` puts it there: a symlink to the checkout's bin/uprate.js,
 * which runs the compiled dist/cli/main.js — what a user gets after `npm install`. The examples
 * therefore run the build, so the build must be the sources': `staleBuild` says which source
 * changed after it.
 */
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

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
  const stale: string[] = [];
  for (const src of sources(join(root, 'src'))) {
    const rel = relative(join(root, 'src'), src).replace(/\.ts$/, '.js');
    const built = join(root, 'dist', rel);
    if (!existsSync(built)) stale.push(`${relative(root, src)} (no dist/${rel})`);
    else if (statSync(src).mtimeMs > statSync(built).mtimeMs) stale.push(`${relative(root, src)} (newer than dist/${rel})`);
  }
  if (stale.length === 0) return undefined;
  return `dist/ is older than src/: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}; ${fix}`;
}

/** `npm link`, emulated: `binDir/uprate` → the checkout's bin/uprate.js. Returns binDir. */
export function linkBin(root: string, binDir: string): string {
  mkdirSync(binDir, { recursive: true });
  symlinkSync(join(root, 'bin/uprate.js'), join(binDir, 'uprate'));
  return binDir;
}
