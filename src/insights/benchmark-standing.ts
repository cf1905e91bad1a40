import { benchmarkFor, standingAgainst, twoSidedNormalP } from '../stats/index.js';
import type { ApiBenchmark, ApiIndustryBenchmark, ApiTarget } from './api-types.js';
import type { KpiContext } from './kpi-context.js';
import type { OfferCounts } from './offer-counts.js';
import { rateView } from './rate-view.js';

/** Where uprate's benchmark figures come from (a secondary citation: the page names no report or year). */
export const BENCHMARK_CITATION = 'KPI Depot, "Upsell/Cross-sell Conversion Rate" benchmarks (as cited there)';

/**
 * Two-sided one-sample score test of k of n against a reference rate p0 — the test the Wilson
 * interval inverts, so "the interval excludes p0" and "p < 1 − level" agree (for Wilson intervals).
 * As statsmodels `proportions_ztest(k/d, n/d, value=p0, prop_var=p0)` on the effective counts
 * (d the design effect of offers clustered by customer; 1 = independent). Null when n = 0 or p0 ∈ {0, 1}.
 */
export function scoreTestAgainst(k: number, n: number, p0: number, designEffect = 1): number | null {
  if (n === 0 || p0 <= 0 || p0 >= 1) return null;
  return twoSidedNormalP((k / n - p0) / Math.sqrt((p0 * (1 - p0) * designEffect) / n));
}

/** Each customer industry that has a benchmark, against it. */
export function industryBenchmarks(ctx: KpiContext, byIndustry: readonly OfferCounts[], member: string): ApiIndustryBenchmark[] {
  const out: ApiIndustryBenchmark[] = [];
  for (const row of byIndustry) {
    const industry = row.values[member] ?? null;
    const benchmark = benchmarkFor(industry);
    if (!benchmark || industry === null) continue;
    const view = rateView(row, ctx);
    const { lower, upper } = view.interval;
    const b: ApiBenchmark = { industry: benchmark.industry, rate: benchmark.rate, source: benchmark.source, citation: BENCHMARK_CITATION };
    out.push({
      ...view,
      industry,
      benchmark: b,
      standing: lower === null || upper === null ? null : standingAgainst({ lower, upper }, benchmark.rate),
      gapPoints: view.rate === null ? null : (view.rate - benchmark.rate) * 100,
      pValue: scoreTestAgainst(row.accepted, row.offers, benchmark.rate, view.interval.designEffect),
    });
  }
  return out.sort((a, b) => a.industry.localeCompare(b.industry));
}

/** The rate against the user's target. */
export function targetStanding(target: number, rate: number | null, lower: number | null, upper: number | null): ApiTarget {
  return {
    rate: target,
    standing: lower === null || upper === null ? null : standingAgainst({ lower, upper }, target),
    gapPoints: rate === null ? null : (rate - target) * 100,
  };
}
