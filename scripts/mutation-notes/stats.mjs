// src/stats's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/stats/band.ts', line: 67, mutator: 'StringLiteral', replacement: '""', reason: "the `?? 'moderate'` fallbacks never apply: BANDS.indexOf of a band is always 0, 1 or 2" },
  { file: 'src/stats/band.ts', line: 70, mutator: 'ConditionalExpression', replacement: 'false', reason: "for two bands the general join ('a, … and z') gives the same text, 'a and z'" },
  { file: 'src/stats/chi-square-tail.ts', line: 19, mutator: 'EqualityOperator', replacement: 'x >= 0', reason: 'at x = 0 the CDF is 0, so the next lines return 1 − 0 = 1, as the guard does' },
  { file: 'src/stats/chi-square-tail.ts', line: 21, mutator: 'ConditionalExpression', replacement: 'false', reason: 'whole df then always take the finite sums, which are exact at every x: the CDF branch only saves time' },
  { file: 'src/stats/chi-square-tail.ts', line: 21, mutator: 'EqualityOperator', replacement: 'complement >= COMPLEMENT_SAFE', reason: 'at exactly 1e-3 both branches give the same p to ~1e-13' },
  { file: 'src/stats/p-value-adjustment.ts', line: 51, mutator: 'ArithmeticOperator', replacement: 'm + 1', reason: 'the two extra steps read past the end and are skipped by the undefined guard; the loop then runs as before' },
  { file: 'src/stats/p-value-adjustment.ts', line: 53, mutator: 'ConditionalExpression', replacement: 'false', reason: 'a guard for noUncheckedIndexedAccess: i stays in 0 … m − 1, so the entry is never undefined' },
  { file: 'src/stats/p-value-adjustment.ts', line: 73, mutator: 'ArithmeticOperator', replacement: 'x.index + y.index', reason: "ties then compare as 'greater', which V8's stable sort reads as 'keep input order', the order the index tie-break gives (checked on 200 random arrays of up to 200 tied values)" },
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
];
