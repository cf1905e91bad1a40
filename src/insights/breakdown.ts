import { NULL_VALUE } from '../core/display.js';
import { compareSegments, describeFamily, noComparison, isSmallSample, type AdjustMethod } from '../stats/index.js';
import type { BreakdownResponse, BreakdownRow } from './api-types.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffersTogether, holdsEveryOffer, NO_OFFERS, resolveRange, statsCounts, valuesKey, valuesSeen, type OfferCounts } from './offer-counts.js';
import { alphaOf, bandJudgement, differenceView, rateView } from './rate-view.js';

export interface BreakdownOptions {
  /** One or two dimensions (model member names). */
  readonly by: readonly string[];
  /** Multiple-comparison correction across the segments (default Holm). */
  readonly correction?: AdjustMethod;
  /**
   * List the values seen at any time under the filters but not in the range, with n = 0 (default
   * true). Such a segment is never compared (no offers: out of the correction family, out of the
   * χ² test), so a reader of the comparisons alone (insights) leaves them out and saves reading
   * the values over all time under the filters.
   */
  readonly emptyCells?: boolean;
}

/** The label of a segment: its values joined by " / ", "(none)" for a missing attribute. */
export function segmentLabel(values: Readonly<Record<string, string | null>>, by: readonly string[]): string {
  return by.map((d) => values[d] ?? NULL_VALUE).join(' / ');
}

/** Most empty combinations a two-way breakdown lists. */
const MAX_CELLS = 5_000;

/**
 * GET /api/v1/breakdown: one row per segment (every value seen in the data under the same filters,
 * so a segment with no offers in the range appears with n = 0), each against the rest with a
 * two-proportion test, corrected together (Holm by default) with intervals that agree with the
 * adjusted p-values, plus the χ² test that the segments share one rate.
 */
export async function breakdown(ctx: KpiContext, requested: Selection, options: BreakdownOptions): Promise<BreakdownResponse> {
  const selection = await resolveRange(ctx, requested);
  const by = options.by;
  // The total asked of the engine, not summed: a customer with offers in several segments is one
  // customer. Read with the segments (one pass over the offers when they are customer attributes).
  const [rows = [], [whole] = []] = await countOffersTogether(ctx, selection, [{ dimensions: by }, {}]);
  const cells = options.emptyCells === false ? sortedCells(rows, by) : await withEmptyCells(ctx, selection, by, rows);
  const correction = options.correction ?? 'holm';
  const labelled = cells.map((c) => ({ label: segmentLabel(c.values, by), ...statsCounts(c) }));
  const compared = compareSegments(labelled, { level: ctx.level, method: correction });
  const total = whole ?? NO_OFFERS;
  const out = cells.map((c, i): BreakdownRow => {
    const s = compared.segments[i];
    const view = rateView(c, ctx);
    const significant = s?.significant ?? false;
    const diff = s ? differenceView(s.comparison, significant) : differenceView(noComparison(ctx.level, null, null, 'no comparison'));
    return {
      ...view,
      segment: c.values,
      label: labelled[i]?.label ?? '',
      band: bandJudgement(view, ctx.thresholds),
      smallSample: isSmallSample(c.offers),
      vsRest: {
        ...diff,
        adjustedPValue: s?.adjustedPValue ?? null,
        adjustedLevel: s?.adjustedLevel ?? null,
        adjustedLower: s?.adjustedLower ?? null,
        adjustedUpper: s?.adjustedUpper ?? null,
        direction: significant && diff.difference !== null ? (diff.difference > 0 ? 'above' : 'below') : null,
      },
    };
  });
  const o = compared.omnibus;
  const alpha = alphaOf(ctx.level);
  return {
    query: queryEcho(ctx, selection),
    by: [...by],
    total: rateView(total, ctx),
    rows: out,
    homogeneity: {
      statistic: o.statistic,
      df: o.df,
      pValue: o.pValue,
      groups: o.groups,
      minExpected: o.minExpected,
      significant: o.pValue !== null && o.pValue <= 1 - ctx.level,
    },
    correction: {
      ...compared.family,
      alpha,
      members: [...compared.family.members],
      excluded: [...compared.family.excluded],
      description: describeFamily(compared.family.method, alpha, compared.family.members),
    },
  };
}

/**
 * The segments with offers plus the values (and, for two dimensions, the combinations of values)
 * seen at any time under the same filters: empty cells are information. Sorted by label, missing
 * values last.
 */
async function withEmptyCells(ctx: KpiContext, selection: Selection, by: readonly string[], rows: readonly OfferCounts[]): Promise<OfferCounts[]> {
  const key = valuesKey(by);
  const found = new Map(rows.map((r) => [key(r.values), r]));
  // A range taken from the data holds every offer: the values seen at any time are the range's own.
  const seen = holdsEveryOffer(ctx, selection) ? rows : await valuesSeen(ctx, selection, by, rows);
  const valuesOf = by.map((d) => [...new Set(seen.map((r) => r.values[d] ?? null))]);
  let combos: Record<string, string | null>[] = [{}];
  for (const [i, d] of by.entries()) {
    combos = combos.flatMap((c) => (valuesOf[i] ?? []).map((v) => ({ ...c, [d]: v })));
    if (combos.length > MAX_CELLS) {
      combos = seen.map((r) => ({ ...r.values }));
      break;
    }
  }
  const all = new Map(found);
  for (const values of combos) if (!all.has(key(values))) all.set(key(values), { ...NO_OFFERS, values });
  return sortedCells([...all.values()], by);
}

/** By label, missing values last. */
function sortedCells(cells: readonly OfferCounts[], by: readonly string[]): OfferCounts[] {
  return [...cells].sort((a, b) => compareValues(by.map((d) => a.values[d] ?? null), by.map((d) => b.values[d] ?? null)));
}

function compareValues(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x.localeCompare(y);
  }
  return 0;
}
