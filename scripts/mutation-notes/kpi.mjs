// src/kpi's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/kpi/binding.ts', line: 127, mutator: 'ConditionalExpression', replacement: 'false', reason: "a dimension's type (string, number, time, boolean) is never count or sum, so the additive check alone sends every non-measure to the same message" },
  { file: 'src/kpi/binding.ts', line: 171, mutator: 'ConditionalExpression', replacement: 'false', reason: 'a guard for the type checker: a dimension is bound only after findMember found it, so the second look always finds it' },
  { file: 'src/kpi/binding.ts', line: 188, mutator: 'ConditionalExpression', replacement: 'false', reason: 'without a config the binding is the shipped config itself, so the JSON comparison that follows is true as well' },
  { file: 'src/kpi/format-report.ts', line: 87, mutator: 'EqualityOperator', replacement: 'start <= Date.parse(from)', reason: "when the period starts exactly at the range's start, day(from) and the period are the same day" },
  { file: 'src/kpi/format-report.ts', line: 88, mutator: 'EqualityOperator', replacement: 'Date.parse(end) >= Date.parse(to)', reason: "when the period ends exactly at the range's end, the day before either is the same day" },
  { file: 'src/kpi/format-report.ts', line: 124, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: every column has a title, so the `|| 'note'` fallback never applies" },
  { file: 'src/kpi/grain.ts', line: 101, mutator: 'Regex', replacement: '/\\d{4}-\\d{2}-\\d{2}$/', reason: "parseDate (called first) accepts no trimmed text that ends in a day but starts with something else ('x2024-05-31', '+002024-05-31', 'T2024-05-31' are refused), so the ^ changes nothing" },
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
];
