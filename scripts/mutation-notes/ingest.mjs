// src/ingest's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/ingest/ingest.ts', line: 124, mutator: 'ConditionalExpression', replacement: 'false', reason: 'unreachable: ingestTables answers one summary for each table it checked, and a load of one table checks that table or throws, so summary is always there' },
  { file: 'src/ingest/ingest.ts', line: 124, mutator: 'StringLiteral', replacement: '""', reason: 'unreachable: ingestTables answers one summary for each table it checked, and a load of one table checks that table or throws, so the error is never made' },
  { file: 'src/ingest/ingest.ts', line: 150, mutator: 'ArrowFunction', replacement: '() => undefined', reason: 'the default limits are read as `limits(…) ?? []`: undefined and [] both give no limits' },
  { file: 'src/ingest/ingest.ts', line: 153, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'unreachable (`formats[i] ?? []`): formats is built from loads one for one (loads.map), so formats[i] is never undefined' },
  { file: 'src/ingest/ingest.ts', line: 183, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'unreachable: formats is built from loads one for one (loads.map), so formats[i] is never undefined' },
  { file: 'src/ingest/ingest.ts', line: 200, mutator: 'ArrowFunction', replacement: '() => undefined', reason: 'a failed read-back then makes unique answer undefined instead of false; both are falsy where they are read (`!ok` rejects the verification, `!(await unique)` answers undefined), so the load goes the same way' },
  { file: 'src/ingest/ingest.ts', line: 233, mutator: 'StringLiteral', replacement: '""', reason: "DuckDB opens an in-memory database for an empty path just as for ':memory:' (duckdb_databases() lists it with a NULL path), and DuckDbStore.open treats both the same when not read-only" },
  { file: 'src/ingest/ingest.ts', line: 235, mutator: 'StringLiteral', replacement: '""', reason: "DuckDB's spill files then go in the scratch folder itself instead of its spill folder; their names (duckdb_temp_storage…) never meet the one-pass and table folders there, and the whole scratch folder is removed at the end either way" },
  { file: 'src/ingest/ingest.ts', line: 239, mutator: 'BooleanLiteral', replacement: 'false', reason: '`force` only matters for a path that does not exist, and scratch always exists here: mkdtemp made it and nothing else removes it' },
  { file: 'src/ingest/ingest.ts', line: 249, mutator: 'OptionalChaining', replacement: 'options.onProgress({\n  ...p,\n  percent: p.percent / 5\n})', reason: '`scaled` is only made when options.onProgress is set (the condition just before), so the `?.` never meets undefined' },
  { file: 'src/ingest/check-rows.ts', line: 61, mutator: 'ConditionalExpression', replacement: 'false', reason: 'rowRules reads `options.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength` (rules.ts), so `{ maxFieldLength: undefined }` gives the same rules as `{}`' },
  { file: 'src/ingest/check-rows.ts', line: 133, mutator: 'ConditionalExpression', replacement: 'false', reason: "the `=== undefined` half never holds: every row of `SELECT DISTINCT … AS v` has v, and getRowObjects answers a SQL NULL as null" },
  { file: 'src/ingest/invalid-rows.ts', line: 19, mutator: 'MethodExpression', replacement: 'errors', reason: 'errors never holds more than max: each table is asked for at most `max − errors.length` (describeErrors cuts its own answer to that), so slice(0, max) keeps them all' },
  { file: 'src/ingest/invalid-rows.ts', line: 38, mutator: 'MethodExpression', replacement: 'errors', reason: 'errors never holds more than max: each table is asked for at most `max − errors.length` (describeErrors cuts its own answer to that), so slice(0, max) keeps them all' },
  { file: 'src/ingest/invalid-rows.ts', line: 48, mutator: 'EqualityOperator', replacement: 'errors.length > max', reason: "at errors.length = max the extra file's errors are read and then dropped by the `errors.slice(0, Math.max(0, max))` that ends describeErrors: only the work differs" },
  { file: 'src/ingest/source-format.ts', line: 48, mutator: 'StringLiteral', replacement: '""', reason: "DESCRIBE.empty is never printed: checkSource throws its own FILE_EMPTY for 'empty' content before the mismatch message, and no format is 'empty'" },
  { file: 'src/ingest/source-format.ts', line: 139, mutator: 'ArithmeticOperator', replacement: 'header.split(c).length + 1', reason: "every count grows by the same 2, so the order is the same; when no delimiter occurs the (stable) sort leaves ',' first, the fallback the `n > 0` test gives" },
  { file: 'src/ingest/source-format.ts', line: 142, mutator: 'ConditionalExpression', replacement: 'true', reason: "candidates[0] is only ever not taken when every count is 0, and then the stable sort has left ',' first: candidates[0].c is ',' as the fallback is" },
  { file: 'src/ingest/source-format.ts', line: 142, mutator: 'LogicalOperator', replacement: 'candidates[0] || candidates[0].n > 0', reason: "candidates[0] is only ever not taken when every count is 0, and then the stable sort has left ',' first: candidates[0].c is ',' as the fallback is" },
  { file: 'src/ingest/source-format.ts', line: 142, mutator: 'EqualityOperator', replacement: 'candidates[0].n >= 0', reason: "candidates[0] is only ever not taken when every count is 0, and then the stable sort has left ',' first: candidates[0].c is ',' as the fallback is" },
  { file: 'src/ingest/source-sql.ts', line: 43, mutator: 'BlockStatement', replacement: '{}', reason: 'a version is never undefined (`size:mtime:ctime:ino`), so a gone file differs from it either way and the same FILE_FORMAT is thrown; `now` is not shown' },
  { file: 'src/ingest/source-sql.ts', line: 44, mutator: 'StringLiteral', replacement: '``', reason: 'a version is never empty (`size:mtime:ctime:ino`), so a gone file differs from it either way and the same FILE_FORMAT is thrown; `now` is not shown' },
  { file: 'src/ingest/source-sql.ts', line: 68, mutator: 'Regex', replacement: '/\\n\\s*(?:LINE \\d+:|Possible fixes:)[\\s\\S]*/', reason: '`[\\s\\S]*` is greedy and matches anything, so it always runs to the end of the text: the `$` never changes the match' },
  { file: 'src/ingest/source-sql.ts', line: 110, mutator: 'UnaryOperator', replacement: '+1', reason: "unreachable: the mapping's source names are names of this header (mapColumns is given `names`), all in `index`, so the `?? -1` never applies" },
  { file: 'src/ingest/statement-progress.ts', line: 30, mutator: 'ConditionalExpression', replacement: 'true', reason: 'clearInterval(undefined) does nothing' },
  { file: 'src/ingest/write-checked.ts', line: 57, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'unreachable: with RETURN_FILES DuckDB always answers Files as a list, so the `: []` fallback never applies' },
  { file: 'src/ingest/write-checked.ts', line: 65, mutator: 'StringLiteral', replacement: '""', reason: "the text of the error the one pass raises never leaves checkAndWrite: its catch answers undefined for any failure" },
  { file: 'src/ingest/write-checked.ts', line: 97, mutator: 'BlockStatement', replacement: '{}', reason: 'an empty catch falls off the end of the function, which answers undefined just as `return undefined` does' },
  { file: 'src/ingest/write-checked.ts', line: 107, mutator: 'StringLiteral', replacement: '""', reason: "DuckDB runs the empty statement as nothing, so insertion order stays preserved: the rows are then written in input order, which is one of the orders the original (free to write any order) may write; keys are verified distinct, so nothing reads the order" },
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
];
