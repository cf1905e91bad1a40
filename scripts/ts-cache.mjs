// Where scripts/ts-hooks.mjs keeps the JavaScript of each .ts text it compiled, and its upkeep.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const cacheDir = join(tmpdir(), `uprate-ts-${userInfo().uid}`);

/** Removes what no run has read for a week (every edit leaves its file's old text behind). */
export function pruneCache(maxAgeMs = 7 * 86_400_000) {
  let names = [];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const path = join(cacheDir, name);
    try {
      const { atimeMs, mtimeMs } = statSync(path);
      if (now - atimeMs > maxAgeMs && now - mtimeMs > maxAgeMs) rmSync(path, { force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}
