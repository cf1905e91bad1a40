import type { KpiResponse } from './api-types.js';
import { industryBenchmarks, targetStanding } from './benchmark-standing.js';
import { previousPeriod } from './days.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { bindingOf, comparedEnd, countOffers, countOffersTogether, NO_OFFERS, resolveRange, type OfferCounts } from './offer-counts.js';
import { projectedRates } from './projection.js';
import { bandJudgement, isProvisional, periodChangeView, rateView } from './rate-view.js';

/**
 * GET /api/v1/kpi: the headline rate with its interval, band, benchmarks, target and the change
 * against the previous period (the calendar months before a range of whole months — its last
 * month counts whole when the data end in it: `comparedEnd` — else the same number of days
 * before: days.ts `previousPeriod`).
 */
export async function kpiHeadline(ctx: KpiContext, requested: Selection): Promise<KpiResponse> {
  const selection = await resolveRange(ctx, requested);
  const industry = bindingOf(ctx).industry;
  // The total and the industries in one pass over the offers where the engine can share it.
  const [[total] = [], byIndustry = []] = await countOffersTogether(ctx, selection, [{ extended: true }, ...(industry ? [{ dimensions: [industry] }] : [])]);
  const counts = total ?? NO_OFFERS;
  const view = rateView(counts, ctx);
  const benchmarks = industry ? industryBenchmarks(ctx, byIndustry, industry) : [];
  // The selection's benchmark: all of its offers lie in one benchmarked industry.
  const single = benchmarks.length === 1 && benchmarks[0]?.offers === counts.offers && counts.offers > 0 ? benchmarks[0] : null;

  let previous: KpiResponse['previous'] = null;
  let change: KpiResponse['change'] = null;
  const range = selection.from !== null && selection.to !== null ? previousPeriod(selection.from, await comparedEnd(ctx, { ...selection, to: selection.to })) : null;
  // A previous period that would start before year 0 is not one uprate can ask for: none, then.
  if (range && !range.from.startsWith('-')) {
    const [prevCounts] = await countOffers(ctx, { ...selection, ...range });
    const prev = prevCounts ?? NO_OFFERS;
    previous = { ...rateView(prev, ctx), ...range };
    change = periodChangeView(
      { label: `${selection.from} – ${selection.to}`, counts, provisional: isProvisional(ctx, counts, selection.to) },
      { label: `${range.from} – ${range.to}`, counts: prev, provisional: isProvisional(ctx, prev, range.to) },
      ctx.level,
    );
  }
  const projected =
    selection.from !== null && selection.to !== null && counts.pending > 0
      ? ((await projectedRates(ctx, selection, [{ start: selection.from, end: selection.to }]))[0] ?? null)
      : null;
  const { lower, upper } = view.interval;
  return {
    query: queryEcho(ctx, selection),
    ...view,
    band: bandJudgement(view, ctx.thresholds),
    benchmarks,
    benchmark: single ?? null,
    target: ctx.target === null ? null : targetStanding(ctx.target, view.rate, lower, upper),
    customers: customerRate(counts),
    expansionRevenue: counts.revenue,
    previous,
    change,
    projected,
  };
}


/** The first seed's customer-level rate: customers converted of customers offered (null without a customer dimension). */
function customerRate(counts: OfferCounts): KpiResponse['customers'] {
  const offered = counts.customersOffered ?? 0;
  const converted = counts.customersConverted ?? 0;
  return { offered, converted, rate: offered > 0 ? converted / offered : null };
}
