/**
 * uprate's own JSON API on test/fixture-data.ts: counts against plain SQL
 * (test/reference/kpi-fixture-counts.ts), statistics against scipy/statsmodels
 * (test/reference/kpi_reference.py → kpi-reference.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import type {
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
import { loadFixture } from './fixture-data.js';
import { fixtureCounts, type FixtureCounts, type Group } from './reference/kpi-fixture-counts.js';

const SECRET = 'kpi-api-test-secret-of-32-bytes-at-least';
const here = new URL('./reference/', import.meta.url);
const COUNTS = JSON.parse(readFileSync(new URL('kpi-counts.json', here), 'utf8')) as FixtureCounts;
type Compared = { difference: number; z: number; p: number; lower: number; upper: number };
type BreakdownRef = {
  rows: (Compared & { label: string; adjusted: number; significant: boolean; adjustedLevel?: number; adjustedInterval?: [number, number] })[];
  chi2: number;
  chiP: number;
  df: number;
};
const REF = JSON.parse(readFileSync(new URL('kpi-reference.json', here), 'utf8')) as {
  total: Record<'wilson' | 'jeffreys' | 'exact', [number, number]>;
  totalLevel90: [number, number];
  industries: { industry: string; interval: [number, number]; p: number }[];
  change: Compared;
  months: { intervals: [number, number][]; charted: string[]; pChart: { centre: number; lcl: number[]; ucl: number[] }; trend: { z: number; p: number }; latestChange: Compared };
  accountSize: BreakdownRef;
  industryHolm: BreakdownRef;
  industryBh: BreakdownRef;
  channelBh: BreakdownRef;
  leaderboard: { alpha: number; beta: number; overall: number; rows: { label: string; mean: number; lower: number; upper: number; above: number }[] };
  compareAllEmail: Compared;
  sampleSize: { h: number; n: number; nPerArm: number; mdeH: number; upperRate: number; lowerRate: number };
};

let store: DuckDbStore;
let app: FastifyInstance;
let token: string;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  ({ app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => new Date('2025-07-15T00:00:00Z'), kpiSettings: { target: 0.2 } }));
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

const EQ = (member: string, ...values: string[]) => JSON.stringify([{ member, operator: 'equals', values }]);

test('the reference inputs still match plain SQL on the fixture', async () => {
  assert.deepEqual(await fixtureCounts(store), COUNTS);
});

describe('GET /api/v1/kpi', () => {
  test('headline: counts as SQL, Wilson interval, band, benchmarks, target, customers, revenue', async () => {
    const kpi = await get<KpiResponse>('/api/v1/kpi');
    assert.deepEqual([kpi.query.from, kpi.query.to], [COUNTS.firstDay, COUNTS.lastDay]);
    sameCounts(kpi, COUNTS.total, 'total');
    close(kpi.rate, COUNTS.total.k / COUNTS.total.n, 'rate');
    close(kpi.interval.lower, REF.total.wilson[0], 'lower');
    close(kpi.interval.upper, REF.total.wilson[1], 'upper');
    assert.equal(kpi.interval.method, 'wilson');
    assert.equal(kpi.provisional, true);
    assert.deepEqual([kpi.band.band, kpi.band.judgement], ['moderate', 'moderate']);
    assert.deepEqual([kpi.customers.offered, kpi.customers.converted], [COUNTS.customersOffered, COUNTS.customersConverted]);
    close(kpi.expansionRevenue, COUNTS.revenue, 'revenue');
    for (const ref of REF.industries) {
      const b = kpi.benchmarks.find((x) => x.industry === ref.industry);
      assert.ok(b, ref.industry);
      sameCounts(b, COUNTS.industry.find((g) => g.label === ref.industry) as Group, ref.industry);
      close(b.interval.lower, ref.interval[0], `${ref.industry} lower`);
      close(b.pValue, ref.p, `${ref.industry} score test`);
      const expected = ref.interval[0] > b.benchmark.rate ? 'above' : ref.interval[1] < b.benchmark.rate ? 'below' : 'consistent';
      assert.equal(b.standing, expected, ref.industry);
    }
    assert.deepEqual(
      kpi.benchmarks.map((b) => [b.industry, b.benchmark.rate, b.benchmark.source]),
      [['consumer_goods', 0.18, 'Nielsen'], ['retail', 0.15, 'Forrester'], ['saas', 0.25, 'Gartner']],
    );
    assert.equal(kpi.benchmark, null);
    assert.deepEqual(kpi.target && [kpi.target.rate, kpi.target.standing], [0.2, 'below']);
  });

  test('change against the previous period of the same length: z test and Newcombe interval', async () => {
    const kpi = await get<KpiResponse>('/api/v1/kpi', { from: '2025-04-01', to: '2025-06-29' });
    sameCounts(kpi, COUNTS.recent, 'recent');
    assert.deepEqual([kpi.previous?.from, kpi.previous?.to], ['2025-01-01', '2025-03-31']);
    sameCounts(kpi.previous!, COUNTS.previous, 'previous');
    const c = kpi.change!;
    close(c.difference, REF.change.difference, 'difference');
    close(c.statistic, REF.change.z, 'z');
    close(c.pValue, REF.change.p, 'p');
    close(c.lower, REF.change.lower, 'lower');
    close(c.upper, REF.change.upper, 'upper');
    assert.equal(c.test, 'z');
    assert.equal(c.significant, REF.change.p <= 0.05);
  });

  test('level and method; a single benchmarked industry is the benchmark', async () => {
    const j = await get<KpiResponse>('/api/v1/kpi', { method: 'jeffreys' });
    close(j.interval.lower, REF.total.jeffreys[0], 'jeffreys lower');
    close(j.interval.upper, REF.total.jeffreys[1], 'jeffreys upper');
    const e = await get<KpiResponse>('/api/v1/kpi', { method: 'exact' });
    close(e.interval.upper, REF.total.exact[1], 'exact upper');
    const l = await get<KpiResponse>('/api/v1/kpi', { level: '0.9' });
    close(l.interval.lower, REF.totalLevel90[0], '90 % lower');
    const saas = await get<KpiResponse>('/api/v1/kpi', { filters: EQ('Customers.industry', 'saas') });
    sameCounts(saas, COUNTS.industry.find((g) => g.label === 'saas') as Group, 'saas');
    assert.equal(saas.benchmark?.industry, 'saas');
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
      clock: () => new Date('2025-07-15T00:00:00Z'),
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
  test('monthly points, p-chart limits for each n, provisional June off the chart, trend and change', async () => {
    const ts = await get<TimeseriesResponse>('/api/v1/timeseries', { grain: 'month' });
    assert.deepEqual(ts.points.map((p) => p.period), COUNTS.months.map((m) => m.label));
    ts.points.forEach((p, i) => {
      sameCounts(p, COUNTS.months[i] as Group, p.period);
      close(p.lower, REF.months.intervals[i]?.[0], `${p.period} lower`);
    });
    assert.deepEqual(ts.points.filter((p) => p.charted).map((p) => p.period), REF.months.charted);
    const june = ts.points.at(-1)!;
    assert.deepEqual([june.provisional, june.charted, june.centreLine, june.outOfControl], [true, false, null, null]);
    const charted = ts.points.filter((p) => p.charted);
    close(ts.controlChart.centreLine, REF.months.pChart.centre, 'centre');
    charted.forEach((p, i) => {
      close(p.lcl, REF.months.pChart.lcl[i], `${p.period} lcl`);
      close(p.ucl, REF.months.pChart.ucl[i], `${p.period} ucl`);
      assert.equal(p.outOfControl, (p.rate ?? 0) > (p.ucl ?? 1) ? 'above' : (p.rate ?? 0) < (p.lcl ?? 0) ? 'below' : null);
    });
    close(ts.trend.z, REF.months.trend.z, 'trend z');
    close(ts.trend.pValue, REF.months.trend.p, 'trend p');
    assert.equal(ts.trend.periods, REF.months.charted.length);
    const lc = ts.latestChange!;
    assert.deepEqual([lc.period, lc.previousPeriod], REF.months.charted.slice(-1).concat(REF.months.charted.slice(-2, -1)));
    close(lc.pValue, REF.months.latestChange.p, 'latest change p');
    close(lc.lower, REF.months.latestChange.lower, 'latest change lower');
    const withJune = await get<TimeseriesResponse>('/api/v1/timeseries', { grain: 'month', includeProvisional: 'true' });
    assert.equal(withJune.points.at(-1)?.charted, true);
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
    close(row.vsRest.difference, r.difference, `${r.label} difference`);
    close(row.vsRest.statistic, r.z, `${r.label} z`);
    close(row.vsRest.pValue, r.p, `${r.label} p`);
    close(row.vsRest.lower, r.lower, `${r.label} lower`);
    close(row.vsRest.adjustedPValue, r.adjusted, `${r.label} adjusted p`);
    assert.equal(row.vsRest.significant, r.significant, `${r.label} significant`);
    if (r.adjustedInterval) {
      close(row.vsRest.adjustedLevel, r.adjustedLevel, `${r.label} adjusted level`);
      close(row.vsRest.adjustedLower, r.adjustedInterval[0], `${r.label} adjusted lower`, 1e-7);
      close(row.vsRest.adjustedUpper, r.adjustedInterval[1], `${r.label} adjusted upper`, 1e-7);
    }
  });
  close(b.homogeneity.statistic, ref.chi2, 'chi2');
  close(b.homogeneity.pValue, ref.chiP, 'chi2 p');
  assert.equal(b.homogeneity.df, ref.df);
}

describe('GET /api/v1/breakdown', () => {
  test('account size: each segment against the rest, Holm, χ²', async () => {
    const b = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.accountSize' });
    checkBreakdown(b, REF.accountSize, COUNTS.accountSize, 'Customers.accountSize');
    assert.equal(b.correction.method, 'holm');
    assert.equal(b.correction.description, 'Holm correction across 3 comparisons (α = 0.05): enterprise, mid_market, smb');
  });

  test('industry with Holm and with Benjamini–Hochberg; channel with BH', async () => {
    const holm = await get<BreakdownResponse>('/api/v1/breakdown', { by: 'Customers.industry' });
    checkBreakdown(holm, REF.industryHolm, COUNTS.industry, 'Customers.industry');
    assert.equal(holm.rows.find((r) => r.label === 'saas')?.vsRest.direction, 'below');
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
  test('offers ranked by the empirical-Bayes shrunken rate, with scipy posterior numbers', async () => {
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
    const { app: a } = await buildApp({ store: scratch, dev: true, logLevel: 'silent', clock: () => new Date('2025-07-15T00:00:00Z') });
    const board = (await a.inject({ method: 'GET', url: '/api/v1/leaderboard?sort=raw' })).json() as LeaderboardResponse;
    const tiny = board.rows.at(-1)!;
    assert.deepEqual([tiny.offer, tiny.rate, tiny.smallSample], ['Tiny', 1, true]);
    assert.ok(tiny.shrunkenRate < 0.5, `shrunken ${tiny.shrunkenRate}`);
    await a.close();
    await scratch.close();
  });
});

describe('GET /api/v1/compare', () => {
  test('two filtered populations: counts as SQL, z test and Newcombe interval', async () => {
    const c = await get<CompareResponse>('/api/v1/compare', { a: '[]', b: EQ('Offers.channel', 'email') });
    sameCounts(c.a, COUNTS.total, 'A');
    sameCounts(c.b, COUNTS.channel.find((g) => g.label === 'email')!, 'B');
    close(c.difference.difference, REF.compareAllEmail.difference, 'difference');
    close(c.difference.pValue, REF.compareAllEmail.p, 'p');
    close(c.difference.lower, REF.compareAllEmail.lower, 'lower');
    close(c.difference.upper, REF.compareAllEmail.upper, 'upper');
    assert.match(c.summary, /cannot tell A and B apart|converts (better|worse)/);
  });

  test('periods as populations: aFrom/aTo against bFrom/bTo equals the KPI change', async () => {
    const c = await get<CompareResponse>('/api/v1/compare', { a: '[]', b: '[]', aFrom: '2025-04-01', aTo: '2025-06-29', bFrom: '2025-01-01', bTo: '2025-03-31' });
    sameCounts(c.a, COUNTS.recent, 'A');
    sameCounts(c.b, COUNTS.previous, 'B');
    close(c.difference.pValue, REF.change.p, 'p');
  });

  test('a and b are required and checked', async () => {
    assert.equal((await get<{ location: string }>('/api/v1/compare', { a: '[]' }, 400)).location, 'b');
    assert.equal((await get<{ location: string }>('/api/v1/compare', { a: EQ('Offers.nope', 'x'), b: '[]' }, 400)).location, 'a[0].member');
  });
});

describe('GET /api/v1/insights', () => {
  test('findings carry their numbers and tests; saas below the rest and below its benchmark', async () => {
    const r = await get<InsightsResponse>('/api/v1/insights');
    const severities = r.insights.map((i) => i.severity);
    assert.deepEqual(severities, [...severities].sort((a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)));
    const saas = r.insights.find((i) => i.id === 'segment_below:Customers.industry=saas');
    assert.ok(saas, JSON.stringify(r.insights.map((i) => i.id)));
    close(saas.test?.pValue, REF.industryHolm.rows.find((x) => x.label === 'saas')?.p, 'saas p');
    close(saas.test?.adjustedPValue, REF.industryHolm.rows.find((x) => x.label === 'saas')?.adjusted, 'saas adjusted p');
    assert.match(saas.text, /14\.1 %/);
    const bench = r.insights.find((i) => i.id === 'benchmark:saas');
    assert.equal(bench?.severity, 'warning');
    close(bench?.test?.pValue, REF.industries.find((x) => x.industry === 'saas')?.p, 'benchmark p');
    assert.ok(r.insights.some((i) => i.kind === 'target'));
    // account sizes have the same rate in the fixture: none is flagged
    assert.ok(!r.insights.some((i) => i.id.includes('Customers.accountSize')));
    for (const i of r.insights) assert.ok(i.title && i.text && i.numbers, i.id);
  });
});

describe('GET /api/v1/sample-size', () => {
  test('offers per arm and minimum detectable effect as statsmodels', async () => {
    const s = await get<SampleSizeResponse>('/api/v1/sample-size', { baseline: '0.15', mde: '0.03', n: '1000' });
    assert.equal(s.nPerArm, REF.sampleSize.nPerArm);
    assert.equal(s.totalOffers, 2 * REF.sampleSize.nPerArm);
    close(s.h, REF.sampleSize.h, 'h');
    close(s.detectable?.h, REF.sampleSize.mdeH, 'mde h', 1e-8);
    close(s.detectable?.upperRate, REF.sampleSize.upperRate, 'upper rate', 1e-8);
    close(s.detectable?.lowerRate, REF.sampleSize.lowerRate, 'lower rate', 1e-8);
    assert.match(s.summary, /2,399/);
  });

  test('missing or bad numbers are 400s naming them', async () => {
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { mde: '0.02' }, 400)).location, 'baseline');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '0.15' }, 400)).location, 'mde');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '15', mde: '0.02' }, 400)).location, 'baseline');
    assert.equal((await get<{ location: string }>('/api/v1/sample-size', { baseline: '0.15', mde: '0.02', from: '2025-01-01' }, 400)).location, 'from');
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
