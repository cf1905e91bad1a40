import { UprateError } from '../core/errors.js';
import { checkOpenProbability } from './counts.js';
import { adjustPValues, ascendingRanks, DEFAULT_ADJUST_METHOD, type AdjustMethod } from './p-value-adjustment.js';

/** One hypothesis of a family: a label a person recognises and its unadjusted p-value. */
export interface Hypothesis {
  readonly label: string;
  /** null when the comparison could not be made; it is then left out of the family. */
  readonly pValue: number | null;
}

/** Which hypotheses were corrected together, and how — to show beside every corrected result. */
export interface CorrectionFamily {
  readonly method: AdjustMethod;
  /** Significance level α the decisions use. */
  readonly alpha: number;
  /** Family size m: hypotheses with a p-value. */
  readonly size: number;
  /** Labels of the hypotheses corrected together, in input order. */
  readonly members: readonly string[];
  /** Labels left out because they had no p-value. */
  readonly excluded: readonly string[];
  /** e.g. "Holm correction across 3 comparisons (α = 0.05): email, in_app, sales". */
  readonly description: string;
}

/** A hypothesis after correction. */
export interface CorrectedHypothesis {
  readonly label: string;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  /** adjustedPValue ≤ α. */
  readonly significant: boolean;
  /**
   * Confidence level for this hypothesis' interval that agrees with its adjusted p-value
   * (see {@link adjustedIntervalLevel}); null when it has no p-value.
   */
  readonly intervalLevel: number | null;
}

export interface CorrectionResult {
  readonly family: CorrectionFamily;
  readonly hypotheses: readonly CorrectedHypothesis[];
}

export interface CorrectionOptions {
  readonly method?: AdjustMethod;
  /** Family significance level (default 0.05). */
  readonly alpha?: number;
}

const METHOD_NAMES: Record<AdjustMethod, string> = {
  holm: 'Holm',
  bh: 'Benjamini–Hochberg',
  bonferroni: 'Bonferroni',
};

/**
 * Corrects a family of hypotheses together and says so: adjusted p-values, decisions at α, the
 * family (who was corrected with whom) and, per hypothesis, an interval level consistent with
 * its adjusted p-value.
 *
 * @example
 * correctFamily([{ label: 'email', pValue: 0.01 }, { label: 'sales', pValue: 0.04 }])
 * // family.description: 'Holm correction across 2 comparisons (α = 0.05): email, sales'
 * // hypotheses[0]: { adjustedPValue: 0.02, significant: true, intervalLevel: 0.975 }
 */
export function correctFamily(hypotheses: readonly Hypothesis[], options: CorrectionOptions = {}): CorrectionResult {
  const method = options.method ?? DEFAULT_ADJUST_METHOD;
  const alpha = options.alpha ?? 0.05;
  checkOpenProbability(alpha, 'alpha');
  const raw = hypotheses.map((h) => h.pValue);
  const adjusted = adjustPValues(raw, method);
  const levels = adjustedIntervalLevels(raw, adjusted, method, alpha);
  const members = hypotheses.filter((h) => h.pValue !== null).map((h) => h.label);
  const excluded = hypotheses.filter((h) => h.pValue === null).map((h) => h.label);
  const family: CorrectionFamily = {
    method,
    alpha,
    size: members.length,
    members,
    excluded,
    description: describeFamily(method, alpha, members),
  };
  return {
    family,
    hypotheses: hypotheses.map((h, i) => {
      const adjustedPValue = adjusted[i] ?? null;
      return {
        label: h.label,
        pValue: h.pValue,
        adjustedPValue,
        significant: adjustedPValue !== null && adjustedPValue <= alpha,
        intervalLevel: levels[i] ?? null,
      };
    }),
  };
}

/** "Holm correction across 3 comparisons (α = 0.05): a, b, c". */
export function describeFamily(method: AdjustMethod, alpha: number, members: readonly string[]): string {
  const noun = members.length === 1 ? 'comparison' : 'comparisons';
  const list = members.length > 0 ? `: ${members.join(', ')}` : '';
  return `${METHOD_NAMES[method]} correction across ${members.length} ${noun} (α = ${alpha})${list}`;
}

/**
 * Interval levels that agree with corrected p-values ("p-value-matched" levels). For hypothesis i
 * with raw p and adjusted p̃ the level is 1 − α·p/p̃: an interval dual to the test then excludes
 * "no difference" exactly when p̃ ≤ α. For Bonferroni this is the Bonferroni level 1 − α/m; for
 * Holm, without ties to the step-down maximum, the step-down level 1 − α/(m − rank + 1); for BH
 * it is at most 1 − α·rank/m (Benjamini–Yekutieli's false-coverage-rate intervals use the
 * narrower 1 − α·R/m for the R selected). Where the ratio is undefined (p̃ clipped to 1, or p
 * underflowed to 0) the rank's step level is used: α/m (Bonferroni), α/(m − rank + 1) (Holm),
 * α·rank/m (BH). Agreement is exact for a test and interval that are duals; the Newcombe
 * interval and the pooled z / Fisher tests are near-duals, so a borderline case can differ in
 * the last digits.
 */
export function adjustedIntervalLevels(
  pValues: readonly (number | null)[],
  adjusted: readonly (number | null)[],
  method: AdjustMethod,
  alpha: number,
): (number | null)[] {
  if (pValues.length !== adjusted.length) {
    throw new UprateError('BAD_ARGUMENT', 'p-values and adjusted p-values must have the same length', { location: 'adjusted' });
  }
  const ranks = ascendingRanks(pValues);
  const m = pValues.filter((p) => p !== null).length;
  return pValues.map((p, i) => {
    const pa = adjusted[i];
    const rank = ranks[i];
    if (p === null || pa === null || pa === undefined || rank === null || rank === undefined) return null;
    const step = method === 'bonferroni' ? 1 / m : method === 'holm' ? 1 / (m - rank + 1) : rank / m;
    const share = p > 0 && pa > 0 && pa < 1 ? p / pa : step;
    return 1 - alpha * share;
  });
}
