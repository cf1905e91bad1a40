/**
 * The README, followed top to bottom: every ```sh example runs, in a fresh folder laid out like
 * the uprate folder after `npm install` (with the demo database and the files the examples name),
 * with `uprate` on the PATH as `npm link` puts it there — the compiled bin, as a user runs it (a
 * build older than src/ is rebuilt first, as `npm run build` would). A non-zero exit the README does not
 * announce fails. What the README announces about a block (a server it assumes, an exit code, a
 * placeholder, a command that cannot run here and why) sits in `<!-- readme-test: … -->` comments,
 * described in test/readme/directives.ts; how commands run, in test/readme/example-runner.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startReceiver, type Receiver } from './alerts-receiver.js';
import { IN_CI, locateServer } from './engines.js';
import { makeTemplate } from './readme/checkout.js';
import type { Service } from './readme/directives.js';
import { ExampleRunner, type Outcome } from './readme/example-runner.js';
import { ensureBuilt, linkBin } from './readme/linked-bin.js';
import { readmeBlocks, type Example } from './readme/readme-examples.js';
import { dropClickHouse, privatePostgres, type PrivatePostgres } from './readme/test-servers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TAG = `uprate_readme_${process.pid}`;
/** Where scripts/services/*.sh keep their servers (they are told so: UPRATE_SERVICES_DIR). */
const SERVICES = process.env['UPRATE_SERVICES_DIR'] ?? join(ROOT, '.services');
const blocks = readmeBlocks(README);
const slots = { postgres: await locateServer('postgres', TAG), clickhouse: await locateServer('clickhouse', TAG) };

/** Why an example does not run here (a README directive, or a server that is not there), if it does not. */
function skipReason(example: Example): string | undefined {
  if (example.skip) return example.skip;
  for (const service of example.needs) {
    const slot = slots[service];
    if (!slot.ready) return IN_CI && !/left out by/.test(slot.skip ?? '') ? undefined : (slot.skip ?? `${service} is not ready`);
    const variable = `UPRATE_TEST_${service.toUpperCase()}_URL`;
    if (!example.text.includes(`scripts/services/${service}.sh`)) continue;
    if (process.env[variable]) return `the test's ${service} is ${variable}, not the server scripts/services/${service}.sh manages`;
    if (!existsSync(join(SERVICES, service))) return `the running ${service} was not started by scripts/services/${service}.sh (no ${join(SERVICES, service)})`;
  }
  return undefined;
}

/** Under CI a missing server is a failure, as in the engine tests. */
function missing(example: Example): Service | undefined {
  return example.needs.find((s) => !slots[s].ready);
}

describe('README.md: every shell example runs as a reader runs it', () => {
  const skipped: Outcome[] = [];
  let scratch = '';
  let runner: ExampleRunner | undefined;
  let receiver: Receiver | undefined;
  let postgres: PrivatePostgres | undefined;
  const started = performance.now();

  before(async () => {
    // The examples run the compiled `uprate`, as a user gets it: a build older than src/ (an edit
    // since `npm install`) is brought up to date first, as `npm run build` would.
    ensureBuilt(ROOT);
    scratch = mkdtempSync(join(tmpdir(), 'uprate-readme-'));
    chmodSync(scratch, 0o755);
    const bin = linkBin(ROOT, join(scratch, 'bin'));
    const template = await makeTemplate(ROOT, join(scratch, 'template'), new Date());
    receiver = await startReceiver();
    if (slots.postgres.ready) postgres = await privatePostgres(slots.postgres.ready.where, TAG);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // A newcomer's shell: uprate linked, nothing of uprate's set.
      PATH: [bin, dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_FUND: 'false',
      // scripts/services/*.sh find the running servers here (and write their configs with this path).
      UPRATE_SERVICES_DIR: SERVICES,
    };
    for (const name of ['UPRATE_DATABASE_URL', 'UPRATE_API_SECRET', 'CUBEJS_API_SECRET', 'UPRATE_API_TOKEN', 'UPRATE_HOOK_SECRET', 'NODE_OPTIONS']) delete env[name];
    runner = new ExampleRunner({
      root: ROOT,
      scratch,
      template,
      env,
      substitutes: {
        secret: randomBytes(32).toString('hex'),
        webhook: receiver.url,
        ...(postgres ? { postgres: postgres.owner, 'postgres reader': postgres.reader } : {}),
        ...(slots.clickhouse.ready ? { clickhouse: slots.clickhouse.ready.where } : {}),
      },
    });
  });

  after(async () => {
    await runner?.leave();
    await receiver?.close();
    await postgres?.drop();
    if (slots.clickhouse.ready) await dropClickHouse(slots.clickhouse.ready.where).catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const block of blocks) {
    describe(`README.md:${block.line} (${block.heading})`, () => {
      before(async () => {
        if (!runner) throw new Error('the README test did not start (see the first failure)');
        await runner.enter(block);
      });
      for (const example of block.examples) {
        const name = `README.md:${example.line} ${example.text.length > 110 ? `${example.text.slice(0, 110)}…` : example.text}`;
        const reason = skipReason(example);
        if (reason) {
          skipped.push({ block: block.line, line: example.line, text: example.text, result: 'skipped', detail: reason, seconds: 0 });
          test(name, { skip: reason }, () => undefined);
          continue;
        }
        test(name, async () => {
          const absent = missing(example);
          if (absent) throw new Error(`CI needs ${absent}: ${slots[absent].skip ?? 'not ready'}`);
          if (!runner) throw new Error('the README test did not start (see the first failure)');
          await runner.run(block, example);
        });
      }
    });
  }

  test('every ```sh block was found, and the examples ran', (t) => {
    const outcomes = [...(runner?.outcomes ?? []), ...skipped].sort((a, b) => a.line - b.line);
    for (const block of blocks) {
      t.diagnostic(`README.md:${block.line} ${block.heading}`);
      for (const o of outcomes.filter((x) => x.block === block.line)) {
        t.diagnostic(`  :${o.line} ${o.result.padEnd(7)} ${o.text.slice(0, 70)}${o.text.length > 70 ? '…' : ''} — ${o.detail}`);
      }
    }
    const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
    t.diagnostic(`${count('ran')} ran, ${count('failed')} failed, ${count('skipped')} skipped (each with its reason), in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    // A guard: the loop above cannot pass by finding nothing.
    assert.equal(blocks.length, (README.match(/^```sh\s*$/gm) ?? []).length, 'every ```sh fence of README.md is parsed');
    assert.ok(count('ran') >= 20, `at least 20 examples ran (${count('ran')})`);
  });
});
