// Tests for alert-monitor.ts, written for the mutation run: a check on a few hand-made offers in
// an in-memory DuckDB (June: 0 of 1 accepted, below a 50% rate threshold, so the rule fires),
// delivered to a local HTTP server (port 0); what each channel received, the rows of the check,
// the stored state and dead letters read back with plain SQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindKpi } from '../kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { AlertMonitor, DEFAULT_PUBLIC_URL, type MonitorOptions } from './alert-monitor.js';
import type { AlertSetup, Channel } from './alert-setup.js';
import { claimNotification } from './notification-lease.js';
import type { Notification } from './notification.js';
import { ruleSchema } from './rules-schema.js';

interface Received {
  readonly url: string;
  readonly body: Notification;
}

let server: Server;
let base = '';
let received: Received[] = [];
let model: Model;

before(async () => {
  model = await loadModel(shippedModelDir());
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ url: req.url ?? '', body: JSON.parse(text) as Notification });
      res.writeHead(req.url === '/fail' ? 500 : 200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const AT = new Date('2025-07-02T07:00:00Z');

const channel = (name: string, path: string): Channel => ({ name, type: 'webhook', url: `${base}${path}`, timeoutMs: 5000, retries: 0, backoffMs: 0, headers: {}, signingSecret: undefined });

const below = (name: string, extra: Record<string, unknown> = {}) =>
  ruleSchema.parse({ name, condition: { type: 'below', threshold: 0.5, basis: 'rate' }, minOffers: 0, channels: ['ops'], ...extra });

function setup(extra: Partial<AlertSetup> = {}): AlertSetup {
  return {
    rules: [below('low')],
    channels: new Map([
      ['ops', channel('ops', '/ops')],
      ['broken', channel('broken', '/fail')],
    ]),
    publicUrl: 'http://dash.example:4000',
    recentDays: 30,
    bands: DEFAULT_BAND_THRESHOLDS,
    binding: bindKpi(model, undefined),
    ...extra,
  };
}

/** May: 1 of 1 accepted; June: 0 of 1 (declined). June is final and below 50%. */
async function offersStore(): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb')`);
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, declined_at) VALUES
    ('o1', 'c1', TIMESTAMP '2025-05-10 09:00:00', 'upsell', 'Pro', TIMESTAMP '2025-05-11 09:00:00', NULL),
    ('o2', 'c1', TIMESTAMP '2025-06-05 09:00:00', 'upsell', 'Pro', NULL, TIMESTAMP '2025-06-06 09:00:00')`);
  return store;
}

/** June fixed: its offer accepted (1 of 1, not below 50%). */
const fixJune = (store: DuckDbStore) => store.run(`UPDATE offers SET accepted_at = TIMESTAMP '2025-06-06 09:00:00', declined_at = NULL WHERE offer_id = 'o2'`);

function monitor(store: DuckDbStore, s: AlertSetup, extra: Partial<MonitorOptions> = {}): { monitor: AlertMonitor; logs: string[]; checked: () => number } {
  const logs: string[] = [];
  let checked = 0;
  const m = new AlertMonitor({
    store,
    model,
    setup: s,
    clock: () => AT,
    owner: 'me',
    delivery: { sleep: async () => undefined, random: () => 0 },
    log: (level, message) => void logs.push(`${level}: ${message}`),
    onChecked: () => void checked++,
    ...extra,
  });
  return { monitor: m, logs, checked: () => checked };
}


/** The store, with every statement `fails` picks refused with `message` (the others run as usual). */
function failingOn(store: DuckDbStore, fails: (sql: string) => boolean, message: string): DuckDbStore {
  const query = store.query.bind(store);
  const failing = Object.create(store) as DuckDbStore;
  failing.query = (async (sql: string, ...rest: unknown[]) => {
    if (fails(sql)) throw new Error(message);
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return failing;
}
test('a firing rule: one notification per channel, a firing transition, the state stored and marked notified', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { monitor: m, logs, checked } = monitor(store, setup());
    assert.equal(m.setup.rules[0]?.name, 'low');
    const result = await m.check();
    assert.equal(result.at, AT, 'the monitor’s clock when no instant is given');
    assert.equal(result.firing, 1);
    assert.deepEqual(result.errors, []);
    assert.equal(result.rows.length, 1);
    const [row] = result.rows;
    assert.equal(row?.finding.status, 'firing');
    assert.equal(row?.finding.period?.label, '2025-06');
    assert.equal(row?.transition?.kind, 'firing');
    assert.deepEqual(row?.deliveries, [{ channel: 'ops', kind: 'firing', key: 'low|all|1|firing|ops', claimed: true, delivered: true, attempts: 1, error: null }]);
    // The state after the check: notified at the evaluation instant.
    assert.deepEqual(row?.state?.lastNotifiedAt, AT);
    assert.equal(row?.state?.episode, 1);
    assert.deepEqual(received.map((r) => [r.url, r.body.kind, r.body.key, r.body.link]), [
      ['/ops', 'firing', 'low|all|1|firing|ops', 'http://dash.example:4000/?from=2025-06-01&to=2025-06-30&grain=month'],
    ]);
    assert.equal(received[0]?.body.sentAt, AT.toISOString(), 'sent at the monitor’s clock');
    assert.equal(received[0]?.body.firingSince, AT.toISOString());
    assert.deepEqual(logs, ['info: alert firing: low (all) sent to ops']);
    assert.equal(checked(), 1);
    const [lease] = await store.query(`SELECT status, owner, attempts FROM uprate_alert_notifications`);
    assert.deepEqual(lease, { status: 'delivered', owner: 'me', attempts: 1 });

    // Checked again: still firing, told already — nothing sent, no transition.
    const again = await m.check({ at: AT });
    assert.equal(again.rows[0]?.transition, null);
    assert.deepEqual(again.rows[0]?.deliveries, []);
    assert.equal(received.length, 1);

    // June fixed: resolved, announced once.
    await fixJune(store);
    const resolved = await m.check({ at: AT });
    assert.equal(resolved.firing, 0);
    assert.equal(resolved.rows[0]?.finding.status, 'ok');
    assert.equal(resolved.rows[0]?.transition?.kind, 'resolved');
    assert.deepEqual(resolved.rows[0]?.state?.resolvedAt, AT);
    assert.deepEqual(received.map((r) => [r.body.kind, r.body.key, r.body.resolvedAt]), [
      ['firing', 'low|all|1|firing|ops', null],
      ['resolved', 'low|all|1|resolved|ops', AT.toISOString()],
    ]);
    assert.equal(checked(), 3);
  } finally {
    await store.close();
  }
});

test('a channel that fails: a dead letter and an error logged, nobody marked notified; an unknown channel is passed over', async () => {
  received = [];
  const store = await offersStore();
  try {
    const s = setup({ rules: [below('low', { channels: ['nowhere', 'broken'] })] });
    const { monitor: m, logs } = monitor(store, s);
    const [row] = (await m.check({ at: AT })).rows;
    assert.deepEqual(row?.deliveries, [{ channel: 'broken', kind: 'firing', key: 'low|all|1|firing|broken', claimed: true, delivered: false, attempts: 1, error: 'HTTP 500' }]);
    assert.equal(row?.state?.lastNotifiedAt, null);
    assert.deepEqual(logs, ['error: alert firing: low (all) could not be sent to broken after 1 attempts (HTTP 500); kept as a dead letter']);
    const dead = await store.query(`SELECT notification_key, rule, scope, kind, channel, url, error, attempts FROM uprate_alert_dead_letters`);
    assert.deepEqual(dead, [{ notification_key: 'low|all|1|firing|broken', rule: 'low', scope: 'all', kind: 'firing', channel: 'broken', url: `${base}/fail`, error: 'HTTP 500', attempts: 1 }]);
    const [payload] = await store.query<{ payload: string }>(`SELECT payload FROM uprate_alert_dead_letters`);
    assert.equal((JSON.parse(payload?.payload ?? '{}') as Notification).key, 'low|all|1|firing|broken');
    // Nobody was told: the next check announces the episode again (a new key per channel is not made).
    const [next] = (await m.check({ at: AT })).rows;
    assert.equal(next?.transition?.kind, 'firing');
  } finally {
    await store.close();
  }
});

test('one delivered channel of two is enough to mark the episode notified', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { monitor: m } = monitor(store, setup({ rules: [below('low', { channels: ['broken', 'ops'] })] }));
    const [row] = (await m.check({ at: AT })).rows;
    assert.deepEqual(row?.deliveries.map((d) => [d.channel, d.delivered]), [['broken', false], ['ops', true]]);
    assert.deepEqual(row?.state?.lastNotifiedAt, AT);
  } finally {
    await store.close();
  }
});

test('a notification another evaluator holds is not sent, and said so', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { monitor: m } = monitor(store, setup(), { leaseMs: 60_000 });
    const { monitor: other } = monitor(store, setup(), { owner: 'other' });
    await other.check({ at: AT, dryRun: true });
    // The other evaluator claimed the key first (its lease is far from over).
    const { ensureAlertTables } = await import('./alert-tables.js');
    await ensureAlertTables(store);
    assert.equal(await claimNotification(store, { key: 'low|all|1|firing|ops', rule: 'low', scope: 'all', episode: 1, kind: 'firing', channel: 'ops' }, 'other', new Date(), 60_000), true);
    const [row] = (await m.check({ at: AT })).rows;
    assert.deepEqual(row?.deliveries, [{ channel: 'ops', kind: 'firing', key: 'low|all|1|firing|ops', claimed: false, delivered: false, attempts: 0, error: null }]);
    assert.equal(received.length, 0);
    assert.equal(row?.state?.lastNotifiedAt, null);
  } finally {
    await store.close();
  }
});

test('a dry run: the findings and the stored state, nothing written, nothing sent, no onChecked', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { monitor: m, checked } = monitor(store, setup());
    const dry = await m.check({ at: AT, dryRun: true });
    assert.equal(dry.firing, 1);
    assert.deepEqual(dry.rows.map((r) => [r.finding.status, r.state, r.transition, r.deliveries]), [['firing', undefined, null, []]]);
    assert.equal(checked(), 0);
    assert.equal(received.length, 0);
    await assert.rejects(store.query('SELECT * FROM uprate_alert_state'), /uprate_alert_state/, 'no tables made');
    // After a real check, a dry run shows the stored state.
    await m.check({ at: AT });
    const [row] = (await m.check({ at: AT, dryRun: true })).rows;
    assert.equal(row?.state?.state, 'firing');
    assert.equal(row?.state?.episode, 1);
    assert.equal(checked(), 1);
  } finally {
    await store.close();
  }
});

test('only the rules asked for; a rule that cannot be read is an error of the check, logged, and onChecked still runs', async () => {
  received = [];
  const store = await offersStore();
  try {
    const s = setup({ rules: [below('low'), below('other', { channels: [] })] });
    const { monitor: m } = monitor(store, s);
    const only = await m.check({ at: AT, rules: ['other'] });
    assert.deepEqual(only.rows.map((r) => r.rule.name), ['other']);
    assert.equal(received.length, 0);
    const all = await m.check({ at: AT, dryRun: true });
    assert.deepEqual(all.rows.map((r) => r.rule.name), ['low', 'other']);

    const broken = failingOn(store, (sql) => /\bFROM offers\b/.test(sql), 'the engine went away');
    const { monitor: failing, logs, checked } = monitor(broken, s);
    const result = await failing.check({ at: AT });
    assert.deepEqual(result.errors, [
      { rule: 'low', error: 'the engine went away' },
      { rule: 'other', error: 'the engine went away' },
    ]);
    assert.deepEqual(result.rows, []);
    assert.equal(result.firing, 0);
    assert.deepEqual(logs, ['error: alert rule low could not be evaluated: the engine went away', 'error: alert rule other could not be evaluated: the engine went away']);
    assert.equal(checked(), 1);
  } finally {
    await store.close();
  }
});

test('a check that throws still tells onChecked', async () => {
  const store = await offersStore();
  try {
    const broken = failingOn(store, (sql) => /uprate_alert_state/.test(sql), 'state unreadable');
    const { monitor: m, checked } = monitor(broken, setup());
    await assert.rejects(m.check({ at: AT }), /state unreadable/);
    assert.equal(checked(), 1);
  } finally {
    await store.close();
  }
});

test('dashboard links: the setup’s public URL, else the server’s, else the default', async () => {
  for (const [s, publicUrl, expected] of [
    [setup({ publicUrl: 'http://from.config' }), () => 'http://from.server', 'http://from.config/?'],
    [setup({ publicUrl: undefined }), () => 'http://from.server', 'http://from.server/?'],
    [setup({ publicUrl: undefined }), () => undefined, `${DEFAULT_PUBLIC_URL}/?`],
    [setup({ publicUrl: undefined }), undefined, `${DEFAULT_PUBLIC_URL}/?`],
  ] as const) {
    received = [];
    const store = await offersStore();
    try {
      const { monitor: m } = monitor(store, s, publicUrl ? { publicUrl } : {});
      await m.check({ at: AT });
      assert.ok(received[0]?.body.link.startsWith(expected), `${received[0]?.body.link} starts with ${expected}`);
    } finally {
      await store.close();
    }
  }
  assert.equal(DEFAULT_PUBLIC_URL, 'http://127.0.0.1:4000');
});

test('without a clock, the check is at the real time', async () => {
  const store = await offersStore();
  try {
    const m = new AlertMonitor({ store, model, setup: setup({ rules: [] }) });
    const before = Date.now();
    const result = await m.check();
    assert.ok(result.at.getTime() >= before && result.at.getTime() <= Date.now());
    const list = await m.alerts();
    assert.deepEqual(list, { firing: [], recent: [] });
  } finally {
    await store.close();
  }
});

test('dataChanged: one check queued behind the running one, several ingests in a row make one; none after stop', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { monitor: m, checked } = monitor(store, setup());
    const running = m.check({ at: AT, dryRun: true });
    m.dataChanged();
    m.dataChanged();
    m.dataChanged();
    await running;
    // Queued behind the ingests' check: done once this one is.
    await m.check({ at: AT, dryRun: true });
    assert.equal(checked(), 1, 'one check after the ingests');
    assert.equal(received.length, 1, 'the firing rule was sent by it');
    const list = await m.alerts(AT);
    assert.deepEqual(list.firing.map((a) => [a.rule, a.scope, a.state]), [['low', 'all', 'firing']]);
    m.dataChanged();
    await m.stop();
    assert.equal(checked(), 1, 'stopped: no check');
  } finally {
    await store.close();
  }
});

test('dataChanged after a stop that comes before the queued check runs: the check does not run', async () => {
  const store = await offersStore();
  try {
    const { monitor: m, checked } = monitor(store, setup());
    const running = m.check({ at: AT, dryRun: true });
    m.dataChanged();
    const stopping = m.stop();
    await running;
    await stopping;
    assert.equal(checked(), 0);
  } finally {
    await store.close();
  }
});

test('a failed check after an ingest is logged, not thrown', async () => {
  const store = await offersStore();
  try {
    const broken = failingOn(store, (sql) => /uprate_alert_state/.test(sql), 'state unreadable');
    const { monitor: m, logs } = monitor(broken, setup());
    m.dataChanged();
    await m.check({ at: AT, dryRun: true });
    assert.deepEqual(logs, ['error: alert check after ingest failed: state unreadable']);
  } finally {
    await store.close();
  }
});

test('start: one job per schedule of the enabled rules, in UTC; stop ends them', async () => {
  const store = await offersStore();
  try {
    const s = setup({
      rules: [
        below('a', { schedule: '0 7 * * *' }),
        below('b', { schedule: '30 6 * * 1' }),
        below('c', { schedule: '0 7 * * *' }),
        below('off', { schedule: '0 5 * * *', enabled: false }),
      ],
    });
    const { monitor: m } = monitor(store, s);
    assert.deepEqual(m.nextRuns(), []);
    m.start();
    const runs = m.nextRuns();
    assert.deepEqual(runs.map((r) => r.schedule), ['0 7 * * *', '30 6 * * 1']);
    for (const r of runs) assert.ok(r.next instanceof Date);
    assert.equal(runs[0]?.next?.getUTCHours(), 7);
    assert.equal(runs[0]?.next?.getUTCMinutes(), 0);
    assert.equal(runs[1]?.next?.getUTCDay(), 1);
    assert.equal(runs[1]?.next?.getUTCHours(), 6);
    await m.stop();
    assert.deepEqual(m.nextRuns(), []);
  } finally {
    await store.close();
  }
});

test('a scheduled run checks the rules of its schedule; a failed one is logged', async () => {
  received = [];
  const store = await offersStore();
  try {
    let fail = false;
    const flaky = failingOn(store, (sql) => fail && /uprate_alert_state/.test(sql), 'state unreadable');
    // Every second: the job fires within a second or two.
    const s = setup({ rules: [below('a', { schedule: '* * * * * *' }), below('b', { schedule: '0 7 * * *', channels: ['broken'] })] });
    const { monitor: m, logs, checked } = monitor(flaky, s);
    m.start();
    const waitFor = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(() => checked() > 0);
    assert.ok(checked() > 0, 'the scheduled check ran');
    assert.deepEqual(received.map((r) => [r.url, r.body.rule.name]), [['/ops', 'a']], 'rule a only');
    fail = true;
    const before = checked();
    await waitFor(() => logs.some((l) => l.startsWith('error: scheduled alert check failed: state unreadable')));
    assert.ok(logs.some((l) => l === 'error: scheduled alert check failed: state unreadable'), logs.join('\n'));
    assert.ok(checked() > before);
    await m.stop();
    assert.deepEqual(m.nextRuns(), []);
  } finally {
    await store.close();
  }
});

test('a stopped monitor stays stopped: started again, its jobs tick but check nothing', async () => {
  const store = await offersStore();
  try {
    const { monitor: m, checked } = monitor(store, setup({ rules: [below('a', { schedule: '* * * * * *' })] }));
    await m.stop();
    m.start();
    // The job is there and ticks every second…
    assert.deepEqual(m.nextRuns().map((r) => r.schedule), ['* * * * * *']);
    // …but 2.5 s (two ticks at least) run no check.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(checked(), 0, 'no scheduled check after stop');
    await m.stop();
  } finally {
    await store.close();
  }
});

test('without a log option, what would be logged is dropped: a delivery and a rule that cannot be read', async () => {
  received = [];
  const store = await offersStore();
  try {
    const m = new AlertMonitor({ store, model, setup: setup(), clock: () => AT, owner: 'me', delivery: { sleep: async () => undefined, random: () => 0 } });
    const [row] = (await m.check({ at: AT })).rows;
    assert.equal(row?.deliveries[0]?.delivered, true, 'sent (an info line without a log)');
    const broken = failingOn(store, (sql) => /\bFROM offers\b/.test(sql), 'the engine went away');
    const n = new AlertMonitor({ store: broken, model, setup: setup(), clock: () => AT });
    assert.deepEqual((await n.check({ at: AT })).errors, [{ rule: 'low', error: 'the engine went away' }], 'an error line without a log');
  } finally {
    await store.close();
  }
});

test('the default lease is 10 minutes: a notification left sending 11 minutes ago is taken over, one of 9 minutes is not', async () => {
  received = [];
  const store = await offersStore();
  try {
    const { ensureAlertTables } = await import('./alert-tables.js');
    await ensureAlertTables(store);
    // Claims use the real clock (not the evaluation clock): leases left by a sender that died.
    const claim = { key: 'low|all|1|firing|ops', rule: 'low', scope: 'all', episode: 1, kind: 'firing', channel: 'ops' };
    assert.equal(await claimNotification(store, claim, 'dead', new Date(Date.now() - 9 * 60_000), 600_000), true);
    const { monitor: m } = monitor(store, setup());
    const [held] = (await m.check({ at: AT })).rows;
    assert.deepEqual(held?.deliveries.map((d) => [d.claimed, d.delivered]), [[false, false]], '9 minutes: still held');
    await store.run(`UPDATE uprate_alert_notifications SET claimed_at = $1`, [new Date(Date.now() - 11 * 60_000)]);
    const [taken] = (await m.check({ at: AT })).rows;
    assert.deepEqual(taken?.deliveries.map((d) => [d.claimed, d.delivered]), [[true, true]], '11 minutes: taken over and sent');
    assert.deepEqual(received.map((r) => r.body.key), ['low|all|1|firing|ops']);
  } finally {
    await store.close();
  }
});

test('schedules are read in UTC whatever the process time zone', async () => {
  const store = await offersStore();
  const zone = process.env['TZ'];
  process.env['TZ'] = 'America/New_York';
  const { monitor: m } = monitor(store, setup({ rules: [below('a', { schedule: '0 7 * * *' })] }));
  try {
    m.start();
    const [run] = m.nextRuns();
    // 07:00 UTC, not 07:00 in New York (11:00 or 12:00 UTC).
    assert.equal(run?.next?.getUTCHours(), 7);
    assert.equal(run?.next?.getUTCMinutes(), 0);
  } finally {
    await m.stop();
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
    await store.close();
  }
});

test('dataChanged after the queued check has started queues another: each ingest after a check gets its own', async () => {
  const store = await offersStore();
  try {
    const { monitor: m, checked } = monitor(store, setup({ rules: [] }));
    m.dataChanged();
    // A dry run queued behind it: done once the ingest's check is.
    await m.check({ at: AT, dryRun: true });
    assert.equal(checked(), 1);
    m.dataChanged();
    await m.check({ at: AT, dryRun: true });
    assert.equal(checked(), 2, 'the second ingest was checked too');
    await m.stop();
  } finally {
    await store.close();
  }
});

test('scheduled jobs do not keep the process alive: a process that started a monitor and never stopped it exits', async () => {
  // A child process starts a monitor on a daily schedule and does nothing else; with its timers
  // unref'd it ends at once instead of waiting for 07:00.
  const script = [
    "import { AlertMonitor } from './src/alerts/alert-monitor.ts';",
    "import { ruleSchema } from './src/alerts/rules-schema.ts';",
    "const rule = ruleSchema.parse({ name: 'a', condition: { type: 'drop' }, schedule: '0 7 * * *' });",
    'new AlertMonitor({ setup: { rules: [rule] } }).start();',
    "console.log('started');",
  ].join('\n');
  const { execFile } = await import('node:child_process');
  const result = await new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 }, (_e, stdout) =>
      resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
    );
  });
  assert.deepEqual(result, { code: 0, signal: null, stdout: 'started\n' });
});
