/**
 * Each condition judged on demo data, its numbers checked against plain SQL and hand formulas:
 * below (Wilson interval on the customer-clustered effective sample), control limit (p-chart, and
 * the automatic choice of Laney's p′), segment below the rest (Holm), volume collapse; provisional
 * periods and minimum samples; Slack format and a daily reminder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AlertMonitor, alertSetup, evaluateRules, readState, type AlertSetup, type Finding } from '../src/alerts/index.js';
import { configSchema } from '../src/config/index.js';
import { generateDemo } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { CHI2_95_DF11, chiSquare, controlLimits, perCustomer, population, wilson } from './alerts-hand.js';
import { startReceiver, type Receiver } from './alerts-receiver.js';

const AT = new Date('2025-06-30T12:00:00Z');
const AT_SQL = '2025-06-30 12:00:00';
const ACCEPTED = `accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${AT_SQL}'`;
let dir: string;
let model: Model;
let store: DuckDbStore;
let receiver: Receiver;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-alert-conditions-'));
  model = await loadModel(shippedModelDir());
  store = await DuckDbStore.open(join(dir, 'demo.duckdb'));
  await generateDemo(store, { rows: 40_000, seed: 7, end: AT });
  receiver = await startReceiver();
});
after(async () => {
  await store.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function setupOf(rules: unknown[], channels: Record<string, unknown> = {}): AlertSetup {
  return alertSetup(configSchema.parse({ alerts: { channels, rules } }), model);
}

async function findings(rules: unknown[], at = AT): Promise<Finding[]> {
  const setup = setupOf(rules);
  const results = await evaluateRules(store, model, setup.rules, { at, bands: setup.bands });
  return results.flatMap((r) => r.findings);
}

async function monthCounts(from: string, to: string, where = 'true'): Promise<{ n: number; k: number }> {
  const [row] = await store.query<{ n: bigint; k: bigint }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE ${ACCEPTED}) AS k FROM offers o LEFT JOIN customers c USING (customer_id)
     WHERE offered_at >= TIMESTAMP '${from}' AND offered_at < TIMESTAMP '${to}' AND ${where}`,
  );
  return { n: Number(row?.n), k: Number(row?.k) };
}

const close = (a: unknown, b: number, tol = 1e-9) => assert.ok(typeof a === 'number' && Math.abs(a - b) < tol, `${String(a)} vs ${b}`);

test('provisional periods are skipped unless the rule says otherwise', async () => {
  const [pending] = await store.query<{ p: bigint }>(
    `SELECT count(*) AS p FROM offers WHERE offered_at >= TIMESTAMP '2025-05-01' AND offered_at < TIMESTAMP '2025-06-01'
       AND NOT (${ACCEPTED}) AND NOT (declined_at IS NOT NULL AND declined_at <= TIMESTAMP '${AT_SQL}') AND offered_at + INTERVAL 30 DAY > TIMESTAMP '${AT_SQL}'`,
  );
  assert.ok(Number(pending?.p) > 0, 'May still has pending offers at the evaluation instant');
  const [final] = await findings([{ name: 'r', condition: { type: 'drop' } }]);
  assert.equal(final?.period?.label, '2025-04', 'the latest month whose window has closed');
  const [provisional] = await findings([{ name: 'r', condition: { type: 'drop' }, includeProvisional: true }]);
  assert.equal(provisional?.period?.label, '2025-05');
  // A drop is never judged on a month still filling in: no verdict, the alert's state left alone.
  assert.equal(provisional?.status, 'skipped');
  assert.match(provisional?.message ?? '', new RegExp(`^2025-05 is still filling in \\(${Number(pending?.p).toLocaleString('en-US')} of [\\d,]+ offers still inside their conversion window\\): no verdict on a drop until it closes$`));
  // Other conditions judge it as it stands, as the option says.
  const [below] = await findings([{ name: 'r', condition: { type: 'below', band: 'poor' }, includeProvisional: true }]);
  assert.deepEqual([below?.period?.label, below?.status], ['2025-05', 'ok']);
  const [small] = await findings([{ name: 'r', condition: { type: 'drop' }, minOffers: 100_000 }]);
  assert.equal(small?.status, 'skipped');
  assert.match(small?.message ?? '', /too few offers to judge: \d+ in 2025-04, \d+ in 2025-03 \(minOffers 100000\)/);
});

test('below: a threshold judged by the Wilson interval (customer-clustered) or the rate', async () => {
  const april = population(await perCustomer(store, AT_SQL, '2025-04-01', '2025-05-01'));
  assert.deepEqual([april.n, april.k], Object.values(await monthCounts('2025-04-01', '2025-05-01')));
  assert.ok(april.d > 1, `April's offers cluster by customer: design effect ${april.d}`);
  // Wilson on the effective sample: k/d accepted of n/d offers.
  const [lower, upper] = wilson(april.k / april.d, april.n / april.d);
  const [byRate, byInterval, tight, poor] = await findings([
    { name: 'a', condition: { type: 'below', threshold: 0.2, basis: 'rate' } },
    { name: 'b', condition: { type: 'below', threshold: 0.2 } },
    { name: 'c', condition: { type: 'below', threshold: (april.k / april.n + upper) / 2 } },
    { name: 'd', condition: { type: 'below', band: 'poor' } },
  ]);
  close(byInterval?.numbers['rate'], april.k / april.n);
  close(byInterval?.numbers['lower'], lower);
  close(byInterval?.numbers['upper'], upper);
  close(byInterval?.numbers['designEffect'], april.d);
  assert.equal(byInterval?.numbers['customers'], april.customers);
  assert.equal(byInterval?.test?.name, `wilson interval (95%; customer-clustered, design effect ${april.d.toFixed(2)})`);
  assert.equal(byRate?.status, april.k / april.n < 0.2 ? 'firing' : 'ok');
  assert.equal(byInterval?.status, upper < 0.2 ? 'firing' : 'ok');
  assert.equal(tight?.status, 'ok', 'the rate is below, but not the whole interval');
  assert.equal(poor?.status, 'ok');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  assert.ok(
    byInterval?.message.startsWith(
      `Conversion rate in 2025-04 was ${pct(april.k / april.n)} (95% interval ${pct(lower)}–${pct(upper)}, customer-clustered, design effect ${april.d.toFixed(2)}, ` +
        `${april.k.toLocaleString('en-US')} of ${april.n.toLocaleString('en-US')} offers; moderate band)`,
    ),
    byInterval?.message,
  );
});

/** May 2024 – April 2025 by plain SQL: the 12 months up to the judged one. */
async function twelveMonths(): Promise<{ n: number; k: number }[]> {
  const months: { n: number; k: number }[] = [];
  for (let m = 0; m < 12; m++) {
    const from = new Date(Date.UTC(2024, 4 + m, 1)).toISOString().slice(0, 10);
    const to = new Date(Date.UTC(2024, 5 + m, 1)).toISOString().slice(0, 10);
    months.push(await monthCounts(from, to));
  }
  return months;
}

