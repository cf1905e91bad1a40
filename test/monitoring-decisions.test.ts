/**
 * Monitoring decisions on planted monthly series: a month far outside its control limits, a run
 * of 8 months on one side of the centre line, a significant fall of the latest month against the
 * one before, and a falling trend. Each must produce its finding (`findInsights`) and, where an
 * alert condition exists (`control-limit`, `drop`), its alert — with the right kind, severity and
 * numbers — while a series with none of these effects produces none of them.
 *
 * The data are counts chosen here, loaded into DuckDB as offers (one customer per offer, every
 * outcome settled a day after the offer). Every expected number is computed in this file from those
 * counts with the textbook formula written out: p-chart / Laney p′ limits (Montgomery §7.2; Laney
 * 2002), runs of 8 (Western Electric), the pooled two-proportion z test (one offer per customer,
 * so design effect 1; Holm across the answer's changes), and a logistic regression on the month index
 * fitted by Newton–Raphson with the quasi-binomial dispersion (McCullagh & Nelder §4.5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import chisquare from '@stdlib/stats-base-dists-chisquare';
import normal from '@stdlib/stats-base-dists-normal';
import tdist from '@stdlib/stats-base-dists-t';
import { defaultRules, evaluateRules, ruleSchema, type Finding } from '../src/alerts/index.js';
import { findInsights, type Insight, type KpiContext, type Selection } from '../src/insights/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess } from '../src/query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../src/stats/index.js';
import { DuckDbStore } from '../src/store/index.js';

interface Month {
  readonly k: number;
  readonly n: number;
}

/** 14 months, January 2024 – February 2025; every outcome is settled long before these instants. */
const FIRST = { year: 2024, month: 0 };
const MONTHS = 14;
const AS_OF = new Date('2025-04-15T00:00:00Z');
/** Alerts are judged early in March 2025: February 2025 is the latest ended month. */
const ALERT_AT = new Date('2025-03-10T00:00:00Z');
const ALL: Selection = { from: null, to: null, offerType: null, filters: [] };
const N = 1000;

const label = (i: number) => new Date(Date.UTC(FIRST.year, FIRST.month + i, 1)).toISOString().slice(0, 7);
const periodDay = (i: number) => `${label(i)}-01`;

/** No effect: the rate alternates 20.5 % / 19.5 % (no run, no outlier, no trend, no significant turn). */
const steady = (i: number): Month => ({ k: i % 2 === 0 ? 205 : 195, n: N });
const series = (override: (i: number) => Month | undefined = () => undefined): Month[] =>
  Array.from({ length: MONTHS }, (_, i) => override(i) ?? steady(i));

const PLANTED = {
  none: series(),
  /** The latest month collapses to 14 %. */
  outOfControl: series((i) => (i === MONTHS - 1 ? { k: 140, n: N } : undefined)),
  /** The latest month far above: 26 %. */
  outAbove: series((i) => (i === MONTHS - 1 ? { k: 260, n: N } : undefined)),
  /** The first 6 months at about 22 %, the last 8 at about 18 %: inside the limits, but all below the centre. */
  run: series((i) => ({ k: i < 6 ? (i % 2 === 0 ? 215 : 225) : i % 2 === 0 ? 185 : 175, n: N })),
  /** 23.5 % then 17 %: both inside the limits, the fall between them significant. */
  drop: series((i) => (i === MONTHS - 2 ? { k: 235, n: N } : i === MONTHS - 1 ? { k: 170, n: N } : undefined)),
  /** A steady decline of about 0.35 points a month, from 22.5 % to 17.9 %. */
  trend: series((i) => ({ k: Math.round(N * (0.225 - 0.0035 * i)), n: N })),
} as const;

type Scenario = keyof typeof PLANTED;
let model: Model;
const stores = new Map<Scenario, DuckDbStore>();

