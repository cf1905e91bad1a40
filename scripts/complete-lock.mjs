#!/usr/bin/env node
// The package mirror these machines use serves only the Linux builds of platform-specific
// optional packages, so `npm install` leaves the other platforms' entries out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds the missing
// entries as optional packages for their own os/cpu, which npm ci skips on Linux without
// fetching anything. Run it after any `npm install` that rewrites the lock, then `npm install`
// once more: npm keeps the entries and writes them in its own order (marking dev ones).
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  // "arm-eabi" / "arm-gnueabihf" name an arm build; test arm64 before arm.
  const cpu = parts.find((p) => CPU.includes(p));
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : parts.some((p) => p.startsWith('gnu')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [where, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = where === '' ? '' : `${where}/`;
    // npm resolves a dependency in the nearest node_modules up the tree; the mirror's gaps are
    // always leaf platform packages, so the hoisted location is where npm looks for them.
    const nested = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[nested] || packages[hoisted]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue;
    const version = range.replace(/^[\^~=]/, '');
    const record = { version, optional: true };
    if (cpu) record.cpu = [cpu];
    if (libc) record.libc = [libc];
    if (os) record.os = [os];
    packages[hoisted] = record;
    added += 1;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entries`);
