import type { ApiDifference, ApiRate } from './api-types.js';

/** 0.1834 → "18.3 %". */
export function percent(x: number | null, digits = 1): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(digits)} %`;
}

/** 2.345 (points) → "+2.3 points". */
export function points(x: number | null, digits = 1): string {
  if (x === null) return 'n/a';
  const s = x.toFixed(digits);
  // −0.04 rounds to "-0.0": no sign on a zero.
  if (Number(s) === 0) return `${(0).toFixed(digits)} points`;
  return `${x > 0 ? '+' : '−'}${s.replace('-', '')} points`;
}

/** −2.3 with a real minus sign. */
function signed(x: number, digits = 1): string {
  const s = x.toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** p-values as people read them: "p = 0.034", "p < 0.001". */
export function pText(p: number | null): string {
  if (p === null) return 'no test';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** 1234 → "1,234". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "18.3 % (95 % interval 17.1 %–19.6 %, 1,234 of 6,745 offers)". */
export function rateText(r: ApiRate): string {
  if (r.rate === null) return 'no offers';
  const lvl = Math.round(r.interval.level * 100);
  return `${percent(r.rate)} (${lvl} % interval ${percent(r.interval.lower)}–${percent(r.interval.upper)}, ${count(r.accepted)} of ${count(r.offers)} offers)`;
}

/** "−2.1 points (95 % interval −3.0 to −1.2), pooled two-proportion z test p < 0.001". */
export function differenceText(d: ApiDifference): string {
  if (d.differencePoints === null) return 'no comparison (a side has no offers)';
  const lvl = Math.round(d.level * 100);
  const lo = d.lower === null ? 'n/a' : signed(d.lower * 100);
  const hi = d.upper === null ? 'n/a' : signed(d.upper * 100);
  return `${points(d.differencePoints)} (${lvl} % interval ${lo} to ${hi}), ${d.testName ?? 'no test'} ${pText(d.pValue)}`;
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
