import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, counts, reference } from '../../test/reference/stats-reference.js';
import { controlChart } from './control-chart.js';
import { findRuns, runFlags } from './run-rule.js';
import { trendTest } from './trend-test.js';
import { monitor } from './monitor.js';
import { periodChange } from './period-change.js';
import { chooseChart } from './chart-choice.js';

test('p-chart by hand on 3 tiny periods: centre Σk/Σn, limits follow n, clipped to [0, 1]', () => {
  const chart = controlChart([{ k: 1, n: 10 }, { k: 2, n: 10 }, { k: 3, n: 20 }]);
  assert.equal(chart.kind, 'p');
  assert.equal(chart.choice, null, 'the caller named the kind (the default p): no choice was made');
  assert.equal(chart.sigmaZ, 1);
  assertClose(chart.centre, 0.15, 'centre', 1e-15);
  const s10 = Math.sqrt((0.15 * 0.85) / 10); // 0.112916
  const s20 = Math.sqrt((0.15 * 0.85) / 20); // 0.079844
  const [a, b, c] = chart.points;
  assert.ok(a && b && c);
  assertClose(a.sigma, s10, 'sigma n=10', 1e-15);
  assert.equal(a.lower, 0, '0.15 − 3·0.1129 < 0 is clipped to 0');
  assertClose(a.upper, 0.15 + 3 * s10, 'upper n=10', 1e-15);
  assertClose(c.upper, 0.15 + 3 * s20, 'upper n=20', 1e-15);
  assert.equal(c.lower, 0);
  assertClose(a.z, (0.1 - 0.15) / s10, 'z', 1e-12);
  assert.equal(c.z, 0);
  assert.ok(chart.points.every((p) => p.outside === null));
});

test('p-chart flags points outside limits; upper limit clipped to 1; empty periods are nulls', () => {
  const chart = controlChart([
    { k: 10, n: 100 }, { k: 11, n: 100 }, { k: 9, n: 100 }, { k: 30, n: 100 }, { k: 0, n: 0 }, { k: 1, n: 100 }, { k: 1, n: 1 },
  ]);
  // centre = 62/601
  const flags = chart.points.map((p) => p.outside);
  assert.deepEqual(flags, [null, null, null, 'above', null, 'below', null]);
  assert.deepEqual(chart.points[4], { k: 0, n: 0, rate: null, sigma: null, lower: null, upper: null, z: null, outside: null });
  assert.equal(chart.points[6]?.upper, 1, '1 of 1: the upper limit 0.105 + 3·0.306 is clipped to 1, and 100 % is not beyond it');
  assert.equal(controlChart([]).centre, null);
  assert.equal(controlChart([{ k: 0, n: 0 }]).points[0]?.rate, null);
});

test("Laney p′ by hand: sigma_z = mean moving range of z / 1.128", () => {
  const periods = [{ k: 1, n: 10 }, { k: 2, n: 10 }, { k: 3, n: 20 }];
  const chart = controlChart(periods, { kind: 'laney' });
  const s10 = Math.sqrt((0.15 * 0.85) / 10);
  const z1 = -0.05 / s10;
  const z2 = 0.05 / s10;
  const sigmaZ = (Math.abs(z2 - z1) + Math.abs(0 - z2)) / 2 / 1.128;
  assertClose(chart.sigmaZ, sigmaZ, 'sigma_z', 1e-12);
  assertClose(chart.points[0]?.upper, 0.15 + 3 * s10 * sigmaZ, 'upper', 1e-12);
  assert.equal(chart.note, null);
});

test("Laney p′ widens the limits of over-dispersed data and removes false alarms", () => {
  // Big periods whose rates wander more than binomial noise allows.
  const periods = [1500, 1620, 1380, 1710, 1450, 1560, 1300, 1650, 1490, 1580].map((k) => ({ k, n: 10_000 }));
  const p = controlChart(periods);
  const laney = controlChart(periods, { kind: 'laney' });
  assert.ok(laney.sigmaZ > 2, `sigma_z ${laney.sigmaZ}`);
  assert.ok(p.points.some((x) => x.outside !== null));
  assert.ok(laney.points.every((x) => x.outside === null));
});

