/**
 * `volume-drop`: offers collapsed below a share (`floor`) of the previous period's or the same
 * period last year's. Offer counts are final once a period ends, so this judges the latest ended
 * period even when its conversions are still provisional.
 */
import { at, baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { count, percent } from '../core/display.js';
import { periodsPerYear } from './periods.js';
import type { AlertCondition } from './rules-schema.js';

type VolumeDrop = Extract<AlertCondition, { type: 'volume-drop' }>;

export function judgeVolumeDrop(ctx: JudgeContext, condition: VolumeDrop, groups: readonly ScopeGroup[]): Finding[] {
  const back = condition.versus === 'previous' ? 1 : periodsPerYear(ctx.rule.grain);
  return groups.map((group) => {
    const index = group.total.length - 1;
    const current = at(group.total, index);
    const previous = at(group.total, index - back);
    if (!current || !previous) return skipped(ctx, group, current ?? null, 'no earlier period to compare with');
    if (previous.n < ctx.rule.minOffers) {
      return skipped(ctx, group, current, `too few offers in ${previous.label} to judge a collapse: ${previous.n} < minOffers ${ctx.rule.minOffers}`);
    }
    const ratio = current.n / previous.n;
    const firing = ratio < condition.floor;
    const message =
      `${subject(group.scope, 'Offers')} in ${current.label}: ${count(current.n)} against ${count(previous.n)} in ${previous.label} ` +
      `(${percent(ratio, 0)} of it)${firing ? `, below the floor of ${percent(condition.floor, 0)}: offer volume collapsed` : `, above the floor of ${percent(condition.floor, 0)}`}`;
    return {
      ...baseFinding(ctx, group, current),
      status: firing ? 'firing' : 'ok',
      message,
      numbers: { offers: current.n, previousPeriod: previous.label, previousOffers: previous.n, ratio, floor: condition.floor },
      test: { name: 'share of the comparison period’s offers', statistic: ratio, pValue: null, adjustedPValue: null, alpha: null, correction: null, reason: `fires below ${percent(condition.floor, 0)}` },
    };
  });
}
