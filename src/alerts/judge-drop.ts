/**
 * `drop`: the rate fell significantly against the previous period or the same period a year
 * earlier (two-proportion test on customer-clustered effective counts — Rao–Scott — as the API's
 * `periodChange`; with one alert per value of a dimension, the p-values of all the scopes are
 * corrected together with Holm). A period still filling in (offers pending inside their
 * conversion window, judged only with `includeProvisional: true`) gets no verdict: its rate is
 * bound to rise, so a "drop" would be the calendar's, not the customers'.
 */
import { correctFamily, periodChange, type PeriodChange } from '../stats/index.js';
import { at, baseFinding, skipped, subject, type Finding, type JudgeContext, type ScopeGroup } from './finding.js';
import { count, ofOffers, percent, points, pValue } from '../core/display.js';
import type { PeriodCounts } from './offer-counts.js';
import { periodsPerYear } from './periods.js';
import type { AlertCondition } from './rules-schema.js';

type Drop = Extract<AlertCondition, { type: 'drop' }>;

interface Pair {
  readonly group: ScopeGroup;
  readonly current: PeriodCounts;
  readonly previous: PeriodCounts;
  readonly change: PeriodChange;
}

export function judgeDrop(ctx: JudgeContext, condition: Drop, groups: readonly ScopeGroup[]): Finding[] {
  const back = condition.versus === 'previous' ? 1 : periodsPerYear(ctx.rule.grain);
  const findings: Finding[] = [];
  const pairs: Pair[] = [];
  for (const group of groups) {
    const { index, reason } = ctx.judged(group);
    const current = index === null ? undefined : group.total[index];
    const previous = index === null ? undefined : at(group.total, index - back);
    if (!current || !previous) {
      findings.push(skipped(ctx, group, current ?? null, current ? `no ${condition.versus === 'previous' ? 'previous period' : 'period a year earlier'} to compare ${current.label} with` : reason));
    } else if (current.pending > 0 || previous.pending > 0) {
      const filling = [current, previous].filter((p) => p.pending > 0);
      findings.push(
        skipped(
          ctx,
          group,
          current,
          `${filling.map((p) => `${p.label} is still filling in (${count(p.pending)} of ${count(p.n)} offers still inside their conversion window)`).join('; ')}: ` +
            `no verdict on a drop until ${filling.length > 1 ? 'they close' : 'it closes'}`,
        ),
      );
    } else if (current.n === 0 || previous.n === 0) {
      // minOffers 0 lets an empty period through: it has no rate, so there is nothing to compare.
      const empty = [previous, current].filter((p) => p.n === 0).map((p) => p.label);
      findings.push(skipped(ctx, group, current, `no offers in ${empty.join(' and ')}: no rate to compare`));
    } else if (current.n < ctx.rule.minOffers || previous.n < ctx.rule.minOffers) {
      findings.push(skipped(ctx, group, current, `too few offers to judge: ${current.n} in ${current.label}, ${previous.n} in ${previous.label} (minOffers ${ctx.rule.minOffers})`));
    } else {
      pairs.push({ group, current, previous, change: periodChange(current, previous, { level: 1 - condition.alpha }) });
    }
  }
  // One alert per scope value is a family of tests: correct them together.
  const corrected = correctFamily(
    pairs.map((p) => ({ label: p.group.scope, pValue: p.change.pValue })),
    { method: 'holm', alpha: condition.alpha },
  );
  const family = pairs.length > 1 ? corrected.family.description : null;
  pairs.forEach((pair, i) => {
    const { current, previous, change, group } = pair;
    const adjusted = corrected.hypotheses[i]?.adjustedPValue ?? change.pValue;
    const significant = adjusted !== null && adjusted <= condition.alpha;
    const dropPoints = -(change.differencePoints ?? 0);
    const firing = (change.difference ?? 0) < 0 && significant && dropPoints >= condition.minPoints;
    const shownP = family ? `Holm-adjusted ${pValue(adjusted)}` : pValue(change.pValue);
    const clustered = change.variance === 'customer-clustered';
    const testName = `${change.test === 'z' ? 'pooled two-proportion z test' : "Fisher's exact test"}${clustered ? ' (Rao–Scott, customer-clustered)' : ''}`;
    const message =
      `${subject(group.scope)} ${(change.difference ?? 0) < 0 ? 'fell' : 'went'} from ${percent(change.rateB)} in ${previous.label} (${ofOffers(previous.k, previous.n)}) ` +
      `to ${percent(change.rateA)} in ${current.label} (${ofOffers(current.k, current.n)}): ${points(change.differencePoints)} ` +
      `(${Math.round(change.level * 100)}% interval ${points(asPoints(change.lower))} to ${points(asPoints(change.upper))}; ${change.test === 'z' ? 'z test' : "Fisher's exact test"}${clustered ? ', customer-clustered' : ''}, ${shownP})` +
      (firing ? ': a significant drop' : significant && (change.difference ?? 0) < 0 ? `: significant, but under the ${condition.minPoints}-point minimum` : ': no significant drop');
    findings.push({
      ...baseFinding(ctx, group, current),
      status: firing ? 'firing' : 'ok',
      message,
      numbers: {
        offers: current.n,
        accepted: current.k,
        rate: change.rateA,
        previousPeriod: previous.label,
        previousOffers: previous.n,
        previousAccepted: previous.k,
        previousRate: change.rateB,
        difference: change.difference,
        lower: change.lower,
        upper: change.upper,
        relativeChange: change.relativeChange,
        designEffect: change.designEffects[0],
        previousDesignEffect: change.designEffects[1],
      },
      test: {
        name: testName,
        statistic: change.statistic,
        pValue: change.pValue,
        adjustedPValue: family ? adjusted : null,
        alpha: condition.alpha,
        correction: family,
        reason: change.reason,
      },
    });
  });
  return findings;
}

/** A difference of rates (a fraction) in percentage points. */
function asPoints(x: number | null): number | null {
  return x === null ? null : x * 100;
}
