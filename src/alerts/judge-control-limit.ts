/**
 * `control-limit`: the judged period lies outside the control limits of the periods up to it.
 * Judged by `controlVerdict` (src/stats) — the function the findings and the report use too, so
 * the same month gets the same chart, the same limits and the same words everywhere. With
 * `chart: auto` (the default) the limits are Laney's p′ when the periods vary more than chance
 * (a χ² test of equal rates), else the p-chart's.
 */
import { controlVerdict } from '../stats/index.js';
import { baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { ofOffers } from '../core/display.js';
import type { AlertCondition } from './rules-schema.js';

type Control = Extract<AlertCondition, { type: 'control-limit' }>;

export function judgeControlLimit(ctx: JudgeContext, condition: Control, groups: readonly ScopeGroup[]): Finding[] {
  return groups.map((group) => {
    const { index, reason } = ctx.judged(group);
    const current = index === null ? undefined : group.total[index];
    if (index === null || !current) return skipped(ctx, group, null, reason);
    if (current.n < ctx.rule.minOffers) return skipped(ctx, group, current, `too few offers in ${current.label} to judge: ${current.n} < minOffers ${ctx.rule.minOffers}`);
    const window = group.total.slice(Math.max(0, index - condition.periods + 1), index + 1);
    const withOffers = window.filter((p) => p.n > 0).length;
    if (withOffers < 3) return skipped(ctx, group, current, `a control chart needs at least 3 periods with offers; ${withOffers} up to ${current.label}`);
    const verdict = controlVerdict(window, { kind: condition.chart, sigmas: condition.sigmas, side: condition.side, unit: ctx.rule.grain });
    return {
      ...baseFinding(ctx, group, current),
      status: verdict.alarm ? 'firing' : 'ok',
      message: `${subject(group.scope)} in ${current.label} (${ofOffers(current.k, current.n)}): ${verdict.sentence}`,
      numbers: {
        offers: current.n,
        accepted: current.k,
        rate: verdict.rate,
        centre: verdict.centre,
        lowerLimit: verdict.lower,
        upperLimit: verdict.upper,
        z: verdict.z,
        sigmaZ: verdict.sigmaZ,
        periods: verdict.periods,
        chart: verdict.kind,
        outside: verdict.outside,
      },
      test: {
        name: verdict.chartName,
        statistic: verdict.z,
        pValue: null,
        adjustedPValue: null,
        alpha: null,
        correction: null,
        reason: verdict.method,
      },
    };
  });
}
