import { clockUses, memberReadsClock, type Model, type RollupDef } from '../model/index.js';
import type { Predicate, QueryPlan } from '../query/plan.js';
import { leafMeasures, measureDef } from '../sql/measure-sql.js';
import { conjuncts } from '../sql/query-scope.js';
import { closingTable, openWindowTable } from './open-window.js';
import type { RollupBuild } from './definition.js';
import { DERIVABLE, periodCeil, periodFloor } from './periods.js';
import type { OpenWindow, StoredRollup } from './registry.js';

/** A built rollup that is fresh: it matches the model's definition and the store's data. */
export interface UsableRollup {
  readonly rollup: RollupDef;
  readonly build: RollupBuild;
  readonly stored: StoredRollup;
  /** Its open window (open-window.ts), when filled from the data the rollup holds; null otherwise. */
  readonly open?: OpenWindow | null;
}

/**
 * The open window's share of a match: its periods in `[from, to)` (to: the match's), and the rows
 * whose conversion window closed between its clock and the query's (time in `(after, upTo]`),
 * whose change the closing table holds for the measures with a window.
 */
export interface OpenWindowRead {
  readonly table: string;
  /** The rows still to close, and what closing changes (open-window.ts). */
  readonly closing: string;
  readonly from: string;
  readonly clock: string;
  readonly closed: { readonly after: string; readonly upTo: string; readonly leaves: readonly string[] } | null;
}

/**
 * A query answered from a rollup: the rollup's whole periods in `[from, to)` (UTC instants; null:
 * unbounded) and the rows outside that range, summed together.
 */
export interface RollupMatch {
  readonly use: UsableRollup;
  readonly from: string | null;
  readonly to: string | null;
  /** Periods a query's range cut, or that are not settled at its clock, come from the rows too. */
  readonly readsRows: boolean;
  /** The periods from its open window's start come from the open window instead of the rollup. */
  readonly open?: OpenWindowRead | null;
}

/** Why no rollup answers a query (for `/sql`, `/dry-run` and the annotation). */
export interface NoRollup {
  readonly reason: string;
}

type Condition = Extract<Predicate, { kind: 'condition' }>;

function members(p: Predicate): { paths: string[]; segments: boolean; measures: boolean } {
  if (p.kind === 'segment') return { paths: [], segments: true, measures: false };
  if (p.kind === 'condition') return { paths: [p.member.path], segments: false, measures: p.member.memberType === 'measure' || p.operator === 'measureFilter' };
  const parts = p.items.map(members);
  return { paths: parts.flatMap((x) => x.paths), segments: parts.some((x) => x.segments), measures: parts.some((x) => x.measures) };
}

/** An inclusive end `…59.999Z` also covers the rest of its millisecond (the compiler widens it on microsecond engines). */
const inclusiveEnd = (v: string): number => Date.parse(v) + (v.endsWith('.999Z') ? 1 : 0);

/**
 * The range of whole periods a time condition keeps entirely: rows in `[lo, hi)` all satisfy it.
 * Null when the condition is of a kind a range cannot express.
 */
export function conditionRange(c: Condition): { lo: number; hi: number } | null {
  const [a, b] = c.values.map(String);
  if (a === undefined) return null;
  switch (c.operator) {
    case 'inDateRange':
    case 'onTheDate':
      return b === undefined ? null : { lo: Date.parse(a), hi: inclusiveEnd(b) };
    case 'beforeDate':
      return { lo: -Infinity, hi: Date.parse(a) };
    case 'beforeOrOnDate':
      return { lo: -Infinity, hi: inclusiveEnd(a) };
    case 'afterDate':
      return { lo: Date.parse(a) + 1, hi: Infinity };
    case 'afterOrOnDate':
      return { lo: Date.parse(a), hi: Infinity };
    // The comparisons on a time member compare with one instant (the first value), as the compiler does.
    case 'lt':
    // `lte`: rows at the instant itself lie in the next period, which then comes from the rows: no
    // widening by the rest of a millisecond (the compiler does not widen `lte`).
    case 'lte':
      return { lo: -Infinity, hi: Date.parse(a) };
    case 'gt':
      // Not widened either: on a microsecond engine rows later in the instant's own millisecond are
      // after it. Half a millisecond on, no whole period starts there, so those rows are read from the rows.
      return { lo: Date.parse(a) + 0.5, hi: Infinity };
    case 'gte':
      return { lo: Date.parse(a), hi: Infinity };
    default:
      return null;
  }
}

/**
 * The range `[lo, hi)` the top-level conditions on a time member keep (unbounded: ±Infinity), or
 * the first such condition no range expresses.
 */
export function timeRangeOf(where: Predicate | null, path: string): { readonly lo: number; readonly hi: number } | { readonly unranged: Condition } {
  let lo = -Infinity;
  let hi = Infinity;
  for (const p of conjuncts(where)) {
    if (p.kind !== 'condition' || p.member.path !== path) continue;
    const range = conditionRange(p);
    if (!range) return { unranged: p };
    lo = Math.max(lo, range.lo);
    hi = Math.min(hi, range.hi);
  }
  return { lo, hi };
}

