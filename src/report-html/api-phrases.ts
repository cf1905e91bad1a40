/**
 * The API's English explanations read back into their parts, so a report in another language can
 * say the same thing in its own words (statistics-words.ts). The API keeps its English fields —
 * the dashboard and its clients quote them — and these parsers know their few shapes
 * (src/stats/seasonal-trend.ts, control-chart.ts, projected-rate.ts, control-verdict.ts and the
 * findings' test names); a shape they do not know becomes `unknown`, which every language words
 * without the details, never in English. Pure.
 */
import type { ChartKind, GrainWord, ProjectionBasis, TestName, TrendNote, TrendTest } from './statistics-words.js';

/** "1,234" (the API's en-US count) → 1234. */
const whole = (s: string | undefined) => Number((s ?? '0').replace(/,/g, ''));

const GRAIN_OF_UNIT: Readonly<Record<string, GrainWord>> = {
  day: 'day', days: 'day', week: 'week', weeks: 'week', month: 'month', months: 'month', quarter: 'quarter', quarters: 'quarter', year: 'year', years: 'year',
};

/** `trend.note` → its case. */
export function trendNoteOf(note: string, grain: GrainWord | null): TrendNote {
  let m: RegExpExecArray | null;
  if (/^needs at least three \S+ with offers/.test(note)) return { kind: 'too-few', grain };
  if ((m = /^every \S+ has the same rate \((0|100) %/.exec(note))) return { kind: 'same-rate', grain, rate: m[1] === '0' ? '0' : '1' };
  if (/^every period has the same rate/.test(note)) return { kind: 'same-rate', grain, rate: '' };
  if ((m = /^(\d+) \S+ with offers leave no degrees of freedom for (\d+) parameters/.exec(note))) return { kind: 'no-df', grain, periods: Number(m[1]), parameters: Number(m[2]) };
  if (/^the model could not be fitted/.test(note)) return { kind: 'not-fitted' };
  if ((m = /^fewer than (\d+) \S+: a seasonal swing/.exec(note))) return { kind: 'season-short', grain, periods: Number(m[1]) };
  if (/^period start dates are missing/.test(note)) return { kind: 'season-no-dates', grain };
  return { kind: 'unknown' };
}

/** `trend.test` → its parts (the dispersion as the API wrote it, "1.23"). */
export function trendTestOf(test: string, seasonal: boolean): TrendTest {
  let m: RegExpExecArray | null;
  if ((m = /^slope of a logistic regression on time(?: with \S+-of-year terms)? over the last (\d+) (\S+) \((?:seasonal )?quasi-binomial GLM, dispersion (-?[\d.]+|NaN|Infinity) estimated from the data(, floored at 1)?\), t test on (\d+) degrees of freedom/.exec(test))) {
    return { kind: 'fitted', periods: Number(m[1]), grain: GRAIN_OF_UNIT[m[2] ?? ''] ?? null, seasonal, dispersion: m[3] ?? '', floored: m[4] !== undefined, df: Number(m[5]) };
  }
  if ((m = /^logistic trend over the last (\d+) (\S+) \(quasi-binomial GLM(, t test of the slope)?\): (not run|not needed), /.exec(test))) {
    return { kind: m[4] === 'not run' ? 'not-run' : 'not-needed', periods: Number(m[1]), grain: GRAIN_OF_UNIT[m[2] ?? ''] ?? null, note: '' };
  }
  return { kind: 'unknown', seasonal };
}

/** `controlChart.note` → its case. */
export function chartNoteOf(note: string): { kind: 'few' } | { kind: 'shift'; sigmaZ: number } | { kind: 'unknown' } {
  if (/^fewer than two periods with a z-score/.test(note)) return { kind: 'few' };
  const m = /^sigma_z (-?[\d.]+) < 1/.exec(note);
  return m ? { kind: 'shift', sigmaZ: Number(m[1]) } : { kind: 'unknown' };
}

/** A projection's `basis` → its numbers (counts as numbers; the acceptances to add as the API rounded them). */
export function basisOf(basis: string): { kind: 'projected'; earlier: number; window: number; pending: number; adds: number; lastWatched: number | null } | { kind: 'nothing-pending'; window: number; earlier: number } | { kind: 'unknown' } {
  let m: RegExpExecArray | null;
  if ((m = /^Projected from how ([\d,]+) earlier offers?\b.*? (?:was|were) accepted over the (\d+)-day window .*?: the ([\d,]+) pending offers? (?:is|are) expected to add ([\d.]+) acceptances?(?:, assuming no acceptance after day (\d+))?/.exec(basis))) {
    return { kind: 'projected', earlier: whole(m[1]), window: Number(m[2]), pending: whole(m[3]), adds: Number(m[4]), lastWatched: m[5] === undefined ? null : Number(m[5]) };
  }
  if ((m = /^Nothing is pending .*? the (\d+)-day acceptance curve of ([\d,]+) earlier offers?/.exec(basis))) return { kind: 'nothing-pending', window: Number(m[1]), earlier: whole(m[2]) };
  return { kind: 'unknown' };
}

/** A basis with its numbers formatted, for {@link StatisticsWords.basis}. */
export function formattedBasis(basis: string, count: (n: number) => string, decimal: (x: number) => string): ProjectionBasis {
  const b = basisOf(basis);
  if (b.kind === 'projected') return { kind: 'projected', earlier: count(b.earlier), earlierCount: b.earlier, window: b.window, pending: count(b.pending), pendingCount: b.pending, adds: decimal(b.adds), lastWatched: b.lastWatched };
  if (b.kind === 'nothing-pending') return { kind: 'nothing-pending', window: b.window, earlier: count(b.earlier), earlierCount: b.earlier };
  return { kind: 'unknown' };
}

/** The name of a test as the API gives it (`testName`, a finding's `test.name`) → which test. */
export function testNameOf(name: string, format: (x: number) => string): TestName {
  let m: RegExpExecArray | null;
  if (/two-proportion z test/.test(name)) return { kind: 'z' };
  if (/Fisher/.test(name)) return { kind: 'fisher' };
  if (/score test/.test(name)) return { kind: 'score' };
  if (/^run rule/.test(name)) return { kind: 'run' };
  if (name === 'seasonal quasi-binomial GLM') return { kind: 'seasonal-glm' };
  if (name === 'quasi-binomial GLM') return { kind: 'glm' };
  if ((m = /^empirical-Bayes Beta\(([\d.]+), ([\d.]+)\) posterior/.exec(name))) return { kind: 'bayes', alpha: format(Number(m[1])), beta: format(Number(m[2])) };
  if ((m = /^(p-chart|Laney p′-chart)(?: \(([\d.]+)σ limits, (\d+) (\w+)\))?/.exec(name))) {
    const chart: ChartKind = m[1] === 'p-chart' ? 'p' : 'laney';
    return { kind: 'chart', chart, sigmas: m[2] ?? null, periods: m[3] === undefined ? null : Number(m[3]), grain: GRAIN_OF_UNIT[m[4] ?? ''] ?? null };
  }
  return { kind: 'other' };
}
