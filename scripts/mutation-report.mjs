#!/usr/bin/env node
// Mutation testing, run and reported (`npm run mutate`; see stryker.config.mjs).
//
//   node scripts/mutation-report.mjs run                             # each scoped folder in turn
//   node scripts/mutation-report.mjs run --mutate 'src/stats/**/*.ts' # one folder (or files)
//   node scripts/mutation-report.mjs                                 # only rewrite the report
//
// `run` starts StrykerJS once per folder (so each keeps its incremental file and its own unit
// tests), times it, keeps each mutant's outcome in bench/mutation/<folder>.json (committed: a
// lost .stryker-tmp/ or a run stopped midway never loses a folder's earlier results), then
// writes bench/mutation-report.md from those files (the newest result for each file wins): the score per folder, and every
// mutant that survived (or that no test reaches) as file:line, mutator and replacement. A
// survivor that no test can kill — the mutated code behaves the same — is listed in EQUIVALENT
// below with its reason, and the report shows the score with those set aside as well.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPED, scopeOf } from '../stryker.config.mjs';

const root = new URL('..', import.meta.url).pathname;
/** Stryker's own JSON report of a run (git-ignored, with every file's source in it). */
const strykerReport = (scope) => join(root, '.stryker-tmp', 'reports', `mutation-${scope}.json`);
/** The committed outcomes, one file per run scope. */
const results = join(root, 'bench', 'mutation');
const out = join(root, 'bench', 'mutation-report.md');

/** The score each folder should reach (per cent). */
const TARGET = { 'src/stats': 80, 'src/sql': 80 };
const DEFAULT_TARGET = 70;

/**
 * Survivors that are equivalent mutants: the changed code gives the same result for every
 * input, so no test can tell them apart. Matched on file, line, mutator and replacement.
 * @type {{ file: string, line: number, mutator: string, replacement: string, reason: string }[]}
 */
