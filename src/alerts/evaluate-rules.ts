/**
 * Judging rules at an instant: one Cube query per rule for the periods it needs, then the
 * condition's statistics per scope. Pure reading: state and delivery are elsewhere.
 */
import { errorMessage, isUprateError } from '../core/errors.js';
import type { Model } from '../model/index.js';
import type { BandThresholds } from '../stats/index.js';
import type { CubeFilter } from '../query/cube-query.js';
import type { Store } from '../store/index.js';
import type { Finding, JudgeContext, ScopeGroup } from './finding.js';
import { judgeBelow } from './judge-below.js';
import { judgeControlLimit } from './judge-control-limit.js';
import { judgeDrop } from './judge-drop.js';
import { judgeSegmentBelow } from './judge-segment-below.js';
import { judgeVolumeDrop } from './judge-volume-drop.js';
import { bindKpi, type KpiBinding } from '../kpi/index.js';
import { addCounts, fetchCounts, sharedPeriodReader, type CountRequest, type CountSeries, type PeriodCounts, type PeriodRowReader } from './offer-counts.js';
import { currentPeriodStart, periodsBefore, periodsPerYear, provisionalSearch } from './periods.js';
import type { AlertRule } from './rules-schema.js';
import { scopeFilter, scopeName } from './scope.js';

export interface RuleResult {
  readonly rule: AlertRule;
  readonly findings: readonly Finding[];
  /** Set when the rule could not be evaluated (a database error): its alerts keep their state. */
  readonly error: string | null;
}

export interface EvaluateOptions {
  readonly at: Date;
  readonly bands: BandThresholds;
  /** The members rules count with (default: the shipped model's, `bindKpi(model)`). */
  readonly binding?: KpiBinding | null;
}

/** Periods of history a condition needs before the judged one. */
function history(rule: AlertRule): number {
  const c = rule.condition;
  switch (c.type) {
    case 'below':
    case 'segment-below':
      return 0;
    case 'drop':
    case 'volume-drop':
      return c.versus === 'previous' ? 1 : periodsPerYear(rule.grain);
    case 'control-limit':
      return c.periods - 1;
  }
}

/** The count query a rule runs at `at` (also used to check a rule against the model). */
export function ruleRequest(rule: AlertRule, at: Date): CountRequest {
  const until = currentPeriodStart(at, rule.grain);
  const search = rule.condition.type === 'volume-drop' ? 0 : provisionalSearch(rule.grain);
  const dimensions = [...(rule.scope.by ? [rule.scope.by] : []), ...(rule.condition.type === 'segment-below' ? [rule.condition.by] : [])];
  return {
    grain: rule.grain,
    from: periodsBefore(until, rule.grain, search + history(rule) + 1),
    until,
    dimensions,
    filters: rule.scope.filters.map((f): CubeFilter => ({ member: f.member, operator: f.operator, ...(f.values ? { values: f.values.map(String) } : {}) })),
    at,
  };
}

/**
 * Series of the same periods added up, period by period (`addCounts`: customer sums with
 * `addMoments`). A rule's query has the scope's dimension and, for `segment-below`, the segment's:
 * a scope's `total` is one series (exact) except for `segment-below`, whose totals add the
 * segments up — approximate customer sums when a customer spans segments, but those totals only
 * name the judged period and decide whether it is provisional; the segments are judged on their
 * own counts.
 */
function addUp(series: readonly (readonly PeriodCounts[])[]): PeriodCounts[] {
  const first = series[0] ?? [];
  return first.map((p, i) => addCounts(p, series.map((s) => s[i])));
}

