/**
 * One value as one CSV field, safe to open in a spreadsheet. Every CSV uprate writes (the CLI's
 * `report` and `query`, the dashboard's downloads) goes through {@link csvCell}; no I/O, so the
 * page bundle imports it too.
 */
export type CsvValue = string | number | bigint | boolean | null | undefined;

/** How a spreadsheet starts a formula (OWASP "CSV Injection"): `=`, `+`, `-`, `@`, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A decimal number as text (`-0.5`, `12`, `1.5e-7`): how Cube sends a number. */
const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * A value as an RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled);
 * null, undefined and non-finite numbers are empty. Text starting like a formula gets a leading
 * `'`, so `=HYPERLINK(…)` stays text in Excel, LibreOffice and Sheets; numbers are exempt, so a
 * negative number stays a number. `kind: 'number'` says the text is a number written as text (a
 * Cube measure): it is exempt too, but only if it really is one, so the rule cannot be bypassed.
 *
 * @example csvCell('=1+2') === "'=1+2"; csvCell(-0.5) === '-0.5'; csvCell('a,b') === '"a,b"'
 */
export function csvCell(value: CsvValue, kind: 'text' | 'number' = 'text'): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'string') text = FORMULA_START.test(value) && !(kind === 'number' && NUMBER_TEXT.test(value)) ? `'${value}` : value;
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
