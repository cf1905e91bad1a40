/**
 * How every command and page writes numbers and missing values for people (JSON and CSV keep
 * raw values): one convention, so `report`, `query`, alerts and findings never disagree. The
 * HTML/Markdown monthly report formats by locale (report-html/format.ts); in en-US it writes
 * exactly what these functions write.
 */

/** A dimension value that is null: the customer has no such attribute. */
export const NULL_VALUE = '(none)';

/** A number that does not exist (a rate over no offers). */
export const NO_NUMBER = '—';

/** 0.1834 → "18.3%" (en-US, no space, as spreadsheets write it). */
export function percent(x: number | null, digits = 1): string {
  return x === null ? NO_NUMBER : `${(x * 100).toFixed(digits)}%`;
}

/** An interval of rates: "17.9%–18.7%" (an en dash between); NO_NUMBER when an end is missing. */
export function interval(lower: number | null, upper: number | null, digits = 1): string {
  return lower === null || upper === null ? NO_NUMBER : `${percent(lower, digits)}–${percent(upper, digits)}`;
}

/**
 * A difference in percentage points, given in points: 2.345 → "+2.3 points", −1.2 → "−1.2 points"
 * (a real minus sign); one that rounds to zero has no sign ("0.0 points").
 */
export function points(x: number | null, digits = 1): string {
  if (x === null) return NO_NUMBER;
  return `${signed(x, digits)} points`;
}

/** 2.345 → "+2.3", −1.2 → "−1.2" (a real minus sign), −0.04 → "0.0": no sign on a zero. */
export function signed(x: number, digits = 1): string {
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return `${x > 0 ? '+' : '−'}${s}`;
}

/** 1234 → "1,234". */
export function count(n: number | null): string {
  return n === null ? NO_NUMBER : n.toLocaleString('en-US');
}

/** "p < 0.001", else two significant digits: "p = 0.034", "p = 0.5"; null → "p = —". */
export function pValue(p: number | null): string {
  if (p === null) return `p = ${NO_NUMBER}`;
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

/** "312 of 3,590 offers". */
export function ofOffers(accepted: number, offers: number): string {
  return `${count(accepted)} of ${count(offers)} offers`;
}

const INDUSTRY_NAMES: Readonly<Record<string, string>> = { saas: 'SaaS', retail: 'retail', consumer_goods: 'consumer goods' };

/** An industry code as people write it: `saas` → "SaaS", `consumer_goods` → "consumer goods". */
export function industryName(industry: string): string {
  return INDUSTRY_NAMES[industry] ?? industry.replace(/_/g, ' ');
}

/** A dimension value as people read it: `at_risk` → "at risk", null → "not recorded". */
export function valueLabel(value: string | null | undefined): string {
  return value === null || value === undefined ? 'not recorded' : value.replace(/_/g, ' ');
}

/**
 * A dimension's title as a heading: the cube the binding appends to other cubes' members is
 * dropped, and title-cased words are put in sentence case — `Account Size (Customers)` →
 * `Account size`; `Customer ID` keeps its capitals. `offers` is the binding's offers measure.
 */
export function panelTitle(dimension: { readonly member: string; readonly title: string }, offers: string): string {
  const cubeOf = (member: string) => member.split('.')[0] ?? member;
  const own = cubeOf(dimension.member) === cubeOf(offers);
  const bare = own ? dimension.title : dimension.title.replace(/\s+\([^()]*\)$/, '');
  return bare
    .split(' ')
    .map((word, i) => (i > 0 && /^[A-Z][a-z]+$/.test(word) ? word.toLowerCase() : word))
    .join(' ');
}
