// Loads the tests' TypeScript for `npm test` (scripts/run-tests.mjs: `node --import
// ./scripts/ts-register.mjs --test …`): each .ts file stripped of its types by esbuild, as tsx does,
// once per content (kept in the temp folder), its source map on for stack traces. Through tsx a
// test file importing the store, the rollups, ingest and the server took 3.7–3.9 s to load on
// this 2-core machine, about 1.5 s more than this (2.1–2.9 s; the same modules compiled to
// JavaScript beforehand: 1.9–2.5 s) — a second or more of each of the ~280 files. tsx stays for
// running a script by hand and for the bench.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