test('control limit: p-chart of the last 12 months, limits by hand; inside on the demo, firing on a planted collapse', async () => {
  const rule = [{ name: 'chart', condition: { type: 'control-limit', chart: 'p', periods: 12 } }];
  /** The p-chart of May 2024 – April 2025 by hand: p̄ = Σk/Σn, limits p̄ ± 3·√(p̄(1 − p̄)/n_April). */
  const hand = async () => {
    const months = await twelveMonths();
    const april = months[11] as { n: number; k: number };
    const centre = months.reduce((s, m) => s + m.k, 0) / months.reduce((s, m) => s + m.n, 0);
    const sigma = Math.sqrt((centre * (1 - centre)) / april.n);
    const rate = april.k / april.n;
    return { april, rate, centre, lower: centre - 3 * sigma, upper: centre + 3 * sigma, z: (rate - centre) / sigma };
  };
  const check = (chart: Finding | undefined, h: Awaited<ReturnType<typeof hand>>) => {
    close(chart?.numbers['centre'], h.centre);
    close(chart?.numbers['lowerLimit'], h.lower);
    close(chart?.numbers['upperLimit'], h.upper);
    close(chart?.numbers['z'], h.z);
    assert.deepEqual([chart?.numbers['offers'], chart?.numbers['accepted']], [h.april.n, h.april.k]);
    assert.equal(chart?.test?.name, 'p-chart (3σ limits, 12 months)');
  };

  // The demo's April 2025 lies inside its limits: no alarm.
  const inside = await hand();
  assert.ok(inside.rate > inside.lower && inside.rate < inside.upper, `April inside by hand: ${inside.rate} in [${inside.lower}, ${inside.upper}]`);
  const [ok] = await findings(rule);
  check(ok, inside);
  assert.deepEqual([ok?.status, ok?.numbers['outside']], ['ok', null]);

  // Plant a collapse: 40 % of April's acceptances removed by plain SQL (restored afterwards).
  const april = `offered_at >= TIMESTAMP '2025-04-01' AND offered_at < TIMESTAMP '2025-05-01'`;
  await store.run(`CREATE TABLE april_backup AS SELECT offer_id, accepted_at, declined_at FROM offers WHERE ${april}`);
  try {
    await store.run(
      `UPDATE offers SET declined_at = accepted_at, accepted_at = NULL WHERE ${april} AND accepted_at IS NOT NULL AND CAST(substr(offer_id, 3) AS BIGINT) % 10 < 4`,
    );
    const collapsed = await hand();
    assert.ok(collapsed.april.k < inside.april.k * 0.7 && collapsed.april.n === inside.april.n, 'acceptances removed, offers kept');
    assert.ok(collapsed.rate < collapsed.lower, `April below its lower limit by hand: ${collapsed.rate} < ${collapsed.lower}`);
    const [firing] = await findings(rule);
    check(firing, collapsed);
    assert.deepEqual([firing?.status, firing?.severity, firing?.numbers['outside']], ['firing', 'warning', 'below']);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    assert.equal(
      firing?.message,
      `Conversion rate in 2025-04 (${collapsed.april.k.toLocaleString('en-US')} of ${collapsed.april.n.toLocaleString('en-US')} offers): ${pct(collapsed.rate)} is below the lower control limit ` +
        `of the p-chart (3σ limits, 12 months): limits ${pct(collapsed.lower)}–${pct(collapsed.upper)} around the centre ${pct(collapsed.centre)}`,
    );
    // The default rule (chart auto) fires on it too, whichever chart the χ² test picks.
    const months = await twelveMonths();
    const auto = controlLimits(months, chiSquare(months) > CHI2_95_DF11);
    assert.ok(collapsed.rate < auto.lower, `below the automatic chart's limit by hand too: ${collapsed.rate} < ${auto.lower}`);
    const [byDefault] = await findings([{ name: 'auto', condition: { type: 'control-limit' } }]);
    close(byDefault?.numbers['lowerLimit'], auto.lower);
    assert.deepEqual([byDefault?.status, byDefault?.numbers['outside']], ['firing', 'below']);
  } finally {
    await store.run(`UPDATE offers SET accepted_at = b.accepted_at, declined_at = b.declined_at FROM april_backup b WHERE offers.offer_id = b.offer_id`);
    await store.run('DROP TABLE april_backup');
  }
  assert.deepEqual(await monthCounts('2025-04-01', '2025-05-01'), { n: inside.april.n, k: inside.april.k }, 'April restored');
});

