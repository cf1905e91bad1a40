import type { ApiFilter, CompareResponse } from './api-types.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, NO_OFFERS, resolveRange } from './offer-counts.js';
import { bandJudgement, isProvisional, periodChangeView, rateView } from './rate-view.js';
import { describeComparison } from './wording.js';

/** One side of a comparison: extra filters and, optionally, its own date range. */
export interface Population {
  readonly filters: readonly ApiFilter[];
  readonly from?: string | null;
  readonly to?: string | null;
  /** A short name for sentences (default "A" / "B"). */
  readonly name?: string;
}

/**
 * GET /api/v1/compare: two populations, each the common selection narrowed by its own filters
 * (and date range, if given), compared A − B with a Newcombe interval and a two-proportion test
 * (Fisher's exact test when an expected count is below 5).
 */
export async function comparePopulations(ctx: KpiContext, requested: Selection, a: Population, b: Population): Promise<CompareResponse> {
  const common = await resolveRange(ctx, requested);
  const side = async (p: Population) => {
    const selection: Selection = {
      ...common,
      from: p.from ?? common.from,
      to: p.to ?? common.to,
      filters: [...common.filters, ...p.filters],
    };
    const [counts] = await countOffers(ctx, selection);
    const c = counts ?? NO_OFFERS;
    const view = rateView(c, ctx);
    return { counts: c, view: { ...view, filters: p.filters, from: selection.from, to: selection.to, band: bandJudgement(view, ctx.thresholds) } };
  };
  const { counts: countsA, view: sideA } = await side(a);
  const { counts: countsB, view: sideB } = await side(b);
  // Two different periods: one still filling in is not judged against the other (its rate will
  // still rise). Two populations over the same days are alike in how much is pending.
  const periods = sideA.from !== sideB.from || sideA.to !== sideB.to;
  const difference = periodChangeView(
    { label: `A (${sideA.from} – ${sideA.to})`, counts: countsA, provisional: periods && isProvisional(ctx, countsA, sideA.to) },
    { label: `B (${sideB.from} – ${sideB.to})`, counts: countsB, provisional: periods && isProvisional(ctx, countsB, sideB.to) },
    ctx.level,
  );
  return {
    query: queryEcho(ctx, common),
    a: sideA,
    b: sideB,
    difference,
    summary: describeComparison(a.name ?? 'A', sideA, b.name ?? 'B', sideB, difference),
  };
}
