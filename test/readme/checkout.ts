/**
 * The folder an example runs in: a stand-in for the uprate folder after `npm install` (the
 * checkout's package.json, bin, dist, node_modules, model, scripts and web linked; examples/
 * copied, so what they write stays here), the demo database `./uprate.duckdb`, and the files the
 * README's commands name: customers.csv, offers.csv, export.ndjson, monthly.json, my-model/.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo, writeDemoFiles } from '../../src/demo/index.js';
import { DuckDbStore } from '../../src/store/index.js';

/**
 * What a user's checkout holds that the examples use, linked into each folder. Not `.services`:
 * the service scripts write their servers' configs with the paths they are run from, so the
 * shell gets UPRATE_SERVICES_DIR instead (see readme.test.ts).
 */
const LINKED = ['package.json', 'bin', 'dist', 'node_modules', 'model', 'scripts', 'web'];

/** The data every folder starts from, made once. */
export interface Template {
  readonly dir: string;
}

/** The demo database: as `npm run demo` makes it. */
export const DEMO_ROWS = 200_000;
/** The files to load: an export of 20,000 offers (the same generator, a smaller company). */
export const FILE_ROWS = 20_000;

/** A Cube query by month, for `uprate query @monthly.json`. */
const MONTHLY = {
  measures: ['Offers.count', 'Offers.accepted', 'Offers.conversionRate'],
  timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-07-01', '2026-06-30'] }],
};

/** Writes the template: the demo database, offers and customers as CSV and NDJSON, and the other files. */
export async function makeTemplate(root: string, dir: string, end: Date): Promise<Template> {
  mkdirSync(dir, { recursive: true });
  const store = await DuckDbStore.open(join(dir, 'uprate.duckdb'));
  try {
    await generateDemo(store, { rows: DEMO_ROWS, seed: 42, end });
  } finally {
    await store.close();
  }
  await writeDemoFiles({ dir, format: 'csv', rows: FILE_ROWS, seed: 7, end });
  const ndjson = await writeDemoFiles({ dir: join(dir, 'ndjson'), format: 'ndjson', rows: FILE_ROWS, seed: 7, end });
  renameSync(ndjson.offers, join(dir, 'export.ndjson'));
  rmSync(join(dir, 'ndjson'), { recursive: true });
  writeFileSync(join(dir, 'offers-bad-row.csv'), withBadRow(readFileSync(join(dir, 'offers.csv'), 'utf8')));
  writeFileSync(join(dir, 'monthly.json'), `${JSON.stringify(MONTHLY, null, 2)}\n`);
  cpSync(join(root, 'model'), join(dir, 'my-model'), { recursive: true, filter: (p) => !p.endsWith('README.md') });
  return { dir };
}

/** The CSV with one more offer whose offer_type breaks the rules, as the README's refusal shows. */
export function withBadRow(csv: string): string {
  const lines = csv.trimEnd().split('\n');
  const columns = (lines[0] ?? '').split(',');
  const cells = (lines[lines.length - 1] ?? '').split(',');
  const id = cells[0] ?? '';
  const digits = /\d+$/.exec(id)?.[0] ?? '0';
  cells[0] = `${id.slice(0, id.length - digits.length)}${String(Number(digits) + 1).padStart(digits.length, '0')}`;
  cells[columns.indexOf('offer_type')] = 'upgrade';
  return `${csv.trimEnd()}\n${cells.join(',')}\n`;
}

/** A fresh folder laid out like the uprate folder, with its own copy of the demo database. */
export function makeCheckout(root: string, folder: string, template: Template): void {
  mkdirSync(folder, { recursive: true });
  // Readable by others, as a checkout is: the service scripts run the servers as their own users.
  chmodSync(folder, 0o755);
  for (const name of LINKED) if (existsSync(join(root, name))) symlinkSync(join(root, name), join(folder, name));
  cpSync(join(root, 'examples'), join(folder, 'examples'), { recursive: true, filter: (p) => !/\.duckdb(\.wal|\.server\.json)?$/.test(p) && !/[/\\]model[/\\]data$/.test(p) });
  copyFileSync(join(template.dir, 'uprate.duckdb'), join(folder, 'uprate.duckdb'));
}

function place(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Puts the files `commands` name into `folder` (offers.csv with a bad row when `badRow`). */
export function provideFiles(folder: string, template: Template, commands: readonly string[], badRow: boolean): string[] {
  const text = commands.join('\n');
  const provided: string[] = [];
  const files: Record<string, string> = { 'customers.csv': 'customers.csv', 'offers.csv': badRow ? 'offers-bad-row.csv' : 'offers.csv', 'export.ndjson': 'export.ndjson', 'monthly.json': 'monthly.json' };
  for (const [name, source] of Object.entries(files)) {
    if (!text.includes(name)) continue;
    place(join(template.dir, source), join(folder, name));
    provided.push(name);
  }
  if (text.includes('my-model')) {
    cpSync(join(template.dir, 'my-model'), join(folder, 'my-model'), { recursive: true });
    provided.push('my-model/');
  }
  return provided;
}