test('control limit: chart auto (the default) picks Laney p′ when the months vary more than chance, limits by hand', async () => {
  const months = await twelveMonths();
  const april = months[11] as { n: number; k: number };
  const laney = chiSquare(months) > CHI2_95_DF11;
  const hand = controlLimits(months, laney);
  const [chart] = await findings([{ name: 'chart', condition: { type: 'control-limit' } }]);
  assert.equal(chart?.numbers['chart'], laney ? 'laney' : 'p');
  close(chart?.numbers['centre'], hand.centre);
  close(chart?.numbers['sigmaZ'], hand.sigmaZ);
  close(chart?.numbers['lowerLimit'], hand.lower);
  close(chart?.numbers['upperLimit'], hand.upper);
  const rate = april.k / april.n;
  const outside = rate < hand.lower ? 'below' : rate > hand.upper ? 'above' : null;
  assert.equal(chart?.status, outside === 'below' ? 'firing' : 'ok');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const name = `${laney ? 'Laney p′-chart' : 'p-chart'} (3σ limits, 12 months)`;
  assert.equal(chart?.test?.name, name);
  assert.equal(
    chart?.message,
    `Conversion rate in 2025-04 (${april.k.toLocaleString('en-US')} of ${april.n.toLocaleString('en-US')} offers): ${pct(rate)} is ` +
      (outside === null ? `inside the ${name}` : `${outside} the ${outside === 'below' ? 'lower' : 'upper'} control limit of the ${name}${outside === 'above' ? ' — a rise, which this check does not alarm on' : ''}`) +
      `: limits ${pct(hand.lower)}–${pct(hand.upper)} around the centre ${pct(hand.centre)}`,
  );
  assert.match(chart?.test?.reason ?? '', laney ? /periods vary more than chance .*Laney/ : /p-chart|binomial/);
});

