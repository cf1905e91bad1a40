// src/query's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/query/wall-time.ts', line: 20, mutator: 'EqualityOperator', replacement: 'year <= 100', reason: 'for the year 100 the 400-year route gives the same milliseconds: the Gregorian calendar repeats every 400 years (146,097 days)' },
  { file: 'src/query/date-range.ts', line: 61, mutator: 'ConditionalExpression', replacement: 'false', reason: "the branch only saves a step: without it 'today', 'yesterday' and 'tomorrow' reach the single-point branch, whose parsePoint gives the same instant (now, a day before, a day after), and it takes the same whole day" },
  { file: 'src/query/date-range.ts', line: 61, mutator: 'LogicalOperator', replacement: "(s === 'today' || s === 'yesterday') && s === 'tomorrow'", reason: "the branch only saves a step: without it 'today', 'yesterday' and 'tomorrow' reach the single-point branch, whose parsePoint gives the same instant (now, a day before, a day after), and it takes the same whole day" },
  { file: 'src/query/date-range.ts', line: 61, mutator: 'LogicalOperator', replacement: "s === 'today' && s === 'yesterday'", reason: "the branch only saves a step: without it 'today', 'yesterday' and 'tomorrow' reach the single-point branch, whose parsePoint gives the same instant (now, a day before, a day after), and it takes the same whole day" },
  { file: 'src/query/date-range.ts', line: 61, mutator: 'StringLiteral', replacement: '""', reason: "the branch only saves a step: without it 'today', 'yesterday' and 'tomorrow' reach the single-point branch, whose parsePoint gives the same instant (now, a day before, a day after), and it takes the same whole day" },
  { file: 'src/query/date-range.ts', line: 64, mutator: 'Regex', replacement: '/^from (.*) to (.*)/', reason: 'the last (.*) is greedy: it reaches the end of the text with or without the $' },
  { file: 'src/query/date-range.ts', line: 65, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: both groups of the matched regex always capture (possibly empty) text, so the `?? ''` fallback never applies" },
  { file: 'src/query/date-range.ts', line: 66, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: both groups of the matched regex always capture (possibly empty) text, so the `?? ''` fallback never applies" },
  { file: 'src/query/date-range.ts', line: 67, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: both groups of the matched regex always capture (possibly empty) text, so the `?? ''` fallback never applies" },
  { file: 'src/query/date-range.ts', line: 68, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: both groups of the matched regex always capture (possibly empty) text, so the `?? ''` fallback never applies" },
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
  { file: 'src/query/date-range.ts', line: 27, mutator: 'MethodExpression', replacement: 's', test: "src/query/date-range.mutants.test.ts ('from … to …' points with extra spaces)" },
  { file: 'src/query/date-range.ts', line: 64, mutator: 'Regex', replacement: '/from (.*) to (.*)$/', test: "src/query/date-range.mutants.test.ts ('from … to …' is the whole text)" },
  { file: 'src/query/wall-time.ts', line: 20, mutator: 'LogicalOperator', replacement: 'year >= 0 || year < 100', test: 'src/query/wall-time.mutants.test.ts (near the last year a Date holds)' },
];
