/**
 * The rate scale a panel's charts share, so charts compare by eye: every breakdown panel's
 * segments on one axis, every small multiple of a segments-over-time panel on one axis. Both are
 * rounded by the report's own helper ({@link rateAxisRange}, with the same smallest span), so the
 * same rates give the same axis in either panel. The drawn scale is written on the chart's
 * element as `data-axis="min..max"` (fractions), for tests and for anyone comparing panels.
 *
 * @example
 *   const scale = rateScale([0.12, 0.18, 0.2]); // { min: 0.1, max: 0.22, interval: 0.02 }
 *   el.dataset['axis'] = axisText(scale);       // "0.1..0.22"
 */
import { rateAxisRange } from '../../../src/report-html/chart-options.js';

export interface RateScale {
  readonly min: number;
  readonly max: number;
  readonly interval: number;
}

/** The smallest span of a shared scale: a few points, so equal rates do not look far apart. */
const MIN_SPAN = 0.06;

/** The scale holding every value (nulls skipped); null when there is none to hold. */
export function rateScale(values: readonly (number | null | undefined)[]): RateScale | null {
  return values.some((v) => typeof v === 'number' && Number.isFinite(v)) ? rateAxisRange(values, MIN_SPAN) : null;
}

/** The scale of a chart with no rate to show (the helper's own default). */
export const EMPTY_SCALE: RateScale = rateAxisRange([], MIN_SPAN);

/** How a drawn scale is written in `data-axis`. */
export function axisText(axis: { readonly min?: unknown; readonly max?: unknown }): string {
  return `${String(axis.min)}..${String(axis.max)}`;
}
