// Tests for alert-views.ts and check-table.ts, written for the mutation run: the alert list read
// from rows written with plain SQL into an in-memory DuckDB (which are firing, which resolved
// recently, in which order), and the check's table written out whole by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/index.js';
import type { AlertCheck } from '../insights/api-schema.js';
import { alertView, listAlerts } from './alert-views.js';
import { ensureAlertTables } from './alert-tables.js';
import { checkText } from './check-table.js';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

test('alertView: the state as the API shows it, instants as ISO text', () => {
  const finding = { rule: 'r', scope: 'all', status: 'firing', severity: 'critical', message: 'm', period: null, grain: 'month', numbers: {}, test: null, filters: [] } as const;
  const base = { rule: 'r', scope: 'Customers.accountSize=smb', state: 'resolved', episode: 2, severity: 'critical', message: 'fell', finding, evaluatedAt: NOW } as const;
  assert.deepEqual(alertView({ ...base, firingSince: daysAgo(3), resolvedAt: daysAgo(1), lastNotifiedAt: daysAgo(2) }), {
    rule: 'r',
    scope: 'Customers.accountSize=smb',
    state: 'resolved',
    firingSince: '2026-03-28T12:00:00.000Z',
    resolvedAt: '2026-03-30T12:00:00.000Z',
    lastNotifiedAt: '2026-03-29T12:00:00.000Z',
    severity: 'critical',
    message: 'fell',
  });
  const open = alertView({ ...base, firingSince: daysAgo(3), resolvedAt: null, lastNotifiedAt: null });
  assert.equal(open.resolvedAt, null);
  assert.equal(open.lastNotifiedAt, null);
});

test('listAlerts: firing ones critical first, newest first; resolved ones within recentDays (the edge included), newest first', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    assert.deepEqual(await listAlerts(store, NOW), { firing: [], recent: [] }, 'no tables yet: no alerts, and none made');
    await assert.rejects(store.query('SELECT 1 FROM uprate_alert_state'), /uprate_alert_state/);
    await ensureAlertTables(store);
    const put = (rule: string, state: string, severity: string, since: Date, resolved: Date | null) =>
      store.run(`INSERT INTO uprate_alert_state VALUES ($1, 'all', $2, 1, $3, $4, '{}', $5, $6, NULL, $5)`, [rule, state, severity, `${rule} message`, since, resolved]);
    await put('w-old', 'firing', 'warning', daysAgo(9), null);
    await put('w-new', 'firing', 'warning', daysAgo(1), null);
    await put('c-old', 'firing', 'critical', daysAgo(8), null);
    await put('c-new', 'firing', 'critical', daysAgo(2), null);
    await put('w-mid', 'firing', 'warning', daysAgo(5), null);
    await put('r-edge', 'resolved', 'warning', daysAgo(40), daysAgo(30));
    await put('r-out', 'resolved', 'warning', daysAgo(40), new Date(daysAgo(30).getTime() - 1));
    await put('r-new', 'resolved', 'critical', daysAgo(20), daysAgo(1));
    await put('r-mid', 'resolved', 'warning', daysAgo(20), daysAgo(10));
    const list = await listAlerts(store, NOW);
    assert.deepEqual(list.firing.map((a) => a.rule), ['c-new', 'c-old', 'w-new', 'w-mid', 'w-old']);
    assert.deepEqual(list.recent.map((a) => a.rule), ['r-new', 'r-mid', 'r-edge']);
    assert.deepEqual(list.firing[0], { rule: 'c-new', scope: 'all', state: 'firing', firingSince: daysAgo(2).toISOString(), resolvedAt: null, lastNotifiedAt: null, severity: 'critical', message: 'c-new message' });
    // Another window: 10 days back keeps r-mid (exactly 10 days) and r-new.
    assert.deepEqual((await listAlerts(store, NOW, 10)).recent.map((a) => a.rule), ['r-new', 'r-mid']);
    assert.deepEqual((await listAlerts(store, NOW, 0)).recent.map((a) => a.rule), []);
  } finally {
    await store.close();
  }
});

