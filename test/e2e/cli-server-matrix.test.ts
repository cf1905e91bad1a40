/**
 * Every read command prints the same thing whether it opens the DuckDB file itself or goes through
 * the `uprate serve` that holds it (found beside the file, or named with --server): each case runs
 * directly first, then through a --dev server, and stdout and the exit code must be identical. The
 * expected output is the direct path's — the server path must reproduce it, not agree with itself.
 * Then a token-protected server: no token is refused with the fix line; --token and UPRATE_TOKEN
 * work. Last (it changes the data), a multi-file ingest through the server whose second file is
 * refused says the first one stays loaded.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { cliArgs, ROOT, startUprate, type CliResult } from '../cli-helpers.js';

const SECRET = 'cli-server-matrix-secret-of-at-least-32-bytes';
/** The demo ends in the past, so no offer is pending at this clock: every run sees the same data. */
const AS_OF = '2025-08-01';
/** Alerts judge June 2025 (its window closed on July 30). */
const AT = '2025-07-31';

/** No token from the environment of whoever runs the tests: each case says what it sends. */
const NO_TOKEN = { UPRATE_API_SECRET: '', CUBEJS_API_SECRET: '', UPRATE_TOKEN: '', UPRATE_API_TOKEN: '' };

/** The CLI, without blocking this process; killed after `timeoutMs`. */
function run(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: { ...process.env, CI: 'true', ...NO_TOKEN, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `jobs` two at a time (the machine has two cores). */
async function inPairs<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) out[i] = await (jobs[i] as () => Promise<T>)();
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/**
 * The one field that legitimately differs: `lastRefreshTime` of a /load answer is when the data
 * was read (now, directly; the server's read, through it).
 */
function normalise(stdout: string): string {
  return stdout.replace(/"lastRefreshTime": "[^"]+"/g, '"lastRefreshTime": "…"');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Stderr without the one line that says the command went through the server. */
function withoutNote(stderr: string): string {
  return stderr.replace(/^uprate: .* is held by uprate serve at http:\/\/\S+; \w[\w ]* through it\n/m, '');
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Compare stderr too (an error case), minus the through-the-server note. */
  readonly error?: boolean;
}

let dir: string;
let db: string;
let config: string;

const query = JSON.stringify({ measures: ['Offers.count', 'Offers.conversionRate'], dimensions: ['Customers.accountSize'], order: { 'Customers.accountSize': 'asc' } });
const byMonth = JSON.stringify({
  measures: ['Offers.conversionRate'],
  timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'quarter', dateRange: ['2024-07-01', '2025-06-30'] }],
  dimensions: ['Offers.offerType'],
  // A total order: rows that tie on the time would come in the engine's order, which may differ between runs.
  order: [['Offers.offeredAt', 'asc'], ['Offers.offerType', 'asc']],
});

function cases(): Case[] {
  const db_ = ['--db', db, '--config', config];
  const report = (...a: string[]): string[] => ['report', ...db_, '--as-of', AS_OF, ...a];
  return [
    { name: 'report table', args: report() },
    { name: 'report json', args: report('--format', 'json') },
    { name: 'report csv', args: report('--format', 'csv') },
    { name: 'report md --by', args: report('--format', 'md', '--by', 'account_size') },
    { name: 'report --grain quarter --by', args: report('--grain', 'quarter', '--by', 'account_size', '--from', '2024-07-01', '--to', '2025-06-30') },
    { name: 'report --grain none, upsell only', args: report('--grain', 'none', '--offer-type', 'upsell', '--format', 'json') },
    { name: 'report monthly md', args: report('--format', 'md', '--month', '2025-06') },
    { name: 'report monthly html', args: report('--format', 'html', '--month', '2025-05') },
    { name: 'report --insights', args: report('--insights', '--from', '2025-01-01', '--to', '2025-06-30') },
    { name: 'report --compare', args: report('--compare', 'Customers.accountSize=enterprise', '[{"member":"Offers.channel","operator":"equals","values":["sales"]}]') },
    { name: 'report --by colour (error)', args: report('--by', 'colour'), error: true },
    { name: 'query json', args: ['query', ...db_, '--as-of', AS_OF, query] },
    { name: 'query table', args: ['query', ...db_, '--as-of', AS_OF, '--format', 'table', query] },
    { name: 'query csv', args: ['query', ...db_, '--as-of', AS_OF, '--format', 'csv', byMonth] },
    { name: 'query unknown member (error)', args: ['query', ...db_, '{"measures":["Offers.nope"]}'], error: true },
    { name: 'alerts check --dry-run', args: ['alerts', 'check', ...db_, '--at', AT, '--dry-run'] },
    { name: 'alerts check --dry-run --rule json', args: ['alerts', 'check', ...db_, '--at', AT, '--dry-run', '--rule', 'segment-low', '--format', 'json'] },
    { name: 'alerts check --rule unknown (error)', args: ['alerts', 'check', ...db_, '--at', AT, '--dry-run', '--rule', 'nope'], error: true },
  ];
}

