/**
 * The effects README.md promises, checked with plain SQL on a 50,000-offer data set: rates per
 * segment in the intended order, the two equal regions equal, the tiny-sample offers in place.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemo } from './index.js';
import { END, tempStore, type TempStore } from './demo-test-helpers.js';

let t: TempStore;
const ACCEPTED = `accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY`;
const MATURE = `offered_at <= TIMESTAMP '2025-06-30 12:00:00' - INTERVAL 30 DAY`;
const TIER = `CASE WHEN engagement_score < 40 THEN 'low' WHEN engagement_score < 70 THEN 'medium' WHEN engagement_score >= 70 THEN 'high' END`;

before(async () => {
  t = await tempStore();
  await generateDemo(t.store, { rows: 50_000, seed: 42, end: END });
});
after(async () => t.close());

interface Rate {
  n: number;
  accepted: number;
  rate: number;
}

/** Conversion (30-day window, offers whose window has closed) per value of `segment`. */
async function rates(segment: string): Promise<Map<string, Rate>> {
  const rows = await t.store.query<{ k: unknown; n: bigint; a: bigint }>(
    `SELECT ${segment} AS k, count(*) AS n, count(*) FILTER (WHERE ${ACCEPTED}) AS a
     FROM offers LEFT JOIN customers USING (customer_id) WHERE ${MATURE} GROUP BY 1`,
  );
  return new Map(rows.map((r) => [String(r.k), { n: Number(r.n), accepted: Number(r.a), rate: Number(r.a) / Number(r.n) }]));
}

function assertOrder(found: Map<string, Rate>, order: readonly string[], what: string): void {
  const shown = order.map((k) => `${k} ${((found.get(k)?.rate ?? Number.NaN) * 100).toFixed(1)} %`).join(' > ');
  for (let i = 1; i < order.length; i++) {
    const higher = found.get(order[i - 1]!);
    const lower = found.get(order[i]!);
    assert.ok(higher && lower, `${what}: ${order[i - 1]} and ${order[i]} present`);
    assert.ok(higher.rate > lower.rate, `${what} should be ${shown}`);
  }
}

/** Two-proportion z statistic. */
function z(a: Rate, b: Rate): number {
  const pooled = (a.accepted + b.accepted) / (a.n + b.n);
  return (a.rate - b.rate) / Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
}

test('overall conversion is 15–20 %', async () => {
  const overall = (await rates(`'all'`)).get('all')!;
  assert.ok(overall.rate > 0.15 && overall.rate < 0.2, `overall ${overall.rate}`);
});

test('account size: enterprise > mid_market > smb', async () => {
  assertOrder(await rates('account_size'), ['enterprise', 'mid_market', 'smb'], 'account_size');
});

test('lifecycle stage: expansion high, at_risk low', async () => {
  assertOrder(await rates('lifecycle_stage'), ['expansion', 'renewal', 'adoption', 'onboarding', 'at_risk'], 'lifecycle_stage');
});

test('engagement tier: a strong monotone effect', async () => {
  const found = await rates(TIER);
  assertOrder(found, ['high', 'medium', 'low'], 'engagement tier');
  assert.ok(found.get('high')!.rate > 3 * found.get('low')!.rate, 'high is several times low');
});

test('channel: sales highest, email lowest', async () => {
  assertOrder(await rates('channel'), ['sales', 'checkout', 'in_app', 'email'], 'channel');
});

test('offer type: upsell converts better than cross_sell', async () => {
  assertOrder(await rates('offer_type'), ['upsell', 'cross_sell'], 'offer_type');
});

test('offers have their own rates', async () => {
  const found = await rates('offer_name');
  assertOrder(found, ['Extra seats', 'Annual plan upgrade', 'Premium tier', 'Priority support', 'Security suite', 'Training workshop'], 'offer_name');
  assert.ok(found.get('Extra seats')!.rate > 2 * found.get('Training workshop')!.rate);
});

test('industry: saas best, healthcare worst of the benchmarked and big ones', async () => {
  assertOrder(await rates('industry'), ['saas', 'consumer_goods', 'retail', 'healthcare'], 'industry');
});

