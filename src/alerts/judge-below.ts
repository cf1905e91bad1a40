/**
 * `below`: the rate is in the poor band (or not strong), or below a number of your own. The
 * interval is `rateEstimate`'s — the one every KPI cell uses: customer-clustered (the effective
 * sample of the design effect) when the customers' offers move together.
 */
import { band, rateEstimate } from '../stats/index.js';
import { baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { interval as intervalText, ofOffers, percent } from '../core/display.js';
import type { AlertCondition } from './rules-schema.js';

type Below = Extract<AlertCondition, { type: 'below' }>;

export function judgeBelow(ctx: JudgeContext, condition: Below, groups: readonly ScopeGroup[]): Finding[] {
  return groups.map((group) => {
    const { index, reason } = ctx.judged(group);
    const p = index === null ? undefined : group.total[index];
    if (!p) return skipped(ctx, group, null, reason);
    if (p.n < ctx.rule.minOffers) return skipped(ctx, group, p, `too few offers in ${p.label} to judge: ${p.n} < minOffers ${ctx.rule.minOffers}`);
    // With minOffers 0 a period may have no offers: there is no rate to be below anything.
    if (p.n === 0) return skipped(ctx, group, p, `no offers in ${p.label}: no rate to judge`);
    const interval = rateEstimate(p.k, p.n, { clusters: p.clusters });
    const effect = interval.designEffect.designEffect;
    const clustered = effect > 1 ? `customer-clustered, design effect ${effect.toFixed(2)}` : null;
    const rate = interval.rate ?? 0;
    // band poor: below the poor threshold; band moderate: not strong (at or below the strong one).
    const limit = condition.threshold ?? (condition.band === 'moderate' ? ctx.bands.strong : ctx.bands.poor);
    const strict = condition.threshold !== undefined || condition.band === 'poor';
    const judgedValue = condition.basis === 'interval' ? (interval.upper ?? rate) : rate;
    const firing = strict ? judgedValue < limit : judgedValue <= limit;
    const what = condition.threshold !== undefined ? `the threshold ${percent(limit)}` : condition.band === 'poor' ? `the poor band (below ${percent(limit)})` : `moderate or poor (at or below ${percent(limit)})`;
    const bandNow = band(rate, ctx.bands);
    const ci = `95% interval ${intervalText(interval.lower, interval.upper)}${clustered ? `, ${clustered}` : ''}`;
    const head = `${subject(group.scope)} in ${p.label} was ${percent(rate)} (${ci}, ${ofOffers(p.k, p.n)}; ${bandNow} band)`;
    const message = firing
      ? `${head}: ${condition.basis === 'interval' ? 'the whole interval is' : 'it is'} ${condition.threshold !== undefined ? 'below' : 'in'} ${what}`
      : `${head}: not ${condition.threshold !== undefined ? 'below' : 'in'} ${what}${condition.basis === 'interval' ? ' with 95% confidence' : ''}`;
    return {
      ...baseFinding(ctx, group, p),
      status: firing ? 'firing' : 'ok',
      message,
      numbers: {
        offers: p.n,
        accepted: p.k,
        rate,
        lower: interval.lower,
        upper: interval.upper,
        limit,
        band: bandNow,
        designEffect: effect,
        customers: interval.designEffect.customers,
      },
      test: {
        name: `${interval.method} interval (${interval.level * 100}%${clustered ? `; ${clustered}` : ''})`,
        statistic: null,
        pValue: null,
        adjustedPValue: null,
        alpha: null,
        correction: null,
        reason:
          (condition.basis === 'interval' ? 'fires when the upper end of the interval is below the limit' : 'fires when the rate is below the limit') +
          `; ${interval.designEffect.reason}`,
      },
    };
  });
}