test('Laney falls back to sigma_z = 1 with fewer than two z-scores, and says so', () => {
  const chart = controlChart([{ k: 3, n: 10 }, { k: 0, n: 0 }], { kind: 'laney' });
  assert.equal(chart.sigmaZ, 1);
  assert.match(chart.note ?? '', /fewer than two/);
});

test("kind 'auto': Laney for over-dispersed periods, p otherwise; the decision is on the chart", () => {
  const wandering = [1500, 1620, 1380, 1710, 1450, 1560, 1300, 1650, 1490, 1580].map((k) => ({ k, n: 10_000 }));
  const auto = controlChart(wandering, { kind: 'auto' });
  assert.equal(auto.kind, 'laney');
  assert.deepEqual(auto.choice, chooseChart(wandering));
  const { choice: _auto, ...autoRest } = auto;
  const { choice: _laney, ...laneyRest } = controlChart(wandering, { kind: 'laney' });
  assert.deepEqual(autoRest, laneyRest, 'the same chart as asking for Laney');
  assert.ok(auto.points.every((x) => x.outside === null));

  const steady = [{ k: 50, n: 500 }, { k: 55, n: 500 }, { k: 0, n: 0 }, { k: 48, n: 500 }, { k: 52, n: 500 }];
  const p = controlChart(steady, { kind: 'auto', sigmas: 2 });
  assert.equal(p.kind, 'p');
  assert.equal(p.sigmaZ, 1);
  assert.equal(p.sigmas, 2);
  assert.equal(p.choice?.kind, 'p');
  assert.match(p.choice?.reason ?? '', /no more than chance/);
  const { choice: _p, ...pRest } = p;
  const { choice: _explicit, ...explicitRest } = controlChart(steady, { sigmas: 2 });
  assert.deepEqual(pRest, explicitRest);

  const empty = controlChart([], { kind: 'auto' });
  assert.equal(empty.kind, 'p');
  assert.match(empty.choice?.reason ?? '', /fewer than two periods/);
  assert.equal(controlChart(wandering, { kind: 'laney' }).choice, null);
});

test('runs: 8 in a row on one side is flagged; the centre line breaks a run; empty periods do not', () => {
  const rates = [0.3, 0.1, 0.1, 0.1, 0.1, null, 0.1, 0.1, 0.1, 0.1, 0.2, 0.1, 0.3];
  const points = rates.map((rate) => ({ rate }));
  const runs = findRuns(points, 0.2);
  assert.deepEqual(runs, [{ side: 'below', start: 1, end: 9, length: 8 }]);
  assert.deepEqual(runFlags(points, runs), [null, 'below', 'below', 'below', 'below', null, 'below', 'below', 'below', 'below', null, null, null]);
  assert.deepEqual(findRuns(points, 0.2, 9), []);
  assert.deepEqual(findRuns(points, null), []);
  const above = findRuns(Array.from({ length: 10 }, () => ({ rate: 0.5 })), 0.2);
  assert.deepEqual(above, [{ side: 'above', start: 0, end: 9, length: 10 }]);
});

test('Cochran–Armitage trend matches statsmodels test_ordinal_association (× √(N/(N−1)))', () => {
  for (const r of reference.trend) {
    const t = trendTest(r.periods.map(counts));
    const where = JSON.stringify(r.periods);
    const N = r.periods.reduce((s, [, n]) => s + n, 0);
    assertClose(t.z, r.z, `z ${where}`);
    assertClose((t.z ?? NaN) * Math.sqrt((N - 1) / N), r.zStatsmodels, `statsmodels z ${where}`);
    assertClose(t.pValue, r.p, `p ${where}`, 1e-9, 0);
    assert.equal(t.direction, (t.pValue ?? 1) < 0.05 ? ((t.z ?? 0) > 0 ? 'rising' : 'falling') : 'flat');
  }
});

