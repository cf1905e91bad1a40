#!/usr/bin/env node
// The published entry point runs the bundled CLI (scripts/bundle-cli.mjs); `npm install` builds it (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/bundle/main.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('uprate: dist/ is missing. Run `npm install` (or `npm run build`) in the uprate folder first.\n');
  process.exit(2);
}
await import(compiled.href);
