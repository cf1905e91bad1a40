import { UprateError } from '../core/errors.js';

/**
 * Multiple-comparison corrections: Holm's step-down (controls the family-wise error rate; the
 * default), Benjamini–Hochberg's step-up (controls the false discovery rate) and Bonferroni.
 */
export type AdjustMethod = 'holm' | 'bh' | 'bonferroni';

export const DEFAULT_ADJUST_METHOD: AdjustMethod = 'holm';

/**
 * Adjusted p-values, in the input order, as statsmodels
 * `multipletests(p, method='holm' | 'fdr_bh' | 'bonferroni')[1]`. `null` entries (comparisons
 * that could not be made, e.g. a segment with no offers) stay null and do not count towards
 * the family size m.
 *
 * - Holm: p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) p₍ⱼ₎) over the ascending order.
 * - Benjamini–Hochberg: p̃₍ᵢ₎ = min_{j ≥ i} min(1, m p₍ⱼ₎ / j).
 * - Bonferroni: min(1, m p).
 *
 * @example
 * adjustPValues([0.01, 0.04, 0.03])        // Holm: [0.03, 0.06, 0.06]
 * adjustPValues([0.01, 0.04, 0.03], 'bh')  // [0.03, 0.04, 0.04]
 */
export function adjustPValues(pValues: readonly (number | null)[], method: AdjustMethod = DEFAULT_ADJUST_METHOD): (number | null)[] {
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) {
      throw new UprateError('BAD_ARGUMENT', `p-values must lie between 0 and 1, not ${p}`, { location: `pValues[${index}]` });
    }
    present.push({ index, p });
  });
  const out: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  const sorted = [...present].sort((x, y) => x.p - y.p);
  switch (method) {
    case 'bonferroni':
      for (const { index, p } of present) out[index] = Math.min(1, m * p);
      break;
    case 'holm': {
      let running = 0;
      sorted.forEach(({ index, p }, i) => {
        running = Math.max(running, Math.min(1, (m - i) * p));
        out[index] = running;
      });
      break;
    }
    case 'bh': {
      let running = 1;
      for (let i = m - 1; i >= 0; i--) {
        const entry = sorted[i];
        if (entry === undefined) continue;
        running = Math.min(running, entry.p / ((i + 1) / m));
        out[entry.index] = running;
      }
      break;
    }
    default:
      throw new UprateError('BAD_ARGUMENT', `unknown correction ${String(method)}`, {
        location: 'method',
        hint: "use 'holm', 'bh' or 'bonferroni'",
      });
  }
  return out;
}

/** The 1-based rank of each non-null p-value in ascending order (ties broken by input order). */
export function ascendingRanks(pValues: readonly (number | null)[]): (number | null)[] {
  const order = pValues
    .map((p, index) => ({ p, index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((x, y) => x.p - y.p || x.index - y.index);
  const ranks: (number | null)[] = pValues.map(() => null);
  order.forEach(({ index }, i) => {
    ranks[index] = i + 1;
  });
  return ranks;
}