export const EQUIVALENT = [
  { file: 'src/alerts/judge-drop.ts', line: 107, mutator: 'ConditionalExpression', replacement: 'false', reason: 'unreachable since a period without offers is skipped before the comparison: the interval bounds are null only when a side has no offers (compare-proportions noComparison)' },
  { file: 'src/stats/band.ts', line: 67, mutator: 'StringLiteral', replacement: '""', reason: "the `?? 'moderate'` fallbacks never apply: BANDS.indexOf of a band is always 0, 1 or 2" },
  { file: 'src/stats/band.ts', line: 70, mutator: 'ConditionalExpression', replacement: 'false', reason: "for two bands the general join ('a, … and z') gives the same text, 'a and z'" },
  { file: 'src/stats/chi-square-tail.ts', line: 19, mutator: 'EqualityOperator', replacement: 'x >= 0', reason: 'at x = 0 the CDF is 0, so the next lines return 1 − 0 = 1, as the guard does' },
  { file: 'src/stats/chi-square-tail.ts', line: 21, mutator: 'ConditionalExpression', replacement: 'false', reason: 'whole df then always take the finite sums, which are exact at every x: the CDF branch only saves time' },
  { file: 'src/stats/chi-square-tail.ts', line: 21, mutator: 'EqualityOperator', replacement: 'complement >= COMPLEMENT_SAFE', reason: 'at exactly 1e-3 both branches give the same p to ~1e-13' },
  { file: 'src/stats/p-value-adjustment.ts', line: 51, mutator: 'ArithmeticOperator', replacement: 'm + 1', reason: 'the two extra steps read past the end and are skipped by the undefined guard; the loop then runs as before' },
  { file: 'src/stats/p-value-adjustment.ts', line: 53, mutator: 'ConditionalExpression', replacement: 'false', reason: 'a guard for noUncheckedIndexedAccess: i stays in 0 … m − 1, so the entry is never undefined' },
  { file: 'src/stats/p-value-adjustment.ts', line: 73, mutator: 'ArithmeticOperator', replacement: 'x.index + y.index', reason: "ties then compare as 'greater', which V8's stable sort reads as 'keep input order', the order the index tie-break gives (checked on 200 random arrays of up to 200 tied values)" },
  { file: 'src/sql/filter-sql.ts', line: 84, mutator: 'ConditionalExpression', replacement: 'false', reason: 'values has its nulls filtered out, so a missing first bound means a missing second one, and `to === undefined` still throws' },
  { file: 'src/sql/filter-sql.ts', line: 91, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: the planner refuses a date operator without a date (src/query/filter-conditions.ts, 'needs a date'), so the `?? ''` fallback never applies" },
  { file: 'src/sql/filter-sql.ts', line: 93, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: the planner refuses a date operator without a date (src/query/filter-conditions.ts, 'needs a date'), so the `?? ''` fallback never applies" },
  { file: 'src/sql/filter-sql.ts', line: 64, mutator: 'StringLiteral', replacement: '""', reason: "the compiler tells the LIKE shapes apart by 'starts' and 'ends' only (sql-compiler.ts visitLike, on every dialect), so a match of '' prints exactly as 'contains' does; nothing else reads it" },
  { file: 'src/sql/build-select.ts', line: 32, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: the measures and measure filters only ask for leaves that buildQueryScope computed from those same measures and filters, so the `?? raw('NULL')` fallback never applies" },
  { file: 'src/sql/fan-out.ts', line: 67, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: the measures and measure filters only ask for leaves that buildQueryScope computed from those same measures and filters, and every leaf is in one subquery, so the `?? raw('NULL')` fallback never applies" },
  { file: 'src/sql/fan-out.ts', line: 65, mutator: 'ConditionalExpression', replacement: 'false', reason: "unreachable: buildFanOutSelect runs only when some leaf's group is not main (planToSql), so there is always a first subquery" },
  { file: 'src/sql/fan-out.ts', line: 65, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: buildFanOutSelect runs only when some leaf's group is not main (planToSql), so there is always a first subquery" },
  { file: 'src/sql/fan-out.ts', line: 58, mutator: 'ConditionalExpression', replacement: 'true', reason: "V8's sort only asks whether the comparator is negative: 1 and 0 both keep an element after the one it is compared with, so only the `a === 'main' ? -1` part orders (checked: the same order as the original comparator on 20,000 random group lists of up to 200 groups, main anywhere or absent)" },
  { file: 'src/sql/fan-out.ts', line: 58, mutator: 'ConditionalExpression', replacement: 'false', reason: "V8's sort only asks whether the comparator is negative: 1 and 0 both keep an element after the one it is compared with, so only the `a === 'main' ? -1` part orders (checked: the same order as the original comparator on 20,000 random group lists of up to 200 groups, main anywhere or absent)" },
  { file: 'src/sql/fan-out.ts', line: 58, mutator: 'EqualityOperator', replacement: "b !== 'main'", reason: "V8's sort only asks whether the comparator is negative: 1 and 0 both keep an element after the one it is compared with, so only the `a === 'main' ? -1` part orders (checked: the same order as the original comparator on 20,000 random group lists of up to 200 groups, main anywhere or absent)" },
  { file: 'src/sql/fan-out.ts', line: 58, mutator: 'StringLiteral', replacement: '""', reason: "V8's sort only asks whether the comparator is negative: 1 and 0 both keep an element after the one it is compared with, so only the `a === 'main' ? -1` part orders (checked: the same order as the original comparator on 20,000 random group lists of up to 200 groups, main anywhere or absent)" },
  { file: 'src/sql/join-tree.ts', line: 22, mutator: 'OptionalChaining', replacement: 'model.cubes.get(at).joins', reason: "every cube the search visits is in the model: the query's cubes come from resolved members, and the model refuses a join to an unknown cube ('join to unknown cube'), so the lookup never misses" },
  { file: 'src/sql/join-tree.ts', line: 22, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: "every cube the search visits is in the model: the query's cubes come from resolved members, and the model refuses a join to an unknown cube ('join to unknown cube'), so the `?? []` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 16, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "split always gives a first part, so the cube default never applies; a path without a dot looks up a measure named '' or 'Stryker was here!', and as member names are identifiers neither exists: the same error follows" },
  { file: 'src/sql/measure-sql.ts', line: 25, mutator: 'ConditionalExpression', replacement: 'true', reason: "only member parts carry a memberType, and a part without text makes the regexes test the text 'undefined', which has no bracket; the aggregate-call regex implies the first one, so each of these kind tests can go without changing an answer" },
  { file: 'src/sql/measure-sql.ts', line: 25, mutator: 'LogicalOperator', replacement: "p.kind === 'text' || /[A-Za-z_]\\w*\\s*\\(/.test(p.text)", reason: "a part without text tests 'undefined', which has no bracket, so it stays false; for text the aggregate-call regex that follows implies the first one" },
  { file: 'src/sql/measure-sql.ts', line: 25, mutator: 'Regex', replacement: '/[A-Za-z_]\\w\\s*\\(/', reason: "ANDed with /\\b(sum|count|avg|min|max)\\s*\\(/i, which already makes it match (the function name's last two letters, then the bracket)" },
  { file: 'src/sql/measure-sql.ts', line: 25, mutator: 'Regex', replacement: '/[A-Za-z_]\\W*\\s*\\(/', reason: "ANDed with /\\b(sum|count|avg|min|max)\\s*\\(/i, which already makes it match (the function name's last letter, then the bracket)" },
  { file: 'src/sql/measure-sql.ts', line: 34, mutator: 'LogicalOperator', replacement: "p.kind === 'member' || p.memberType === 'measure'", reason: 'reached only for a number measure that does not aggregate inline: its SQL holds text, macros and measure references only (a dimension or cube reference makes it inline, the model refuses a segment inside SQL), and only member parts carry a memberType' },
  { file: 'src/sql/measure-sql.ts', line: 34, mutator: 'ConditionalExpression', replacement: 'true', reason: 'reached only for a number measure that does not aggregate inline: its SQL holds text, macros and measure references only (a dimension or cube reference makes it inline, the model refuses a segment inside SQL), and only member parts carry a memberType' },
  { file: 'src/sql/measure-sql.ts', line: 34, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: "unreachable: a number measure always has SQL (the model refuses one without: 'a number measure's sql must be SQL text'), so the `?? []` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 50, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: "unreachable: a number measure always has SQL (the model refuses one without: 'a number measure's sql must be SQL text'), so the `?? []` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 93, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: "unreachable: a number measure always has SQL (the model refuses one without: 'a number measure's sql must be SQL text'), so the `?? []` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 63, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: every measure but a count has SQL (the model refuses sum, avg, min, max and distinct counts without), so the `?? raw('1')` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 75, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: a count_distinct always has SQL (the model refuses one without), so the `?? raw('NULL')` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 77, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: a count_distinct_approx always has SQL (the model refuses one without), so the `?? raw('NULL')` fallback never applies" },
  { file: 'src/sql/measure-sql.ts', line: 82, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: sum, avg, min and max always have SQL (the model refuses them without), so the `?? raw('NULL')` fallback never applies" },
  { file: 'src/sql/member-sql.ts', line: 34, mutator: 'StringLiteral', replacement: '""', reason: "the clock is the only parameter with this key: '' still gives all its uses one placeholder, apart from the time zone's" },
  { file: 'src/sql/member-sql.ts', line: 66, mutator: 'ConditionalExpression', replacement: 'false', reason: 'the model refuses reference cycles (check-cycles), so without the check a member reached twice (a diamond) is only visited again and adds the same cubes to the set' },
  { file: 'src/sql/member-sql.ts', line: 68, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "split always gives a first part, so the cube default never applies; a path without a dot names no member ('' or 'Stryker was here!', member names being identifiers), so both give the cube alone" },
  { file: 'src/sql/member-sql.ts', line: 73, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'visiting a text instead of a template iterates its characters, which have no kind: no cube is added, as with []' },
  { file: 'src/sql/query-scope.ts', line: 48, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: split always gives a first part, so the `?? ''` fallback never applies" },
  { file: 'src/sql/query-scope.ts', line: 56, mutator: 'StringLiteral', replacement: '""', reason: "leafAggregate aggregates over the rows for any mode but row, distinctKey and perKey, so '' gives the same SQL as 'plain'; nothing else reads a leaf's mode" },
  { file: 'src/sql/query-scope.ts', line: 58, mutator: 'StringLiteral', replacement: '""', reason: "leafAggregate aggregates over the rows for any mode but row, distinctKey and perKey, so '' gives the same SQL as 'plain'; nothing else reads a leaf's mode" },
  { file: 'src/sql/query-scope.ts', line: 79, mutator: 'StringLiteral', replacement: '""', reason: "leafAggregate aggregates over the rows for any mode but row, distinctKey and perKey, so '' gives the same SQL as 'plain'" },
  { file: 'src/sql/query-scope.ts', line: 97, mutator: 'StringLiteral', replacement: '""', reason: "the time zone is the only parameter with this key: '' still gives all its uses one placeholder, apart from the clock's ('now')" },
  { file: 'src/sql/query-scope.ts', line: 114, mutator: 'ConditionalExpression', replacement: 'true', reason: "only measures reach this scope: HAVING holds measure conditions only, the planner refusing a group that mixes dimensions and measures (filter-conditions.ts, 'mixes dimensions and measures')" },
  { file: 'src/sql/sql-compiler.ts', line: 20, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', reason: 'compile() empties the parameters before printing, so the initial value is never read' },
  { file: 'src/sql/sql-compiler.ts', line: 81, mutator: 'ConditionalExpression', replacement: 'false', reason: 'shared gets a key only for a shared parameter (line 86), never undefined, so looking undefined up finds nothing, as the guard gives' },
  { file: 'src/sql/sql-compiler.ts', line: 86, mutator: 'ConditionalExpression', replacement: 'true', reason: 'an entry under undefined is never read: line 81 looks up only shared parameters' },
  { file: 'src/sql/sql-compiler.ts', line: 102, mutator: 'ConditionalExpression', replacement: 'false', reason: 'Number.isInteger is false for anything that is not a number, so `!Number.isInteger(days)` alone refuses the same arguments (the whole condition made false is killed: a 1.5 day step is refused)' },
  { file: 'src/kpi/binding.ts', line: 127, mutator: 'ConditionalExpression', replacement: 'false', reason: "a dimension's type (string, number, time, boolean) is never count or sum, so the additive check alone sends every non-measure to the same message" },
  { file: 'src/kpi/binding.ts', line: 171, mutator: 'ConditionalExpression', replacement: 'false', reason: 'a guard for the type checker: a dimension is bound only after findMember found it, so the second look always finds it' },
  { file: 'src/kpi/binding.ts', line: 188, mutator: 'ConditionalExpression', replacement: 'false', reason: 'without a config the binding is the shipped config itself, so the JSON comparison that follows is true as well' },
  { file: 'src/kpi/format-report.ts', line: 87, mutator: 'EqualityOperator', replacement: 'start <= Date.parse(from)', reason: "when the period starts exactly at the range's start, day(from) and the period are the same day" },
  { file: 'src/kpi/format-report.ts', line: 88, mutator: 'EqualityOperator', replacement: 'Date.parse(end) >= Date.parse(to)', reason: "when the period ends exactly at the range's end, the day before either is the same day" },
  { file: 'src/kpi/format-report.ts', line: 124, mutator: 'StringLiteral', replacement: '""', reason: "unreachable: every column has a title, so the `|| 'note'` fallback never applies" },
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
  { file: 'src/kpi/grain.ts', line: 101, mutator: 'Regex', replacement: '/\\d{4}-\\d{2}-\\d{2}$/', reason: "parseDate (called first) accepts no trimmed text that ends in a day but starts with something else ('x2024-05-31', '+002024-05-31', 'T2024-05-31' are refused), so the ^ changes nothing" },
  { file: 'src/alerts/offer-counts.ts', line: 98, mutator: 'StringLiteral', replacement: '""', reason: "the access's reason (`why`) is read by nothing: it only enters readCounts' memo key, and readPeriodRows reads without a memo" },
  { file: 'src/alerts/offer-counts.ts', line: 119, mutator: 'EqualityOperator', replacement: 'r.from <= known', reason: 'an equal start only replaces the earliest Date with another of the same instant, and it is compared by value (`<`, getTime) only' },
  { file: 'src/alerts/offer-counts.ts', line: 136, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: a count request always has a grain, so every row has a period and the `?? ''` fallback never applies" },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'StringLiteral', replacement: '"Stryker was here!"', reason: "unreachable: a count request always has a grain, so every row has a period and the `?? ''` fallback never applies" },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'StringLiteral', replacement: '""', reason: 'the map is empty there and its keys are never read again: the one series of empty periods is the same under any key' },
  { file: 'src/alerts/judge-drop.ts', line: 31, mutator: 'ConditionalExpression', replacement: 'false', reason: 'with no judged index, group.total[null] is undefined too, so the same skip follows' },
  { file: 'src/alerts/judge-drop.ts', line: 32, mutator: 'ConditionalExpression', replacement: 'false', reason: "current is already undefined when the index is null (the skip then uses the context's reason, not previous), and at() of a negative index is undefined" },
  { file: 'src/alerts/judge-drop.ts', line: 60, mutator: 'OptionalChaining', replacement: 'corrected.hypotheses[i].adjustedPValue', reason: 'correctFamily returns one hypothesis per pair, so hypotheses[i] is always there' },
  { file: 'src/alerts/judge-drop.ts', line: 61, mutator: 'ConditionalExpression', replacement: 'true', reason: "adjusted is null only when a side has no offers; the difference is then null too, and both the firing and the 'significant, but under' branch need a negative difference" },
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
  { file: 'src/alerts/rules-schema.ts', line: 25, mutator: 'ObjectLiteral', replacement: '{}', reason: 'the options decide when a job runs, not which text croner accepts: no function is given, so nothing is scheduled, and the job is stopped at once (checked on fields, nicknames, ISO dates and bad texts: the same answers and messages)' },
  { file: 'src/alerts/rules-schema.ts', line: 25, mutator: 'BooleanLiteral', replacement: 'false', reason: 'without a function croner schedules nothing even unpaused, and the job is stopped at once: the same texts are accepted, with the same messages' },
  { file: 'src/alerts/rules-schema.ts', line: 25, mutator: 'StringLiteral', replacement: '""', reason: 'the options decide when a job runs, not which text croner accepts (checked on fields, nicknames, ISO dates and bad texts: the same answers and messages)' },
  { file: 'src/alerts/rules-schema.ts', line: 27, mutator: 'Regex', replacement: '/CronPattern: /', reason: "every croner 11 error that holds 'CronPattern: ' starts with it, so the first occurrence is the prefix either way" },
  { file: 'src/alerts/webhook.ts', line: 81, mutator: 'ConditionalExpression', replacement: 'true', reason: "fetch never resolves with a status below 200: undici consumes 1xx interim answers (a 1xx alone fails as 'other side closed'), and redirect: 'manual' gives the 3xx itself" },
];

/**
 * Survivors a test added after the folder's last full run kills (checked with a run on those
 * lines); the next `npm run mutate` of the folder records them as killed.
 * @type {{ file: string, line: number, mutator: string, replacement: string, test: string }[]}
 */
export const KILLED_SINCE = [
  { file: 'src/sql/filter-sql.ts', line: 55, mutator: 'ConditionalExpression', replacement: 'true', test: "src/sql/filter-sql.mutants.test.ts (notEquals with two values is NOT IN)" },
  { file: 'src/query/date-range.ts', line: 27, mutator: 'MethodExpression', replacement: 's', test: "src/query/date-range.mutants.test.ts ('from … to …' points with extra spaces)" },
  { file: 'src/query/date-range.ts', line: 64, mutator: 'Regex', replacement: '/from (.*) to (.*)$/', test: "src/query/date-range.mutants.test.ts ('from … to …' is the whole text)" },
  { file: 'src/query/wall-time.ts', line: 20, mutator: 'LogicalOperator', replacement: 'year >= 0 || year < 100', test: 'src/query/wall-time.mutants.test.ts (near the last year a Date holds)' },
  { file: 'src/alerts/alert-visibility.ts', line: 26, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', test: 'src/alerts/alert-visibility.mutants.test.ts (alertVisibleTo: an equals filter without values allows no value at all)' },
  { file: 'src/alerts/notification-lease.ts', line: 31, mutator: 'StringLiteral', replacement: '``', test: 'src/alerts/notification-lease.mutants.test.ts (a sending row is taken over only once its lease has run out: not at exactly leaseMs, a millisecond after)' },
  { file: 'src/alerts/notification-lease.ts', line: 33, mutator: 'ArrayDeclaration', replacement: '[]', test: 'src/alerts/notification-lease.mutants.test.ts (a sending row is taken over only once its lease has run out: not at exactly leaseMs, a millisecond after)' },
  { file: 'src/alerts/notification-lease.ts', line: 33, mutator: 'ArithmeticOperator', replacement: 'now.getTime() + leaseMs', test: 'src/alerts/notification-lease.mutants.test.ts (a sending row is taken over only once its lease has run out: not at exactly leaseMs, a millisecond after)' },
  { file: 'src/alerts/notification-lease.ts', line: 79, mutator: 'BlockStatement', replacement: '{}', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 80, mutator: 'StringLiteral', replacement: '``', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 81, mutator: 'ArrowFunction', replacement: '() => undefined', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 81, mutator: 'ObjectLiteral', replacement: '{}', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 82, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 83, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 84, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 85, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 86, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 87, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 88, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/notification-lease.ts', line: 89, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/notification-lease.mutants.test.ts (dead letters: listed oldest first, every field as recorded)' },
  { file: 'src/alerts/webhook.ts', line: 87, mutator: 'StringLiteral', replacement: '"Stryker was here!"', test: 'src/alerts/webhook.mutants.test.ts (an error without a cause is given as it is: a header name fetch refuses, with nothing sent)' },
  { file: 'src/alerts/webhook.ts', line: 58, mutator: 'ArrowFunction', replacement: '() => undefined', test: 'src/alerts/webhook.mutants.test.ts (without effects, a retry waits its backoff for real: base 200 ms at random 0 is 100 ms)' },
  { file: 'src/alerts/rules-schema.ts', line: 27, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/rules-schema.mutants.test.ts (refusals of the schema’s own checks are zod custom issues: a bad cron, a second rule name, an unknown channel)' },
  { file: 'src/alerts/rules-schema.ts', line: 145, mutator: 'Regex', replacement: '/https?$/', test: 'src/alerts/rules-schema.mutants.test.ts (publicUrl: the scheme is http or https exactly, not one that only starts or ends so)' },
  { file: 'src/alerts/rules-schema.ts', line: 145, mutator: 'Regex', replacement: '/^https?/', test: 'src/alerts/rules-schema.mutants.test.ts (publicUrl: the scheme is http or https exactly, not one that only starts or ends so)' },
  { file: 'src/alerts/rules-schema.ts', line: 145, mutator: 'Regex', replacement: '/^https$/', test: 'src/alerts/rules-schema.mutants.test.ts (publicUrl: the scheme is http or https exactly, not one that only starts or ends so)' },
  { file: 'src/alerts/rules-schema.ts', line: 159, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/rules-schema.mutants.test.ts (refusals of the schema’s own checks are zod custom issues: a bad cron, a second rule name, an unknown channel)' },
  { file: 'src/alerts/rules-schema.ts', line: 164, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/rules-schema.mutants.test.ts (refusals of the schema’s own checks are zod custom issues: a bad cron, a second rule name, an unknown channel)' },
  { file: 'src/alerts/judge-drop.ts', line: 55, mutator: 'ObjectLiteral', replacement: '{}', test: 'src/alerts/judge-drop.mutants.test.ts (the family is corrected at the condition’s α: two scopes at α = 0.2, Holm p = 2 · 0.049640 = 0.099 ≤ 0.2)' },
  { file: 'src/alerts/judge-drop.ts', line: 61, mutator: 'EqualityOperator', replacement: 'adjusted < condition.alpha', test: 'src/alerts/judge-drop.mutants.test.ts (a p-value exactly at α is significant (p ≤ α): α set to the p of 120/1,000 after 150/1,000)' },
  { file: 'src/alerts/offer-counts.ts', line: 71, mutator: 'BlockStatement', replacement: '{}', test: 'src/alerts/offer-counts.mutants.test.ts (every period of the range in UTC: the dateRange ends a millisecond before `until`)' },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'ObjectLiteral', replacement: '{}', test: 'src/alerts/offer-counts.mutants.test.ts (no rows: the total is one series of empty periods; a split by a dimension has no series)' },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'ArrayDeclaration', replacement: '["Stryker was here"]', test: 'src/alerts/offer-counts.mutants.test.ts (no rows: the total is one series of empty periods; a split by a dimension has no series)' },
  { file: 'src/alerts/offer-counts.ts', line: 38, mutator: 'BlockStatement', replacement: '{}', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 43, mutator: 'BlockStatement', replacement: '{}', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 44, mutator: 'BooleanLiteral', replacement: 'c', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 44, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 44, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 45, mutator: 'AssignmentOperator', replacement: 'n -= c.n', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 47, mutator: 'AssignmentOperator', replacement: 'pending -= c.pending', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 48, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 48, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing)' },
  { file: 'src/alerts/offer-counts.ts', line: 83, mutator: 'ArithmeticOperator', replacement: 'request.until.getTime() + 1', test: 'src/alerts/offer-counts.mutants.test.ts (every period of the range in UTC: the dateRange ends a millisecond before `until`)' },
  { file: 'src/alerts/offer-counts.ts', line: 85, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/offer-counts.mutants.test.ts (every period of the range in UTC: the dateRange ends a millisecond before `until`)' },
  { file: 'src/alerts/offer-counts.ts', line: 91, mutator: 'ObjectLiteral', replacement: '{}', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 126, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (a request starting earlier than those it was made for, or not one of them, is read on its own)' },
  { file: 'src/alerts/offer-counts.ts', line: 126, mutator: 'LogicalOperator', replacement: '!from && request.from < from', test: 'src/alerts/offer-counts.mutants.test.ts (a request starting earlier than those it was made for, or not one of them, is read on its own)' },
  { file: 'src/alerts/offer-counts.ts', line: 126, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (a request starting earlier than those it was made for, or not one of them, is read on its own)' },
  { file: 'src/alerts/offer-counts.ts', line: 133, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (each request gets the rows of its own periods, from one read of the earliest start)' },
  { file: 'src/alerts/offer-counts.ts', line: 133, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (a wider read cut short is not trusted: the later request is read on its own; the earliest keeps its one read)' },
  { file: 'src/alerts/offer-counts.ts', line: 133, mutator: 'EqualityOperator', replacement: 'request.from.getTime() !== from.getTime()', test: 'src/alerts/offer-counts.mutants.test.ts (each request gets the rows of its own periods, from one read of the earliest start)' },
  { file: 'src/alerts/offer-counts.ts', line: 134, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (a wider read cut short is not trusted: the later request is read on its own; the earliest keeps its one read)' },
  { file: 'src/alerts/offer-counts.ts', line: 134, mutator: 'EqualityOperator', replacement: 'rows.length > ROW_LIMIT', test: 'src/alerts/offer-counts.mutants.test.ts (a wider read cut short is not trusted: the later request is read on its own; the earliest keeps its one read)' },
  { file: 'src/alerts/offer-counts.ts', line: 136, mutator: 'MethodExpression', replacement: 'rows', test: 'src/alerts/offer-counts.mutants.test.ts (each request gets the rows of its own periods, from one read of the earliest start)' },
  { file: 'src/alerts/offer-counts.ts', line: 136, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (each request gets the rows of its own periods, from one read of the earliest start)' },
  { file: 'src/alerts/offer-counts.ts', line: 150, mutator: 'ArrowFunction', replacement: '() => undefined', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 150, mutator: 'LogicalOperator', replacement: 'row.values[d] && null', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'EqualityOperator', replacement: 'row.offers >= 0', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 154, mutator: 'EqualityOperator', replacement: 'row.offers <= 0', test: 'src/alerts/offer-counts.mutants.test.ts (one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers)' },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'ConditionalExpression', replacement: 'false', test: 'src/alerts/offer-counts.mutants.test.ts (no rows: the total is one series of empty periods; a split by a dimension has no series)' },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/offer-counts.mutants.test.ts (no rows: the total is one series of empty periods; a split by a dimension has no series)' },
  { file: 'src/alerts/offer-counts.ts', line: 156, mutator: 'EqualityOperator', replacement: 'request.dimensions.length !== 0', test: 'src/alerts/offer-counts.mutants.test.ts (no rows: the total is one series of empty periods; a split by a dimension has no series)' },
  { file: 'src/alerts/judge-segment-below.ts', line: 69, mutator: 'StringLiteral', replacement: '""', test: 'src/alerts/judge-segment-below.mutants.test.ts (few accepted: Fisher’s exact test, named so (1/40 against 8/40: p = 0.028889, Holm 0.057777))' },
  { file: 'src/alerts/judge-segment-below.ts', line: 26, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/judge-segment-below.mutants.test.ts (minOffers 0: a segment without offers still stays out of the family)' },
  { file: 'src/alerts/judge-segment-below.ts', line: 26, mutator: 'EqualityOperator', replacement: 's.p.n >= 0', test: 'src/alerts/judge-segment-below.mutants.test.ts (minOffers 0: a segment without offers still stays out of the family)' },
  { file: 'src/alerts/judge-segment-below.ts', line: 34, mutator: 'ObjectLiteral', replacement: '{}', test: 'src/alerts/judge-segment-below.mutants.test.ts (the family is tested at the condition’s α: 12% against 15% at α = 0.2 (Holm p = 0.099) is below, its interval at 90%)' },
  { file: 'src/alerts/judge-segment-below.ts', line: 69, mutator: 'ConditionalExpression', replacement: 'true', test: 'src/alerts/judge-segment-below.mutants.test.ts (few accepted: Fisher’s exact test, named so (1/40 against 8/40: p = 0.028889, Holm 0.057777))' },
];

/** The `--mutate` / `-m` globs among Stryker's arguments. @param {string[]} args */
function mutateGlobs(args) {
  const globs = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--mutate' || a === '-m') globs.push(...(args[i + 1] ?? '').split(','));
    else if (a.startsWith('--mutate=')) globs.push(...a.slice('--mutate='.length).split(','));
  }
  return globs.map((g) => g.trim()).filter((g) => g !== '');
}

/** One Stryker run, timed; its time is kept beside its report. @param {string[]} args */
function stryker(args) {
  const globs = mutateGlobs(args).filter((g) => !g.startsWith('!'));
  const scope = scopeOf(globs);
  // A --mutate on the command line replaces the config's list, test files and all: leave them out again.
  const extra = globs.length > 0 ? ['--mutate', [...mutateGlobs(args), '!**/*.test.ts'].join(',')] : [];
  const rest = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--mutate' || a === '-m') i += 1;
    else if (!a.startsWith('--mutate=')) rest.push(a);
  }
  const started = Date.now();
  console.log(`mutate: stryker run ${[...rest, ...extra].join(' ')}`);
  const run = spawnSync(join(root, 'node_modules', '.bin', 'stryker'), ['run', ...rest, ...extra], { cwd: root, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  if (run.status !== 0) return run.status ?? 1;
  // Each mutant's outcome without the sources Stryker's report carries: file → [line, column, mutator, replacement, status].
  const report = JSON.parse(readFileSync(strykerReport(scope), 'utf8'));
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, result]) => [
      file.replace(root, ''),
      result.mutants.map((m) => [m.location.start.line, m.location.start.column, m.mutatorName, m.replacement ?? '', m.status]),
    ]),
  );
  mkdirSync(results, { recursive: true });
  const saved = join(results, `${scope}.json`);
  const before = existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {};
  const entry = { seconds, finished: new Date().toISOString(), mutate: globs };
  const head = JSON.stringify({ ...entry, runs: [...(before.runs ?? []), entry].slice(-10) }, null, 1).replace(/\n}$/, '');
  // One line per mutant, so a re-run's diff shows the mutants whose outcome changed.
  const body = Object.entries(files).map(([file, mutants]) => ` ${JSON.stringify(file)}: [\n${mutants.map((m) => `  ${JSON.stringify(m)}`).join(',\n')}\n ]`);
  writeFileSync(saved, `${head},\n "files": {\n${body.join(',\n')}\n }\n}\n`);
  return 0;
}

/**
 * @typedef {{ id: string, mutatorName: string, replacement?: string, status: string,
 *   location: { start: { line: number, column: number } } }} Mutant
 * @typedef {{ source: string, mutants: Mutant[] }} FileResult
 */

/** Every file's newest result, and each run's time (from bench/mutation/*.json). */
function readReports() {
  /** @type {Map<string, FileResult>} */
  const files = new Map();
  /** @type {Map<string, { seconds: number, finished: string, mutate: string[], runs?: { seconds: number }[] }>} */
  const runs = new Map();
  if (!existsSync(results)) return { files, runs };
  const saved = readdirSync(results)
    .filter((n) => n.endsWith('.json'))
    .map((name) => ({ scope: name.replace(/\.json$/, ''), run: JSON.parse(readFileSync(join(results, name), 'utf8')) }))
    .sort((a, b) => (a.run.finished < b.run.finished ? -1 : 1));
  for (const { scope, run } of saved) {
    for (const [file, mutants] of Object.entries(run.files)) {
      files.set(file, {
        source: '',
        mutants: mutants.map(([line, column, mutatorName, replacement, status], i) => ({ id: String(i), mutatorName, replacement, status, location: { start: { line, column } } })),
      });
    }
    runs.set(scope, run);
  }
  return { files, runs };
}

/** @param {string} file @param {Mutant} m */
function equivalence(file, m) {
  return EQUIVALENT.find((e) => e.file === file && e.line === m.location.start.line && e.mutator === m.mutatorName && e.replacement === (m.replacement ?? ''));
}

/** One line, table-safe, cut to `max` characters. @param {string} text @param {number} [max] */
function cell(text, max = Infinity) {
  const one = text.replace(/\s+/g, ' ').trim();
  const short = one.length > max ? `${one.slice(0, max - 3)}…` : one;
  return short.replace(/\|/g, '\\|');
}

/** @param {number} part @param {number} whole */
const pct = (part, whole) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

/** @param {number} seconds */
function duration(seconds) {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

/**
 * A folder's lines in the report as it stands (its score row, its survivors, its files measured):
 * kept for a folder with no saved results here, so results measured before bench/mutation/
 * existed, or on another machine, are not replaced by "not run yet".
 * @param {string} folder
 */
function earlierLines(folder) {
  if (!existsSync(out)) return { row: undefined, survivors: [], measured: undefined };
  const lines = readFileSync(out, 'utf8').split('\n');
  return {
    row: lines.find((l) => l.startsWith(`| ${folder} | `) && !/\| not run yet \|/.test(l)),
    survivors: lines.filter((l) => l.startsWith(`| ${folder}/`)),
    measured: lines.find((l) => l.startsWith(`- ${folder}: `)),
  };
}

function writeReport() {
  const { files, runs } = readReports();
  /** @type {string[]} */
  const keptMeasured = [];
  const lines = [
    '# Mutation testing',
    '',
    'Written by `node scripts/mutation-report.mjs` from StrykerJS runs (`npm run mutate`, see',
    '`stryker.config.mjs`): each scoped folder\'s code mutated one change at a time and tested with',
    'the unit tests beside it (node\'s test runner through tsx, @stryker-mutator/tap-runner, one test',
    'process at a time). Score = (killed + timed out) / (killed + timed out + survived + no coverage).',
    '"Without equivalents" sets aside the survivors listed as equivalent below (the mutated code',
    'behaves the same for every input, so no test can kill them).',
    '',
    '| folder | files measured | mutants | killed | timed out | survived | no coverage | equivalent | score | without equivalents | target | run time |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  /** @type {string[]} */
  const survivors = [];
  for (const folder of SCOPED) {
    const inFolder = [...files.entries()].filter(([f]) => f.startsWith(`${folder}/`)).sort(([a], [b]) => (a < b ? -1 : 1));
    const sources = existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).length
      : 0;
    const target = TARGET[folder] ?? DEFAULT_TARGET;
    const run = runs.get(folder.replace(/^src\//, ''));
    if (inFolder.length === 0) {
      const earlier = earlierLines(folder);
      if (earlier.row) {
        lines.push(earlier.row);
        survivors.push(...earlier.survivors);
        if (earlier.measured) keptMeasured.push(earlier.measured);
      } else lines.push(`| ${folder} | 0 of ${sources} | not run yet | | | | | | | | ${target}% | |`);
      continue;
    }
    const n = { all: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0 };
    for (const [file, result] of inFolder) {
      for (const m of [...result.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
        n.all += 1;
        if (m.status === 'Killed') n.killed += 1;
        else if (m.status === 'Timeout') n.timeout += 1;
        else if (m.status === 'Survived' || m.status === 'NoCoverage') {
          if (m.status === 'Survived') n.survived += 1;
          else n.noCoverage += 1;
          const eq = equivalence(file, m);
          if (eq) n.equivalent += 1;
          const killed = KILLED_SINCE.find((k) => k.file === file && k.line === m.location.start.line && k.mutator === m.mutatorName && k.replacement === (m.replacement ?? ''));
          const note = eq ? `equivalent: ${cell(eq.reason)}` : killed ? `killed since by ${cell(killed.test)}` : '';
          survivors.push(`| ${file}:${m.location.start.line} | ${m.mutatorName} | <code>${cell(m.replacement ?? '', 70).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code> | ${m.status === 'Survived' ? 'survived' : 'no coverage'} | ${note} |`);
        }
      }
    }
    const detected = n.killed + n.timeout;
    const valid = detected + n.survived + n.noCoverage;
    const longest = run ? Math.max(run.seconds, ...(run.runs ?? []).map((r) => r.seconds)) : 0;
    const time = run ? `last ${duration(run.seconds)}${longest > run.seconds ? `, longest ${duration(longest)}` : ''} (${run.finished.slice(0, 10)})` : '';
    lines.push(`| ${folder} | ${inFolder.length} of ${sources} | ${n.all} | ${n.killed} | ${n.timeout} | ${n.survived} | ${n.noCoverage} | ${n.equivalent} | ${pct(detected, valid)} | ${pct(detected, valid - n.equivalent)} | ${target}% | ${time} |`);
  }
  const measured = SCOPED.map((folder) => [folder, [...files.keys()].filter((f) => f.startsWith(`${folder}/`)).sort()]).filter(([, list]) => list.length > 0);
  if (measured.length > 0 || keptMeasured.length > 0) {
    lines.push('', 'Files measured (a folder measured on part of its files is a sample: the rest were not run):');
    const listed = new Map(keptMeasured.map((l) => [l.slice(2, l.indexOf(':')), l]));
    for (const [folder, list] of measured) listed.set(String(folder), `- ${folder}: ${list.map((f) => f.slice(folder.length + 1)).join(', ')}`);
    for (const folder of SCOPED) if (listed.has(folder)) lines.push(String(listed.get(folder)));
  }
  lines.push('', 'Run time: the last run of that folder, and the longest of its recent runs (a first run; an incremental run reuses the results of unchanged code and tests).');
  lines.push('', '## Surviving mutants', '');
  if (survivors.length === 0) lines.push('None.');
  else lines.push('| where | mutator | replacement | status | note |', '|---|---|---|---|---|', ...survivors);
  const added = SCOPED.flatMap((folder) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.mutants.test.ts')).map((n) => join(folder, n))
      : []).sort();
  lines.push('', '## Tests added for survivors', '');
  if (added.length === 0) lines.push('None yet.');
  for (const file of added) {
    const tests = readFileSync(join(root, file), 'utf8').match(/^test\(/gm)?.length ?? 0;
    lines.push(`- ${file} (${tests} test${tests === 1 ? '' : 's'})`);
  }
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`mutate: wrote ${out.replace(root, '')}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'run') {
  let status = 0;
  if (mutateGlobs(args).length > 0) status = stryker(args);
  else for (const folder of SCOPED) status = stryker([...args, '--mutate', `${folder}/**/*.ts`]) || status;
  writeReport();
  process.exit(status);
} else if (mode === undefined) {
  writeReport();
} else {
  console.error('usage: node scripts/mutation-report.mjs [run [stryker options]]');
  process.exit(2);
}