/** Month i: n offers on days 1–25, the first k accepted a day later, the rest declined a day later. */
async function plantedStore(months: readonly Month[]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  for (const [i, m] of months.entries()) {
    const start = `TIMESTAMP '${periodDay(i)} 10:00:00' + to_days(CAST(j % 25 AS INTEGER))`;
    await store.run(
      `INSERT INTO offers SELECT 'o${i}-' || j, 'c${i}-' || j, ${start}, 'upsell', 'Pro Plan', 'email', NULL,
         CASE WHEN j < ${m.k} THEN ${start} + INTERVAL 1 DAY END, CASE WHEN j >= ${m.k} THEN ${start} + INTERVAL 1 DAY END, NULL
       FROM range(${m.n}) t(j)`,
    );
    await store.run(`INSERT INTO customers SELECT 'c${i}-' || j, 'smb', 'adoption', 50, 'saas', 'eu', 'pro', 100 FROM range(${m.n}) t(j)`);
  }
  return store;
}

before(async () => {
  model = await loadModel(shippedModelDir());
  for (const [name, months] of Object.entries(PLANTED) as [Scenario, Month[]][]) stores.set(name, await plantedStore(months));
});
after(async () => {
  for (const s of stores.values()) await s.close();
});

function storeOf(name: Scenario): DuckDbStore {
  const s = stores.get(name);
  assert.ok(s, name);
  return s;
}

