import { comparable, plainColumn } from './column-refs.js';
import type { ProblemList } from './problems.js';
import { ROLLUP_NESTS, type CubeDef, type RollupDef, type Template } from './types.js';

/** Measure types a rollup can store: their value over many periods is a sum (min, max) of the periods' values. */
const ADDITIVE = ['count', 'sum', 'min', 'max'];

/**
 * A distinct count is not additive: a plain rollup stores it per group, and answers it only for
 * queries grouped exactly as it is (its granularity, each of its dimensions grouped or fixed to
 * one value), as Cube matches non-additive measures — each group of the answer is then one row of
 * the rollup (src/rollups/match.ts).
 */
const EXACT_ONLY = ['count_distinct'];

const NOT_ADDITIVE: Readonly<Record<string, string>> = {
  number: 'list the measures it is computed from instead (a ratio is re-derived from the rollup\'s sums, never summed)',
  avg: 'list a sum and a count measure instead (an average of averages is not the average)',
  count_distinct_approx: 'an estimate differs between engines and between a rollup\'s groups and the rows; leave it out (it is read from the rows), or make it an exact count_distinct',
};

/** Does the template read the clock (`uprate.now()`), itself or through the members it names? */
function readsClock(cubes: ReadonlyMap<string, CubeDef>, template: Template, seen: Set<string>): boolean {
  return template.some((part) => {
    if (part.kind === 'macro') return part.name === 'now' || part.args.some((a) => a.kind === 'sql' && readsClock(cubes, a.template, seen));
    if (part.kind !== 'member') return false;
    const key = `${part.cube}.${part.member}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return memberReadsClock(cubes, key, seen);
  });
}

/** Does the member's SQL (a measure's with its filters) read the clock? */
export function memberReadsClock(cubes: ReadonlyMap<string, CubeDef>, path: string, seen = new Set<string>([path])): boolean {
  const [c = '', name = ''] = path.split('.');
  const cube = cubes.get(c);
  const measure = cube?.measures.get(name);
  if (measure) return [...(measure.sql ? [measure.sql] : []), ...measure.filters].some((t) => readsClock(cubes, t, seen));
  const dimension = cube?.dimensions.get(name) ?? cube?.segments.get(name);
  return dimension ? readsClock(cubes, dimension.sql, seen) : false;
}

/** Cubes reached from `from` through joins that never repeat its rows (many_to_one, one_to_one). */
function reachedWithoutFanOut(cubes: ReadonlyMap<string, CubeDef>, from: string): Set<string> {
  const reached = new Set([from]);
  const queue = [from];
  for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
    for (const join of cubes.get(c)?.joins.values() ?? []) {
      if (join.relationship !== 'one_to_many' && !reached.has(join.target)) {
        reached.add(join.target);
        queue.push(join.target);
      }
    }
  }
  return reached;
}

function checkRollup(cubes: ReadonlyMap<string, CubeDef>, cube: CubeDef, rollup: RollupDef, problems: ProblemList): void {
  const place = { file: cube.file, line: rollup.line, cube: cube.name, member: `preAggregations.${rollup.name}` };
  const reached = reachedWithoutFanOut(cubes, cube.name);
  const member = (path: string) => {
    const [c = '', name = ''] = path.split('.');
    return { cube: c, measure: cubes.get(c)?.measures.get(name), dimension: cubes.get(c)?.dimensions.get(name) };
  };
  let clock = false;
  for (const path of rollup.measures) {
    const { cube: owner, measure } = member(path);
    if (!measure) problems.error(place, `${path} is not a measure`, 'list measures under measures, dimensions under dimensions');
    else if (owner !== cube.name) problems.error(place, `${path} is a measure of another cube`, `declare the rollup in ${owner}, or list ${cube.name}'s own measures`);
    else if (EXACT_ONLY.includes(measure.type) && rollup.clusteredBy !== null) {
      problems.error(place, `${path} is a ${measure.type} measure: a rollup by cluster stores counts and sums`, 'store it in a plain rollup (no clusteredBy): it answers queries grouped exactly by that rollup\'s dimensions and granularity');
    } else if (!ADDITIVE.includes(measure.type) && !EXACT_ONLY.includes(measure.type)) problems.error(place, `${path} is a ${measure.type} measure, which a rollup cannot store exactly`, NOT_ADDITIVE[measure.type]);
    else clock ||= memberReadsClock(cubes, path);
  }
  for (const path of rollup.dimensions) {
    const { cube: owner, dimension } = member(path);
    if (!dimension) problems.error(place, `${path} is not a dimension`, 'list dimensions under dimensions, measures under measures');
    else if (dimension.type === 'time') problems.error(place, `${path} is a time dimension`, 'name it as timeDimension (one per rollup), or leave it out');
    else if (!reached.has(owner)) problems.error(place, `${path} is not reached from ${cube.name} through many_to_one or one_to_one joins`, 'a one_to_many join repeats the rows a rollup sums; leave the dimension out');
    else if (memberReadsClock(cubes, path) && !readsClockOnlyPastColumns(cubes, rollup, path)) {
      problems.error(place, `${path} reads the clock (uprate.now()): its value changes with the query's as-of instant`, 'leave it out of the rollup (it is read from the rows), or compare the clock only as `${CUBE}.accepted_at <= ${uprate.now()}` in a rollup with settledAfterDays');
    }
  }
  const time = member(rollup.timeDimension);
  if (!time.dimension || time.dimension.type !== 'time') problems.error(place, `timeDimension ${rollup.timeDimension} is not a time dimension`, 'timeDimension: offeredAt');
  else if (time.cube !== cube.name) problems.error(place, `timeDimension ${rollup.timeDimension} is another cube's`, `use a time dimension of ${cube.name}`);
  else if (memberReadsClock(cubes, rollup.timeDimension)) problems.error(place, `timeDimension ${rollup.timeDimension} reads the clock`, 'use a stored time column');
  if (!ROLLUP_NESTS[rollup.granularity].includes(rollup.partitionGranularity)) {
    problems.error(place, `partitionGranularity ${rollup.partitionGranularity} is not made of whole ${rollup.granularity}s`, `partitionGranularity: one of ${ROLLUP_NESTS[rollup.granularity].join(', ')}`);
  }
  if (rollup.moments && rollup.clusteredBy === null) problems.error(place, `moments are a rollup by cluster's: ${rollup.path} has no clusteredBy`, 'clusteredBy: customerId, moments: true');
  if (rollup.clusteredBy !== null) {
    checkClustered(cubes, cube, rollup, problems, place);
    return;
  }
  if (clock && rollup.settledAfterDays === null) {
    problems.error(
      place,
      `a measure of ${rollup.path} reads the clock (uprate.now()), so its value for a period keeps changing until the period is settled`,
      'say after how many days a row no longer changes: settledAfterDays: uprate.conversionWindowDays (periods younger than that are read from the rows)',
    );
  }
}

/**
 * A plain rollup with `settledAfterDays` may store a dimension of its own cube that compares the clock only as
 * `${CUBE}.column <= now`: past the column's largest value it reads the same at every clock, and
 * such a rollup's open window (src/rollups/open-window.ts) records a clock past it, from which on
 * queries grouping or filtering by the dimension read the rollup.
 */
function readsClockOnlyPastColumns(cubes: ReadonlyMap<string, CubeDef>, rollup: RollupDef, path: string): boolean {
  const uses = clockUses(cubes, path);
  return rollup.clusteredBy === null && rollup.settledAfterDays !== null && path.split('.')[0] === rollup.cube && uses !== null && uses.windows.length === 0;
}

/**
 * A rollup stores only what it can answer exactly: additive measures of its own cube, dimensions
 * that do not repeat its rows and do not move with the clock, and — when a measure reads the
 * clock — how long after which a period is settled.
 */
export function checkRollups(cubes: ReadonlyMap<string, CubeDef>, problems: ProblemList): void {
  for (const cube of cubes.values()) for (const rollup of cube.rollups.values()) checkRollup(cubes, cube, rollup, problems);
}

/** Measure types a rollup by cluster stores: the sums a cluster's periods add up to. */
const CLUSTER_ADDITIVE = ['count', 'sum'];

/** Granularities a rollup by cluster keeps side by side (a column per period: months, not days). */
const CLUSTER_GRANULARITIES = ['month'];
/** A rollup of moments per period keeps a few rows per group and period: fine grains too. */
const PER_PERIOD_GRANULARITIES = ['day', 'week', 'month'];

/**
 * Where the clock may appear in a rollup by cluster's measures: only as `${CUBE}.column <= now`
 * (or `<`), a whole comparison between boolean operators. Such a comparison is true at every
 * clock once the clock is past the column's largest stored value, so at any clock past the
 * data's last instant each row's measures read as they read at the end of time, which is when
 * the rollup is computed.
 */
const CLOCK_ATOM = /(^|[(,]|\b(?:AND|OR|NOT|WHEN|THEN|ELSE)\s)\s*\{self\}\.([A-Za-z_]\w*)\s*<=?\s*\{now\(\)\}\s*(?=$|[),]|\b(?:AND|OR|THEN|ELSE|END|WHEN)\b)/gi;

/**
 * The stored columns a member compares with the clock (as `column <= now`), or why its use of the
 * clock is not one a rollup by cluster can hold.
 */
export function clockColumns(cubes: ReadonlyMap<string, CubeDef>, path: string): { readonly columns: readonly string[] } | { readonly problem: string } {
  const uses = clockComparisons(cubes, path, memberTemplates(cubes, path) ?? []);
  if ('problem' in uses) return uses;
  return uses.windows.length > 0 ? { problem: OTHER_COMPARISON } : { columns: uses.columns };
}

/**
 * A measure's (or a dimension's) clock comparisons, when each is one an evaluation at an earlier clock can be carried
 * forward from: `${CUBE}.column <= now` (or `<`) and `uprate.addDays(${CUBE}.column, n) > now` (a
 * conversion window still open). Past a column's largest value the first reads the same at every
 * clock; the second changes for a row only while the clock passes the row's column plus n days.
 * Null when the measure compares the clock in any other way.
 */
export function clockUses(cubes: ReadonlyMap<string, CubeDef>, path: string): ClockUses | null {
  const templates = memberTemplates(cubes, path);
  const uses = templates ? clockComparisons(cubes, path, templates) : null;
  return uses && !('problem' in uses) ? uses : null;
}

type ClockUses = { readonly columns: readonly string[]; readonly windows: readonly { readonly column: string; readonly days: number }[] };

const OTHER_COMPARISON = 'it compares the clock other than as `${CUBE}.column <= now`';

/** A measure's SQL with its filters, or a dimension's SQL; null when the path names neither. */
function memberTemplates(cubes: ReadonlyMap<string, CubeDef>, path: string): Template[] | null {
  const [c = '', name = ''] = path.split('.');
  const measure = cubes.get(c)?.measures.get(name);
  const dimension = cubes.get(c)?.dimensions.get(name);
  return measure ? [...(measure.sql ? [measure.sql] : []), ...measure.filters] : dimension ? [dimension.sql] : null;
}

/** The clock comparisons in a member's templates (see {@link clockUses}), or why one is of another kind. */
function clockComparisons(cubes: ReadonlyMap<string, CubeDef>, path: string, templates: readonly Template[]): ClockUses | { readonly problem: string } {
  const c = path.split('.')[0] ?? '';
  const columns = new Set<string>();
  const windows: { column: string; days: number }[] = [];
  for (const template of templates) {
    // Each window's addDays written out, so that the pattern below sees its column and days.
    const parts = template.map((part) => {
      if (part.kind !== 'macro' || part.name !== 'addDays') return part;
      const [ts, days] = part.args;
      const column = ts?.kind === 'sql' ? plainColumn(ts.template, c) : undefined;
      if (column === undefined || days?.kind !== 'number') return part;
      return { kind: 'text' as const, text: `{window:${column}:${days.value}}` };
    });
    for (const part of parts) {
      if (part.kind === 'member' && memberReadsClock(cubes, `${part.cube === 'CUBE' ? c : part.cube}.${part.member}`)) {
        return { problem: `it reads the clock through ${part.cube === 'CUBE' ? c : part.cube}.${part.member}` };
      }
      if (part.kind === 'macro' && part.name !== 'now' && part.args.some((a) => a.kind === 'sql' && readsClock(cubes, a.template, new Set()))) {
        return { problem: `it passes the clock to uprate.${part.name}()` };
      }
    }
    const text = comparable(parts, c);
    const atoms = [...text.matchAll(CLOCK_ATOM)];
    const open = [...text.matchAll(WINDOW_ATOM)];
    if (text.split('{now()}').length - 1 !== atoms.length + open.length) return { problem: OTHER_COMPARISON };
    for (const m of atoms) if (m[2]) columns.add(m[2]);
    for (const m of open) if (m[2] && m[3]) windows.push({ column: m[2], days: Number(m[3]) });
  }
  return { columns: [...columns], windows };
}

/** `uprate.addDays(${CUBE}.column, n) > now`, as {@link clockComparisons} writes the addDays out. */
const WINDOW_ATOM = /(^|[(,]|\b(?:AND|OR|NOT|WHEN|THEN|ELSE)\s)\s*\{window:([A-Za-z_]\w*):(\d+)\}\s*>\s*\{now\(\)\}\s*(?=$|[),]|\b(?:AND|OR|THEN|ELSE|END|WHEN)\b)/gi;

function checkClustered(cubes: ReadonlyMap<string, CubeDef>, cube: CubeDef, rollup: RollupDef, problems: ProblemList, place: { file: string; line: number | undefined; cube: string; member: string }): void {
  const path = rollup.clusteredBy ?? '';
  const [owner = '', name = ''] = path.split('.');
  const dimension = cubes.get(owner)?.dimensions.get(name);
  if (!dimension || dimension.type === 'time') problems.error(place, `clusteredBy ${path} is not a dimension`, 'clusteredBy: customerId (the dimension naming who an offer went to)');
  else if (owner !== cube.name) problems.error(place, `clusteredBy ${path} is another cube's dimension`, `use a dimension of ${cube.name} (the column its rows name the cluster by)`);
  else if (memberReadsClock(cubes, path)) problems.error(place, `clusteredBy ${path} reads the clock`, 'use a stored column');
  const time = cubes.get(cube.name)?.dimensions.get(rollup.timeDimension.split('.')[1] ?? '');
  if (cube.source.kind !== 'table' || !time || plainColumn(time.sql, cube.name) === undefined) {
    problems.error(place, `a rollup by cluster needs ${cube.name} on a table and its timeDimension on a stored column`, 'sql_table: offers, and timeDimension: a dimension whose sql is ${CUBE}.offered_at');
  }
  if (rollup.dimensions.includes(path)) problems.error(place, `${path} is the rollup's cluster: leave it out of dimensions`, `clusteredBy: ${name}`);
  if (rollup.perPeriod ? !PER_PERIOD_GRANULARITIES.includes(rollup.granularity) : !CLUSTER_GRANULARITIES.includes(rollup.granularity)) {
    problems.error(
      place,
      rollup.perPeriod ? `moments per period are kept by day, week or month, not ${rollup.granularity}` : `a rollup by cluster keeps one column per ${rollup.granularity}: too many`,
      rollup.perPeriod
        ? "granularity: 'week' (a read grouped by quarter or year adds up months: moments: true by month answers it)"
        : "granularity: 'month' (a query by quarter or year, or over a range of months, adds the months up); moments: 'perPeriod' keeps weeks or days for reads grouped by them",
    );
  }
  for (const m of rollup.measures) {
    const [mc = '', mn = ''] = m.split('.');
    const measure = cubes.get(mc)?.measures.get(mn);
    if (!measure || mc !== cube.name || !ADDITIVE.includes(measure.type)) continue; // said above
    if (!CLUSTER_ADDITIVE.includes(measure.type)) {
      problems.error(place, `${m} is a ${measure.type} measure: a rollup by cluster stores counts and sums`, 'leave it out (a query reads it from another rollup or the rows)');
      continue;
    }
    // A product of sums that may be NULL or negative has no exact moment form (and "above 0" needs counts).
    if (rollup.moments && measure.type !== 'count') {
      problems.error(place, `${m} is a ${measure.type} measure: a rollup of moments stores counts only`, 'leave it out (a query reads it from another rollup or the rows)');
      continue;
    }
    const clock = clockColumns(cubes, m);
    if ('problem' in clock) {
      problems.error(place, `${m} reads the clock in a way a rollup by cluster cannot hold: ${clock.problem}`, 'leave it out (a query reads it from another rollup or the rows); a measure may compare a stored column with the clock as `${CUBE}.accepted_at <= ${uprate.now()}`');
    }
  }
}
