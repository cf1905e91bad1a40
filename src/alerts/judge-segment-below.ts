/**
 * `segment-below`: a value of `by` converts significantly below the rest of the scope in the judged
 * period (each segment against the rest, corrected together — Holm by default; the tests on
 * customer-clustered effective counts, Rao–Scott). One alert per segment that is below.
 */
import { compareSegments, describeFamily } from '../stats/index.js';
import { baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { ofOffers, percent, points, pValue } from '../core/display.js';
import type { AlertCondition } from './rules-schema.js';
import { NOT_SET, scopeFilter, scopeName } from './scope.js';

type SegmentBelow = Extract<AlertCondition, { type: 'segment-below' }>;

export function judgeSegmentBelow(ctx: JudgeContext, condition: SegmentBelow, groups: readonly ScopeGroup[]): Finding[] {
  const findings: Finding[] = [];
  for (const group of groups) {
    const { index, reason } = ctx.judged(group);
    const period = index === null ? undefined : group.total[index];
    if (index === null || !period) {
      findings.push(skipped(ctx, group, null, reason));
      continue;
    }
    // Segments under minOffers stay out of the family: they are too small to be told apart.
    const counted = group.segments
      .map((s) => ({ value: s.value, p: s.periods[index] }))
      .filter((s): s is { value: string | null; p: NonNullable<typeof s.p> } => s.p !== undefined && s.p.n > 0);
    const large = counted.filter((s) => s.p.n >= ctx.rule.minOffers);
    if (large.length < 2) {
      findings.push(skipped(ctx, group, period, `fewer than two values of ${condition.by} with at least ${ctx.rule.minOffers} offers in ${period.label}`));
      continue;
    }
    const comparison = compareSegments(
      large.map((s) => ({ label: s.value ?? NOT_SET, k: s.p.k, n: s.p.n, clusters: s.p.clusters })),
      { level: 1 - condition.alpha, method: condition.method },
    );
    // The stats' own description derives α from the level (1 − 0.95 prints as 0.0500…04).
    const family = describeFamily(condition.method, condition.alpha, comparison.family.members);
    comparison.segments.forEach((s, i) => {
      const value = large[i]?.value ?? null;
      const scope = scopeName(group.scope, condition.by, value);
      const c = s.comparison;
      const below = (c.difference ?? 0) < 0;
      const firing = below && s.significant && -(c.differencePoints ?? 0) >= condition.minPoints;
      const clustered = c.variance === 'customer-clustered';
      const message =
        `${subject(scope)} in ${period.label} was ${percent(c.rateA)} (${ofOffers(s.k, s.n)}) against ${percent(c.rateB)} for the rest: ${points(c.differencePoints)} ` +
        `(${family.split(':')[0]}${clustered ? ', customer-clustered' : ''}, adjusted ${pValue(s.adjustedPValue)})` +
        (firing ? ': significantly below the rest' : ': not significantly below the rest');
      findings.push({
        ...baseFinding(ctx, group, period),
        scope,
        filters: [...group.filters, scopeFilter(condition.by, value)],
        status: firing ? 'firing' : 'ok',
        message,
        numbers: {
          offers: s.n,
          accepted: s.k,
          rate: c.rateA,
          restRate: c.rateB,
          difference: c.difference,
          lower: s.adjustedLower,
          upper: s.adjustedUpper,
          intervalLevel: s.adjustedLevel,
          segments: large.length,
          designEffect: c.designEffects[0],
          restDesignEffect: c.designEffects[1],
        },
        test: {
          name: `${c.test === 'z' ? 'pooled two-proportion z test' : "Fisher's exact test"}${clustered ? ' (Rao–Scott, customer-clustered)' : ''}, each segment against the rest`,
          statistic: c.statistic,
          pValue: c.pValue,
          adjustedPValue: s.adjustedPValue,
          alpha: condition.alpha,
          correction: family,
          reason: c.reason,
        },
      });
    });
  }
  return findings;
}