/** Series → one group per scope (per value of `scope.by`, or `all`). */
export function scopeGroups(rule: AlertRule, series: readonly CountSeries[], baseFilters: readonly CubeFilter[]): ScopeGroup[] {
  const by = rule.scope.by;
  const segmentIndex = by ? 1 : 0;
  const keyed = new Map<string, { value: string | null; series: CountSeries[] }>();
  for (const s of series) {
    const value = by ? (s.values[0] ?? null) : null;
    const key = by ? JSON.stringify(value) : 'all';
    const entry = keyed.get(key) ?? { value, series: [] };
    entry.series.push(s);
    keyed.set(key, entry);
  }
  return [...keyed.values()].map((entry) => ({
    scope: by ? scopeName('all', by, entry.value) : 'all',
    filters: by ? [...baseFilters, scopeFilter(by, entry.value)] : [...baseFilters],
    total: addUp(entry.series.map((s) => s.periods)),
    segments: rule.condition.type === 'segment-below' ? entry.series.map((s) => ({ value: s.values[segmentIndex] ?? null, periods: s.periods })) : [],
  }));
}

/**
 * The latest ended period a rule may judge: not provisional unless the rule says so. Every scope
 * of a rule judges the same period (the rule's whole population decides), so that scopes compare.
 */
function judgedIndex(rule: AlertRule, total: readonly PeriodCounts[]): { index: number | null; reason: string } {
  const last = total.length - 1;
  if (last < 0) return { index: null, reason: 'no period has ended yet' };
  if (rule.includeProvisional) return { index: last, reason: '' };
  for (let i = last; i >= 0 && i >= last - provisionalSearch(rule.grain); i--) {
    if ((total[i]?.pending ?? 0) === 0) return { index: i, reason: '' };
  }
  return { index: null, reason: `every ${rule.grain} of the last ${provisionalSearch(rule.grain) + 1} is provisional (offers still inside their conversion window); set includeProvisional: true to judge them` };
}

function judge(rule: AlertRule, ctx: JudgeContext, groups: ScopeGroup[]): Finding[] {
  const c = rule.condition;
  switch (c.type) {
    case 'below':
      return judgeBelow(ctx, c, groups);
    case 'drop':
      return judgeDrop(ctx, c, groups);
    case 'control-limit':
      return judgeControlLimit(ctx, c, groups);
    case 'segment-below':
      return judgeSegmentBelow(ctx, c, groups);
    case 'volume-drop':
      return judgeVolumeDrop(ctx, c, groups);
  }
}

/**
 * Evaluates one rule; a database failure is reported in `error`, never thrown. `read` reads its
 * counts (default: on their own; `evaluateRules` shares one read among rules of the same offers).
 */
export async function evaluateRule(store: Store, model: Model, rule: AlertRule, options: EvaluateOptions, read?: PeriodRowReader): Promise<RuleResult> {
  const request = ruleRequest(rule, options.at);
  const binding = options.binding ?? bindKpi(model, undefined);
  try {
    const series = await fetchCounts(store, model, binding, request, read);
    const groups = scopeGroups(rule, series, request.filters);
    const judged = judgedIndex(rule, addUp(groups.map((g) => g.total)));
    const ctx: JudgeContext = { rule, bands: options.bands, judged: () => judged };
    return { rule, findings: judge(rule, ctx, groups), error: null };
  } catch (e) {
    if (isUprateError(e) && e.code !== 'DB_ERROR' && e.code !== 'DB_LOCKED') throw e;
    return { rule, findings: [], error: errorMessage(e) };
  }
}

/**
 * Evaluates rules one after the other (they share one store; a server has other work too). Rules
 * counting the same offers the same way (grain, scope, filters) share one read of the periods
 * the longest of them needs: the default rules read their months once.
 */
export async function evaluateRules(store: Store, model: Model, rules: readonly AlertRule[], options: EvaluateOptions): Promise<RuleResult[]> {
  const enabled = rules.filter((rule) => rule.enabled);
  const binding = options.binding ?? bindKpi(model, undefined);
  const read = sharedPeriodReader(store, model, binding, enabled.map((rule) => ruleRequest(rule, options.at)));
  const out: RuleResult[] = [];
  for (const rule of enabled) out.push(await evaluateRule(store, model, rule, { ...options, binding }, read));
  return out;
}
