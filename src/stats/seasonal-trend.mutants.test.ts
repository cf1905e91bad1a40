// Tests for what seasonal-trend.test.ts leaves open: the sentences a result carries (the test run,
// the notes, the unit words of every grain), the answers without a test (too few periods, one rate
// everywhere, no degrees of freedom left, a model that cannot be fitted) field by field, the checks
// on period starts, windows and grains, a quarter named by any month in it, and fitBinomialGlm's
// own answers (no rows, a covariate that is always 0, the start already the answer, and how many
// IRLS steps the documented stopping rule takes). Expected values: by hand, or statsmodels'
// numbers in test/reference/trend-reference.json, or a numpy re-implementation of the documented
// IRLS rule for the step counts (written out below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { fitBinomialGlm, seasonalTrend, type TrendGrain, type TrendPeriod } from './seasonal-trend.js';

interface TrendCase {
  label: string;
  grain: TrendGrain;
  window: number | null;
  periods: [number, number, string][];
  k: number[];
  n: number[];
  design: number[][];
  params: number[];
  dispersion: number;
  dfResid: number;
  z: number;
  pValue: number;
}

const reference = JSON.parse(readFileSync(new URL('../../test/reference/trend-reference.json', import.meta.url), 'utf8')) as { cases: TrendCase[] };
const find = (prefix: string): TrendCase => {
  const c = reference.cases.find((x) => x.label.startsWith(prefix));
  assert.ok(c, prefix);
  return c;
};
const toPeriods = (c: TrendCase): TrendPeriod[] => c.periods.map(([k, n, start]) => ({ k, n, start }));
const optionsOf = (c: TrendCase) => ({ grain: c.grain, ...(c.window ? { window: c.window } : {}) });
/** `YYYY-MM-01` of month t counted from January of `year`. */
const monthStart = (year: number, t: number) => `${year + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;

const notRun = {
  seasonal: false, seasonTerms: 0, model: 'quasi-binomial GLM',
  z: null, pValue: null, slope: null, direction: null,
  dispersion: null, dispersionUsed: null, degreesOfFreedom: null, logOddsSlope: null,
};

test('seasonalTrend: the test sentence names the season terms, the window, the model, the dispersion (floored or not) and the df', () => {
  // Dispersions and df from statsmodels (trend-reference.json): 0.9641 on 11 df, floored; 1.7578 on 10 df.
  const noise = find('binomial noise only');
  assertClose(noise.dispersion, 0.9641124785900945, 'reference dispersion', 1e-12);
  assert.equal(
    seasonalTrend(toPeriods(noise), optionsOf(noise)).test,
    'slope of a logistic regression on time with month-of-year terms over the last 24 months (seasonal quasi-binomial GLM, dispersion 0.96 estimated from the data, floored at 1), t test on 11 degrees of freedom',
  );
  const weekly = find('weekly');
  assert.equal(
    seasonalTrend(toPeriods(weekly), optionsOf(weekly)).test,
    'slope of a logistic regression on time over the last 12 weeks (quasi-binomial GLM, dispersion 1.76 estimated from the data), t test on 10 degrees of freedom',
  );
  const quarterly = find('quarterly');
  assert.equal(
    seasonalTrend(toPeriods(quarterly), optionsOf(quarterly)).test,
    'slope of a logistic regression on time with quarter-of-year terms over the last 12 quarters (seasonal quasi-binomial GLM, dispersion 0.92 estimated from the data, floored at 1), t test on 7 degrees of freedom',
  );
});

test('seasonalTrend: every grain has its word for one period and for several; an unknown grain says period(s)', () => {
  const words: [TrendGrain | null, string, string][] = [
    ['day', 'day', 'days'],
    ['week', 'week', 'weeks'],
    ['month', 'month', 'months'],
    ['quarter', 'quarter', 'quarters'],
    ['year', 'year', 'years'],
    [null, 'period', 'periods'],
  ];
  for (const [grain, one, many] of words) {
    const r = seasonalTrend([{ k: 1, n: 2 }], { grain });
    assert.deepEqual(r, {
      ...notRun,
      periods: 1,
      note: `needs at least three ${many} with offers`,
      test: `logistic trend over the last 1 ${one} (quasi-binomial GLM, t test of the slope): not run, needs at least three ${many} with offers`,
    });
  }
  // Two periods: the plural in the window as well.
  assert.match(seasonalTrend([{ k: 1, n: 2 }, { k: 1, n: 3 }], { grain: null }).test, /^logistic trend over the last 2 periods /);
});

test('seasonalTrend: one rate everywhere (0 % or 100 %) is flat with nothing fitted, and says so', () => {
  for (const [k, words] of [[0, '0 %'], [10, '100 %']] as const) {
    const r = seasonalTrend([{ k, n: 10 }, { k: 0, n: 0 }, { k, n: 10 }, { k, n: 10 }], { grain: 'week' });
    const note = `every week has the same rate (${words}): no trend`;
    assert.deepEqual(r, {
      ...notRun,
      periods: 4,
      z: 0, pValue: 1, slope: 0, direction: 'flat', note,
      test: `logistic trend over the last 4 weeks (quasi-binomial GLM): not needed, ${note}`,
    });
  }
});

test('seasonalTrend: season terms that leave no degrees of freedom are no test; one degree of freedom left is a test', () => {
  // 24 months, dated, offers in 13 of them covering all 12 calendar months: intercept, slope and
  // 11 month terms are 13 parameters for 13 rows.
  const months = (withOffers: number): TrendPeriod[] =>
    Array.from({ length: 24 }, (_, t) => ({ k: t < withOffers ? 3 + (t % 4) : 0, n: t < withOffers ? 20 : 0, start: monthStart(2023, t) }));
  const none = seasonalTrend(months(13), { grain: 'month' });
  const note = '13 months with offers leave no degrees of freedom for 13 parameters';
  assert.deepEqual(none, {
    ...notRun,
    periods: 24,
    seasonal: true, seasonTerms: 11, model: 'seasonal quasi-binomial GLM',
    note,
    test: `logistic trend over the last 24 months (quasi-binomial GLM, t test of the slope): not run, ${note}`,
  });
  // 14 months with offers: 14 − 13 = 1 degree of freedom, and a t test on it.
  const one = seasonalTrend(months(14), { grain: 'month' });
  assert.equal(one.degreesOfFreedom, 1);
  assert.equal(one.seasonTerms, 11);
  assert.ok(one.z !== null && Number.isFinite(one.z) && one.pValue !== null);
});

test('seasonalTrend: a window split into a run of 0 % and a run of 100 % cannot be fitted (the slope runs off to infinity): no test, with the reason', () => {
  const note = 'the model could not be fitted (a season, or the whole window, without accepted or without declined offers)';
  const weeks = Array.from({ length: 12 }, (_, t) => ({ k: t < 6 ? 0 : 10, n: 10 }));
  assert.deepEqual(seasonalTrend(weeks, { grain: 'week' }), {
    ...notRun,
    periods: 12,
    note,
    test: `logistic trend over the last 12 weeks (quasi-binomial GLM, t test of the slope): not run, ${note}`,
  });
  // The same with 24 dated months: the model that could not be fitted had the 11 month terms.
  const months = Array.from({ length: 24 }, (_, t) => ({ k: t < 12 ? 0 : 10, n: 10, start: monthStart(2022, t) }));
  const r = seasonalTrend(months, { grain: 'month' });
  assert.deepEqual([r.seasonal, r.seasonTerms, r.model, r.z, r.note], [true, 11, 'seasonal quasi-binomial GLM', null, note]);
});

test('seasonalTrend: alpha sets the level of the slope test (p 0.252 is flat at 0.05, rising at 0.3)', () => {
  // statsmodels: t = 1.2161, p = 0.2519 on the weekly case.
  const weekly = find('weekly');
  assert.ok(weekly.pValue > 0.25 && weekly.pValue < 0.26 && weekly.z > 0);
  assert.equal(seasonalTrend(toPeriods(weekly), optionsOf(weekly)).direction, 'flat');
  assert.equal(seasonalTrend(toPeriods(weekly), { ...optionsOf(weekly), alpha: 0.3 }).direction, 'rising');
  assert.equal(seasonalTrend(toPeriods(weekly), { ...optionsOf(weekly), alpha: 0.25 }).direction, 'flat');
});

test('seasonalTrend: a window of 2 periods is allowed (and is no test); the messages of refused grains, windows and starts', () => {
  const two = seasonalTrend([{ k: 1, n: 10 }, { k: 2, n: 10 }, { k: 3, n: 10 }], { grain: 'week', window: 2 });
  assert.equal(two.periods, 2);
  assert.equal(two.note, 'needs at least three weeks with offers');
  const refused = (f: () => unknown, location: string, message: string) =>
    assert.throws(f, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === location && e.message === message);
  refused(() => seasonalTrend([], { grain: 'fortnight' as TrendGrain }), 'grain', 'grain must be day, week, month, quarter or year, not fortnight');
  refused(() => seasonalTrend([], { grain: 'week', window: 1 }), 'window', 'the trend window must be a whole number of periods ≥ 2, not 1');
  refused(() => seasonalTrend([{ k: 1, n: 2, start: '2024-13-01' }], { grain: 'month' }), 'seasonalTrend period 0 start', 'a period start must be a date YYYY-MM-DD, not "2024-13-01"');
});

test('seasonalTrend: a period start must be a whole YYYY-MM-DD date with month 1–12 and day 1–31', () => {
  const at = (start: string): TrendPeriod[] => [{ k: 1, n: 10, start: '2024-01-01' }, { k: 2, n: 10, start }];
  for (const start of ['2024-01-01', '2024-12-31', '2024-06-15']) {
    assert.doesNotThrow(() => seasonalTrend(at(start), { grain: 'month' }), start);
    assert.doesNotThrow(() => seasonalTrend(at(start), { grain: 'quarter' }), start);
  }
  for (const start of ['2024-00-10', '2024-13-10', '2024-06-00', '2024-06-32', ' 2024-06-15', '2024-06-15T00:00', 'x2024-06-15', '24-06-15', '2024-6-15', '2024-06-5', 'abcd-06-15', '2024-ab-15', '2024-06-ab']) {
    assert.throws(
      () => seasonalTrend(at(start), { grain: 'month' }),
      (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && e.location === 'seasonalTrend period 1 start',
      JSON.stringify(start),
    );
  }
});

test('seasonalTrend: a quarter is named by any month in it (the statsmodels fit of 12 quarters, each dated by its first, middle or last month)', () => {
  const q = find('quarterly');
  // Starts moved within their quarter: Jan stays, or → Feb, or → Mar; Apr → Apr, May or Jun; …
  // (quarter i % 4, month i % 3 of it: each quarter gets each of its months once).
  const moved = q.periods.map(([k, n, start], i) => {
    const [y, mo] = start.split('-').map(Number) as [number, number];
    return { k, n, start: `${y}-${String(mo + (i % 3)).padStart(2, '0')}-15` };
  });
  const r = seasonalTrend(moved, { grain: 'quarter' });
  assert.equal(r.seasonal, true);
  assert.equal(r.seasonTerms, 3);
  assert.equal(r.degreesOfFreedom, q.dfResid);
  assertClose(r.logOddsSlope, q.params[1] ?? NaN, 'log-odds slope', 1e-6);
  assertClose(r.z, q.z, 't statistic', 1e-6);
});

test('fitBinomialGlm: no rows, or a covariate that is always 0 (X\u1d40WX singular), is no fit', () => {
  assert.equal(fitBinomialGlm([]), null);
  assert.equal(fitBinomialGlm([{ k: 1, n: 10, x: [1, 0] }, { k: 2, n: 10, x: [1, 0] }, { k: 4, n: 10, x: [1, 0] }]), null);
});

test('fitBinomialGlm: a covariate so large that XᵀWX overflows (1e200² = ∞) is no fit either', () => {
  // The large covariate on a row of its own (no intercept there), so only its diagonal entry overflows.
  assert.equal(fitBinomialGlm([{ k: 1, n: 10, x: [1, 0] }, { k: 2, n: 10, x: [1, 0] }, { k: 4, n: 10, x: [0, 1e200] }]), null);
  assert.equal(fitBinomialGlm([{ k: 1, n: 10, x: [1, 0] }, { k: 2, n: 10, x: [1, 1e200] }, { k: 4, n: 10, x: [1, 2e200] }]), null);
});

test('fitBinomialGlm: when the start μ = (k + ½)/(n + 1) is already the answer (k = n/2 everywhere), two steps: one to β = 0, one that does not move', () => {
  // μ = ½ everywhere: W = n/4, z = 0, so β = 0 at once; the rule needs a second step to see β stay.
  // (XᵀWX)⁻¹ by hand: n = 10, 20, 100 at t = 0, 1, 2 → Σw = 32.5, Σwt = 55, Σwt² = 105,
  // det = 32.5·105 − 55² = 387.5: var(β₀) = 105/387.5, var(β₁) = 32.5/387.5, cov = −55/387.5.
  const fit = fitBinomialGlm([{ k: 5, n: 10, x: [1, 0] }, { k: 10, n: 20, x: [1, 1] }, { k: 50, n: 100, x: [1, 2] }]);
  assert.ok(fit);
  assert.equal(fit.iterations, 2);
  assert.deepEqual(fit.params.map((b) => Math.abs(b)), [0, 0]);
  assert.deepEqual([fit.pearsonChi2, fit.deviance, fit.dfResid], [0, 0, 1]);
  assert.deepEqual(fit.fitted, [0.5, 0.5, 0.5]);
  assertClose(fit.covariance[0]?.[0], 105 / 387.5, 'var β₀', 1e-12);
  assertClose(fit.covariance[1]?.[1], 32.5 / 387.5, 'var β₁', 1e-12);
  assertClose(fit.covariance[0]?.[1], -55 / 387.5, 'cov', 1e-12);
  assertClose(fit.covariance[1]?.[0], -55 / 387.5, 'cov', 1e-12);
  assertClose(fit.standardErrors[1], Math.sqrt(32.5 / 387.5), 'se β₁', 1e-12);
});

test('fitBinomialGlm: the IRLS stopping rule (β still within 1e-11, or the deviance within 1e-14) takes 4 steps on these fits', () => {
  // A numpy re-implementation of the documented rule (np.linalg.solve for the steps) stops after
  // 4 steps on each. Daily and long (trend-reference.json): the deviance changes by 1.6e6 and 2e6
  // times its tolerance at step 3, by 0.02 and 0.09 times it at step 4 (so the count does not hang
  // on rounding). Six periods of 10⁶ offers (rates 20, 21, 23, 22, 25, 26 %): the deviance is too
  // large for a change of 1e-14 to show above rounding, so β decides: it moves by 1.3e3 times its
  // tolerance at step 3 and 1e-5 times it at step 4.
  for (const label of ['daily', 'long']) {
    const c = find(label);
    const fit = fitBinomialGlm(c.k.map((k, i) => ({ k, n: c.n[i] ?? 0, x: c.design[i] ?? [] })));
    assert.equal(fit?.iterations, 4, label);
  }
  const rates = [0.2, 0.21, 0.23, 0.22, 0.25, 0.26];
  const big = fitBinomialGlm(rates.map((p, t) => ({ k: Math.round(1e6 * p), n: 1e6, x: [1, t] })));
  assert.equal(big?.iterations, 4);
});

test('fitBinomialGlm, intercept only, rates above ½ and rows of 0 % and 100 %: the pooled rate, and each deviance term by hand', () => {
  // 0, 10, 10 and 5 of 10: the intercept-only MLE is the pooled rate μ = 25/40 = 5/8, β = log(5/3)
  // (above 0: the logistic's upper branch). Deviance 2Σ[k log(k/(nμ)) + (n − k) log((n − k)/(n(1 − μ)))]
  // with 0·log 0 = 0: 2[10 log(8/3) + 2·10 log(8/5) + 5 log 0.8 + 5 log(4/3)] = 39.0621154414397.
  // Pearson X² = Σ (k − nμ)²/(nμ(1 − μ)), nμ = 6.25, nμ(1 − μ) = 2.34375: (39.0625 + 2·14.0625 + 1.5625)/2.34375 = 88/3.
  // SE = 1/√(Σ nμ(1 − μ)) = 1/√9.375.
  const fit = fitBinomialGlm([{ k: 0, n: 10, x: [1] }, { k: 10, n: 10, x: [1] }, { k: 10, n: 10, x: [1] }, { k: 5, n: 10, x: [1] }]);
  assert.ok(fit);
  assertClose(fit.params[0], Math.log(5 / 3), 'β', 1e-12);
  for (const m of fit.fitted) assertClose(m, 5 / 8, 'μ', 1e-12);
  assertClose(fit.deviance, 2 * (10 * Math.log(8 / 3) + 20 * Math.log(8 / 5) + 5 * Math.log(0.8) + 5 * Math.log(4 / 3)), 'deviance', 1e-12);
  assertClose(fit.pearsonChi2, 88 / 3, 'Pearson X²', 1e-12);
  assertClose(fit.standardErrors[0], 1 / Math.sqrt(9.375), 'SE', 1e-12);
  assert.equal(fit.dfResid, 3);
});

test('fitBinomialGlm: a coefficient that is 0 at every step (a covariate with no effect, by symmetry) does not stop the fit before the others settle', () => {
  // Intercept, x1 (group) and x2 = ±1 with the same 1 of 10 and 5 of 10 on either sign: x2's
  // coefficient is exactly 0 from the first step, and the group terms are the saturated fit,
  // β0 = logit(0.1) = log(1/9), β1 = logit(0.5) − logit(0.1) = log 9.
  const fit = fitBinomialGlm([
    { k: 1, n: 10, x: [1, 0, -1] },
    { k: 1, n: 10, x: [1, 0, 1] },
    { k: 5, n: 10, x: [1, 1, -1] },
    { k: 5, n: 10, x: [1, 1, 1] },
  ]);
  assert.ok(fit);
  assertClose(fit.params[0], Math.log(1 / 9), 'β0', 1e-12);
  assertClose(fit.params[1], Math.log(9), 'β1', 1e-12);
  assert.equal(fit.params[2], 0);
  assertClose(fit.fitted[0], 0.1, 'μ of the first group', 1e-12);
});

test('fitBinomialGlm: a group with no accepted offers sends its coefficient off to −∞; the fit stops when the deviance stops changing, long before 100 steps', () => {
  // 5 of 10 in group 0, 0 of 10 in group 1: β1 has no finite MLE and IRLS lowers it by about 1
  // a step, while the deviance, 2·10·(−log(1 − μ₁)) ≈ 20μ₁, shrinks by a factor e a step. It
  // changes by less than 1e-14 once 20μ₁(1 − 1/e) < 1e-14, μ₁ ≈ 8e-16, β1 ≈ log μ₁ ≈ −35: some 35
  // steps. Group 0 keeps its own rate, ½.
  const fit = fitBinomialGlm([{ k: 5, n: 10, x: [1, 0] }, { k: 0, n: 10, x: [1, 1] }]);
  assert.ok(fit);
  assert.ok(fit.iterations > 25 && fit.iterations < 45, `iterations ${fit.iterations}`);
  assert.ok((fit.params[1] ?? 0) < -30 && (fit.params[1] ?? 0) > -40, `β1 ${fit.params[1]}`);
  assertClose(fit.fitted[0], 0.5, 'μ of group 0', 1e-12);
  assert.ok(fit.deviance < 1e-12);
});

test('fitBinomialGlm: β\'s tolerance grows with its size, 1e-11·(1 + |β|): a slope of 6,663 (periods 1e-5 apart) still stops after 4 steps', () => {
  // The six periods of 10⁶ offers above with the period coded 0, 1e-5, … 5e-5: the same fit, the
  // slope 10⁵ times larger. The numpy re-implementation of the documented rule: β moves by 1.3e3
  // and 6.9e3 times its tolerance at step 3 and by 4.7e-5 and 5.5e-5 times it at step 4, so it
  // stops there (the deviance still changes by 30 times its own tolerance). A tolerance of
  // 1e-11/(1 + |β|) instead would be 2.4e3 times exceeded by the slope at step 4.
  const rates = [0.2, 0.21, 0.23, 0.22, 0.25, 0.26];
  const fit = fitBinomialGlm(rates.map((p, t) => ({ k: Math.round(1e6 * p), n: 1e6, x: [1, t / 1e5] })));
  assert.ok(fit);
  assert.equal(fit.iterations, 4);
  assertClose(fit.params[1], 6662.507416195169, 'slope', 1e-9);
});

test('fitBinomialGlm: a fitted rate that rounds to exactly 1 or 0 at the last step is no fit (its Pearson term would be 0/0)', () => {
  // 2 of 10 at x = 0 and 5 of 10 at x = 1 fix β = (logit 0.2, logit 0.5 − logit 0.2) = (−ln 4, ln 4);
  // a third row of one offer far out on x adds a weight below 1e-16. Its η = ln 4·(x − 1):
  // at x = 27.5 that is 53 ln 2, where 1/(1 + e^−η) = 1/(1 + 2⁻⁵³) rounds to exactly 1; at
  // x = −536.5 it is −1075 ln 2, where e^η = 2⁻¹⁰⁷⁵ is half the smallest double and rounds to 0.
  // Just past those points (by 8.5e-12 and 5.2e-10, the middle of the ranges where IRLS comes
  // from inside (0, 1) and only its last step lands on the edge) the fitted rate is exactly 1 or 0.
  const rows = (x: number, k: number) => [{ k: 2, n: 10, x: [1, 0] }, { k: 5, n: 10, x: [1, 1] }, { k, n: 1, x: [1, x] }];
  assert.equal(fitBinomialGlm(rows(27.5000000000085, 1)), null);
  assert.equal(fitBinomialGlm(rows(-536.5000000005214, 0)), null);
  // Nearer in, the same rows fit, with a finite Pearson X².
  for (const [x, k] of [[27, 1], [-536, 0]] as const) {
    const fit = fitBinomialGlm(rows(x, k));
    assert.ok(fit && Number.isFinite(fit.pearsonChi2), `x = ${x}`);
    assertClose(fit.params[1], Math.log(4), 'β1', 1e-9);
  }
});

test('seasonalTrend: with no grain the period starts are not read at all (not even checked)', () => {
  // Without a grain there are no season terms, so a start that is not a date does no harm.
  const r = seasonalTrend([{ k: 1, n: 10, start: 'soon' }, { k: 2, n: 10, start: 'later' }, { k: 3, n: 10 }], { grain: null });
  assert.equal(r.periods, 3);
  assert.equal(r.seasonal, false);
});

test('seasonalTrend: 24 months with one start missing get no month terms: the plain model', () => {
  // Two full years of months, enough for month-of-year terms, but the 13th period has no start:
  // every period's month is needed, so the plain model is fitted.
  const periods = Array.from({ length: 24 }, (_, i) => ({
    k: 10 + (i % 5),
    n: 100,
    ...(i === 12 ? {} : { start: `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01` }),
  }));
  const r = seasonalTrend(periods, { grain: 'month' });
  assert.equal(r.seasonal, false);
  assert.equal(r.seasonTerms, 0);
  assert.equal(r.model, 'quasi-binomial GLM');
});

test('seasonalTrend: 12 months at one rate (100 of 1,000 each) are too short for season terms but not over-dispersed: flat, with no note', () => {
  // By hand: every month at 10 % → the linear fit is the constant 10 % (slope 0), Pearson X² = 0
  // on 12 − 2 = 10 df, P(χ²₁₀ > 0) = 1 ≥ 0.05: no over-dispersion, so the honesty rule does not
  // apply and the t test decides (t = 0, p = 1): flat.
  const months = Array.from({ length: 12 }, (_, i) => ({ k: 100, n: 1000, start: `2024-${String(i + 1).padStart(2, '0')}-01` }));
  const r = seasonalTrend(months, { grain: 'month' });
  assert.equal(r.seasonal, false);
  assert.equal(r.direction, 'flat');
  assert.equal(r.note, null);
  assert.equal(r.degreesOfFreedom, 10);
});

test('seasonalTrend: a p-value exactly at alpha is not significant (rising only when p < alpha)', () => {
  // A clear rise (10, 20, 30, 40 of 100): significant at 0.05; then alpha set to that very p-value.
  const periods = [10, 20, 30, 40].map((k) => ({ k, n: 100 }));
  const first = seasonalTrend(periods, { grain: null });
  assert.equal(first.direction, 'rising');
  const p = first.pValue as number;
  assert.ok(p > 0 && p < 0.05, String(p));
  assert.equal(seasonalTrend(periods, { grain: null, alpha: p }).direction, 'flat');
});

test('seasonalTrend: a dispersion of exactly 1 is used as it is, not floored', () => {
  // By hand: 5, 3, 3, 5 of 8 are symmetric in time, so the fitted slope is 0 and μ = 16/32 = ½
  // everywhere; Pearson X² = Σ (k − 4)²/(8·¼) = (1 + 1 + 1 + 1)/2 = 2 on 4 − 2 = 2 df: φ = 1.
  const r = seasonalTrend([5, 3, 3, 5].map((k) => ({ k, n: 8 })), { grain: null });
  assert.equal(r.dispersion, 1);
  assert.equal(r.dispersionUsed, 1);
  assert.equal(r.test, 'slope of a logistic regression on time over the last 4 periods (quasi-binomial GLM, dispersion 1.00 estimated from the data), t test on 2 degrees of freedom');
});

test('fitBinomialGlm: a covariate equal to the time index up to 1e-12 (collinear to rounding) is no fit, never an error', () => {
  // x₃ = t·(1 + 1e-12): XᵀWX is singular to within rounding (condition number ~1e24 > 1/ε), so
  // the documented answer is null, whether the factorisation fails inside IRLS or only at the
  // final means where the covariance is taken.
  const kn: [number, number][] = [[281, 569], [8, 9], [1, 8], [0, 10], [102, 672], [19, 66], [34, 85], [232, 974]];
  const rows = kn.map(([k, n], t) => ({ k, n, x: [1, t, t * (1 + 1e-12)] }));
  assert.equal(fitBinomialGlm(rows), null);
});

test('seasonalTrend: the lowest quarter is the reference, so a window that starts in a quarter without accepted offers still fits (that quarter\'s term runs off alone)', () => {
  // Nine quarters from Q2 2020; Q2 has no accepted offers in any year. With Q1 as the reference
  // only the Q2 term runs off to −∞ and the Q2 rows drop out of the likelihood and of X²; the
  // limit is the fit of the other six rows on intercept, t, Q3, Q4 (numpy Newton–Raphson, 1e-15):
  // β = −0.050374486383651516, t = −0.283439087547434, p = 0.7909051779026447 on 9 − 5 = 4 df,
  // φ = X²/4 = 5.805553330826786. (With Q2 — the first quarter seen — as the reference, the
  // intercept and every other term would run off together instead.)
  const periods: TrendPeriod[] = [
    { k: 0, n: 171, start: '2020-04-01' }, { k: 4, n: 11, start: '2020-07-01' }, { k: 42, n: 153, start: '2020-10-01' },
    { k: 7, n: 25, start: '2021-01-01' }, { k: 0, n: 12, start: '2021-04-01' }, { k: 22, n: 102, start: '2021-07-01' },
    { k: 21, n: 54, start: '2021-10-01' }, { k: 6, n: 180, start: '2022-01-01' }, { k: 0, n: 69, start: '2022-04-01' },
  ];
  const r = seasonalTrend(periods, { grain: 'quarter' });
  assert.equal(r.seasonal, true);
  assert.equal(r.seasonTerms, 3);
  assert.equal(r.direction, 'flat');
  assertClose(r.logOddsSlope, -0.050374486383651516, 'β', 1e-9);
  assertClose(r.z, -0.283439087547434, 't', 1e-9);
  assertClose(r.pValue, 0.7909051779026447, 'p', 1e-9);
  assertClose(r.dispersion, 5.805553330826786, 'φ', 1e-9);
});
