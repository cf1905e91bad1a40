import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `model/` folder shipped with uprate (found from this file, in src/ or dist/). */
export function shippedModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'uprate') return join(dir, 'model');
    dir = dirname(dir);
  }
  throw new Error('cannot find the uprate package folder holding model/');
}
