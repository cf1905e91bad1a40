/**
 * How every command and page writes numbers and missing values for people (JSON and CSV keep
 * raw values): one convention, so `report`, `query`, alerts and findings never disagree.
 */

/** A dimension value that is null: the customer has no such attribute. */
export const NULL_VALUE = '(none)';

/** A number that does not exist (a rate over no offers). */
export const NO_NUMBER = '—';

/** 0.1834 → "18.3%" (en-US, no space, as spreadsheets write it). */
export function percent(x: number | null, digits = 1): string {
  return x === null ? NO_NUMBER : `${(x * 100).toFixed(digits)}%`;
}
