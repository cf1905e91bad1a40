import { chiSquareHomogeneity, type ChiSquareResult } from './chi-square-homogeneity.js';
import { compareProportions, type Counts, type ProportionComparison, type ProportionTest } from './compare-proportions.js';
import { checkLevel } from './counts.js';
import { correctFamily, type CorrectionFamily } from './correction-family.js';
import { addMoments, NO_MOMENTS, type ClusterMoments } from './design-effect.js';
import { DEFAULT_LEVEL } from './interval.js';
import type { AdjustMethod } from './p-value-adjustment.js';

/** A segment's counts with its name. */
export interface LabelledCounts extends Counts {
  readonly label: string;
}

export interface SegmentComparisonOptions {
  /** Confidence level; α = 1 − level is the family's significance level (default 0.95). */
  readonly level?: number;
  /** Multiple-comparison correction (default Holm). */
  readonly method?: AdjustMethod;
  /** Test per comparison (default `'auto'`: Fisher when an expected count < 5). */
  readonly test?: ProportionTest | 'auto';
}

/** One segment against the rest of the offers. */
export interface SegmentVersusRest {
  readonly label: string;
  readonly k: number;
  readonly n: number;
  /** The unadjusted comparison: segment (A) minus rest (B), interval at `level`. */
  readonly comparison: ProportionComparison;
  readonly adjustedPValue: number | null;
  /** Significant after correction: adjustedPValue ≤ α. */
  readonly significant: boolean;
  /** Interval level that agrees with the adjusted p-value (see `adjustedIntervalLevels`). */
  readonly adjustedLevel: number | null;
  /** Newcombe interval of the difference at `adjustedLevel`. */
  readonly adjustedLower: number | null;
  readonly adjustedUpper: number | null;
}

export interface SegmentComparison {
  /** Do the segments differ at all? χ² test of homogeneity across every segment with offers. */
  readonly omnibus: ChiSquareResult;
  /** Which comparisons were corrected together. */
  readonly family: CorrectionFamily;
  readonly segments: readonly SegmentVersusRest[];
}

/**
 * Each segment against the rest (all other segments pooled), corrected together as one family,
 * with intervals at the level that agrees with each adjusted p-value, plus the omnibus χ² test.
 * Segments with no offers stay in the output with null comparisons and are left out of the family.
 *
 * @example
 * compareSegments([{ label: 'smb', k: 40, n: 400 }, { label: 'enterprise', k: 90, n: 300 }])
 */
export function compareSegments(groups: readonly LabelledCounts[], options: SegmentComparisonOptions = {}): SegmentComparison {
  const level = options.level ?? DEFAULT_LEVEL;
  checkLevel(level);
  const total = groups.reduce((s, g) => ({ k: s.k + g.k, n: s.n + g.n }), { k: 0, n: 0 });
  // The rest of a segment: every other segment, its customer sums added (segments of a customer
  // attribute never share a customer) — all segments' sums less the segment's own.
  const clustered = groups.every((g) => g.clusters || g.n === 0);
  const all = groups.reduce<ClusterMoments>((m, g) => (g.clusters ? addMoments(m, g.clusters) : m), NO_MOMENTS);
  const restOf = (i: number): Counts => {
    const g = groups[i] as LabelledCounts;
    const own = g.clusters ?? NO_MOMENTS;
    const clusters: ClusterMoments = {
      customers: all.customers - own.customers,
      offersSquared: all.offersSquared - own.offersSquared,
      acceptedSquared: all.acceptedSquared - own.acceptedSquared,
      acceptedOffers: all.acceptedOffers - own.acceptedOffers,
    };
    return { k: total.k - g.k, n: total.n - g.n, clusters: clustered && clusters.customers > 0 ? clusters : null };
  };
  const test = options.test ?? 'auto';
  const comparisons = groups.map((g, i) => compareProportions(g, restOf(i), { level, test }));
  const corrected = correctFamily(
    groups.map((g, i) => ({ label: g.label, pValue: comparisons[i]?.pValue ?? null })),
    { method: options.method, alpha: 1 - level },
  );
  const segments = groups.map((g, i): SegmentVersusRest => {
    const comparison = comparisons[i] as ProportionComparison;
    const h = corrected.hypotheses[i];
    const adjustedLevel = h?.intervalLevel ?? null;
    const interval = adjustedLevel === null ? null : compareProportions(g, restOf(i), { level: adjustedLevel, test });
    return {
      label: g.label,
      k: g.k,
      n: g.n,
      comparison,
      adjustedPValue: h?.adjustedPValue ?? null,
      significant: h?.significant ?? false,
      adjustedLevel,
      adjustedLower: interval?.lower ?? null,
      adjustedUpper: interval?.upper ?? null,
    };
  });
  return { omnibus: chiSquareHomogeneity(groups), family: corrected.family, segments };
}