/** Checks that move alert state run one at a time, after a first check settled the state (it notifies once; later ones do not). */
function statefulCases(): Case[] {
  const args = ['alerts', 'check', '--db', db, '--config', config, '--at', AT];
  return [
    { name: 'alerts check table', args },
    { name: 'alerts check json', args: [...args, '--format', 'json'] },
  ];
}

/** What each case printed directly. */
const direct = new Map<string, CliResult>();

function assertSame(c: Case, through: CliResult, how: string): void {
  const expected = direct.get(c.name);
  assert.ok(expected, `${c.name} ran directly`);
  assert.equal(through.code, expected.code, `${c.name} ${how}: exit code\n${through.stderr}`);
  assert.equal(normalise(through.stdout), normalise(expected.stdout), `${c.name} ${how}: stdout`);
  if (c.error) assert.equal(withoutNote(through.stderr), expected.stderr, `${c.name} ${how}: stderr`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-cli-server-'));
  db = join(dir, 'x.duckdb');
  config = join(dir, 'uprate.config.yaml');
  writeFileSync(
    config,
    `alerts:
  channels:
    ops:
      type: webhook
      url: http://127.0.0.1:9/hooks/T000/very-secret-path
  rules:
    - name: below-target
      condition: { type: below, threshold: 0.2, basis: rate }
      severity: critical
    - name: segment-low
      scope: { by: Customers.accountSize }
      condition: { type: below, threshold: 0.15, basis: rate }
      minOffers: 50
    - name: monthly-drop
      condition: { type: drop, versus: previous }
`,
  );
  const demo = await run(['demo', '--rows', '20000', '--seed', '7', '--end', '2025-06-30', '--no-serve', '--db', db]);
  assert.equal(demo.code, 0, demo.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('the same output directly and through uprate serve', { timeout: 900_000 }, () => {
  let server: Awaited<ReturnType<typeof startUprate>> | undefined;
  let url = '';

  after(async () => {
    await server?.stop();
  });

  test('directly, with nothing holding the file', { timeout: 400_000 }, async () => {
    const settle = await run(statefulCases()[0]?.args ?? []);
    assert.equal(settle.code, 3, `the first check fires (exit 3): ${settle.stderr}`);
    for (const c of statefulCases()) direct.set(c.name, await run(c.args));
    const results = await inPairs(cases().map((c) => () => run(c.args)));
    cases().forEach((c, i) => direct.set(c.name, results[i] as CliResult));
    direct.set('alerts list', await run(['alerts', 'list', '--config', config]));
    for (const [name, r] of direct) {
      assert.doesNotMatch(r.stderr, /held by uprate serve/, name);
      if (!/error/.test(name) && !name.startsWith('alerts check')) assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    }
    // The cases are worth comparing: real reports, a firing check, real errors.
    assert.match(direct.get('report md --by')?.stdout ?? '', /account_size/);
    assert.match(direct.get('report monthly html')?.stdout ?? '', /<svg/);
    assert.match(direct.get('report --insights')?.stdout ?? '', /\S/);
    assert.equal(direct.get('alerts check table')?.code, 3);
    assert.match(direct.get('alerts check table')?.stdout ?? '', /^FIRING +below-target/m);
    assert.equal(direct.get('report --by colour (error)')?.code, 1);
    assert.match(direct.get('report --by colour (error)')?.stderr ?? '', /--by: unknown dimension 'colour'/);
    assert.equal(direct.get('query unknown member (error)')?.code, 1);
    assert.match(direct.get('alerts check --rule unknown (error)')?.stderr ?? '', /--rule: no alert rule named 'nope'\n {2}fix: rules in force: below-target, segment-low, monthly-drop/);
    // A null dimension value and a channel's secret path as a person reads them.
    assert.match(direct.get('query table')?.stdout ?? '', /^\(none\) +\d/m);
    assert.match(direct.get('alerts list')?.stdout ?? '', /^ {2}ops: webhook http:\/\/127\.0\.0\.1:9\/…$/m);
    assert.doesNotMatch(direct.get('alerts list')?.stdout ?? '', /very-secret-path/);
  });

  test('through a --dev server found beside the file', { timeout: 400_000 }, async () => {
    server = await startUprate(['serve', '--dev', '--db', db, '--config', config, '--port', '0'], /uprate is serving/, NO_TOKEN);
    url = (JSON.parse(readFileSync(`${db}.server.json`, 'utf8')) as { url: string }).url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const all = [...cases(), ...statefulCases()];
    const results = await inPairs(all.map((c) => () => run(c.args)));
    all.forEach((c, i) => {
      const r = results[i] as CliResult;
      assert.match(r.stderr, new RegExp(`^uprate: ${escape(db)} is held by uprate serve at ${escape(url)}; (reading|checking) through it$`, 'm'), c.name);
      assert.equal(r.stderr.match(/held by uprate serve/g)?.length, 1, `${c.name}: said once`);
      assertSame(c, r, 'through the sidecar');
    });
  });

  test('through a server named with --server', { timeout: 200_000 }, async () => {
    assert.ok(url, 'the server is up');
    const named = cases().filter((c) => ['report json', 'query unknown member (error)', 'alerts check --dry-run --rule json'].includes(c.name));
    // With --server the file is never opened: a --db that does not exist changes nothing.
    const absent = join(dir, 'absent.duckdb');
    const results = await inPairs(named.map((c) => () => run([...c.args.map((a) => (a === db ? absent : a)), '--server', `${url}/`])));
    named.forEach((c, i) => {
      const r = results[i] as CliResult;
      assert.doesNotMatch(r.stderr, /held by uprate serve/, `${c.name}: nothing to announce`);
      assertSame(c, r, 'with --server');
    });
    const rules = await run(['alerts', 'list', '--server', url]);
    assert.equal(rules.code, 0, rules.stderr);
    assert.equal(rules.stdout, direct.get('alerts list')?.stdout, 'the server lists the rules it runs (its config), not the defaults here');
  });

  test('a token-protected server: refused without a token, with the fix; --token and UPRATE_TOKEN work', { timeout: 200_000 }, async () => {
    await server?.stop();
    server = await startUprate(['serve', '--db', db, '--config', config, '--port', '0'], /uprate is serving/, { ...NO_TOKEN, UPRATE_API_SECRET: SECRET });
    const c = cases().find((x) => x.name === 'report json') as Case;
    const none = await run(c.args);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /uprate: the uprate server at http:\/\/127\.0\.0\.1:\d+ refused the request: Authorization header isn't set\n {2}fix: pass --token TOKEN or set UPRATE_TOKEN .* or set UPRATE_API_SECRET to the server's secret/);
    const forged = await run([...c.args, '--token', 'not.a.token']);
    assert.equal(forged.code, 1);
    assert.match(forged.stderr, /refused the request: Invalid token\n {2}fix: pass --token/);

    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
    assertSame(c, await run([...c.args, '--token', token]), 'with --token');
    assertSame(c, await run(c.args, { UPRATE_TOKEN: token }), 'with UPRATE_TOKEN');
    assertSame(c, await run(c.args, { UPRATE_API_SECRET: SECRET }), 'signed with UPRATE_API_SECRET');
    const check = statefulCases().find((x) => x.name === 'alerts check json') as Case;
    assertSame(check, await run(check.args, { UPRATE_TOKEN: token }), 'with UPRATE_TOKEN');
  });

  test('ingest through the server: each file as it loads; a refused later file says what stays loaded', { timeout: 120_000 }, async () => {
    assert.ok(url, 'the server is up');
    const good = join(dir, 'offers-a.csv');
    const bad = join(dir, 'offers-b.csv');
    const header = 'offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at,revenue';
    writeFileSync(good, `${header}\nmatrix-1,c1,2025-06-01T00:00:00Z,upsell,Premium,,\nmatrix-2,c1,2025-06-02T00:00:00Z,upsell,Premium,,\n`);
    writeFileSync(bad, `${header}\nmatrix-3,c1,not-a-date,upsell,Premium,,\n`);
    const r = await run(['ingest', '--db', db, good, bad], { UPRATE_API_SECRET: SECRET });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^offers: 2 rows read, 2 inserted\b/m, r.stderr);
    assert.match(r.stderr, /held by uprate serve at .*; sending the data through it/);
    assert.match(r.stderr, /offers-b\.csv was not loaded; already loaded through the server, and kept: .*offers-a\.csv \(offers: 2 inserted, 0 updated, 0 unchanged\)/);
    assert.match(r.stderr, /fix: correct those rows .*; only \S*offers-b\.csv still need loading/);
  });
});