function context(store: DuckDbStore): KpiContext {
  return { store, model, asOf: AS_OF, access: allAccess('local'), windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson' };
}

async function insightsOf(name: Scenario): Promise<readonly Insight[]> {
  return (await findInsights(context(storeOf(name)), ALL)).insights;
}

const MONITORING_KINDS = new Set(['out_of_control', 'period_drop', 'period_rise', 'trend']);
const monitoring = (insights: readonly Insight[]) => insights.filter((i) => MONITORING_KINDS.has(i.kind));

const close = (actual: unknown, expected: number, tol = 1e-9, what = '') =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what} ${String(actual)} vs ${expected}`);

// ---------------------------------------------------------------------------------------------
// Hand formulas, written out (none of them from src/stats).

/** Pearson χ² of equal rates across the months, and its upper tail on (m − 1) df. */
function homogeneity(months: readonly Month[]): { chi2: number; p: number } {
  const K = months.reduce((s, m) => s + m.k, 0);
  const W = months.reduce((s, m) => s + m.n, 0);
  const p = K / W;
  const chi2 = months.reduce((s, m) => s + (m.k - m.n * p) ** 2 / (m.n * p) + (m.n - m.k - m.n * (1 - p)) ** 2 / (m.n * (1 - p)), 0);
  return { chi2, p: 1 - chisquare.cdf(chi2, months.length - 1) };
}

/**
 * The limits of the last month of a window: p̄ ± 3·√(p̄(1 − p̄)/n)·σz. σz = 1 (p-chart) unless the χ²
 * test of equal rates rejects at 0.05 (the documented automatic choice), then Laney's σz = mean
 * |zᵢ − zᵢ₋₁| / 1.128 — kept at 1 when below 1 (documented: a shift, not scatter).
 */
function limits(window: readonly Month[]): { centre: number; sigmaZ: number; lower: number; upper: number; z: number; laney: boolean } {
  const centre = window.reduce((s, m) => s + m.k, 0) / window.reduce((s, m) => s + m.n, 0);
  const sd = (n: number) => Math.sqrt((centre * (1 - centre)) / n);
  const zs = window.map((m) => (m.k / m.n - centre) / sd(m.n));
  const laney = homogeneity(window).p < 0.05;
  let mr = 0;
  for (let i = 1; i < zs.length; i++) mr += Math.abs((zs[i] as number) - (zs[i - 1] as number));
  const sigmaZ = laney ? Math.max(1, mr / (zs.length - 1) / 1.128) : 1;
  const last = window.at(-1) as Month;
  return { centre, sigmaZ, lower: centre - 3 * sd(last.n) * sigmaZ, upper: centre + 3 * sd(last.n) * sigmaZ, z: zs.at(-1) as number, laney };
}

/** Length of the run of consecutive months on the latest month's side of the centre line. */
function latestRun(months: readonly Month[]): { side: 'above' | 'below'; length: number; centre: number } {
  const centre = months.reduce((s, m) => s + m.k, 0) / months.reduce((s, m) => s + m.n, 0);
  const sideOf = (m: Month) => (m.k / m.n > centre ? 'above' : 'below');
  const side = sideOf(months.at(-1) as Month);
  let length = 0;
  for (let i = months.length - 1; i >= 0 && sideOf(months[i] as Month) === side && (months[i] as Month).k / (months[i] as Month).n !== centre; i--) length++;
  return { side, length, centre };
}

/**
 * Pooled two-proportion z of month a against month b. Every customer here received one offer, so
 * offers are independent and the effective counts are the counts (design effect 1, as documented
 * in src/insights/README.md): z = (pa − pb) / √(p̄(1 − p̄)(1/na + 1/nb)), p̄ = (ka + kb)/(na + nb).
 */
function pooledZ(a: Month, b: Month): number {
  const pooled = (a.k + b.k) / (a.n + b.n);
  return (a.k / a.n - b.k / b.n) / Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
}

/** Latest month against the one before: pooled z on effective counts, two-sided p, Holm over every consecutive pair. */
function latestChange(months: readonly Month[]): { z: number; p: number; holm: number; differencePoints: number } {
  const tests = months.slice(1).map((m, i) => {
    const z = pooledZ(m, months[i] as Month);
    return { z, p: 2 * normal.cdf(-Math.abs(z), 0, 1) };
  });
  const last = tests.at(-1) as { z: number; p: number };
  // Holm: the j-th smallest of m p-values times (m − j + 1), a running maximum, capped at 1.
  const sorted = tests.map((t) => t.p).sort((a, b) => a - b);
  let running = 0;
  let holm = 1;
  for (const [j, p] of sorted.entries()) {
    running = Math.max(running, Math.min(1, (sorted.length - j) * p));
    if (p === last.p) {
      holm = running;
      break;
    }
  }
  const [a, b] = [months.at(-1) as Month, months.at(-2) as Month];
  return { ...last, holm, differencePoints: (a.k / a.n - b.k / b.n) * 100 };
}

/**
 * Logistic regression of kₜ of nₜ on (1, t), Newton–Raphson on the binomial likelihood; the slope's
 * t statistic with the quasi-binomial dispersion φ = X²/(m − 2) floored at 1, on m − 2 df.
 */
function logisticTrend(months: readonly Month[]): { beta: number; t: number; p: number; dispersion: number; overDispersedP: number; slopePoints: number } {
  let b0 = 0;
  let b1 = 0;
  let h00 = 0;
  let h01 = 0;
  let h11 = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    h00 = h01 = h11 = 0;
    months.forEach((m, t) => {
      const mu = 1 / (1 + Math.exp(-(b0 + b1 * t)));
      const w = m.n * mu * (1 - mu);
      g0 += m.k - m.n * mu;
      g1 += t * (m.k - m.n * mu);
      h00 += w;
      h01 += w * t;
      h11 += w * t * t;
    });
    const det = h00 * h11 - h01 * h01;
    const d0 = (h11 * g0 - h01 * g1) / det;
    const d1 = (h00 * g1 - h01 * g0) / det;
    b0 += d0;
    b1 += d1;
    if (Math.abs(d0) + Math.abs(d1) < 1e-14) break;
  }
  // Information at the estimate: var(β₁) = h00 / det.
  const varB1 = h00 / (h00 * h11 - h01 * h01);
  const x2 = months.reduce((s, m, t) => {
    const mu = 1 / (1 + Math.exp(-(b0 + b1 * t)));
    return s + (m.k - m.n * mu) ** 2 / (m.n * mu * (1 - mu));
  }, 0);
  const df = months.length - 2;
  const dispersion = x2 / df;
  const t = b1 / Math.sqrt(Math.max(1, dispersion) * varB1);
  const K = months.reduce((s, m) => s + m.k, 0);
  const W = months.reduce((s, m) => s + m.n, 0);
  const pbar = K / W;
  return { beta: b1, t, p: 2 * tdist.cdf(-Math.abs(t), df), dispersion, overDispersedP: 1 - chisquare.cdf(x2, df), slopePoints: b1 * pbar * (1 - pbar) * 100 };
}

// ---------------------------------------------------------------------------------------------

describe('findings on planted monthly series', () => {
  test('no effect: no out-of-control month, no run, no significant turn, no trend', async () => {
    const months = PLANTED.none;
    const hand = limits(months.slice(-12));
    const rate = (months.at(-1) as Month).k / N;
    assert.ok(rate > hand.lower && rate < hand.upper, 'inside its limits by hand');
    assert.ok(latestRun(months).length < 8);
    assert.ok(latestChange(months).holm > 0.05);
    assert.ok(logisticTrend(months).p > 0.05);
    assert.deepEqual(monitoring(await insightsOf('none')).map((i) => i.id), []);
  });

  test('a month far below its control limits: a critical out-of-control finding, limits by hand', async () => {
    const months = PLANTED.outOfControl;
    const hand = limits(months.slice(-12));
    const last = months.at(-1) as Month;
    assert.ok(last.k / last.n < hand.lower, `planted below: ${last.k / last.n} < ${hand.lower}`);
    const found = (await insightsOf('outOfControl')).filter((i) => i.id === `out_of_control:${periodDay(MONTHS - 1)}`);
    assert.equal(found.length, 1, 'one out-of-control finding for the latest month');
    const f = found[0] as Insight;
    assert.deepEqual([f.kind, f.severity, f.title], ['out_of_control', 'critical', `${label(MONTHS - 1)} is below its control limits`]);
    close(f.numbers['rate'], last.k / last.n, 1e-12, 'rate');
    close(f.numbers['centreLine'], hand.centre, 1e-12, 'centre');
    close(f.numbers['lcl'], hand.lower, 1e-12, 'lcl');
    close(f.numbers['ucl'], hand.upper, 1e-12, 'ucl');
    close(f.numbers['sigmaZ'], hand.sigmaZ, 1e-12, 'sigmaZ');
    close(f.test?.statistic, hand.z, 1e-9, 'z');
    assert.equal(f.numbers['offers'], last.n);
    assert.equal(f.test?.name, `${hand.laney ? 'Laney p′-chart' : 'p-chart'} (3σ limits, 12 months)`);
  });

  test('a month far above its control limits: an out-of-control finding of severity info', async () => {
    const months = PLANTED.outAbove;
    const hand = limits(months.slice(-12));
    const last = months.at(-1) as Month;
    assert.ok(last.k / last.n > hand.upper, `planted above: ${last.k / last.n} > ${hand.upper}`);
    const f = (await insightsOf('outAbove')).find((i) => i.id === `out_of_control:${periodDay(MONTHS - 1)}`);
    assert.ok(f, 'the out-of-control finding');
    assert.deepEqual([f.kind, f.severity, f.title], ['out_of_control', 'info', `${label(MONTHS - 1)} is above its control limits`]);
    close(f.numbers['ucl'], hand.upper, 1e-12, 'ucl');
  });

  test('8 months in a row below the centre line (inside the limits): a run finding, severity warning', async () => {
    const months = PLANTED.run;
    const run = latestRun(months);
    assert.deepEqual([run.side, run.length], ['below', 8], 'planted: the last 8 months below the centre of all 14');
    const hand = limits(months.slice(-12));
    const last = months.at(-1) as Month;
    assert.ok(last.k / last.n > hand.lower, 'yet inside the limits: only the run rule can see it');
    const insights = await insightsOf('run');
    const f = insights.find((i) => i.id === `run:${periodDay(MONTHS - 1)}`);
    assert.ok(f, `a run finding in ${insights.map((i) => i.id).join(', ')}`);
    assert.deepEqual([f.kind, f.severity, f.title], ['out_of_control', 'warning', 'A run of months below the centre line']);
    close(f.numbers['centreLine'], run.centre, 1e-12, 'centre');
    close(f.numbers['rate'], last.k / last.n, 1e-12, 'rate');
    assert.equal(f.test?.name, 'run rule (8 in a row on one side)');
    assert.equal(insights.some((i) => i.id.startsWith('out_of_control:')), false, 'no limit finding: the month is inside');
  });

  test('a run of 7 is not a run', async () => {
    // The same shift one month shorter: 7 months below.
    const months = series((i) => ({ k: i < 7 ? (i % 2 === 0 ? 215 : 225) : i % 2 === 0 ? 185 : 175, n: N }));
    assert.equal(latestRun(months).length, 7);
    const s = await plantedStore(months);
    try {
      const insights = (await findInsights(context(s), ALL)).insights;
      assert.equal(insights.some((i) => i.id.startsWith('run:')), false, insights.map((i) => i.id).join(', '));
    } finally {
      await s.close();
    }
  });

  test('the latest month significantly below the one before: a period_drop finding, z and Holm p by hand', async () => {
    const months = PLANTED.drop;
    const hand = latestChange(months);
    assert.ok(hand.holm < 0.05, `significant after Holm over ${MONTHS - 1} changes: ${hand.holm}`);
    const chart = limits(months.slice(-12));
    assert.ok((months.at(-1) as Month).k / N > chart.lower && (months.at(-2) as Month).k / N < chart.upper, 'both months inside the limits');
    const insights = await insightsOf('drop');
    const f = insights.find((i) => i.kind === 'period_drop');
    assert.ok(f, `a period_drop finding in ${insights.map((i) => i.id).join(', ')}`);
    assert.deepEqual([f.id, f.severity], [`period_drop:${periodDay(MONTHS - 1)}`, 'warning']);
    assert.deepEqual([f.numbers['period'], f.numbers['previousPeriod']], [periodDay(MONTHS - 1), periodDay(MONTHS - 2)]);
    close(f.numbers['differencePoints'], hand.differencePoints, 1e-9, 'difference');
    close(f.test?.statistic, hand.z, 1e-9, 'z');
    close(f.test?.pValue, hand.p, 1e-6, 'p');
    close(f.test?.adjustedPValue, hand.holm, 1e-6, 'Holm p');
    assert.ok(Number(f.numbers['upper']) < 0, 'the interval of the difference lies below 0');
    assert.equal(insights.some((i) => i.id.startsWith('out_of_control:')), false);
  });

  test('a steady decline: a falling-trend finding, slope and t by hand', async () => {
    const months = PLANTED.trend;
    const hand = logisticTrend(months);
    assert.ok(hand.p < 0.05 && hand.t < 0, `falling by hand: t ${hand.t}, p ${hand.p}`);
    assert.ok(hand.overDispersedP > 0.05, 'not over-dispersed, so a direction may be named without season terms');
    assert.ok(latestRun(months).length < 8 && latestChange(months).holm > 0.05, 'no run, no significant turn');
    const insights = await insightsOf('trend');
    const f = insights.find((i) => i.kind === 'trend');
    assert.ok(f, `a trend finding in ${insights.map((i) => i.id).join(', ')}`);
    assert.deepEqual([f.id, f.severity, f.title], [`trend:${periodDay(MONTHS - 1)}`, 'warning', 'Conversion is falling']);
    assert.equal(f.numbers['periods'], MONTHS);
    close(f.numbers['slopePoints'], hand.slopePoints, 1e-7, 'slope');
    close(f.numbers['z'], hand.t, 1e-7, 't');
    close(f.numbers['pValue'], hand.p, 1e-6, 'p');
    close(f.numbers['dispersion'], hand.dispersion, 1e-6, 'dispersion');
    assert.equal(f.test?.name, 'quasi-binomial GLM');
    assert.deepEqual(monitoring(insights).map((i) => i.kind), ['trend'], 'nothing else');
  });
});

describe('alerts on planted monthly series', () => {
  async function judge(name: Scenario, rules = defaultRules()): Promise<Map<string, Finding>> {
    const results = await evaluateRules(storeOf(name), model, rules, { at: ALERT_AT, bands: DEFAULT_BAND_THRESHOLDS });
    for (const r of results) assert.equal(r.error, null);
    return new Map(results.flatMap((r) => r.findings.map((f) => [f.rule, f] as const)));
  }

  test('the default rules fire on none of the months of a series without an effect', async () => {
    const found = await judge('none');
    assert.deepEqual([...found.values()].map((f) => [f.rule, f.period?.label, f.status]), [
      ['headline-poor-band', label(MONTHS - 1), 'ok'],
      ['headline-monthly-drop', label(MONTHS - 1), 'ok'],
      ['headline-control-limit', label(MONTHS - 1), 'ok'],
    ]);
  });

  test('headline-control-limit fires on a month far below its limits, with the limits by hand', async () => {
    const months = PLANTED.outOfControl;
    const hand = limits(months.slice(-12));
    const last = months.at(-1) as Month;
    const f = (await judge('outOfControl')).get('headline-control-limit');
    assert.ok(f);
    assert.deepEqual([f.status, f.severity, f.period?.label, f.numbers['outside'], f.numbers['chart']], ['firing', 'warning', label(MONTHS - 1), 'below', hand.laney ? 'laney' : 'p']);
    close(f.numbers['centre'], hand.centre, 1e-12, 'centre');
    close(f.numbers['lowerLimit'], hand.lower, 1e-12, 'lcl');
    close(f.numbers['upperLimit'], hand.upper, 1e-12, 'ucl');
    close(f.numbers['sigmaZ'], hand.sigmaZ, 1e-12, 'sigmaZ');
    close(f.numbers['z'], hand.z, 1e-9, 'z');
    assert.deepEqual([f.numbers['offers'], f.numbers['accepted'], f.numbers['periods']], [last.n, last.k, 12]);
  });

  test('headline-control-limit: a month far above is outside but not alarmed (side below); side both alarms', async () => {
    const rule = (side: string) => ruleSchema.parse({ name: `cl-${side}`, condition: { type: 'control-limit', side } });
    const found = await judge('outAbove', [rule('below'), rule('both')]);
    assert.deepEqual([found.get('cl-below')?.numbers['outside'], found.get('cl-below')?.status], ['above', 'ok']);
    assert.deepEqual([found.get('cl-both')?.numbers['outside'], found.get('cl-both')?.status], ['above', 'firing']);
  });

  test('a drop against the previous month fires with z and p by hand; inside the limits, the control limit does not', async () => {
    const months = PLANTED.drop;
    const hand = latestChange(months);
    const [a, b] = [months.at(-1) as Month, months.at(-2) as Month];
    const rules = [ruleSchema.parse({ name: 'mom', condition: { type: 'drop', versus: 'previous', alpha: 0.05 }, severity: 'critical' }), ...defaultRules()];
    const found = await judge('drop', rules);
    const f = found.get('mom');
    assert.ok(f);
    assert.deepEqual([f.status, f.severity, f.period?.label, f.numbers['previousPeriod']], ['firing', 'critical', label(MONTHS - 1), label(MONTHS - 2)]);
    assert.deepEqual([f.numbers['offers'], f.numbers['accepted'], f.numbers['previousOffers'], f.numbers['previousAccepted']], [a.n, a.k, b.n, b.k]);
    close(f.numbers['difference'], a.k / a.n - b.k / b.n, 1e-12, 'difference');
    close(f.test?.statistic, hand.z, 1e-9, 'z');
    close(f.test?.pValue, hand.p, 1e-6, 'p');
    assert.match(f.message, /: a significant drop$/);
    assert.equal(found.get('headline-control-limit')?.status, 'ok');
    // At α = 0.0001 the same fall is not significant (p by hand above it): no alert.
    assert.ok(hand.p > 0.0001);
    const strict = await judge('drop', [ruleSchema.parse({ name: 'strict', condition: { type: 'drop', versus: 'previous', alpha: 0.0001 } })]);
    assert.equal(strict.get('strict')?.status, 'ok');
  });

  test('headline-monthly-drop fires against the same month a year earlier', async () => {
    const months = PLANTED.outOfControl;
    const [a, b] = [months.at(-1) as Month, months.at(-13) as Month];
    const z = pooledZ(a, b);
    const p = 2 * normal.cdf(-Math.abs(z), 0, 1);
    assert.ok(p < 0.01, `significant at the default 0.01 by hand: ${p}`);
    const f = (await judge('outOfControl')).get('headline-monthly-drop');
    assert.ok(f);
    assert.deepEqual([f.status, f.numbers['previousPeriod']], ['firing', label(MONTHS - 13)]);
    close(f.test?.statistic, z, 1e-9, 'z');
    close(f.test?.pValue, p, 1e-6, 'p');
  });
});
