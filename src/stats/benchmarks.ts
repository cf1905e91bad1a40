/** An industry benchmark for the conversion rate, with where the number comes from. */
export interface Benchmark {
  readonly industry: string;
  /** Average conversion rate as a fraction. */
  readonly rate: number;
  /** The organisation the figure is attributed to. */
  readonly source: string;
}

/** Industries with a published benchmark; `customers.industry` values that map to one. */
export type BenchmarkIndustry = 'retail' | 'saas' | 'consumer_goods';

/**
 * Industry averages of the upsell / cross-sell conversion rate as given by the KPI Depot entry
 * the product is seeded from ("Upsell/Cross-sell Conversion Rate Benchmarks"): retail 15 %
 * (Forrester), SaaS 25 % (Gartner), consumer goods 18 % (Nielsen). They are secondary citations:
 * the KPI Depot page names the organisations but no report or year.
 */
export const BENCHMARKS: Readonly<Record<BenchmarkIndustry, Benchmark>> = Object.freeze({
  retail: Object.freeze({ industry: 'retail', rate: 0.15, source: 'Forrester' }),
  saas: Object.freeze({ industry: 'saas', rate: 0.25, source: 'Gartner' }),
  consumer_goods: Object.freeze({ industry: 'consumer_goods', rate: 0.18, source: 'Nielsen' }),
});

/** The benchmark rates alone: `{ retail: 0.15, saas: 0.25, consumer_goods: 0.18 }`. */
export const BENCHMARK_RATES: Readonly<Record<BenchmarkIndustry, number>> = Object.freeze({
  retail: BENCHMARKS.retail.rate,
  saas: BENCHMARKS.saas.rate,
  consumer_goods: BENCHMARKS.consumer_goods.rate,
});

/**
 * The benchmark for an industry name as stored in `customers.industry` (case and surrounding
 * space ignored; `SaaS`, `consumer goods` and `consumer-goods` are accepted), or null.
 */
export function benchmarkFor(industry: string | null | undefined): Benchmark | null {
  if (industry == null) return null;
  const key = industry.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return key === 'retail' || key === 'saas' || key === 'consumer_goods' ? BENCHMARKS[key] : null;
}

/** Where an interval sits relative to a reference rate (a benchmark or a target). */
export type Standing = 'above' | 'below' | 'consistent';

/**
 * Compares an interval with a reference rate: `'above'` when the whole interval is above it,
 * `'below'` when wholly below, else `'consistent'` (the data cannot tell them apart).
 *
 * @example
 * standingAgainst({ lower: 0.19, upper: 0.24 }, BENCHMARKS.retail.rate) // 'above'
 */
export function standingAgainst(interval: { readonly lower: number; readonly upper: number }, reference: number): Standing {
  if (interval.lower > reference) return 'above';
  if (interval.upper < reference) return 'below';
  return 'consistent';
}
