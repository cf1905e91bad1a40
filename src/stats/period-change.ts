import { compareProportions, type CompareOptions, type Counts, type ProportionComparison } from './compare-proportions.js';

/** A period against the previous one. */
export interface PeriodChange extends ProportionComparison {
  /** (current − previous) / previous; null when previous rate is 0 or unknown. */
  readonly relativeChange: number | null;
}

/**
 * Period-over-period change of the rate with its significance: {@link compareProportions} with the
 * current period as A and the previous as B (so a drop has a negative difference), plus the
 * relative change.
 *
 * @example
 * periodChange({ k: 120, n: 1000 }, { k: 150, n: 1000 })
 * // difference −0.03 (−3 points), relativeChange −0.2, test 'z', pValue 0.0496…
 */
export function periodChange(current: Counts, previous: Counts, options: CompareOptions = {}): PeriodChange {
  const c = compareProportions(current, previous, options);
  const relativeChange = c.difference === null || !c.rateB ? null : c.difference / c.rateB;
  return { ...c, relativeChange };
}
