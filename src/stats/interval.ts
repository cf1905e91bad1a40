/** A two-sided interval for a proportion, as fractions in [0, 1]. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** The interval methods for k successes of n trials. */
export type IntervalMethod = 'wilson' | 'jeffreys' | 'exact';

/** Confidence level used when none is given. */
export const DEFAULT_LEVEL = 0.95;
