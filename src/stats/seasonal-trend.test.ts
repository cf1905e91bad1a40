import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { defaultTrendWindow, fitBinomialGlm, seasonalTrend, type TrendGrain, type TrendPeriod } from './seasonal-trend.js';
import { trendTest, type TrendResult } from './trend-test.js';
import { Random } from '../core/random.js';

/** One case of test/reference/trend-reference.json (test/reference/trend_reference.py writes it). */
interface TrendCase {
  label: string;
  grain: TrendGrain;
  window: number | null;
  periods: [number, number, string][];
  windowPeriods: number;
  rows: number[];
  k: number[];
  n: number[];
  design: number[][];
  seasonal: boolean;
  seasonLevels: number[];
  params: number[];
  bse: number[];
  bseBinomial: number[];
  pearsonChi2: number;
  deviance: number;
  dfResid: number;
  dispersion: number;
  tRaw: number;
  pValueRaw: number;
  dispersionUsed: number;
  z: number;
  pValue: number;
  pbar: number;
  slope: number;
  overdispersionP: number;
}

const reference = JSON.parse(readFileSync(new URL('../../test/reference/trend-reference.json', import.meta.url), 'utf8')) as {
  meta: Record<string, unknown>;
  cases: TrendCase[];
};

const REL = 1e-6;
const toPeriods = (c: TrendCase): TrendPeriod[] => c.periods.map(([k, n, start]) => ({ k, n, start }));

test('IRLS binomial GLM matches statsmodels GLM(Binomial) params, standard errors, Pearson X² and deviance', () => {
  assert.ok(reference.cases.length >= 8);
  for (const c of reference.cases) {
    const fit = fitBinomialGlm(c.k.map((k, i) => ({ k, n: c.n[i] ?? 0, x: c.design[i] ?? [] })));
    assert.ok(fit, c.label);
    assert.equal(fit.dfResid, c.dfResid, c.label);
    c.params.forEach((b, j) => assertClose(fit.params[j], b, `${c.label}: param ${j}`, REL, 1e-10));
    c.bseBinomial.forEach((se, j) => assertClose(fit.standardErrors[j], se, `${c.label}: binomial se ${j}`, REL));
    // statsmodels' quasi fit (var_weights = n, scale X2): √φ times the binomial standard errors.
    c.bse.forEach((se, j) => assertClose(Math.sqrt(fit.pearsonChi2 / fit.dfResid) * (fit.standardErrors[j] ?? NaN), se, `${c.label}: quasi se ${j}`, REL));
    assertClose(fit.pearsonChi2, c.pearsonChi2, `${c.label}: X²`, REL);
    assertClose(fit.deviance, c.deviance, `${c.label}: deviance`, REL);
  }
});

test('seasonalTrend matches the statsmodels fit: slope, t statistic, p-value (t on m − p df), dispersion, window, season terms', () => {
  for (const c of reference.cases) {
    const r = seasonalTrend(toPeriods(c), { grain: c.grain, ...(c.window ? { window: c.window } : {}) });
    const where = c.label;
    assert.equal(r.periods, c.windowPeriods, `${where}: periods`);
    assert.equal(r.seasonal, c.seasonal, `${where}: seasonal`);
    assert.equal(r.seasonTerms, c.seasonal ? c.seasonLevels.length - 1 : 0, `${where}: season terms`);
    assert.equal(r.model, c.seasonal ? 'seasonal quasi-binomial GLM' : 'quasi-binomial GLM');
    assert.equal(r.degreesOfFreedom, c.dfResid, `${where}: df`);
    assertClose(r.logOddsSlope, c.params[1] ?? NaN, `${where}: log-odds slope`, REL);
    assertClose(r.dispersion, c.dispersion, `${where}: dispersion`, REL);
    assertClose(r.dispersionUsed, c.dispersionUsed, `${where}: dispersion used`, REL);
    assertClose(r.z, c.z, `${where}: t statistic`, REL);
    assertClose(r.pValue, c.pValue, `${where}: p`, REL);
    assertClose(r.slope, c.slope, `${where}: slope on the rate scale`, REL);
    if (c.dispersion >= 1) {
      assertClose(r.z, c.tRaw, `${where}: statsmodels t`, REL);
      assertClose(r.pValue, c.pValueRaw, `${where}: statsmodels use_t p`, REL);
    }
    const honest = (c.grain === 'month' || c.grain === 'quarter') && !c.seasonal && c.overdispersionP < 0.05;
    const expected = honest ? null : c.pValue < 0.05 ? (c.z > 0 ? 'rising' : 'falling') : 'flat';
    assert.equal(r.direction, expected, `${where}: direction`);
    assert.equal(r.note === null, !honest, `${where}: note ${r.note}`);
    assert.match(r.test, /quasi-binomial GLM/);
    assert.match(r.test, new RegExp(`t test on ${c.dfResid} degrees of freedom`));
  }
  // The reference covers what it should.
  const labels = (pred: (c: TrendCase) => boolean) => reference.cases.filter(pred).length;
  assert.ok(labels((c) => c.seasonal && c.grain === 'month') >= 3);
  assert.ok(labels((c) => c.seasonal && c.grain === 'quarter') >= 1);
  assert.ok(labels((c) => c.dispersion < 1) >= 1, 'a case with the dispersion floored at 1');
  assert.ok(labels((c) => c.periods.some(([, n]) => n === 0)) >= 1, 'a case with an empty period');
  assert.ok(labels((c) => c.grain === 'month' && !c.seasonal && c.overdispersionP < 0.05) >= 1, 'a case of the honesty rule');
});

