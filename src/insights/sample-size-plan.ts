import { UprateError } from '../core/errors.js';
import { minimumDetectableEffect, sampleSizePerArm } from '../stats/index.js';
import type { SampleSizeResponse } from './api-types.js';
import { count, percent, points } from './wording.js';

export interface SampleSizeRequest {
  /** Current conversion rate (fraction, strictly between 0 and 1). */
  readonly baseline: number;
  /** Absolute change to detect (fraction: 0.02 = 2 points); needs baseline + mde ≤ 1. */
  readonly mde?: number;
  /** Offers per arm available: answer the minimum detectable effect for it. */
  readonly n?: number;
  readonly alpha?: number;
  readonly power?: number;
}

const METHOD =
  "two-sided two-sample test of proportions, equal arms, arcsine (Cohen's h) normal approximation as statsmodels NormalIndPower";

/**
 * GET /api/v1/sample-size — planning an offer test: offers per arm to detect `baseline → baseline
 * + mde`, and/or the smallest change detectable with `n` offers per arm.
 *
 * @example
 * sampleSizePlan({ baseline: 0.15, mde: 0.03 }).nPerArm // 2399
 */
export function sampleSizePlan(request: SampleSizeRequest): SampleSizeResponse {
  const alpha = request.alpha ?? 0.05;
  const power = request.power ?? 0.8;
  const { baseline, mde, n } = request;
  if (mde === undefined && n === undefined) {
    throw new UprateError('BAD_ARGUMENT', 'give mde (the change to detect) or n (offers per arm), or both', { location: 'mde' });
  }
  let nPerArm: number | null = null;
  let h: number | null = null;
  const sentences: string[] = [];
  if (mde !== undefined) {
    if (baseline + mde > 1) {
      throw new UprateError('BAD_ARGUMENT', `baseline ${baseline} + mde ${mde} exceeds 100 %`, { location: 'mde', hint: 'mde is an absolute change as a fraction: 0.02 means 2 points' });
    }
    const s = sampleSizePerArm(baseline, baseline + mde, { alpha, power });
    nPerArm = s.nPerArm;
    h = s.h;
    sentences.push(
      `To detect ${percent(baseline)} → ${percent(baseline + mde)} (${points(mde * 100)}) with ${Math.round(power * 100)} % power at α = ${alpha}, ` +
        `offer each variant to ${count(s.nPerArm)} offers (${count(2 * s.nPerArm)} in all).`,
    );
  }
  let detectable: SampleSizeResponse['detectable'] = null;
  if (n !== undefined) {
    const d = minimumDetectableEffect(baseline, n, { alpha, power });
    detectable = { nPerArm: n, upperRate: d.upperRate, lowerRate: d.lowerRate, upPoints: d.upPoints, downPoints: d.downPoints, h: d.h };
    sentences.push(
      `With ${count(n)} offers per variant the smallest detectable change from ${percent(baseline)} is ` +
        `${d.upperRate === null ? 'none upwards' : `up to ${percent(d.upperRate)} (${points(d.upPoints)})`} or ` +
        `${d.lowerRate === null ? 'none downwards' : `down to ${percent(d.lowerRate)} (${points(d.downPoints === null ? null : -d.downPoints)})`}.`,
    );
  }
  return {
    baseline,
    mde: mde ?? null,
    mdePoints: mde === undefined ? null : mde * 100,
    alpha,
    power,
    nPerArm,
    totalOffers: nPerArm === null ? null : 2 * nPerArm,
    h,
    detectable,
    method: METHOD,
    summary: sentences.join(' '),
  };
}
