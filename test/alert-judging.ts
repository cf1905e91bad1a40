/**
 * Fixtures for the unit tests beside src/alerts (the `*.mutants.test.ts` files): period counts,
 * rules with their judging context, scope groups, the parts every expected finding shares, a deep
 * near-equality, and the textbook statistics (Wilson, Newcombe, pooled z) the tests work their
 * expected numbers out by — from the formulas, not from src/stats (Wilson's from alerts-hand.ts).
 *
 * It lives under test/, not beside the code: a mutation run mutates every .ts file under
 * src/alerts that is not a test, and these fixtures must stay as written.
 */
import assert from 'node:assert/strict';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { JudgeContext, ScopeGroup, TestSummary } from '../src/alerts/finding.js';
import type { PeriodCounts } from '../src/alerts/offer-counts.js';
import type { Period } from '../src/alerts/periods.js';
import { ruleSchema, type AlertCondition, type AlertRule } from '../src/alerts/rules-schema.js';
import type { BandThresholds, ClusterMoments } from '../src/stats/index.js';
import { wilson } from './alerts-hand.js';

// ---------------------------------------------------------------------------------------------
// Checking numbers

/** Deep equality, numbers within 1e-9 relative. */
export function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const ok = actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(expected), 1e-300);
    assert.ok(ok, `${path}: ${actual} is not ${expected}`);
    return;
  }
  if (expected !== null && typeof expected === 'object' && !(expected instanceof Date)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const key of Object.keys(expected)) assertClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

// ---------------------------------------------------------------------------------------------
// Textbook statistics

// Wilson's score interval is test/alerts-hand.ts's, shared with the suites under test/.
export { wilson };

/**
 * Newcombe's hybrid score interval of p₁ − p₂ from Wilson bounds:
 * d − √((p₁−l₁)² + (u₂−p₂)²) … d + √((u₁−p₁)² + (p₂−l₂)²).
 */
export function newcombe(k1: number, n1: number, k2: number, n2: number, level = 0.95): [number, number] {
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const [p1, p2] = [k1 / n1, k2 / n2];
  const [l1, u1] = wilson(k1, n1, z);
  const [l2, u2] = wilson(k2, n2, z);
  return [p1 - p2 - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), p1 - p2 + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/** Pooled z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)), two-sided p = 2Φ(−|z|). */
export function pooledZ(k1: number, n1: number, k2: number, n2: number): { z: number; p: number } {
  const pooled = (k1 + k2) / (n1 + n2);
  const z = (k1 / n1 - k2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { z, p: 2 * normalCdf(-Math.abs(z), 0, 1) };
}

// ---------------------------------------------------------------------------------------------
// Period counts

/** A period's counts: k of n offers accepted, `pending` of them still inside their window. */
export function countsIn(period: Period, k: number, n: number, pending = 0, clusters: ClusterMoments | null = null): PeriodCounts {
  return { start: period.start, end: period.end, label: period.label, n, k, pending, clusters };
}

/** Month i counted from January 2024 (i = 0). */
export function monthOf(i: number): Period {
  const start = new Date(Date.UTC(2024, i, 1));
  return { start, end: new Date(Date.UTC(2024, i + 1, 1)), label: start.toISOString().slice(0, 7) };
}

/** The counts of month i counted from January 2024 (i = 0). */
export function month(i: number, k: number, n: number, pending = 0, clusters: ClusterMoments | null = null): PeriodCounts {
  return countsIn(monthOf(i), k, n, pending, clusters);
}

/** June 2024, the one period of the tests that judge a single period. */
export const JUNE: Period = { start: new Date('2024-06-01T00:00:00Z'), end: new Date('2024-07-01T00:00:00Z'), label: '2024-06' };

/** Counts of June 2024, none pending. */
export function june(k: number, n: number, clusters: ClusterMoments | null = null): PeriodCounts {
  return countsIn(JUNE, k, n, 0, clusters);
}

// ---------------------------------------------------------------------------------------------
// Rules, contexts and groups

/** The condition of a given type. */
export type ConditionOf<T extends AlertCondition['type']> = Extract<AlertCondition, { type: T }>;

/**
 * The context's choice of the judged period: `index` in every scope's series, the last period
 * when no index is given, none (with `reason`) when the index is null.
 */
export function judgedAt(index?: number | null, reason = 'every month is provisional'): JudgeContext['judged'] {
  return (g) => (index === null ? { index: null, reason } : { index: index ?? g.total.length - 1, reason: '' });
}

/** A judging context: the rule, the context's bands (strong 20 %, poor 10 % unless given), the judged period. */
export function judgeContext(rule: AlertRule, judged: JudgeContext['judged'] = judgedAt(), bands: BandThresholds = { strong: 0.2, poor: 0.1 }): JudgeContext {
  return { rule, bands, judged };
}

export interface SetupOptions {
  /** The judged index (see judgedAt): the last period when not given, none when null. */
  readonly index?: number | null | undefined;
  /** The context's reason when no period is judged. */
  readonly reason?: string;
  readonly bands?: BandThresholds | undefined;
}

/**
 * A rule as the schema parses `{ name, condition: { type, ...condition }, ...extra }` (every
 * default filled in), its condition, and a context judging it.
 */
export function ruleSetup<T extends AlertCondition['type']>(
  type: T,
  name: string,
  condition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  options: SetupOptions = {},
): { rule: AlertRule; ctx: JudgeContext; condition: ConditionOf<T> } {
  const rule = ruleSchema.parse({ name, condition: { type, ...condition }, ...extra });
  const ctx = judgeContext(rule, judgedAt(options.index, options.reason), options.bands);
  return { rule, ctx, condition: rule.condition as ConditionOf<T> };
}

/** A scope's group of totals alone (no segments, no filters). */
export function scopeGroup(total: PeriodCounts[], scope = 'all'): ScopeGroup {
  return { scope, filters: [], total, segments: [] };
}

// ---------------------------------------------------------------------------------------------
// Expected findings

/** What a finding's head may differ in from a rule with the schema's defaults. */
export interface HeadOptions {
  readonly scope?: string;
  readonly severity?: string;
  readonly grain?: string;
  readonly filters?: readonly unknown[];
}

/**
 * The fields every finding of rule `rule` on `period` has, as written out by hand: scope all,
 * severity warning, grain month and no filters unless given.
 */
export function findingHead(rule: string, period: Period | null | undefined, head: HeadOptions = {}) {
  return { rule, scope: 'all', severity: 'warning', period, grain: 'month', filters: [] as readonly unknown[], ...head };
}

/** A skipped finding: the head, status skipped, the message, no numbers and no test. */
export function skippedFinding(rule: string, period: Period | null | undefined, message: string, head: HeadOptions = {}) {
  return { ...findingHead(rule, period, head), status: 'skipped', message, numbers: {}, test: null };
}

/** A finding's test summary: its name and reason, every other field null unless given. */
export function testSummary(name: string, reason: string, given: Partial<Omit<TestSummary, 'name' | 'reason'>> = {}): TestSummary {
  return { name, statistic: null, pValue: null, adjustedPValue: null, alpha: null, correction: null, reason, ...given };
}