test('north_america and europe are equal: the same offers, the same rates', async () => {
  const found = await rates('region');
  const na = found.get('north_america')!;
  const eu = found.get('europe')!;
  assert.ok(Math.abs(na.n - eu.n) <= 2, `offers ${na.n} vs ${eu.n}`);
  assert.ok(Math.abs(na.accepted - eu.accepted) <= 2, `accepted ${na.accepted} vs ${eu.accepted}`);
  assert.ok(Math.abs(z(na, eu)) < 0.1, `z = ${z(na, eu)}`);
  // …equal by month too, while apac really is lower.
  const months = await t.store.query<{ m: string; na: number; eu: number }>(
    `SELECT strftime(offered_at, '%Y-%m') AS m,
       avg((${ACCEPTED})::INT) FILTER (WHERE region = 'north_america') AS na, avg((${ACCEPTED})::INT) FILTER (WHERE region = 'europe') AS eu
     FROM offers JOIN customers USING (customer_id) WHERE ${MATURE} GROUP BY 1 HAVING count(*) > 500`,
  );
  assert.ok(months.length >= 20);
  for (const m of months) assert.ok(Math.abs(m.na - m.eu) < 0.005, `${m.m}: ${m.na} vs ${m.eu}`);
  assert.ok(z(eu, found.get('apac')!) > 3);
});

test('seasonality: Q4 converts better than Q3; volume grows and peaks in November', async () => {
  assertOrder(await rates('quarter(offered_at)::VARCHAR'), ['4', '3'], 'quarter');
  const volume = await t.store.query<{ m: string; n: bigint }>(
    `SELECT strftime(offered_at, '%Y-%m') AS m, count(*) AS n FROM offers GROUP BY 1 ORDER BY 1`,
  );
  const n = new Map(volume.map((r) => [r.m, Number(r.n)]));
  assert.ok(n.get('2024-11')! > n.get('2024-08')! * 1.2 && n.get('2023-11')! > n.get('2023-08')! * 1.2, 'November busier than August');
  const firstYear = volume.filter((r) => r.m >= '2023-07' && r.m <= '2024-06').reduce((s, r) => s + Number(r.n), 0);
  const secondYear = volume.filter((r) => r.m >= '2024-07' && r.m <= '2025-06').reduce((s, r) => s + Number(r.n), 0);
  assert.ok(secondYear > 1.25 * firstYear, `growth ${secondYear / firstYear}`);
});

test('tiny samples: 3 offers all accepted, 5 offers none accepted', async () => {
  const rows = await t.store.query<{ offer_name: string; n: bigint; accepted: bigint; declined: bigint }>(
    `SELECT offer_name, count(*) AS n, count(*) FILTER (WHERE ${ACCEPTED}) AS accepted, count(declined_at) AS declined
     FROM offers WHERE offer_name IN ('Concierge onboarding', 'Legacy data migration') AND ${MATURE} GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(rows, [
    { offer_name: 'Concierge onboarding', n: 3n, accepted: 3n, declined: 0n },
    { offer_name: 'Legacy data migration', n: 5n, accepted: 0n, declined: 5n },
  ]);
});

test('the conversion window matters: some acceptances come late, recent offers are pending', async () => {
  const [row] = await t.store.query<{ late: number; pending_recent: number; pending_old: number }>(
    `SELECT count(*) FILTER (WHERE accepted_at > offered_at + INTERVAL 30 DAY) / count(accepted_at) AS late,
       avg((accepted_at IS NULL AND declined_at IS NULL)::INT) FILTER (WHERE NOT (${MATURE})) AS pending_recent,
       avg((accepted_at IS NULL AND declined_at IS NULL)::INT) FILTER (WHERE ${MATURE}) AS pending_old
     FROM offers`,
  );
  assert.ok(row!.late > 0.04 && row!.late < 0.12, `late share ${row!.late}`);
  assert.ok(row!.pending_recent > row!.pending_old, 'more offers without an outcome in the last 30 days');
  const [window] = await t.store.query<{ recent: number; old: number }>(
    `SELECT avg((${ACCEPTED})::INT) FILTER (WHERE NOT (${MATURE})) AS recent, avg((${ACCEPTED})::INT) FILTER (WHERE ${MATURE}) AS old FROM offers`,
  );
  assert.ok(window!.recent < window!.old, 'the open window depresses the recent rate');
});

test('revenue follows the offer and the account size', async () => {
  const rows = await t.store.query<{ k: string; mean: number }>(
    `SELECT offer_name AS k, avg(revenue)::DOUBLE AS mean FROM offers WHERE revenue IS NOT NULL GROUP BY 1
     UNION ALL SELECT account_size, avg(revenue)::DOUBLE FROM offers JOIN customers USING (customer_id)
       WHERE revenue IS NOT NULL AND account_size IS NOT NULL GROUP BY 1`,
  );
  const mean = new Map(rows.map((r) => [r.k, r.mean]));
  assert.ok(mean.get('Annual plan upgrade')! > 3 * mean.get('Extra seats')!);
  assert.ok(mean.get('enterprise')! > mean.get('mid_market')! && mean.get('mid_market')! > mean.get('smb')!);
});