test('the honesty rule: 12 over-dispersed months say no direction, with the reason', () => {
  const c = reference.cases.find((x) => x.label.startsWith('short'));
  assert.ok(c);
  const r = seasonalTrend(toPeriods(c), { grain: 'month' });
  assert.equal(r.direction, null);
  assert.equal(r.note, 'fewer than 24 months: a seasonal swing cannot be told from a trend');
  assert.ok(r.z !== null && r.pValue !== null, 'the numbers are still reported');
  // The same counts as weeks (no season at that grain) or with an unknown grain: a plain verdict.
  assert.equal(seasonalTrend(toPeriods(c), { grain: 'week' }).note, null);
  assert.notEqual(seasonalTrend(toPeriods(c), { grain: null }).direction, null);
  // Without start dates two years are not enough either.
  const long = reference.cases.find((x) => x.label.startsWith('over-dispersed'));
  assert.ok(long);
  const undated = seasonalTrend(long.periods.map(([k, n]) => ({ k, n })), { grain: 'month' });
  assert.equal(undated.seasonal, false);
  assert.equal(undated.direction, null);
  assert.match(undated.note ?? '', /start dates are missing/);
  // Quarterly data: two years of quarters needed.
  const q = reference.cases.find((x) => x.grain === 'quarter');
  assert.ok(q);
  const short = seasonalTrend(toPeriods(q), { grain: 'quarter', window: 7 });
  assert.equal(short.seasonal, false);
  assert.equal(short.note, 'fewer than 8 quarters: a seasonal swing cannot be told from a trend');
});

test('default windows: 36 months, 12 quarters, otherwise 12 periods; window overrides', () => {
  assert.deepEqual((['day', 'week', 'month', 'quarter', 'year', null] as const).map(defaultTrendWindow), [12, 12, 36, 12, 12, 12]);
  const long = reference.cases.find((x) => x.label.startsWith('long'));
  assert.ok(long && long.periods.length === 40);
  assert.equal(seasonalTrend(toPeriods(long), { grain: 'month' }).periods, 36);
  assert.equal(seasonalTrend(toPeriods(long), { grain: 'month', window: 40 }).periods, 40);
  assert.equal(seasonalTrend(toPeriods(long), { grain: 'week' }).periods, 12);
});

test('periods without offers are skipped but keep their place in time', () => {
  const base = [{ k: 10, n: 100 }, { k: 12, n: 100 }, { k: 15, n: 100 }, { k: 18, n: 100 }];
  const gap = [base[0], base[1], { k: 0, n: 0 }, base[2], base[3]].filter((p) => p !== undefined);
  const a = seasonalTrend(base, { grain: 'week' });
  const b = seasonalTrend(gap, { grain: 'week' });
  assert.equal(b.periods, 5);
  assert.equal(b.degreesOfFreedom, 2);
  // Same data with t = 0, 1, 3, 4 instead of 0, 1, 2, 3: a smaller slope per period.
  const byHand = fitBinomialGlm(base.map((p, i) => ({ k: p.k, n: p.n, x: [1, [0, 1, 3, 4][i] ?? 0] })));
  assertClose(b.logOddsSlope, byHand?.params[1] ?? NaN, 'slope with the gap', 1e-10);
  assert.ok((b.logOddsSlope ?? 0) < (a.logOddsSlope ?? 0));
});

