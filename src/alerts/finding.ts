/** What judging one rule for one scope says: firing, ok, or skipped (too little to judge). */
import type { Grain } from '../kpi/index.js';
import type { CubeFilter } from '../query/cube-query.js';
import type { BandThresholds } from '../stats/index.js';
import type { PeriodCounts } from './offer-counts.js';
import type { Period } from './periods.js';
import type { AlertRule } from './rules-schema.js';

export type Severity = 'warning' | 'critical';
export type FindingStatus = 'firing' | 'ok' | 'skipped';

/** The statistical test behind a finding, as a notification shows it. */
export interface TestSummary {
  /** e.g. "pooled two-proportion z test", "p-chart (3σ limits)". */
  readonly name: string;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  readonly alpha: number | null;
  /** Which comparisons were corrected together, when they were. */
  readonly correction: string | null;
  readonly reason: string;
}

export interface Finding {
  readonly rule: string;
  /** `all`, or `Customers.accountSize=smb` (several joined by `,`). */
  readonly scope: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** Plain language, with the numbers. */
  readonly message: string;
  /** The period judged (null when none could be). */
  readonly period: Period | null;
  readonly grain: Grain;
  readonly numbers: Readonly<Record<string, number | string | null>>;
  readonly test: TestSummary | null;
  /** Cube filters that select the scope (the dashboard link carries them). */
  readonly filters: readonly CubeFilter[];
}

/** One scope of a rule with its counts: `segments` holds the series per value of a segment rule's `by`. */
export interface ScopeGroup {
  readonly scope: string;
  readonly filters: readonly CubeFilter[];
  /** Per period, the scope's offers (every segment added up). */
  readonly total: readonly PeriodCounts[];
  readonly segments: readonly { readonly value: string | null; readonly periods: readonly PeriodCounts[] }[];
}

export interface JudgeContext {
  readonly rule: AlertRule;
  readonly bands: BandThresholds;
  /** Index in every series of the period judged, per scope (null: none can be judged). */
  readonly judged: (group: ScopeGroup) => { index: number | null; reason: string };
}

/** The parts every finding of a rule shares. */
export function baseFinding(ctx: JudgeContext, group: ScopeGroup, period: Period | null): Omit<Finding, 'status' | 'message' | 'numbers' | 'test'> {
  return { rule: ctx.rule.name, scope: group.scope, severity: ctx.rule.severity, period, grain: ctx.rule.grain, filters: group.filters };
}

/** "Conversion rate" or "Conversion rate for Customers.accountSize=smb". */
export function subject(scope: string, what = 'Conversion rate'): string {
  return scope === 'all' ? what : `${what} for ${scope}`;
}

export function skipped(ctx: JudgeContext, group: ScopeGroup, period: Period | null, message: string): Finding {
  return { ...baseFinding(ctx, group, period), status: 'skipped', message, numbers: {}, test: null };
}

/** A period's counts (zero when out of range). */
export function at(series: readonly PeriodCounts[], index: number): PeriodCounts | undefined {
  return index >= 0 ? series[index] : undefined;
}