/** The members the plan's top-level filters fix to one value (`equals` one value): a rollup's rows of one such value each. */
export function fixedToOneValue(where: Predicate | null): Set<string> {
  return new Set(conjuncts(where).flatMap((p) => (p.kind === 'condition' && p.operator === 'equals' && p.values.length === 1 && p.values[0] !== null ? [p.member.path] : [])));
}

/**
 * Why a rollup storing a distinct count cannot give a plan's groups, or null when it can: a
 * distinct count of several of its rows is not their sum, so each group of the answer must be one
 * row of the rollup — grouped by its granularity, and by each of its dimensions or with the
 * dimension fixed to one value (Cube's rule for non-additive measures). Then a period the query's
 * range cuts, or that is not settled at its clock, is a group of its own, read whole from the rows.
 */
function distinctRegrouped(model: Model, plan: QueryPlan, rollup: RollupDef, leaves: readonly string[]): string | null {
  const distinct = leaves.find((l) => measureDef(model, l).type === 'count_distinct');
  if (!distinct) return null;
  const name = rollup.path;
  const grains = plan.timeDimensions.filter((td) => td.member.path === rollup.timeDimension);
  if (grains.length === 0 || grains.some((td) => td.granularity !== rollup.granularity)) {
    return `${name} stores ${distinct}, a distinct count: it answers queries by ${rollup.granularity} only (the distinct count of several ${rollup.granularity}s is not their sum)`;
  }
  const fixed = fixedToOneValue(plan.where);
  const loose = rollup.dimensions.find((d) => !plan.dimensions.some((s) => s.member.path === d) && !fixed.has(d));
  return loose ? `${name} stores ${distinct}, a distinct count: it answers queries grouped by ${loose} or with it fixed to one value` : null;
}

/** Can this rollup answer the plan exactly, and for which periods? */
function matchOne(model: Model, plan: QueryPlan, use: UsableRollup): RollupMatch | NoRollup {
  const { rollup } = use;
  const name = rollup.path;
  const leaves = [...new Set(plan.measures.flatMap((s) => leafMeasures(model, s.member.path)))];
  const missingMeasure = leaves.find((l) => !rollup.measures.includes(l));
  if (missingMeasure) return { reason: `${name} does not store ${missingMeasure}` };
  const missingDimension = plan.dimensions.find((s) => !rollup.dimensions.includes(s.member.path));
  if (missingDimension) return { reason: `${name} does not store ${missingDimension.member.path}` };
  for (const td of plan.timeDimensions) {
    if (td.member.path !== rollup.timeDimension) return { reason: `${name} is by ${rollup.timeDimension}, not ${td.member.path}` };
    if (!td.granularity || !DERIVABLE[rollup.granularity].includes(td.granularity)) return { reason: `${name} is by ${rollup.granularity}: it cannot give ${td.granularity}` };
  }
  for (const p of conjuncts(plan.where)) {
    const m = members(p);
    if (m.segments) return { reason: 'a segment filters the rows (a rollup stores no segments)' };
    if (m.measures) return { reason: 'a measure filter applies to the rows' };
    if (p.kind === 'condition' && p.member.path === rollup.timeDimension) continue;
    const outside = m.paths.find((path) => !rollup.dimensions.includes(path));
    if (outside) return { reason: `a filter on ${outside}, which ${name} does not store` };
  }
  const regrouped = distinctRegrouped(model, plan, rollup, leaves);
  if (regrouped) return { reason: regrouped };
  const range = timeRangeOf(plan.where, rollup.timeDimension);
  if ('unranged' in range) return { reason: `${range.unranged.operator} on ${range.unranged.member.path} is not a range of periods` };
  let { lo, hi } = range;
  // No row lies after the data's latest instant (kept with the open window, of the same data): a
  // range ending after it ends, for the rows, where the period holding that instant ends — the
  // dashboard's "to the last day" and an as-of "now" would otherwise read that month from the rows.
  const last = use.open?.last;
  if (last && hi !== Infinity && hi >= Date.parse(last) + 1) hi = periodCeil(Date.parse(last) + 1, rollup.granularity);
  // Nor before its earliest: a range starting before it (the dashboard's "from the first day",
  // which cuts that day's month) starts, for the rows, where its own period starts. A
  // millisecond short of it, as the end is a millisecond past the latest: rows come finer.
  const first = use.open?.first;
  if (first && lo !== -Infinity && lo <= Date.parse(first) - 1) lo = periodFloor(lo, rollup.granularity);
  // A dimension read at the clock (as `column <= now` only) reads as stored from the open window's clock on.
  const clocked = [...plan.dimensions.map((d) => d.member.path), ...conjuncts(plan.where).flatMap((p) => members(p).paths)].find((path) => memberReadsClock(model.cubes, path));
  if (clocked && !(use.open?.clock && Date.parse(plan.now) >= Date.parse(use.open.clock))) {
    return { reason: `${clocked} reads the clock: ${name} answers it at a clock at or after its open window's${use.open?.clock ? ` (${use.open.clock})` : ' (none is filled from the data it holds)'}` };
  }
  const asked = hi;
  // Periods not yet settled at the query's clock still change with it: read from the rows, or
  // from the open window. Not for measures that never read the clock (a count of offers, a sum
  // of their revenue): their periods read the same at any clock, open window or not, and the
  // rollup is kept fresh by every ingest (a dimension that reads the clock is refused in a rollup).
  const clockFree = leaves.every((l) => !memberReadsClock(model.cubes, l));
  const open = clockFree ? null : openWindowOf(model, plan, use, leaves);
  if (rollup.settledAfterDays !== null && !clockFree && !open) hi = Math.min(hi, Date.parse(plan.now) - rollup.settledAfterDays * 86_400_000);
  const from = lo === -Infinity ? null : periodCeil(lo, rollup.granularity);
  const to = hi === Infinity ? null : periodFloor(hi, rollup.granularity);
  if (from !== null && to !== null && from >= to) return { reason: `no whole ${rollup.granularity} of ${name} is inside the query's range and settled at its clock` };
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  // Rows are read only where the query's own range goes beyond the rollup's whole periods
  // (rows without a time are outside any range the query sets, and inside none it leaves open).
  const readsRows = (from !== null && from !== lo) || (to !== null && to !== asked);
  return { use, from: iso(from), to: iso(to), readsRows, open };
}