test('listAlerts: recent means resolved with a resolution time: a row read as resolved without one, or firing with one left over, is not recent', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    await ensureAlertTables(store);
    const put = (rule: string, state: string, resolved: Date | null) =>
      store.run(`INSERT INTO uprate_alert_state VALUES ($1, 'all', $2, 1, 'warning', 'm', '{}', $3, $4, NULL, $3)`, [rule, state, daysAgo(3), resolved]);
    // An unknown state reads as resolved (alert-state fromRow); this one has no resolution time.
    await put('paused', 'paused', null);
    // Firing, with a resolution time from an earlier episode left in the row.
    await put('firing-again', 'firing', daysAgo(2));
    await put('resolved', 'resolved', daysAgo(1));
    const list = await listAlerts(store, NOW);
    assert.deepEqual(list.recent.map((a) => a.rule), ['resolved']);
    assert.deepEqual(list.firing.map((a) => a.rule), ['firing-again']);
  } finally {
    await store.close();
  }
});

test('listAlerts: at most the 100 newest resolved ones', async () => {
  const store = await DuckDbStore.open(':memory:');
  try {
    await ensureAlertTables(store);
    await store.run(`INSERT INTO uprate_alert_state
      SELECT 'r' || i, 'all', 'resolved', 1, 'warning', 'm', '{}', TIMESTAMP '2026-03-01 00:00:00', TIMESTAMP '2026-03-20 00:00:00' + INTERVAL (i) MINUTE, NULL, TIMESTAMP '2026-03-01 00:00:00'
      FROM range(1, 106) t(i)`);
    const { recent } = await listAlerts(store, NOW);
    assert.equal(recent.length, 100);
    assert.equal(recent[0]?.rule, 'r105');
    assert.equal(recent[99]?.rule, 'r6');
  } finally {
    await store.close();
  }
});

test('listAlerts: any other failure is thrown', async () => {
  const store = await DuckDbStore.open(':memory:');
  await store.close();
  await assert.rejects(listAlerts(store, NOW));
});

type Row = AlertCheck['rows'][number];
const row = (r: Partial<Row> & Pick<Row, 'rule' | 'status'>): Row => ({
  scope: 'all',
  severity: 'warning',
  period: '2025-06',
  message: `${r.rule} says`,
  numbers: {},
  test: null,
  state: null,
  firingSince: null,
  notification: null,
  deliveries: [],
  ...r,
});

test('checkText: firing first, then ok, then skipped, by rule within each; sends and failures; errors; the summary', () => {
  const check: AlertCheck = {
    at: '2025-07-02T07:00:00.000Z',
    firing: 2,
    errors: [{ rule: 'broken', error: 'the engine went away' }],
    rows: [
      row({ rule: 'b-skip', status: 'skipped', period: null, message: 'too few offers' }),
      row({ rule: 'z-ok', status: 'ok', state: 'resolved', firingSince: '2025-06-01T08:00:00.000Z' }),
      row({ rule: 'b-fire', status: 'firing', severity: 'critical', scope: 'Offers.channel=email', state: 'firing', firingSince: '2025-07-02T07:00:59.000Z', deliveries: [
        { channel: 'ops', kind: 'firing', key: 'k1', claimed: true, delivered: true, attempts: 1, error: null },
        { channel: 'chat', kind: 'firing', key: 'k2', claimed: true, delivered: false, attempts: 3, error: 'HTTP 500' },
        { channel: 'held', kind: 'firing', key: 'k3', claimed: false, delivered: false, attempts: 0, error: null },
      ] }),
      row({ rule: 'a-ok', status: 'ok' }),
      row({ rule: 'a-fire', status: 'firing', state: 'firing', firingSince: null }),
    ],
  } as AlertCheck;
  assert.equal(
    checkText(check),
    [
      'status   rule    scope                 severity  period   firing since      sent                    message',
      '-------  ------  --------------------  --------  -------  ----------------  ----------------------  --------------',
      'FIRING   a-fire  all                   warning   2025-06                                            a-fire says',
      'FIRING   b-fire  Offers.channel=email  critical  2025-06  2025-07-02 07:00  firing→ops firing✗chat  b-fire says',
      'OK       a-ok    all                   warning   2025-06                                            a-ok says',
      'OK       z-ok    all                   warning   2025-06                                            z-ok says',
      'SKIPPED  b-skip  all                   warning                                                      too few offers',
      'error: rule broken could not be evaluated: the engine went away',
      '2 firing, 2 ok, 1 skipped (as of 2025-07-02T07:00:00.000Z)',
      '',
    ].join('\n'),
  );
});
