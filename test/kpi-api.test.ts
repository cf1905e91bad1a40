/**
 * uprate's own JSON API on test/fixture-data.ts: counts against plain SQL
 * (test/reference/kpi-fixture-counts.ts, which also lists every group's per-customer offers and
 * acceptances), statistics against scipy/statsmodels (test/reference/kpi_reference.py →
 * kpi-reference.json).
 *
 * The fixture's offers cluster hard by customer (each customer's 10 offers share one outcome
 * pattern), so the reference is the customer-clustered one: each group's design effect is the
 * cluster-robust variance of its rate (statsmodels OLS of the 0/1 outcome on a constant,
 * cov_type='cluster' by customer) over the binomial one, floored at 1; intervals, z tests and
 * Newcombe intervals run on the effective counts k/d of n/d (Rao–Scott), the omnibus χ² is
 * divided by the mean design effect, the leaderboard's posteriors weigh k/d of n/d, and a
 * segment's rest counts each (segment, customer) pair as a cluster. Changes between two periods
 * are only tested when both are complete as of the test clock; the monthly chart is chosen by a
 * χ² test of equal rates and the trend is a quasi-binomial GLM.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import type {
  ApiDifference,
  ApiInterval,
  ApiProjection,
  BreakdownResponse,
  CompareResponse,
  InsightsResponse,
  KpiResponse,
  LeaderboardResponse,
  SampleSizeResponse,
  TimeseriesResponse,
} from '../src/insights/index.js';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { fixtureClock, loadFixture } from './fixture-data.js';
import { fixtureCounts, type FixtureCounts, type Group } from './reference/kpi-fixture-counts.js';

const SECRET = 'kpi-api-test-secret-of-32-bytes-at-least';
const here = new URL('./reference/', import.meta.url);
const COUNTS = JSON.parse(readFileSync(new URL('kpi-counts.json', here), 'utf8')) as FixtureCounts;
type Variance = 'customer-clustered' | 'binomial';
/** A rate's interval on its effective counts, with the design effect behind it. */
type RateRef = {
  lower: number;
  upper: number;
  method: 'wilson' | 'jeffreys' | 'exact';
  level: number;
  variance: Variance;
  designEffect: number;
  customers: number;
  effectiveOffers: number;
};
type Compared = {
  difference: number;
  test: 'z' | 'fisher';
  z: number | null;
  p: number;
  lower: number;
  upper: number;
  variance: Variance;
  designEffects: [number, number];
  relativeChange?: number;
};
/** A change with a period still filling in: no test, only the difference. */
type NotJudged = { difference: number; relativeChange?: number; designEffects: [number, number] };
type BreakdownRef = {
  rows: (Compared & { label: string; rate: RateRef; adjusted: number; significant: boolean; adjustedLevel: number; adjustedInterval: [number, number] })[];
  chi2: number;
  chiP: number;
  df: number;
};
type MonthChange = (Compared & { period: string; judged: true; adjusted: number; significant: boolean }) | (NotJudged & { period: string; judged: false });
const REF = JSON.parse(readFileSync(new URL('kpi-reference.json', here), 'utf8')) as {
  total: Record<'wilson' | 'jeffreys' | 'exact', RateRef>;
  totalLevel90: RateRef;
  industries: { industry: string; rate: RateRef; p: number }[];
  recent: RateRef;
  previous: RateRef;
  provisionalChange: NotJudged;
  complete: RateRef;
  completePrevious: RateRef;
  change: Compared;
  months: {
    rates: RateRef[];
    charted: string[];
    chart: { kind: 'p' | 'laney'; choice: { statistic: number; df: number; p: number }; sigmaZ: number; centre: number; lcl: number[]; ucl: number[] };
    trend: { z: number; p: number; dispersion: number; slope: number; direction: 'rising' | 'falling' | 'flat' | null; periods: number };
    changes: (MonthChange | null)[];
  };
  accountSize: BreakdownRef;
  industryHolm: BreakdownRef;
  industryBh: BreakdownRef;
  channelBh: BreakdownRef;
  leaderboard: { alpha: number; beta: number; overall: number; rows: { label: string; designEffect: number; mean: number; lower: number; upper: number; above: number }[] };
  email: RateRef;
  compareAllEmail: Compared;
  sampleSize: { h: number; n: number; nPerArm: number; mdeH: number; upperRate: number; lowerRate: number };
};

let store: DuckDbStore;
let app: FastifyInstance;
let token: string;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  ({ app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: fixtureClock, kpiSettings: { target: 0.2 } }));
  token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
});
after(async () => {
  await app.close();
  await store.close();
});