/**
 * How a rollup's open window serves a query at its clock, or null: filled from the data the
 * rollup holds, at a clock at or before the query's, and every leaf measure comparing the clock
 * only as `column <= now` (past the window's clock, which is past every such column's value, it
 * reads the same) or — counts only — as a window on the time column, whose rows closed since
 * are counted again.
 */
function openWindowOf(model: Model, plan: QueryPlan, use: UsableRollup, leaves: readonly string[]): OpenWindowRead | null {
  const open = use.open;
  if (!open?.clock || !open.from || use.rollup.settledAfterDays === null) return null;
  const clock = Date.parse(open.clock);
  const now = Date.parse(plan.now);
  if (!(now >= clock)) return null;
  const windowed: string[] = [];
  for (const leaf of leaves) {
    const uses = clockUses(model.cubes, leaf);
    if (!uses) return null;
    if (uses.windows.length === 0) continue;
    // A sum over the closed rows could turn a NULL (no row) into 0 (a row counted and taken away).
    if (measureDef(model, leaf).type !== 'count' || !open.template.closing?.measureColumns[leaf]) return null;
    windowed.push(leaf);
  }
  const days = (open.template.closing?.days ?? 0) * 86_400_000;
  const after = clock - days;
  const upTo = now - days;
  const closed = windowed.length > 0 && upTo > after ? { after: new Date(after).toISOString(), upTo: new Date(upTo).toISOString(), leaves: windowed } : null;
  return { table: openWindowTable(use.stored.table), closing: closingTable(use.stored.table), from: open.from, clock: open.clock, closed };
}

/**
 * The rollup that answers a plan exactly, or why none does. A rollup answers when it stores every
 * leaf measure (a ratio is re-derived from its parts), every dimension and filtered member, and
 * the query's granularity is made of its periods, in UTC; it serves the whole periods inside the
 * query's range that are settled at the query's clock (every whole period, for measures that do not
 * read the clock), and the rows serve the rest. Of several, one reading no rows wins, then the smallest.
 */
export function matchRollup(model: Model, plan: QueryPlan, all: readonly UsableRollup[]): RollupMatch | NoRollup {
  // A rollup by cluster answers clustered reads only (clustered-read.ts).
  const usable = all.filter((u) => u.stored.layout === null);
  if (usable.length === 0) return { reason: 'no rollup is built and fresh (uprate rollups status)' };
  if (plan.ungrouped) return { reason: 'an ungrouped query reads rows' };
  if (plan.having) return { reason: 'a filter on a measure (HAVING) is read from the rows' };
  if (plan.timezone !== 'UTC') return { reason: `rollups are by UTC period; the query is in ${plan.timezone}` };
  const results = usable.map((u) => matchOne(model, plan, u));
  // One that reads no rows beats one that does (a cut month read from the rows costs more than any rollup); then the smallest.
  const matches = results.filter((r): r is RollupMatch => 'use' in r).sort((a, b) => Number(a.readsRows) - Number(b.readsRows) || a.use.stored.rows - b.use.stored.rows);
  return matches[0] ?? { reason: results.map((r) => ('reason' in r ? r.reason : '')).join('; ') };
}
