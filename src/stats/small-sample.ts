/** Segments with fewer offers than this are flagged small and not ranked first. */
export const DEFAULT_SMALL_SAMPLE = 30;

/**
 * Whether n offers are too few to rank a rate on (n < threshold, default 30). n = 0 is small.
 *
 * @example
 * isSmallSample(12) // true
 */
export function isSmallSample(n: number, threshold: number = DEFAULT_SMALL_SAMPLE): boolean {
  return n < threshold;
}
