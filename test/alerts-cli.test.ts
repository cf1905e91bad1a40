/** `uprate alerts check|test|list` as a user runs them: exit 0 / 3, the table, a sample notification. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateDemo } from '../src/demo/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { signatureValid, startReceiver, type Receiver } from './alerts-receiver.js';
import { cliArgs, ROOT, type CliResult } from './cli-helpers.js';

const AT = '2025-06-30T12:00:00Z';
let dir: string;
let db: string;
let config: string;
let receiver: Receiver;

/** Runs the CLI without blocking this process (the receiver answers from here). */
function run(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: { ...process.env, CI: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alerts-cli-'));
  db = join(dir, 'demo.duckdb');
  const store = await DuckDbStore.open(db);
  await generateDemo(store, { rows: 40_000, seed: 7, end: new Date(AT) });
  await store.close();
  receiver = await startReceiver();
  config = join(dir, 'uprate.config.yaml');
  writeFileSync(
    config,
    `alerts:
  publicUrl: http://uprate.example
  channels:
    ops:
      type: webhook
      url: ${receiver.url}
      secretEnv: UPRATE_TEST_HOOK_SECRET
      retries: 1
      backoffMs: 10
  rules:
    - name: monthly-drop
      condition: { type: drop, versus: previous }
      channels: [ops]
`,
  );
});
after(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const ENV = { UPRATE_TEST_HOOK_SECRET: 'cli-secret' };

test('alerts check: exit 0 with nothing firing, 3 with a planted drop, and a table', async () => {
  const quiet = await run(['alerts', 'check', '--db', db, '--config', config, '--at', AT], ENV);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stdout, /^status +rule +scope +severity +period/m);
  assert.match(quiet.stdout, /^OK +monthly-drop +all +warning +2025-04 /m);
  assert.match(quiet.stdout, /^0 firing, 1 ok, 0 skipped \(as of 2025-06-30T12:00:00\.000Z\)$/m);

  const store = await DuckDbStore.open(db);
  await store.run(`UPDATE offers SET accepted_at = NULL WHERE offered_at >= TIMESTAMP '2025-04-01' AND offered_at < TIMESTAMP '2025-05-01' AND CAST(substr(offer_id, 3) AS BIGINT) % 5 < 3`);
  await store.close();
  const start = receiver.requests.length;
  const firing = await run(['alerts', 'check', '--db', db, '--config', config, '--at', AT], ENV);
  assert.equal(firing.code, 3, firing.stderr);
  assert.match(firing.stdout, /^FIRING +monthly-drop +all +warning +2025-04 +2025-06-30 12:00 +firing→ops +Conversion rate fell from/m);
  assert.equal(receiver.requests.length, start + 1);
  assert.ok(signatureValid(receiver.requests[start] as NonNullable<(typeof receiver.requests)[number]>, 'cli-secret'));

  const again = await run(['alerts', 'check', '--db', db, '--config', config, '--at', AT, '--format', 'json'], ENV);
  assert.equal(again.code, 3);
  const json = JSON.parse(again.stdout) as { firing: number; rows: { rule: string; status: string; state: string; notification: string | null }[] };
  assert.equal(json.firing, 1);
  assert.deepEqual(json.rows.map((r) => [r.rule, r.status, r.state, r.notification]), [['monthly-drop', 'firing', 'firing', null]]);
  assert.equal(receiver.requests.length, start + 1, 'not sent twice');
});

test('alerts test RULE sends a sample; list shows the rules; a bad config exits 1', async () => {
  const start = receiver.requests.length;
  const sample = await run(['alerts', 'test', 'monthly-drop', '--config', config], ENV);
  assert.equal(sample.code, 0, sample.stderr);
  assert.match(sample.stdout, /^sent a sample of monthly-drop to ops \(webhook http:\/\/127\.0\.0\.1:\d+\/hook\) after 1 attempt$/m);
  const body = JSON.parse(receiver.requests[start]?.body ?? '{}') as { kind: string; sample: boolean; rule: { name: string }; link: string };
  assert.deepEqual([body.kind, body.sample, body.rule.name], ['test', true, 'monthly-drop']);
  assert.match(body.link, /^http:\/\/uprate\.example\/\?from=/);

  const list = await run(['alerts', 'list', '--config', config], ENV);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^monthly-drop +drop +month +all +0 7 \* \* \* +ops +warning$/m);

  const unknown = await run(['alerts', 'test', 'nope', '--config', config], ENV);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /--rule: no alert rule named 'nope'/);

  const badConfig = join(dir, 'bad.yaml');
  writeFileSync(badConfig, 'alerts:\n  rules:\n    - name: r\n      schedule: "every day"\n      condition: { type: drop }\n');
  const bad = await run(['alerts', 'check', '--db', db, '--config', badConfig]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.yaml:4: alerts\.rules\.0\.schedule \(rule r\): bad cron expression 'every day'/);
});