test('trend by hand: slope is the n-weighted least-squares slope; only the last 12 periods count', () => {
  const t = trendTest([{ k: 10, n: 100 }, { k: 20, n: 100 }, { k: 30, n: 100 }]);
  assertClose(t.slope, 0.1, 'slope', 1e-12);
  // T = Σ t(k − n p̄) = 0·(−10) + 1·0 + 2·10 = 20; Var = 0.2·0.8·(500 − 300²/300) = 32.
  assertClose(t.z, 20 / Math.sqrt(32), 'z', 1e-12);
  const long = [...Array.from({ length: 6 }, () => ({ k: 90, n: 100 })), ...Array.from({ length: 12 }, () => ({ k: 10, n: 100 }))];
  const flat = trendTest(long);
  assert.equal(flat.periods, 12);
  assert.deepEqual({ z: flat.z, p: flat.pValue, d: flat.direction }, { z: 0, p: 1, d: 'flat' });
  assert.equal(trendTest(long, { window: 18 }).direction, 'falling');
  const none = trendTest([{ k: 0, n: 0 }, { k: 3, n: 10 }]);
  assert.equal(none.z, null);
  assert.match(none.note ?? '', /two periods/);
  assert.deepEqual({ z: trendTest([{ k: 0, n: 5 }, { k: 0, n: 8 }]).z, p: trendTest([{ k: 0, n: 5 }, { k: 0, n: 8 }]).pValue }, { z: 0, p: 1 });
});

test('monitor: chart, runs, trend and the last period-over-period change together', () => {
  const periods = [
    ...Array.from({ length: 4 }, () => ({ k: 200, n: 1000 })),
    ...Array.from({ length: 8 }, (_, i) => ({ k: 150 - i, n: 1000 })),
  ];
  const m = monitor(periods);
  assert.equal(m.chart.kind, 'p');
  assert.deepEqual(m.runs.map((r) => [r.side, r.start, r.end]), [['below', 4, 11]]);
  assert.equal(m.runFlags[11], 'below');
  assert.equal(m.trend.direction, 'falling');
  assert.deepEqual(m.lastChange, periodChange({ k: 143, n: 1000 }, { k: 144, n: 1000 }));
  assert.equal(monitor([{ k: 1, n: 4 }]).lastChange, null);
  assert.equal(monitor(periods, { kind: 'laney' }).chart.kind, 'laney');
  // Without a grain: no season terms, the last 12 periods, a quasi-binomial GLM.
  assert.equal(m.trend.model, 'quasi-binomial GLM');
  assert.equal(m.trend.periods, 12);
});

test("monitor with kind 'auto' and a monthly grain: the data choose the chart, the trend allows for the season", () => {
  // 30 months, a Q4 peak and a Q3 dip, months wandering beyond binomial noise, no trend.
  const season = [0, -0.02, 0, 0.01, 0, 0, -0.04, -0.04, -0.02, 0.03, 0.05, 0.04];
  const wobble = [0.012, -0.01, 0.004, -0.015, 0.009, 0.0, -0.006, 0.014, -0.011, 0.003, -0.002, 0.008, -0.013, 0.006, 0.01];
  const periods = Array.from({ length: 30 }, (_, t) => {
    const month = (t + 3) % 12;
    const n = 2000 + 10 * ((t * 7) % 13);
    const rate = 0.18 + (season[month] ?? 0) + (wobble[t % 15] ?? 0);
    return { k: Math.round(n * rate), n, start: `${2022 + Math.floor((t + 3) / 12)}-${String(month + 1).padStart(2, '0')}-01` };
  });
  const m = monitor(periods, { kind: 'auto', grain: 'month' });
  assert.equal(m.chart.kind, 'laney');
  assert.equal(m.chart.choice?.kind, 'laney');
  assert.ok(m.chart.sigmaZ > 1);
  assert.equal(m.trend.model, 'seasonal quasi-binomial GLM');
  assert.equal(m.trend.seasonTerms, 11);
  assert.equal(m.trend.periods, 30);
  assert.equal(m.trend.direction, 'flat');
  assert.ok((m.trend.dispersion ?? 0) > 1);
  // The old test reads the same season as a trend.
  assert.notEqual(trendTest(periods).direction, 'flat');
  // Only the last 12 months, as before, with the grain: too short to tell season from trend.
  const short = monitor(periods, { kind: 'auto', grain: 'month', window: 12 });
  assert.equal(short.trend.direction, null);
  assert.match(short.trend.note ?? '', /fewer than 24 months/);
  assert.equal(monitor(periods.map(({ k, n }) => ({ k, n })), { kind: 'p' }).chart.choice, null);
});