test('no test: fewer than three periods with offers, or nothing ever accepted', () => {
  const two = seasonalTrend([{ k: 1, n: 10 }, { k: 0, n: 0 }, { k: 3, n: 10 }], { grain: 'month' });
  assert.deepEqual(
    { z: two.z, p: two.pValue, slope: two.slope, direction: two.direction, dispersion: two.dispersion, df: two.degreesOfFreedom },
    { z: null, p: null, slope: null, direction: null, dispersion: null, df: null },
  );
  assert.equal(two.note, 'needs at least three months with offers');
  assert.match(two.test, /not run/);
  const zeros = seasonalTrend([{ k: 0, n: 5 }, { k: 0, n: 8 }, { k: 0, n: 9 }], { grain: 'day' });
  assert.deepEqual({ z: zeros.z, p: zeros.pValue, d: zeros.direction }, { z: 0, p: 1, d: 'flat' });
  assert.match(zeros.note ?? '', /same rate \(0 %\)/);
  const empty = seasonalTrend([], { grain: 'month' });
  assert.equal(empty.periods, 0);
  assert.equal(empty.z, null);
});

test('a season with no accepted offers still gives a finite slope (its dummy runs off, the trend does not)', () => {
  const periods: TrendPeriod[] = Array.from({ length: 24 }, (_, t) => {
    const month = t % 12;
    const n = 400 + 7 * ((t * 37) % 11);
    const k = month === 6 ? 0 : Math.round(n * (0.2 - 0.002 * t + 0.01 * Math.sin(t)));
    return { k, n, start: `${2022 + Math.floor(t / 12)}-${String(month + 1).padStart(2, '0')}-01` };
  });
  const r = seasonalTrend(periods, { grain: 'month' });
  assert.equal(r.seasonal, true);
  assert.ok(r.logOddsSlope !== null && Number.isFinite(r.logOddsSlope) && r.logOddsSlope < 0);
  assert.ok(r.pValue !== null && r.pValue >= 0 && r.pValue <= 1);
});

test('bad arguments are BAD_ARGUMENT errors naming the argument', () => {
  const ok = [{ k: 1, n: 10, start: '2024-01-01' }, { k: 2, n: 10, start: '2024-02-01' }, { k: 3, n: 10, start: '2024-03-01' }];
  const bad = (f: () => unknown, location: string) =>
    assert.throws(f, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location);
  bad(() => seasonalTrend(ok, { grain: 'month', window: 1 }), 'window');
  bad(() => seasonalTrend(ok, { grain: 'month', window: 2.5 }), 'window');
  bad(() => seasonalTrend(ok, { grain: 'month', alpha: 0 }), 'alpha');
  bad(() => seasonalTrend(ok, { grain: 'fortnight' as TrendGrain }), 'grain');
  bad(() => seasonalTrend([...ok, { k: 11, n: 10, start: '2024-04-01' }], { grain: 'month' }), 'seasonalTrend period 3');
  bad(() => seasonalTrend([...ok, { k: 1, n: 10, start: '2024-13-01' }], { grain: 'month' }), 'seasonalTrend period 3 start');
  bad(() => seasonalTrend([...ok, { k: 1, n: 10, start: 'April' }], { grain: 'quarter' }), 'seasonalTrend period 3 start');
});

test('the result keeps the TrendResult fields, so trendTest callers keep working', () => {
  const c = reference.cases[0];
  assert.ok(c);
  const r: TrendResult = seasonalTrend(toPeriods(c), { grain: 'month' });
  for (const key of ['periods', 'z', 'pValue', 'slope', 'direction', 'note'] as const) assert.ok(key in r);
});

// ---------------------------------------------------------------- calibration