test('segment below the rest: each account size against the others, Holm across them', async () => {
  // The rest: the other account sizes (customers without one are too few to be in the family).
  const smb = await monthCounts('2025-04-01', '2025-05-01', "c.account_size = 'smb'");
  const rest = await monthCounts('2025-04-01', '2025-05-01', "c.account_size IN ('mid_market', 'enterprise')");
  const out = await findings([{ name: 'seg', condition: { type: 'segment-below', by: 'Customers.accountSize' } }]);
  const bySize = new Map(out.map((f) => [f.scope, f]));
  const s = bySize.get('Customers.accountSize=smb');
  assert.deepEqual([s?.numbers['offers'], s?.numbers['accepted']], [smb.n, smb.k]);
  close(s?.numbers['restRate'], rest.k / rest.n);
  assert.equal(s?.status, 'firing', 'smb converts far below the rest (planted)');
  assert.equal(bySize.get('Customers.accountSize=enterprise')?.status, 'ok', 'enterprise is above, not below');
  assert.equal(bySize.has('Customers.accountSize=(not set)'), false, 'fewer than minOffers: not in the family');
  assert.match(s?.test?.correction ?? '', /^Holm correction across 3 comparisons \(α = 0\.05\)/);
  // Each segment against the rest on customer-clustered effective counts (account size is a customer attribute).
  assert.equal(s?.test?.name, 'pooled two-proportion z test (Rao–Scott, customer-clustered), each segment against the rest');
  close(s?.numbers['designEffect'], population(await perCustomer(store, AT_SQL, '2025-04-01', '2025-05-01', "c.account_size = 'smb'")).d);
  assert.ok((s?.test?.adjustedPValue ?? 1) <= Math.min(1, 3 * (s?.test?.pValue ?? 1)) + 1e-15);
  assert.deepEqual(s?.filters, [{ member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }]);
});

test('volume collapse judges the latest ended month, even while provisional', async () => {
  const [before] = await findings([{ name: 'vol', condition: { type: 'volume-drop', floor: 0.5 } }]);
  assert.equal(before?.period?.label, '2025-05');
  assert.equal(before?.status, 'ok');
  await store.run(`CREATE TABLE may_backup AS SELECT * FROM offers WHERE offered_at >= TIMESTAMP '2025-05-01' AND offered_at < TIMESTAMP '2025-06-01'`);
  await store.run(`DELETE FROM offers WHERE offered_at >= TIMESTAMP '2025-05-01' AND offered_at < TIMESTAMP '2025-06-01' AND CAST(substr(offer_id, 3) AS BIGINT) % 10 < 7`);
  try {
    const may = await monthCounts('2025-05-01', '2025-06-01');
    const april = await monthCounts('2025-04-01', '2025-05-01');
    const [after] = await findings([{ name: 'vol', condition: { type: 'volume-drop', floor: 0.5 } }]);
    assert.deepEqual([after?.numbers['offers'], after?.numbers['previousOffers']], [may.n, april.n]);
    close(after?.numbers['ratio'], may.n / april.n);
    assert.equal(after?.status, 'firing');
    assert.match(after?.message ?? '', /offer volume collapsed/);
  } finally {
    await store.run(`INSERT INTO offers SELECT * FROM may_backup WHERE offer_id NOT IN (SELECT offer_id FROM offers)`);
    await store.run('DROP TABLE may_backup');
  }
});

test('Slack format, and a daily reminder once per UTC day while it lasts', async () => {
  const setup = setupOf([{ name: 'low', condition: { type: 'below', threshold: 0.5 }, channels: ['team'], repeat: 'daily', severity: 'critical' }], {
    team: { type: 'slack', url: receiver.url, retries: 0 },
  });
  const start = receiver.requests.length;
  const monitor = new AlertMonitor({ store, model, setup, delivery: { sleep: async () => undefined } });
  await monitor.check({ at: AT });
  await monitor.check({ at: new Date('2025-06-30T18:00:00Z') });
  await monitor.check({ at: new Date('2025-07-01T07:00:00Z') });
  await monitor.check({ at: new Date('2025-07-01T09:00:00Z') });
  const bodies = receiver.requests.slice(start).map((r) => JSON.parse(r.body) as { text: string; blocks: { type: string }[] });
  assert.equal(bodies.length, 2, 'the start, then one reminder on the next day');
  assert.match(bodies[0]?.text ?? '', /^:rotating_light: uprate critical: low: Conversion rate in 2025-04 was/);
  assert.deepEqual(bodies[0]?.blocks.map((b) => b.type), ['section', 'context']);
  assert.match(bodies[1]?.text ?? '', /^:warning: uprate critical: low: Still firing: /);
  assert.equal(receiver.requests.at(-1)?.headers['x-uprate-signature'], undefined, 'no secret, no signature');
  const state = await readState(store, 'low', 'all');
  assert.equal(state?.lastNotifiedAt?.toISOString(), '2025-07-01T07:00:00.000Z');
});
