// src/alerts's surviving mutants, explained (see scripts/mutation-report.mjs): one file per folder so
// work on one folder's tests never edits another's notes.

/**
 * Equivalent mutants: the changed code gives the same result for every input, so no test can
 * tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/alerts/judge-drop.ts', line: 64, mutator: 'OptionalChaining', replacement: 'corrected.hypotheses[i].adjustedPValue', reason: 'correctFamily returns one hypothesis per pair, so hypotheses[i] is always there' },
  { file: 'src/alerts/judge-drop.ts', line: 65, mutator: 'ConditionalExpression', replacement: 'true', reason: 'a period without offers is skipped before the comparison, so every pair compared has offers on both sides and its p-value (and Holm’s adjusted one) is never null' },
  { file: 'src/alerts/judge-drop.ts', line: 111, mutator: 'ConditionalExpression', replacement: 'false', reason: 'unreachable since a period without offers is skipped before the comparison: the interval bounds are null only when a side has no offers (compare-proportions noComparison)' },
  { file: 'src/alerts/offer-counts.ts', line: 98, mutator: 'StringLiteral', replacement: '""', reason: "the access's reason (`why`) is read by nothing: it only enters readCounts' memo key, and readPeriodRows reads without a memo" },
  { file: 'src/alerts/offer-counts.ts', line: 119, mutator: 'EqualityOperator', replacement: 'r.from <= known', reason: 'an equal start only replaces the earliest Date with another of the same instant, and it is compared by value (`<`, getTime) only' },
  { file: 'src/alerts/offer-counts.ts', line: 136, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: a count request always has a grain, so every row has a period and the `?? ''` fallback never applies" },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: a count request always has a grain, so every row has a period and the `?? ''` fallback never applies" },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'StringLiteral', replacement: '""', reason: 'the map is empty there and its keys are never read again: the one series of empty periods is the same under any key' },
  { file: 'src/alerts/judge-drop.ts', line: 31, mutator: 'ConditionalExpression', replacement: 'false', reason: 'with no judged index, group.total[null] is undefined too, so the same skip follows' },
  { file: 'src/alerts/judge-drop.ts', line: 32, mutator: 'ConditionalExpression', replacement: 'false', reason: "current is already undefined when the index is null (the skip then uses the context's reason, not previous), and at() of a negative index is undefined" },
  { file: 'src/alerts/judge-segment-below.ts', line: 18, mutator: 'ConditionalExpression', replacement: 'false', reason: 'with no judged index, group.total[null] is undefined too, so the same skip follows' },
  { file: 'src/alerts/judge-segment-below.ts', line: 19, mutator: 'ConditionalExpression', replacement: 'false', reason: 'period is undefined whenever the index is null, so !period alone takes the same skip' },
  { file: 'src/alerts/judge-segment-below.ts', line: 39, mutator: 'OptionalChaining', replacement: 'large[i].value', reason: 'compareSegments returns one entry per segment it is given (large), so large[i] is always there' },
  { file: 'src/alerts/judge-below.ts', line: 16, mutator: 'ConditionalExpression', replacement: 'false', reason: 'with no judged index, group.total[null] is undefined too, so the same skip follows' },
  { file: 'src/alerts/judge-control-limit.ts', line: 18, mutator: 'ConditionalExpression', replacement: 'false', reason: 'with no judged index, group.total[null] is undefined too, so the same skip follows' },
  { file: 'src/alerts/judge-control-limit.ts', line: 19, mutator: 'ConditionalExpression', replacement: 'false', reason: 'current is undefined whenever the index is null, so !current alone takes the same skip' },
  { file: 'src/alerts/finding.ts', line: 74, mutator: 'ConditionalExpression', replacement: 'true', reason: 'an array has no negative indices: series[-n] is undefined, as the guard gives' },
  { file: 'src/alerts/alert-visibility.ts', line: 25, mutator: 'ConditionalExpression', replacement: 'false', reason: 'a filter without a member matches no scope part and no rule filter (both always name one), so it is refused all the same' },
  { file: 'src/alerts/alert-visibility.ts', line: 25, mutator: 'LogicalOperator', replacement: "!('member' in f) && f.member === undefined", reason: 'a filter without a member matches no scope part and no rule filter (both always name one), so it is refused all the same' },
  { file: 'src/alerts/alert-visibility.ts', line: 27, mutator: 'ConditionalExpression', replacement: 'true', reason: "allowed holds strings only (String of each value), so a (not set) part's null value is never in it" },
  { file: 'src/alerts/alert-visibility.ts', line: 28, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'without a rule the list holds a string, which has no member, so some() finds nothing, as with []' },
  { file: 'src/alerts/alert-visibility.ts', line: 29, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'unreachable: `(rf.values?.length ?? 0) > 0` before it already refuses a filter without values' },
  // lane b: the next four re-keyed from lines 25/27 to 31/33 (569e36b put the 5-or-6-fields check before the Cron call; the call and its reasons are unchanged)
  { file: 'src/alerts/rules-schema.ts', line: 31, mutator: 'ObjectLiteral', replacement: '{}', reason: 'the options decide when a job runs, not which text croner accepts: no function is given, so nothing is scheduled, and the job is stopped at once (checked on fields, nicknames, ISO dates and bad texts: the same answers and messages)' },
  { file: 'src/alerts/rules-schema.ts', line: 31, mutator: 'BooleanLiteral', replacement: 'false', reason: 'without a function croner schedules nothing even unpaused, and the job is stopped at once: the same texts are accepted, with the same messages' },
  { file: 'src/alerts/rules-schema.ts', line: 31, mutator: 'StringLiteral', replacement: '""', reason: 'the options decide when a job runs, not which text croner accepts (checked on fields, nicknames, ISO dates and bad texts: the same answers and messages)' },
  { file: 'src/alerts/rules-schema.ts', line: 33, mutator: 'Regex', replacement: '/CronPattern: /', reason: "every croner 11 error that holds 'CronPattern: ' starts with it, so the first occurrence is the prefix either way" },
  { file: 'src/alerts/webhook.ts', line: 81, mutator: 'ConditionalExpression', replacement: 'true', reason: "fetch never resolves with a status below 200: undici consumes 1xx interim answers (a 1xx alone fails as 'other side closed'), and redirect: 'manual' gives the 3xx itself" },
  // evaluate-rules.ts, alert-state.ts, alert-setup.ts
  { file: 'src/alerts/evaluate-rules.ts', line: 75, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'the fallback applies only when a rule has no scope groups (a split with no rows), and judge() then maps no groups, so the judged index it feeds is read by nothing; every group’s own total adds at least one series' },
  { file: 'src/alerts/evaluate-rules.ts', line: 86, mutator: 'StringLiteral', replacement: '""', reason: 'without scope.by every series gets this one key, so any constant makes the same single group; the key itself is never read' },
  { file: 'src/alerts/evaluate-rules.ts', line: 105, mutator: 'ConditionalExpression', replacement: 'false', reason: 'total is empty only when the rule has no scope groups, and judge() then maps no groups: the index and reason are read by nothing (the loop below gives index null too)' },
  { file: 'src/alerts/evaluate-rules.ts', line: 105, mutator: 'EqualityOperator', replacement: 'last <= 0', reason: 'a rule that reads the judged index counts provisionalSearch + history + 1 periods, at least 3 (provisionalSearch is 2 or more for every grain), so total never has exactly one period' },
  { file: 'src/alerts/evaluate-rules.ts', line: 105, mutator: 'ObjectLiteral', replacement: '{}', reason: 'unreachable for a judged group: total is empty only when there are no scope groups, and then nothing reads the answer' },
  { file: 'src/alerts/evaluate-rules.ts', line: 105, mutator: 'StringLiteral', replacement: '""', reason: 'unreachable for a judged group: total is empty only when there are no scope groups, and then nothing reads the reason' },
  { file: 'src/alerts/evaluate-rules.ts', line: 106, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: 'the judges read the reason only when the index is null (to say why they skip); here the index is set' },
  { file: 'src/alerts/evaluate-rules.ts', line: 107, mutator: 'ConditionalExpression', replacement: 'true', reason: 'the other bound, last − provisionalSearch, is never negative: a rule that reads the judged index has provisionalSearch + history + 1 periods (volume-drop, whose request skips the search, never reads it), so i >= 0 never decides' },
  { file: 'src/alerts/evaluate-rules.ts', line: 108, mutator: 'OptionalChaining', replacement: 'total[i].pending', reason: 'i stays within 0..last (see line 107), so total[i] is always there' },
  { file: 'src/alerts/evaluate-rules.ts', line: 108, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: 'the judges read the reason only when the index is null (to say why they skip); here the index is set' },
  { file: 'src/alerts/alert-state.ts', line: 63, mutator: 'Regex', replacement: '/[zZ]|[+-]\\d\\d:?\\d\\d/', reason: 'in a timestamp text without a zone no + or - is followed by four digits (the date’s - are followed by two and another -), so the zone can only match at the end either way' },
  { file: 'src/alerts/alert-state.ts', line: 76, mutator: 'ConditionalExpression', replacement: 'false', reason: 'the SELECT names every column, and the stores give SQL NULL as null: resolved_at is never undefined' },
  { file: 'src/alerts/alert-state.ts', line: 77, mutator: 'ConditionalExpression', replacement: 'false', reason: 'the SELECT names every column, and the stores give SQL NULL as null: last_notified_at is never undefined' },
  { file: 'src/alerts/alert-state.ts', line: 159, mutator: 'ConditionalExpression', replacement: 'false', reason: 'tryWrite itself returns without writing on a store that keeps no state, so the early return changes nothing' },
  { file: 'src/alerts/alert-setup.ts', line: 63, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'own is only searched for a rule object (indexOf): a string is never one, so a config without rules gives -1 either way' },
  { file: 'src/alerts/alert-setup.ts', line: 86, mutator: 'StringLiteral', replacement: '""', reason: "the access's reason (`why`) is read by nothing in prepareQuery (an all access adds no filters), and only whether it throws is used here" },
  // lane b: alert-monitor.ts, alert-views.ts
  { file: 'src/alerts/alert-monitor.ts', line: 145, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: the filter before keeps only results with an error (a non-empty message), so the `?? ''` fallback never applies" },
  { file: 'src/alerts/alert-monitor.ts', line: 153, mutator: 'BlockStatement', replacement: '{}', reason: 'an async function whose body is empty returns undefined, as `return undefined` does: the same resolved value either way' },
  { file: 'src/alerts/alert-monitor.ts', line: 192, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: deliverWebhook answers delivered: false only with an error text (a refusal's, or the last attempt's, and it makes at least one attempt since retries ≥ 0), so the `?? 'not delivered'` fallback never applies" },
  { file: 'src/alerts/alert-monitor.ts', line: 206, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: "the extra name only enters the list check() filters the rules by, and no rule can bear it: a rule name is letters, digits, -, _ or . (rules-schema.ts), never with spaces, and the default rules' names are fixed" },
  { file: 'src/alerts/alert-monitor.ts', line: 230, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: croner's getPattern() is undefined only for a one-off job (an ISO date-time), which rules-schema refuses as a schedule: every job here has its pattern text, so the `?? ''` fallback never applies" },
  { file: 'src/alerts/alert-views.ts', line: 52, mutator: 'ArithmeticOperator', replacement: 'b.firingSince.getTime() + a.firingSince.getTime()', reason: "the comparator is then below 0 exactly when a is critical and b is not (a sum of two instants after 1970 is positive), and V8's sort only asks whether it is below 0: a stable sort by severity alone, which keeps listStates' order within a severity — already newest first (ORDER BY state, firing_since DESC, rule, scope), the order `b - a` gives (equal instants compare 0 there and keep that order too)" },
  { file: 'src/alerts/alert-views.ts', line: 55, mutator: 'OptionalChaining', replacement: 'b.resolvedAt.getTime', reason: 'the filter before keeps only states whose resolvedAt is not null, so the optional call never meets null' },
  { file: 'src/alerts/alert-views.ts', line: 55, mutator: 'OptionalChaining', replacement: 'a.resolvedAt.getTime', reason: 'the filter before keeps only states whose resolvedAt is not null, so the optional call never meets null' },
];

/**
 * Survivors a test added after the folder's last run kills (checked with a run on those lines);
 * the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
];