async function get<T>(path: string, params: Record<string, string> = {}, status = 200): Promise<T> {
  const q = new URLSearchParams(params).toString();
  const res = await app.inject({ method: 'GET', url: `${path}${q ? `?${q}` : ''}`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.statusCode, status, res.body);
  return res.json() as T;
}

function close(actual: number | null | undefined, expected: number | null | undefined, what: string, rel = 1e-9): void {
  assert.ok(actual !== null && actual !== undefined && expected !== null && expected !== undefined, `${what}: ${actual} vs ${expected}`);
  const tol = Math.max(rel * Math.abs(expected), 1e-14);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} differs from ${expected}`);
}

function sameCounts(actual: { offers: number; accepted: number; pending: number }, expected: Group, what: string): void {
  assert.deepEqual([actual.offers, actual.accepted, actual.pending], [expected.n, expected.k, expected.pending], what);
}

/** An interval as the reference: endpoints, method, and the design effect it was computed with. */
function sameInterval(actual: ApiInterval, expected: RateRef, what: string): void {
  close(actual.lower, expected.lower, `${what} lower`);
  close(actual.upper, expected.upper, `${what} upper`);
  assert.deepEqual([actual.method, actual.level, actual.variance, actual.customers], [expected.method, expected.level, expected.variance, expected.customers], what);
  close(actual.designEffect, expected.designEffect, `${what} design effect`);
  close(actual.effectiveOffers, expected.effectiveOffers, `${what} effective offers`);
}

/** A tested difference as the reference: Rao–Scott z test (or Fisher) and Newcombe interval on effective counts. */
function sameDifference(actual: ApiDifference & { relativeChange?: number | null }, expected: Compared, what: string): void {
  close(actual.difference, expected.difference, `${what} difference`);
  assert.equal(actual.test, expected.test, `${what} test`);
  if (expected.z === null) assert.equal(actual.statistic, null, `${what} statistic`);
  else close(actual.statistic, expected.z, `${what} z`);
  close(actual.pValue, expected.p, `${what} p`);
  close(actual.lower, expected.lower, `${what} lower`);
  close(actual.upper, expected.upper, `${what} upper`);
  assert.equal(actual.variance, expected.variance, `${what} variance`);
  close(actual.designEffects[0], expected.designEffects[0], `${what} design effect A`);
  close(actual.designEffects[1], expected.designEffects[1], `${what} design effect B`);
  if (expected.relativeChange !== undefined) close(actual.relativeChange, expected.relativeChange, `${what} relative change`);
}

/** A change with a period still filling in: the difference is shown, no test is made. */
function notJudged(actual: ApiDifference & { relativeChange?: number | null }, expected: NotJudged, what: string): void {
  close(actual.difference, expected.difference, `${what} difference`);
  assert.deepEqual([actual.test, actual.statistic, actual.pValue, actual.lower, actual.upper, actual.significant], [null, null, null, null, null, false], what);
  assert.match(actual.reason, /^not judged: .*still filling in/, what);
  close(actual.designEffects[0], expected.designEffects[0], `${what} design effect A`);
  close(actual.designEffects[1], expected.designEffects[1], `${what} design effect B`);
  if (expected.relativeChange !== undefined) close(actual.relativeChange, expected.relativeChange, `${what} relative change`);
}

/** A projection of a provisional rate: present, well-formed, and at least the rate so far. */
function projectedFrom(p: ApiProjection | null, rate: number | null, pending: number, what: string): void {
  assert.ok(p, `${what}: no projection`);
  assert.ok(rate !== null && p.rate >= rate, `${what}: projected ${p.rate} below the current ${rate}`);
  assert.ok(p.lower <= p.rate && p.rate <= p.upper && p.lower >= 0 && p.upper <= 1, `${what}: ${p.lower} ≤ ${p.rate} ≤ ${p.upper}`);
  assert.deepEqual([p.method, p.level, p.pending], ['kaplan-meier', 0.95, pending], what);
  assert.ok(p.expectedAdditional >= 0 && p.expectedAdditional <= pending, `${what}: ${p.expectedAdditional} further acceptances`);
}

/** The band judged from a reference interval (moderate 10–20 %, boundaries moderate). */
function bandOf(x: number): 'poor' | 'moderate' | 'strong' {
  return x > 0.2 ? 'strong' : x < 0.1 ? 'poor' : 'moderate';
}

/** above / below / consistent: where a reference interval lies against a rate. */
function standing(r: RateRef, against: number): 'above' | 'below' | 'consistent' {
  return r.lower > against ? 'above' : r.upper < against ? 'below' : 'consistent';
}

const EQ = (member: string, ...values: string[]) => JSON.stringify([{ member, operator: 'equals', values }]);

test('the reference inputs still match plain SQL on the fixture', async () => {
  assert.deepEqual(await fixtureCounts(store), COUNTS);
});

describe('GET /api/v1/kpi', () => {
  test('headline: counts as SQL, customer-clustered Wilson interval, band, benchmarks, target, customers, revenue, projection', async () => {
    const kpi = await get<KpiResponse>('/api/v1/kpi');
    assert.deepEqual([kpi.query.from, kpi.query.to], [COUNTS.firstDay, COUNTS.lastDay]);
    sameCounts(kpi, COUNTS.total, 'total');
    close(kpi.rate, COUNTS.total.k / COUNTS.total.n, 'rate');
    sameInterval(kpi.interval, REF.total.wilson, 'total');
    assert.equal(kpi.interval.method, 'wilson');
    assert.equal(kpi.interval.customers, COUNTS.customersOffered);
    assert.equal(kpi.provisional, true);
    const [lowBand, highBand] = [bandOf(REF.total.wilson.lower), bandOf(REF.total.wilson.upper)];
    assert.deepEqual([kpi.band.band, kpi.band.judgement], ['moderate', lowBand === highBand ? lowBand : 'indeterminate']);
    assert.deepEqual([kpi.customers.offered, kpi.customers.converted], [COUNTS.customersOffered, COUNTS.customersConverted]);
    close(kpi.expansionRevenue, COUNTS.revenue, 'revenue');
    for (const ref of REF.industries) {
      const b = kpi.benchmarks.find((x) => x.industry === ref.industry);
      assert.ok(b, ref.industry);
      sameCounts(b, COUNTS.industry.find((g) => g.label === ref.industry) as Group, ref.industry);
      sameInterval(b.interval, ref.rate, ref.industry);
      close(b.pValue, ref.p, `${ref.industry} score test`);
      assert.equal(b.standing, standing(ref.rate, b.benchmark.rate), ref.industry);
    }
    assert.deepEqual(
      kpi.benchmarks.map((b) => [b.industry, b.benchmark.rate, b.benchmark.source]),
      [['consumer_goods', 0.18, 'Nielsen'], ['retail', 0.15, 'Forrester'], ['saas', 0.25, 'Gartner']],
    );
    assert.equal(kpi.benchmark, null);
    assert.deepEqual(kpi.target && [kpi.target.rate, kpi.target.standing], [0.2, standing(REF.total.wilson, 0.2)]);
    projectedFrom(kpi.projected, kpi.rate, COUNTS.total.pending, 'total');
  });

  test('change against the previous period (two whole months: the two calendar months before): clustered z test and Newcombe interval when both are complete', async () => {
    const kpi = await get<KpiResponse>('/api/v1/kpi', { from: '2025-04-01', to: '2025-05-31' });
    sameCounts(kpi, COUNTS.complete, 'complete');
    sameInterval(kpi.interval, REF.complete, 'complete');
    assert.deepEqual([kpi.provisional, kpi.projected], [false, null]);
    assert.deepEqual([kpi.previous?.from, kpi.previous?.to], ['2025-02-01', '2025-03-31']);
    sameCounts(kpi.previous!, COUNTS.completePrevious, 'previous');
    sameInterval(kpi.previous!.interval, REF.completePrevious, 'previous');
    const c = kpi.change!;
    sameDifference(c, REF.change, 'change');
    assert.equal(c.significant, REF.change.p <= 0.05);
    assert.match(c.reason, /Rao–Scott/);
  });

  test('a period still filling in is not judged against the previous one; its projection is given instead', async () => {
    const kpi = await get<KpiResponse>('/api/v1/kpi', { from: '2025-04-01', to: '2025-06-29' });
    sameCounts(kpi, COUNTS.recent, 'recent');
    sameInterval(kpi.interval, REF.recent, 'recent');
    assert.deepEqual([kpi.previous?.from, kpi.previous?.to], ['2025-01-01', '2025-03-31']);
    sameCounts(kpi.previous!, COUNTS.previous, 'previous');
    sameInterval(kpi.previous!.interval, REF.previous, 'previous');
    assert.equal(kpi.provisional, true);
    notJudged(kpi.change!, REF.provisionalChange, 'change');
    assert.match(kpi.change!.reason, /2025-04-01 – 2025-06-29 is still filling in/);
    projectedFrom(kpi.projected, kpi.rate, COUNTS.recent.pending, 'recent');
  });

  test('a range to the last day with offers holds its last month whole: compared with the calendar months before; one ending before offers that follow is compared day for day', async () => {
    // No offer lies after 2025-06-29 (the range to it counts what the one to the 30th does, above).
    const whole = await get<KpiResponse>('/api/v1/kpi', { from: '2025-05-01', to: '2025-06-29' });
    assert.deepEqual([whole.previous?.from, whole.previous?.to], ['2025-03-01', '2025-04-30']);
    const before = await get<KpiResponse>('/api/v1/kpi', { from: '2025-03-01', to: '2025-04-30' });
    assert.deepEqual([whole.previous?.offers, whole.previous?.accepted], [before.offers, before.accepted]);
    // Offers follow the 20th: the 51 days before.
    const later = await get<KpiResponse>('/api/v1/kpi', { from: '2025-06-21', to: '2025-06-30' });
    assert.ok(later.offers > 0);
    const cut = await get<KpiResponse>('/api/v1/kpi', { from: '2025-05-01', to: '2025-06-20' });
    assert.deepEqual([cut.previous?.from, cut.previous?.to], ['2025-03-11', '2025-04-30']);
    // Under a filter, the offers it keeps: the upsells' last day decides.
    const upsells = await get<KpiResponse>('/api/v1/kpi', { from: '2025-05-01', to: '2025-06-29', offerType: 'upsell' });
    assert.deepEqual([upsells.previous?.from, upsells.previous?.to], ['2025-03-01', '2025-04-30']);
  });

  test('level and method; a single benchmarked industry is the benchmark', async () => {
    const j = await get<KpiResponse>('/api/v1/kpi', { method: 'jeffreys' });
    sameInterval(j.interval, REF.total.jeffreys, 'jeffreys');
    const e = await get<KpiResponse>('/api/v1/kpi', { method: 'exact' });
    sameInterval(e.interval, REF.total.exact, 'exact');
    const l = await get<KpiResponse>('/api/v1/kpi', { level: '0.9' });
    sameInterval(l.interval, REF.totalLevel90, '90 %');
    const saas = await get<KpiResponse>('/api/v1/kpi', { filters: EQ('Customers.industry', 'saas') });
    sameCounts(saas, COUNTS.industry.find((g) => g.label === 'saas') as Group, 'saas');
    const saasRef = REF.industries.find((x) => x.industry === 'saas')!;
    sameInterval(saas.interval, saasRef.rate, 'saas');
    assert.equal(saas.benchmark?.industry, 'saas');
    assert.equal(saas.benchmark?.standing, standing(saasRef.rate, 0.25));
    assert.equal(saas.benchmark?.standing, 'below');
  });

  test('bad parameters are 400 JSON naming the parameter', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ filters: EQ('Customers.nope', 'x') }, 'filters[0].member'],
      [{ filters: '[{"member":"Offers.count","operator":"gt","values":["1"]}]' }, 'filters[0].member'],
      [{ filters: '[{"member":"Offers.channel","operator":"like","values":["x"]}]' }, 'filters[0].operator'],
      [{ filters: 'not json' }, 'filters'],
      [{ from: '2025-13-01' }, 'from'],
      [{ from: '2025-03-01', to: '2025-02-01' }, 'to'],
      [{ level: '95' }, 'level'],
      [{ method: 'agresti' }, 'method'],
      [{ offerType: 'upgrade' }, 'offerType'],
      [{ asOf: 'yesterday-ish' }, 'asOf'],
      [{ bogus: '1' }, 'bogus'],
    ];
    for (const [params, location] of cases) {
      const body = await get<{ error: string; code: string; location: string }>('/api/v1/kpi', params, 400);
      assert.equal(body.location, location, JSON.stringify(params));
      assert.ok(body.code && body.error.includes(location.split('[')[0] ?? ''), body.error);
    }
  });

  test('same auth as the Cube API; the OpenAPI document is public', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/kpi' });
    assert.equal(none.statusCode, 403);
    assert.equal(none.json().error, "Authorization header isn't set");
    const doc = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.json().openapi, '3.1.0');
  });

  test('the caller\'s security filters apply', async () => {
    const { app: guarded } = await buildApp({
      store,
      secret: SECRET,
      logLevel: 'silent',
      clock: fixtureClock,
      securityRules: [{ member: 'Customers.industry', claim: 'industry', required: true }],
    });
    const retailToken = await new SignJWT({ industry: 'retail' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    const res = await guarded.inject({ method: 'GET', url: '/api/v1/kpi', headers: { authorization: `Bearer ${retailToken}` } });
    assert.equal(res.statusCode, 200, res.body);
    sameCounts(res.json() as KpiResponse, COUNTS.industry.find((g) => g.label === 'retail') as Group, 'retail only');
    await guarded.close();
  });
});

describe('GET /api/v1/timeseries', () => {
  test('monthly points: clustered intervals, chart chosen by χ², provisional June off the chart, GLM trend, corrected changes', async () => {
    const ts = await get<TimeseriesResponse>('/api/v1/timeseries', { grain: 'month' });
    assert.deepEqual(ts.points.map((p) => p.period), COUNTS.months.map((m) => m.label));
    ts.points.forEach((p, i) => {
      sameCounts(p, COUNTS.months[i] as Group, p.period);
      sameInterval(p.interval, REF.months.rates[i]!, p.period);
      assert.deepEqual([p.lower, p.upper], [p.interval.lower, p.interval.upper], p.period);
      assert.equal(p.yearOverYear, null, `${p.period}: no month a year earlier`);
    });
    assert.deepEqual(ts.points.filter((p) => p.charted).map((p) => p.period), REF.months.charted);
    const june = ts.points.at(-1)!;
    assert.deepEqual([june.provisional, june.charted, june.centreLine, june.outOfControl], [true, false, null, null]);
    projectedFrom(june.projected, june.rate, COUNTS.months.at(-1)!.pending, 'June');
    for (const p of ts.points.slice(0, -1)) assert.equal(p.projected, null, `${p.period} is complete`);

    // The chart: p or Laney p′, chosen by the binomial χ² of equal rates across the charted months.
    const chart = REF.months.chart;
    assert.equal(ts.controlChart.kind, chart.kind);
    assert.equal(ts.controlChart.choice?.df, chart.choice.df);
    close(ts.controlChart.choice?.statistic, chart.choice.statistic, 'chart choice χ²');
    close(ts.controlChart.choice?.pValue, chart.choice.p, 'chart choice p');
    close(ts.controlChart.sigmaZ, chart.sigmaZ, 'sigma z');
    const charted = ts.points.filter((p) => p.charted);
    close(ts.controlChart.centreLine, chart.centre, 'centre');
    charted.forEach((p, i) => {
      close(p.lcl, chart.lcl[i], `${p.period} lcl`);
      close(p.ucl, chart.ucl[i], `${p.period} ucl`);
      assert.equal(p.outOfControl, (p.rate ?? 0) > (p.ucl ?? 1) ? 'above' : (p.rate ?? 0) < (p.lcl ?? 0) ? 'below' : null);
    });

    // The trend: quasi-binomial GLM on the month index (too few months for season terms).
    const trend = REF.months.trend;
    close(ts.trend.z, trend.z, 'trend t');
    close(ts.trend.pValue, trend.p, 'trend p');
    close(ts.trend.dispersion, trend.dispersion, 'trend dispersion');
    close(ts.trend.slope, trend.slope, 'trend slope');
    assert.deepEqual([ts.trend.periods, ts.trend.seasonal, ts.trend.direction], [trend.periods, false, trend.direction]);
    assert.deepEqual([ts.trend.from, ts.trend.to], [REF.months.charted[0], REF.months.charted.at(-1)]);

    // Month over month: clustered tests between complete months, Holm over them; June not judged.
    ts.points.forEach((p, i) => {
      const ref = REF.months.changes[i] ?? null;
      if (ref === null) {
        assert.equal(p.change, null, p.period);
        return;
      }
      assert.equal(ref.period, p.period);
      if (!ref.judged) {
        notJudged(p.change!, ref, `${p.period} change`);
        assert.equal(p.change!.adjustedPValue, null, `${p.period} adjusted p`);
      } else {
        sameDifference(p.change!, ref, `${p.period} change`);
        close(p.change!.adjustedPValue, ref.adjusted, `${p.period} adjusted p`);
        assert.equal(p.change!.significant, ref.significant, `${p.period} significant`);
      }
    });
    const judged = REF.months.changes.filter((c) => c?.judged).length;
    assert.deepEqual([ts.changeFamily.method, ts.changeFamily.members], ['holm', judged]);
    assert.match(ts.changeFamily.description, new RegExp(`^Holm correction across ${judged} comparisons`));
    const lc = ts.latestChange!;
    assert.deepEqual([lc.period, lc.previousPeriod], REF.months.charted.slice(-1).concat(REF.months.charted.slice(-2, -1)));
    const latestRef = REF.months.changes.find((c) => c?.period === lc.period);
    assert.ok(latestRef?.judged);
    sameDifference(lc, latestRef, 'latest change');
    const withJune = await get<TimeseriesResponse>('/api/v1/timeseries', { grain: 'month', includeProvisional: 'true' });
    assert.equal(withJune.points.at(-1)?.charted, true);
    notJudged(withJune.points.at(-1)!.change!, REF.months.changes.at(-1) as NotJudged, 'June change with June charted');
  });

  test('empty periods are listed with n = 0; weeks start on Monday; bad grain is a 400', async () => {
    const ts = await get<TimeseriesResponse>('/api/v1/timeseries', { grain: 'week', from: '2024-12-20', to: '2025-01-12' });
    assert.deepEqual(ts.points.map((p) => p.period), ['2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06']);
    assert.deepEqual(ts.points.slice(0, 2).map((p) => [p.offers, p.rate]), [[0, null], [0, null]]);
    assert.equal(ts.points[0]?.partial, true);
    const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM offers WHERE offered_at >= TIMESTAMP '2025-01-06' AND offered_at < TIMESTAMP '2025-01-13'`);
    assert.equal(ts.points[3]?.offers, Number(row?.n));
    const bad = await get<{ location: string }>('/api/v1/timeseries', { grain: 'fortnight' }, 400);
    assert.equal(bad.location, 'grain');
  });
});

