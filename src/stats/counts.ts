import { UprateError } from '../core/errors.js';

/**
 * Argument checks shared by every statistic: counts are whole numbers, successes never exceed
 * trials, levels and probabilities lie strictly between 0 and 1. A failed check is a
 * `BAD_ARGUMENT` {@link UprateError} naming the argument, because counts usually come from data
 * (an aggregated table whose `successful_upsells` exceeds `total_upsell_offers`, say).
 */
export function checkCounts(k: number, n: number, where = 'counts'): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new UprateError('BAD_ARGUMENT', `offers (n) must be a whole number ≥ 0, not ${n}`, { location: where });
  }
  if (!Number.isSafeInteger(k) || k < 0 || k > n) {
    throw new UprateError('BAD_ARGUMENT', `accepted offers (k) must be a whole number from 0 to n = ${n}, not ${k}`, {
      location: where,
      hint: 'accepted offers can never exceed the offers they come from',
    });
  }
}

/** Checks a confidence or credible level, e.g. 0.95. */
export function checkLevel(level: number, where = 'level'): void {
  if (!(level > 0 && level < 1)) {
    throw new UprateError('BAD_ARGUMENT', `level must lie strictly between 0 and 1 (e.g. 0.95), not ${level}`, { location: where });
  }
}

/** Checks a probability strictly inside (0, 1), such as alpha or power. */
export function checkOpenProbability(p: number, where: string): void {
  if (!(p > 0 && p < 1)) {
    throw new UprateError('BAD_ARGUMENT', `${where} must lie strictly between 0 and 1, not ${p}`, { location: where });
  }
}

/** Checks a probability in the closed interval [0, 1], such as a rate. */
export function checkProbability(p: number, where: string): void {
  if (!(p >= 0 && p <= 1)) {
    throw new UprateError('BAD_ARGUMENT', `${where} must lie between 0 and 1, not ${p}`, { location: where });
  }
}
