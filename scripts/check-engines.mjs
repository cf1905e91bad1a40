#!/usr/bin/env node
// Every installed package whose `engines.node` leaves out the running Node — what `npm ci`
// reports as EBADENGINE warnings (and npm hides when its log level is above "warn"). Walks
// node_modules, nested ones included, so a dependency's own copy of a package is checked too.
//   node scripts/check-engines.mjs            # exit 1 and list the offenders, if any
//   node scripts/check-engines.mjs --json     # the same as JSON, for tools
// The project's own package.json is checked as well: its `engines` is what we promise users.
// A range that does not parse counts as an offender, as npm warns about it too.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

/**
 * @typedef {{ name: string, version: string, path: string, range: string }} EngineOffender
 * @typedef {{ checked: number, offenders: EngineOffender[] }} EngineReport
 */

/** @param {string} file @returns {Record<string, unknown> | undefined} */
function readManifest(file) {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** @param {string} path */
function isDirectory(path) {
  try {
    return lstatSync(path).isDirectory(); // lstat: a symlinked package is not walked twice
  } catch {
    return false;
  }
}

/** The package folders directly under one node_modules (scoped ones included). @param {string} dir */
function packagesIn(dir) {
  /** @type {string[]} */
  const out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue; // .bin, .package-lock.json, .cache
    const path = join(dir, name);
    if (!isDirectory(path)) continue;
    if (name.startsWith('@')) {
      for (const scoped of readdirSync(path)) {
        const inner = join(path, scoped);
        if (!scoped.startsWith('.') && isDirectory(inner)) out.push(inner);
      }
    } else {
      out.push(path);
    }
  }
  return out;
}

/**
 * Whether `range` (an `engines.node` value) admits `version`, the way npm decides it:
 * prereleases of the running Node count as that version.
 * @param {string} version e.g. process.version
 * @param {string} range e.g. ">=20.9"
 */
export function nodeSatisfies(version, range) {
  if (semver.validRange(range) === null) return false;
  return semver.satisfies(version, range, { includePrerelease: true });
}

/**
 * Checks the project at `root` and every package installed under its node_modules.
 * @param {string} root the project folder (holding package.json and node_modules)
 * @param {string} nodeVersion the Node version to check against, e.g. process.version
 * @returns {EngineReport}
 */
export function checkEngines(root, nodeVersion = process.version) {
  /** @type {EngineOffender[]} */
  const offenders = [];
  let checked = 0;
  /** @param {string} dir */
  const check = (dir) => {
    const manifest = readManifest(join(dir, 'package.json'));
    if (!manifest) return;
    checked += 1;
    const engines = manifest.engines;
    // Old packages wrote engines as an array of strings; npm ignores that form, and so do we.
    if (engines === null || typeof engines !== 'object' || Array.isArray(engines)) return;
    const range = /** @type {Record<string, unknown>} */ (engines).node;
    if (typeof range !== 'string' || nodeSatisfies(nodeVersion, range)) return;
    offenders.push({
      name: String(manifest.name ?? relative(root, dir)),
      version: String(manifest.version ?? '?'),
      path: relative(root, dir) || '.',
      range,
    });
  };
  /** @param {string} nodeModules */
  const walk = (nodeModules) => {
    for (const dir of packagesIn(nodeModules)) {
      check(dir);
      walk(join(dir, 'node_modules'));
    }
  };
  check(root);
  walk(join(root, 'node_modules'));
  offenders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { checked, offenders };
}

/**
 * The report as lines: one per offender, or one saying all is well.
 * @param {EngineReport} report
 * @param {string} nodeVersion
 * @returns {string[]}
 */
export function formatEngineReport(report, nodeVersion) {
  if (report.offenders.length === 0) {
    return [`engines: all ${report.checked} packages support node ${nodeVersion}`];
  }
  return [
    `engines: ${report.offenders.length} of ${report.checked} packages do not support node ${nodeVersion}:`,
    ...report.offenders.map((o) => `  ${o.name}@${o.version} (${o.path}) wants node ${o.range}`),
    'Pin a version that supports it (package.json "overrides" for a dependency of a dependency).',
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const report = checkEngines(root, process.version);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, ...report }, null, 2));
  else for (const line of formatEngineReport(report, process.version)) console.log(line);
  process.exit(report.offenders.length === 0 ? 0 : 1);
}