function checkBreakdown(b: BreakdownResponse, ref: BreakdownRef, counts: Group[], member: string): void {
  assert.deepEqual(b.rows.map((r) => r.segment[member]), counts.map((g) => g.label));
  b.rows.forEach((row, i) => {
    const r = ref.rows[i]!;
    sameCounts(row, counts[i]!, r.label);
    sameInterval(row.interval, r.rate, r.label);
    sameDifference(row.vsRest, r, `${r.label} vs rest`);
    close(row.vsRest.adjustedPValue, r.adjusted, `${r.label} adjusted p`);
    assert.equal(row.vsRest.significant, r.significant, `${r.label} significant`);
    assert.equal(row.vsRest.direction, r.significant ? (r.difference > 0 ? 'above' : 'below') : null, `${r.label} direction`);
    close(row.vsRest.adjustedLevel, r.adjustedLevel, `${r.label} adjusted level`);
    close(row.vsRest.adjustedLower, r.adjustedInterval[0], `${r.label} adjusted lower`);
    close(row.vsRest.adjustedUpper, r.adjustedInterval[1], `${r.label} adjusted upper`);
  });
  close(b.homogeneity.statistic, ref.chi2, 'chi2');
  close(b.homogeneity.pValue, ref.chiP, 'chi2 p');
  assert.equal(b.homogeneity.df, ref.df);
  assert.equal(b.homogeneity.significant, ref.chiP <= 0.05);
}

