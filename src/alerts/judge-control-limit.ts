/** `control-limit`: the judged period lies outside the limits of a p-chart (or Laney p′-chart) of the periods up to it. */
import { controlChart } from '../stats/index.js';
import { baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { ofOffers, percent } from './format-numbers.js';
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
    const chart = controlChart(window, { kind: condition.chart, sigmas: condition.sigmas });
    const point = chart.points.at(-1);
    const outside = point?.outside ?? null;
    const firing = outside === 'below' || (outside === 'above' && condition.side === 'both');
    const name = `${condition.chart === 'p' ? 'p-chart' : "Laney p′-chart"} (${condition.sigmas}σ limits, ${window.length} ${ctx.rule.grain}s)`;
    const limits = `limits ${percent(point?.lower ?? null)}–${percent(point?.upper ?? null)} around the centre ${percent(chart.centre)}`;
    const message =
      `${subject(group.scope)} in ${current.label} was ${percent(point?.rate ?? null)} (${ofOffers(current.k, current.n)}), ` +
      (outside ? `${outside} the ${outside === 'below' ? 'lower' : 'upper'} control limit of the ${name}: ${limits}` : `inside the ${name}: ${limits}`);
    return {
      ...baseFinding(ctx, group, current),
      status: firing ? 'firing' : 'ok',
      message,
      numbers: {
        offers: current.n,
        accepted: current.k,
        rate: point?.rate ?? null,
        centre: chart.centre,
        lowerLimit: point?.lower ?? null,
        upperLimit: point?.upper ?? null,
        z: point?.z ?? null,
        sigmaZ: chart.sigmaZ,
        periods: window.length,
      },
      test: {
        name,
        statistic: point?.z ?? null,
        pValue: null,
        adjustedPValue: null,
        alpha: null,
        correction: null,
        reason: chart.note ?? `limits follow each period's offers: centre ± ${condition.sigmas}·√(p̄(1 − p̄)/n)${condition.chart === 'laney' ? ` × σz ${chart.sigmaZ.toFixed(2)}` : ''}`,
      },
    };
  });
}