/** The demo's seeded generator (sfc32), so the draws are the same on every run. */
function prng(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

/** Log-odds by calendar month (January first): Q4 peak, Q3 dip, a ±0.15 swing. */
const SEASON = [-0.05, -0.05, 0, 0.05, 0.05, 0, -0.15, -0.15, -0.1, 0.1, 0.15, 0.15];
/** Offer volume by calendar month, as in the demo. */
const VOLUME = [0.92, 0.95, 1.02, 1, 1, 0.95, 0.85, 0.82, 1.05, 1.1, 1.2, 1.05];

/**
 * `count` monthly series of 24–36 months (or `months`), ~500 offers a month, rate ≈ 17 %:
 * logit = −1.6 + season + trend·t + N(0, 0.18²) per month — the customer-driven extra variation
 * that makes months vary ~3× more than binomial noise — and k ~ Binomial(n, p).
 */
function simulate(seed: number, count: number, trend: number, months?: number): TrendPeriod[][] {
  const u = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: count }, () => {
    const m = months ?? 24 + Math.floor(u() * 13);
    const first = Math.floor(u() * 12);
    return Array.from({ length: m }, (_, t) => {
      const month = (first + t) % 12;
      const n = Math.round(500 * (VOLUME[month] ?? 1) * (0.8 + 0.4 * u()));
      const p = 1 / (1 + Math.exp(-(-1.6 + (SEASON[month] ?? 0) + trend * t + 0.18 * normal())));
      let k = 0;
      for (let i = 0; i < n; i++) if (u() < p) k++;
      return { k, n, start: `${2021 + Math.floor((first + t) / 12)}-${String(month + 1).padStart(2, '0')}-01` };
    });
  });
}

const share = (xs: readonly unknown[], pred: (x: never) => boolean) => xs.filter((x) => pred(x as never)).length / xs.length;
const called = (d: TrendResult['direction']) => d === 'rising' || d === 'falling';

test('calibration: a planted season with no trend is called a trend in about α of series, Cochran–Armitage far more often', () => {
  const series = simulate(20240607, 400, 0);
  const seasonal = series.map((p) => seasonalTrend(p, { grain: 'month' }));
  const falsePositive = share(seasonal, (r: (typeof seasonal)[number]) => called(r.direction));
  const cochranArmitage = share(series, (p: TrendPeriod[]) => called(trendTest(p).direction));
  assert.ok(seasonal.every((r) => r.seasonal && r.seasonTerms === 11));
  const meanDispersion = seasonal.reduce((s, r) => s + (r.dispersion ?? 0), 0) / seasonal.length;
  assert.ok(meanDispersion > 2.5, `the simulated months are over-dispersed (mean φ ${meanDispersion})`);
  assert.ok(falsePositive <= 0.08, `seasonal quasi-binomial GLM: ${falsePositive} of null series called a trend`);
  assert.ok(cochranArmitage >= 0.25, `Cochran–Armitage: ${cochranArmitage} of null series called a trend`);
  assert.ok(cochranArmitage >= 4 * falsePositive, `the new test has teeth: ${cochranArmitage} vs ${falsePositive}`);
});

test('calibration: 12 seasonal, over-dispersed months get no direction rather than a false trend', () => {
  const series = simulate(777, 200, 0, 12);
  const results = series.map((p) => seasonalTrend(p, { grain: 'month' }));
  assert.ok(share(results, (r: (typeof results)[number]) => called(r.direction)) <= 0.08);
  assert.ok(share(results, (r: (typeof results)[number]) => r.direction === null) >= 0.7);
  assert.ok(share(series, (p: TrendPeriod[]) => called(trendTest(p).direction)) >= 0.25);
});

test('power: a planted trend of −0.02 log-odds a month is found most of the time, and called falling', () => {
  const series = simulate(99, 300, -0.02);
  const results = series.map((p) => seasonalTrend(p, { grain: 'month' }));
  const falling = share(results, (r: (typeof results)[number]) => r.direction === 'falling');
  assert.ok(falling >= 0.8, `power ${falling}`);
  assert.equal(share(results, (r: (typeof results)[number]) => r.direction === 'rising'), 0);
  const meanSlope = results.reduce((s, r) => s + (r.logOddsSlope ?? 0), 0) / results.length;
  assert.ok(Math.abs(meanSlope + 0.02) < 0.003, `mean log-odds slope ${meanSlope}`);
});