describe('GET /api/v1/breakdown', () => {
  test('account size: each segment against the rest (clustered), Holm, Rao–Scott χ²', async () => {
    const b = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.accountSize' });
    checkBreakdown(b, REF.accountSize, COUNTS.accountSize, 'Customers.accountSize');
    assert.equal(b.correction.method, 'holm');
    assert.equal(b.correction.description, 'Holm correction across 3 comparisons (α = 0.05): enterprise, mid_market, smb');
  });

  test('industry with Holm and with Benjamini–Hochberg; channel with BH', async () => {
    const holm = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.industry' });
    checkBreakdown(holm, REF.industryHolm, COUNTS.industry, 'Customers.industry');
    // industries never share a customer: their customer sums add up to the whole selection's
    sameInterval(holm.total.interval, REF.total.wilson, 'all industries');
    // saas converts 3.8 points below the rest, but with offers clustered by customer that is not significant
    const saas = REF.industryHolm.rows.find((r) => r.label === 'saas')!;
    assert.ok(saas.difference < -0.03 && !saas.significant, JSON.stringify(saas));
    assert.equal(holm.rows.find((r) => r.label === 'saas')?.vsRest.direction, null);
    const bh = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.industry', correction: 'bh' });
    checkBreakdown(bh, REF.industryBh, COUNTS.industry, 'Customers.industry');
    const channel = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Offers.channel', correction: 'bh' });
    checkBreakdown(channel, REF.channelBh, COUNTS.channel, 'Offers.channel');
  });

  test('two dimensions: every combination, counts as SQL', async () => {
    const b = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.accountSize,Offers.channel' });
    const rows = await store.query<{ s: string; c: string; n: bigint }>(
      `SELECT account_size AS s, channel AS c, count(*) AS n FROM offers JOIN customers USING (customer_id) GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    assert.deepEqual(b.rows.map((r) => [r.segment['Customers.accountSize'], r.segment['Offers.channel'], r.offers]), rows.map((r) => [r.s, r.c, Number(r.n)]));
    assert.equal(b.correction.size, rows.length);
  });

  test('a segment with no offers in the range is listed with n = 0', async () => {
    const b = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Offers.campaign', from: '2025-01-01', to: '2025-01-01' });
    const spring = b.rows.find((r) => r.segment['Offers.campaign'] === 'spring');
    assert.ok(spring);
    const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM offers WHERE campaign = 'spring' AND offered_at < TIMESTAMP '2025-01-02'`);
    assert.equal(spring.offers, Number(row?.n));
  });

  test('bad by is a 400 naming it', async () => {
    assert.equal((await get<{ location: string }>('/api/v1/breakdown', {}, 400)).location, 'by');
    assert.equal((await get<{ location: string }>('/api/v1/breakdown', { by: 'Offers.count' }, 400)).location, 'by');
    assert.equal((await get<{ location: string }>('/api/v1/breakdown', { by: 'Customers.region,Offers.nope' }, 400)).location, 'by[1]');
    assert.equal((await get<{ location: string }>('/api/v1/breakdown', { by: 'Customers.region', correction: 'sidak' }, 400)).location, 'correction');
  });
});

