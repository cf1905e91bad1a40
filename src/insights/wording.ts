import { count, interval, percent, points, pValue, signed } from '../core/display.js';
import type { ApiDifference, ApiRate } from './api-types.js';

/** Sentences about rates and differences; every number is written by src/core/display.ts. */

/** p-values as people read them: "p = 0.034", "p < 0.001"; "no test" when none was made. */
export function pText(p: number | null): string {
  return p === null ? 'no test' : pValue(p);
}

/** "18.3% (95% interval 17.1%–19.6%, 1,234 of 6,745 offers)". */
export function rateText(r: ApiRate): string {
  if (r.rate === null) return 'no offers';
  const lvl = Math.round(r.interval.level * 100);
  return `${percent(r.rate)} (${lvl}% interval ${interval(r.interval.lower, r.interval.upper)}, ${count(r.accepted)} of ${count(r.offers)} offers)`;
}

/** "−2.1 points (95% interval −3.0 to −1.2), pooled two-proportion z test p < 0.001". */
export function differenceText(d: ApiDifference): string {
  if (d.differencePoints === null) return 'no comparison (a side has no offers)';
  const lvl = Math.round(d.level * 100);
  const bound = (x: number | null) => (x === null ? percent(null) : signed(x * 100));
  return `${points(d.differencePoints)} (${lvl}% interval ${bound(d.lower)} to ${bound(d.upper)}), ${d.testName ?? 'no test'} ${pText(d.pValue)}`;
}

/** A sentence comparing two populations with their numbers and test. */
export function describeComparison(nameA: string, a: ApiRate, nameB: string, b: ApiRate, d: ApiDifference): string {
  if (a.rate === null || b.rate === null) {
    return `${a.rate === null ? nameA : nameB} has no offers: nothing to compare.`;
  }
  const verdict = d.significant
    ? `${nameA} converts ${d.differencePoints !== null && d.differencePoints > 0 ? 'better' : 'worse'} than ${nameB}`
    : `the data cannot tell ${nameA} and ${nameB} apart`;
  return `${nameA}: ${rateText(a)}; ${nameB}: ${rateText(b)}. Difference ${differenceText(d)}: ${verdict}.`;
}
