import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assertClose } from '../../test/reference/stats-reference.js';
import { UprateError } from '../core/errors.js';
import { kaplanMeier } from './kaplan-meier.js';

interface KmCase {
  name: string;
  events: number[];
  censored: number[];
  offers: number;
  atRisk: number[];
  survival: number[];
  cumulative: number[];
  variance: number[];
  statsmodels: { day: number; survProb: number; survProbSe: number | null }[];
}
const reference = JSON.parse(readFileSync(new URL('../../test/reference/projection-reference.json', import.meta.url), 'utf8')) as {
  kaplanMeier: KmCase[];
};

test('life tables match the numpy hand calculation and statsmodels SurvfuncRight (Greenwood)', () => {
  assert.ok(reference.kaplanMeier.length >= 6);
  for (const c of reference.kaplanMeier) {
    const km = kaplanMeier({ events: c.events, censored: c.censored, offers: c.offers });
    assert.equal(km.windowDays, c.events.length);
    assert.equal(km.days.length, c.events.length);
    for (const [d, day] of km.days.entries()) {
      const where = `${c.name}, day ${d}`;
      assert.equal(day.atRisk, c.atRisk[d], `${where}: at risk`);
      assert.equal(day.events, c.events[d]);
      assert.equal(day.censored, c.censored[d]);
      assertClose(day.survival, c.survival[d]!, `${where}: S`);
      assertClose(day.cumulative, c.cumulative[d]!, `${where}: F`, 1e-9, 1e-15);
      assertClose(day.variance, c.variance[d]!, `${where}: Var S`);
    }
    for (const s of c.statsmodels) {
      const day = km.days[s.day];
      assertClose(day?.survival, s.survProb, `${c.name}, day ${s.day}: statsmodels surv_prob`);
      if (s.survProbSe !== null) assertClose(Math.sqrt(day?.variance ?? NaN), s.survProbSe, `${c.name}, day ${s.day}: statsmodels surv_prob_se`);
    }
  }
});

test('by hand: risk sets, product limit and Greenwood on three days', () => {
  const km = kaplanMeier({ events: [10, 5, 0], censored: [0, 4, 0], offers: 100 });
  // day 0: 100 at risk; day 1: 100 − 10 − 4 = 86; day 2: 86 − 5 = 81.
  assert.deepEqual(km.days.map((d) => d.atRisk), [100, 86, 81]);
  const s1 = 0.9 * (1 - 5 / 86);
  assertClose(km.days[1]?.survival, s1, 'S(1)', 1e-15);
  assertClose(km.days[2]?.survival, s1, 'S(2): no events', 1e-15);
  assertClose(km.days[1]?.variance, s1 * s1 * (10 / (100 * 90) + 5 / (86 * 81)), 'Greenwood', 1e-14);
  assert.equal(km.accepted, 15);
  assert.equal(km.censored, 4);
  assert.equal(km.observedThrough, 2);
});

test('censored at age a: at risk on days 0 … a − 1, not on day a', () => {
  const km = kaplanMeier({ events: [0, 0, 0], censored: [1, 0, 2], offers: 10 });
  assert.deepEqual(km.days.map((d) => d.atRisk), [9, 9, 7]);
});

test('edge cases: nobody at risk, everyone accepting, no NaN', () => {
  const empty = kaplanMeier({ events: [0, 0], censored: [0, 0], offers: 0 });
  assert.deepEqual(empty.days.map((d) => [d.atRisk, d.survival, d.variance]), [[0, 1, 0], [0, 1, 0]]);
  assert.equal(empty.observedThrough, -1);
  const allCensored = kaplanMeier({ events: [1, 0, 0], censored: [0, 4, 0], offers: 5 });
  assert.equal(allCensored.observedThrough, 0);
  assert.equal(allCensored.days[2]?.survival, 0.8);
  const all = kaplanMeier({ events: [2, 3], censored: [0, 0], offers: 5 });
  assert.equal(all.days[1]?.survival, 0);
  assert.equal(all.days[1]?.variance, 0);
  for (const d of [...empty.days, ...all.days, ...allCensored.days]) for (const v of Object.values(d)) assert.ok(Number.isFinite(v));
});

test('bad input is BAD_ARGUMENT', () => {
  const bad = (f: () => unknown, words: RegExp) => assert.throws(f, (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT' && words.test(e.message));
  bad(() => kaplanMeier({ events: [], censored: [], offers: 3 }), /one entry per day/);
  bad(() => kaplanMeier({ events: [1, 2], censored: [0], offers: 3 }), /one entry per day/);
  bad(() => kaplanMeier({ events: [1.5], censored: [0], offers: 3 }), /events\[0\].*whole number/);
  bad(() => kaplanMeier({ events: [1], censored: [-1], offers: 3 }), /censored\[0\]/);
  bad(() => kaplanMeier({ events: [1], censored: [0], offers: Number.NaN }), /offers/);
  bad(() => kaplanMeier({ events: [2, 1], censored: [0, 1], offers: 3 }), /exceed the 3 offers/);
});