describe('GET /api/v1/leaderboard', () => {
  test('offers ranked by the empirical-Bayes shrunken rate, posteriors on effective counts as scipy', async () => {
    const board = await get<LeaderboardResponse>('/api/v1/leaderboard');
    close(board.prior.alpha, REF.leaderboard.alpha, 'prior alpha');
    close(board.prior.beta, REF.leaderboard.beta, 'prior beta');
    close(board.overallRate, REF.leaderboard.overall, 'overall');
    assert.equal(board.rows.length, COUNTS.offerName.length);
    const expectedOrder = [...REF.leaderboard.rows].sort((a, b) => b.mean - a.mean).map((r) => r.label);
    assert.deepEqual(board.rows.map((r) => r.offer), expectedOrder);
    for (const row of board.rows) {
      const ref = REF.leaderboard.rows.find((r) => r.label === row.offer)!;
      sameCounts(row, COUNTS.offerName.find((g) => g.label === row.offer)!, String(row.offer));
      close(row.designEffect, ref.designEffect, `${row.offer} design effect`);
      close(row.shrunkenRate, ref.mean, `${row.offer} mean`);
      close(row.lower, ref.lower, `${row.offer} lower`, 1e-8);
      close(row.upper, ref.upper, `${row.offer} upper`, 1e-8);
      close(row.probabilityToBeatOverall, ref.above, `${row.offer} P(above)`, 1e-8);
    }
    const raw = await get<LeaderboardResponse>('/api/v1/leaderboard', { sort: 'raw', limit: '2' });
    assert.equal(raw.rows.length, 2);
    const rawOrder = [...COUNTS.offerName].sort((a, b) => b.k / b.n - a.k / a.n).map((g) => g.label);
    assert.deepEqual(raw.rows.map((r) => r.offer), rawOrder.slice(0, 2));
  });

  test('a tiny offer with every offer accepted is flagged and ranked last', async () => {
    const scratch = await DuckDbStore.open(':memory:');
    await loadFixture(scratch);
    await scratch.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at)
      SELECT 'tiny' || i, 'c1', TIMESTAMP '2025-02-01', 'upsell', 'Tiny', TIMESTAMP '2025-02-02' FROM range(3) t(i)`);
    const { app: a } = await buildApp({ store: scratch, dev: true, logLevel: 'silent', clock: fixtureClock });
    const board = (await a.inject({ method: 'GET', url: '/api/v1/leaderboard?sort=raw' })).json() as LeaderboardResponse;
    const tiny = board.rows.at(-1)!;
    assert.deepEqual([tiny.offer, tiny.rate, tiny.smallSample], ['Tiny', 1, true]);
    assert.ok(tiny.shrunkenRate < 0.5, `shrunken ${tiny.shrunkenRate}`);
    await a.close();
    await scratch.close();
  });
});

describe('GET /api/v1/compare', () => {
  test('two filtered populations: counts as SQL, clustered z test and Newcombe interval', async () => {
    const c = await get<CompareResponse>('/api/v1/compare', { a: '[]', b: EQ('Offers.channel', 'email') });
    sameCounts(c.a, COUNTS.total, 'A');
    sameCounts(c.b, COUNTS.channel.find((g) => g.label === 'email')!, 'B');
    sameInterval(c.a.interval, REF.total.wilson, 'A');
    sameInterval(c.b.interval, REF.email, 'B');
    // the same days on both sides: provisional or not, they are alike and are compared
    sameDifference(c.difference, REF.compareAllEmail, 'A − B');
    assert.equal(c.difference.significant, REF.compareAllEmail.p <= 0.05);
    assert.match(c.summary, REF.compareAllEmail.p <= 0.05 ? /converts (better|worse)/ : /cannot tell A and B apart/);
  });

  test('periods as populations: aFrom/aTo against bFrom/bTo equals the KPI change, judged only when both are complete', async () => {
    const c = await get<CompareResponse>('/api/v1/compare', { a: '[]', b: '[]', aFrom: '2025-04-01', aTo: '2025-05-31', bFrom: '2025-02-01', bTo: '2025-03-31' });
    sameCounts(c.a, COUNTS.complete, 'A');
    sameCounts(c.b, COUNTS.completePrevious, 'B');
    sameDifference(c.difference, REF.change, 'complete periods');
    const open = await get<CompareResponse>('/api/v1/compare', { a: '[]', b: '[]', aFrom: '2025-04-01', aTo: '2025-06-29', bFrom: '2025-01-01', bTo: '2025-03-31' });
    sameCounts(open.a, COUNTS.recent, 'A');
    sameCounts(open.b, COUNTS.previous, 'B');
    notJudged(open.difference, REF.provisionalChange, 'A still filling in');
    assert.match(open.difference.reason, /^not judged: A \(2025-04-01 – 2025-06-29\) is still filling in/);
  });

  test('a and b are required and checked', async () => {
    assert.equal((await get<{ location: string }>('/api/v1/compare', { a: '[]' }, 400)).location, 'b');
    assert.equal((await get<{ location: string }>('/api/v1/compare', { a: EQ('Offers.nope', 'x'), b: '[]' }, 400)).location, 'a[0].member');
  });
});

describe('GET /api/v1/insights', () => {
  test('findings carry their numbers and tests; saas below its benchmark, no segment flagged once offers cluster', async () => {
    const r = await get<InsightsResponse>('/api/v1/insights');
    const severities = r.insights.map((i) => i.severity);
    assert.deepEqual(severities, [...severities].sort((a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)));
    // A segment is flagged exactly when the clustered, Holm-corrected reference finds it significant.
    for (const [member, ref] of [['Customers.industry', REF.industryHolm], ['Customers.accountSize', REF.accountSize]] as const) {
      for (const row of ref.rows) {
        const found = r.insights.find((i) => i.id.startsWith('segment_') && i.id.endsWith(`:${member}=${row.label}`));
        assert.equal(found !== undefined, row.significant, `${member}=${row.label}: ${JSON.stringify(r.insights.map((i) => i.id))}`);
        if (found) {
          close(found.test?.pValue, row.p, `${row.label} p`);
          close(found.test?.adjustedPValue, row.adjusted, `${row.label} adjusted p`);
        }
      }
    }
    assert.ok(!r.insights.some((i) => i.id === 'segment_below:Customers.industry=saas'));
    const bench = r.insights.find((i) => i.id === 'benchmark:saas');
    const saasRef = REF.industries.find((x) => x.industry === 'saas')!;
    // Benchmark standing is context (an industry below a published average may still be this
    // business's best): never a warning, whichever side of the benchmark it falls.
    assert.equal(bench?.severity, 'info');
    assert.match(bench?.title ?? '', standing(saasRef.rate, 0.25) === 'below' ? /^SaaS customers are below their industry benchmark$/ : /^SaaS customers are (above|in line with) their industry benchmark$/);
    // What is at stake: offers × the gap, as a rate (by hand from the reference's numbers).
    close(bench?.impact ?? null, Number(bench?.numbers['offers']) * Math.abs(Number(bench?.numbers['rate']) - 0.25), 'benchmark impact');
    // Ordered by severity, then by what is at stake (most first; context without an impact last).
    for (let i = 1; i < r.insights.length; i++) {
      const [a, b] = [r.insights[i - 1]!, r.insights[i]!];
      if (a.severity === b.severity) assert.ok((a.impact ?? -1) >= (b.impact ?? -1), `${a.id} (${a.impact}) before ${b.id} (${b.impact})`);
    }
    for (const i of r.insights.filter((x) => x.kind === 'segment_above' || x.kind === 'segment_below')) {
      close(i.impact, (Number(i.numbers['offers']) * Math.abs(Number(i.numbers['differencePoints']))) / 100, `${i.id} impact`);
      assert.doesNotMatch(i.title, /_/, 'values are written for people (at risk, not at_risk)');
    }
    close(bench?.test?.pValue, saasRef.p, 'benchmark p');
    close(bench?.numbers['lower'] as number, saasRef.rate.lower, 'benchmark lower');
    assert.match(bench?.text ?? '', /14\.1%/);
    const target = r.insights.find((i) => i.kind === 'target');
    assert.equal(target?.title, { below: 'Below target', above: 'Above target', consistent: 'On target (within the interval)' }[standing(REF.total.wilson, 0.2)]);
    // a month-over-month verdict only when the latest complete change is significant after Holm
    const latest = REF.months.changes.find((c) => c?.period === REF.months.charted.at(-1));
    assert.ok(latest?.judged);
    assert.equal(r.insights.some((i) => i.kind === 'period_drop' || i.kind === 'period_rise'), latest.significant);
    for (const i of r.insights) assert.ok(i.title && i.text && i.numbers, i.id);
  });
});

describe('GET /api/v1/sample-size', () => {
  test('offers per arm and minimum detectable effect as statsmodels (independent offers: designEffect=1)', async () => {
    const s = await get<SampleSizeResponse>('/api/v1/sample-size', { baseline: '0.15', mde: '0.03', n: '1000', designEffect: '1' });
    assert.equal(s.nPerArm, REF.sampleSize.nPerArm);
    assert.equal(s.independentPerArm, REF.sampleSize.nPerArm);
    assert.equal(s.designEffect, 1);
    assert.equal(s.totalOffers, 2 * REF.sampleSize.nPerArm);
    close(s.h, REF.sampleSize.h, 'h');
    close(s.detectable?.h, REF.sampleSize.mdeH, 'mde h', 1e-8);
    close(s.detectable?.upperRate, REF.sampleSize.upperRate, 'upper rate', 1e-8);
    close(s.detectable?.lowerRate, REF.sampleSize.lowerRate, 'lower rate', 1e-8);
    assert.match(s.summary, /2,399/);
  });

  test('by default the plan counts customers: offers × the design effect measured on the selection (statsmodels), / offers per customer', async () => {
    const s = await get<SampleSizeResponse>('/api/v1/sample-size', { baseline: '0.15', mde: '0.03' });
    const d = REF.total.wilson.designEffect;
    close(s.designEffect, d, 'design effect');
    assert.equal(s.independentPerArm, REF.sampleSize.nPerArm);
    assert.equal(s.nPerArm, Math.ceil(REF.sampleSize.nPerArm * d - 1e-9));
    assert.equal(s.offersPerCustomer, COUNTS.total.n / COUNTS.total.perCustomer.length);
    assert.equal(s.customersPerArm, Math.ceil((s.nPerArm ?? NaN) / (COUNTS.total.n / COUNTS.total.perCustomer.length) - 1e-9));
    assert.match(s.clustering ?? '', /3,000 offers to 300 customers/);
    assert.match(s.summary, /customers per variant/);
    // Without a baseline the selection's own rate is planned from.
    const own = await get<SampleSizeResponse>('/api/v1/sample-size', { mde: '0.03', designEffect: '1' });
    close(own.baseline, COUNTS.total.k / COUNTS.total.n, 'baseline');
  });

  test('missing or bad numbers are 400s naming them', async () => {
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { mde: '0.02', from: '2030-01-01' }, 400)).location, 'baseline');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '0.15', mde: '0.02', designEffect: '0.5' }, 400)).location, 'designEffect');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '0.15' }, 400)).location, 'mde');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '15', mde: '0.02' }, 400)).location, 'baseline');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '0.15', mde: '0.02', from: '2025-13-01' }, 400)).location, 'from');
  });
});

describe('ranges at the edges of the data', () => {
  test('a range given at one end beyond the data, and a range with no offers, answer with zeros', async () => {
    const late = await get<KpiResponse>('/api/v1/kpi', { from: '2030-01-01' });
    assert.deepEqual([late.query.from, late.query.to, late.offers, late.rate], ['2030-01-01', '2030-01-01', 0, null]);
    const early = await get<TimeseriesResponse>('/api/v1/timeseries', { from: '2020-01-01', to: '2020-03-31' });
    assert.deepEqual(early.points.map((p) => [p.period, p.offers, p.rate]), [['2020-01-01', 0, null], ['2020-02-01', 0, null], ['2020-03-01', 0, null]]);
    assert.equal(early.trend.pValue, null);
    const empty = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.accountSize', to: '2020-01-01' });
    assert.deepEqual(empty.rows.map((r) => [r.label, r.offers, r.vsRest.pValue]), [['enterprise', 0, null], ['mid_market', 0, null], ['smb', 0, null]]);
  });
});
