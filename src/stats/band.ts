import { percent } from '../core/display.js';
import { UprateError } from '../core/errors.js';

/** Performance band of a conversion rate. */
export type Band = 'strong' | 'moderate' | 'poor';

/**
 * Band limits as fractions: above `strong` is strong, below `poor` is poor, anything from `poor`
 * to `strong` inclusive is moderate.
 */
export interface BandThresholds {
  readonly strong: number;
  readonly poor: number;
}

/** The seed's bands: > 20 % strong, 10–20 % moderate, < 10 % poor. */
export const DEFAULT_BAND_THRESHOLDS: BandThresholds = Object.freeze({ strong: 0.2, poor: 0.1 });

/** Bands from worst to best, the order {@link bandWithInterval} reports spans in. */
export const BANDS: readonly Band[] = Object.freeze(['poor', 'moderate', 'strong']);

/**
 * The performance band of a rate. The boundaries belong to the moderate band: exactly 20 % and
 * exactly 10 % are both moderate.
 *
 * @example
 * band(0.25) // 'strong'
 * band(0.20) // 'moderate'
 * band(0.08) // 'poor'
 */
export function band(rate: number, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): Band {
  checkThresholds(thresholds);
  if (!Number.isFinite(rate)) {
    throw new UprateError('BAD_ARGUMENT', `a band needs a finite rate, not ${rate}`, { location: 'rate' });
  }
  if (rate > thresholds.strong) return 'strong';
  if (rate < thresholds.poor) return 'poor';
  return 'moderate';
}

/** Result of {@link bandWithInterval}. */
export type IntervalBand =
  | { readonly band: Band; readonly determinate: true; readonly spans: readonly [Band]; readonly reason: null }
  | { readonly band: 'indeterminate'; readonly determinate: false; readonly spans: readonly Band[]; readonly reason: string };

/**
 * The band of a rate judged with its uncertainty: a band only when the whole interval
 * [lower, upper] lies inside one band; otherwise `'indeterminate'` with the bands the interval
 * spans and a reason a person can read.
 *
 * @example
 * bandWithInterval(0.21, 0.30) // { band: 'strong', determinate: true, … }
 * bandWithInterval(0.15, 0.25) // { band: 'indeterminate', spans: ['moderate', 'strong'],
 *                              //   reason: 'the interval 15.0%–25.0% spans moderate and strong' }
 */
export function bandWithInterval(
  lower: number,
  upper: number,
  thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS,
): IntervalBand {
  if (!(lower <= upper)) {
    throw new UprateError('BAD_ARGUMENT', `interval lower end ${lower} must not exceed its upper end ${upper}`, { location: 'interval' });
  }
  const from = BANDS.indexOf(band(lower, thresholds));
  const to = BANDS.indexOf(band(upper, thresholds));
  if (from === to) {
    return { band: BANDS[from] ?? 'moderate', determinate: true, spans: [BANDS[from] ?? 'moderate'], reason: null };
  }
  const spans = BANDS.slice(from, to + 1);
  const names = spans.length === 2 ? `${spans[0]} and ${spans[1]}` : `${spans.slice(0, -1).join(', ')} and ${spans.at(-1)}`;
  return {
    band: 'indeterminate',
    determinate: false,
    spans,
    reason: `the interval ${percent(lower)}–${percent(upper)} spans ${names}`,
  };
}

function checkThresholds(t: BandThresholds): void {
  if (!(t.poor >= 0 && t.strong <= 1 && t.poor <= t.strong)) {
    throw new UprateError('BAD_ARGUMENT', `band thresholds need 0 ≤ poor ≤ strong ≤ 1, not poor ${t.poor}, strong ${t.strong}`, {
      location: 'thresholds',
    });
  }
}
