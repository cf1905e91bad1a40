import type { RollupGranularity } from '../model/index.js';

/**
 * UTC period boundaries, as the engines' `date_trunc` draws them: weeks start on Monday,
 * quarters in January, April, July and October.
 */
const DAY = 86_400_000;
const FIXED: Partial<Record<RollupGranularity, number>> = { hour: 3_600_000, day: DAY };

/** The start of the period holding `ms`. */
export function periodFloor(ms: number, g: RollupGranularity): number {
  const fixed = FIXED[g];
  if (fixed) return Math.floor(ms / fixed) * fixed;
  const d = new Date(ms);
  if (g === 'week') {
    const day = Math.floor(ms / DAY) * DAY;
    // 1970-01-01 was a Thursday: Monday-based weekday of a day number.
    const weekday = (Math.floor(day / DAY) + 3) % 7;
    return day - ((weekday + 7) % 7) * DAY;
  }
  const year = d.getUTCFullYear();
  const month = g === 'year' ? 0 : g === 'quarter' ? Math.floor(d.getUTCMonth() / 3) * 3 : d.getUTCMonth();
  return Date.UTC(year, month, 1);
}

/** The start of the next period after the one starting at `start`. */
export function nextPeriod(start: number, g: RollupGranularity): number {
  const fixed = FIXED[g];
  if (fixed) return start + fixed;
  if (g === 'week') return start + 7 * DAY;
  const d = new Date(start);
  const months = g === 'year' ? 12 : g === 'quarter' ? 3 : 1;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}

/** The first period boundary at or after `ms`. */
export function periodCeil(ms: number, g: RollupGranularity): number {
  const floor = periodFloor(ms, g);
  return floor === ms ? ms : nextPeriod(floor, g);
}

/** Which query granularities a rollup's periods add up to exactly. */
export { ROLLUP_NESTS as DERIVABLE } from '../model/index.js';
