import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { UprateError } from '../core/errors.js';
import { checkOpenProbability, checkProbability } from './counts.js';

/**
 * Cohen's h, the effect size of two proportions on the arcsine scale:
 * h = 2·asin(√p1) − 2·asin(√p2), as statsmodels `proportion_effectsize(p1, p2)`.
 */
export function cohensH(p1: number, p2: number): number {
  checkProbability(p1, 'p1');
  checkProbability(p2, 'p2');
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
}

export interface PowerOptions {
  /** Two-sided significance level (default 0.05). */
  readonly alpha?: number;
  /** Desired power (default 0.8). */
  readonly power?: number;
}

/**
 * Power of the two-sided two-sample test of proportions with n offers per arm and effect h
 * (normal approximation on the arcsine scale), as statsmodels
 * `NormalIndPower().power(h, nobs1=n, alpha, ratio=1, alternative='two-sided')`: with
 * d = |h|·√(n/2) and c = z_{1−α/2}, power = Φ(d − c) + Φ(−d − c) (both tails).
 */
export function twoProportionPower(h: number, nPerArm: number, alpha = 0.05): number {
  checkOpenProbability(alpha, 'alpha');
  const c = -normalQuantile(alpha / 2, 0, 1);
  const d = Math.abs(h) * Math.sqrt(nPerArm / 2);
  return normalCdf(d - c, 0, 1) + normalCdf(-d - c, 0, 1);
}

/** Result of {@link sampleSizePerArm}. */
export interface SampleSize {
  /** Offers needed in each arm, rounded up. */
  readonly nPerArm: number;
  /** The unrounded solution. */
  readonly exact: number;
  /** Cohen's h of p2 against p1. */
  readonly h: number;
  readonly alpha: number;
  readonly power: number;
}

/**
 * Offers needed per arm (equal arms) to detect a change of the rate from p1 to p2 with a
 * two-sided test at `alpha` with `power`, by the arcsine (Cohen's h) normal approximation. Solves
 * the two-tailed power equation of {@link twoProportionPower} exactly, so it matches statsmodels
 * `NormalIndPower().solve_power(effect_size=proportion_effectsize(p2, p1), alpha, power)`
 * (≈ 2((z_{1−α/2} + z_{power})/h)², minus the negligible far tail).
 *
 * @example
 * sampleSizePerArm(0.15, 0.18) // { nPerArm: 2399, exact: 2398.54…, h: 0.0809…, … }
 */
export function sampleSizePerArm(p1: number, p2: number, options: PowerOptions = {}): SampleSize {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  checkOpenProbability(alpha, 'alpha');
  checkOpenProbability(power, 'power');
  const h = cohensH(p2, p1);
  if (h === 0) {
    throw new UprateError('BAD_ARGUMENT', `p1 and p2 are equal (${p1}): no sample size detects no change`, { location: 'p2' });
  }
  if (power <= alpha) {
    throw new UprateError('BAD_ARGUMENT', `power ${power} must exceed alpha ${alpha}`, { location: 'power' });
  }
  // The one-tail closed form is an upper bound; the second tail only lowers n.
  const c = -normalQuantile(alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  const upper = 2 * ((c + zb) / h) ** 2;
  const exact = bisect((n) => twoProportionPower(h, n, alpha) - power, 0, upper);
  return { nPerArm: Math.ceil(exact - 1e-9), exact, h, alpha, power };
}

/** Result of {@link minimumDetectableEffect}. */
export interface DetectableEffect {
  /** Smallest |Cohen's h| detected with the given power. */
  readonly h: number;
  /** Smallest rate above p1 that is detectable, or null if none below 100 %. */
  readonly upperRate: number | null;
  /** Largest rate below p1 that is detectable, or null if none above 0 %. */
  readonly lowerRate: number | null;
  /** upperRate − p1 and p1 − lowerRate, in percentage points. */
  readonly upPoints: number | null;
  readonly downPoints: number | null;
}

/**
 * Minimum detectable effect with n offers per arm at baseline rate p1: the |h| at which
 * {@link twoProportionPower} reaches `power` (as statsmodels `solve_power(nobs1=n, effect_size=None)`),
 * turned back into rates: sin²(asin√p1 ± h/2).
 *
 * @example
 * minimumDetectableEffect(0.15, 2000) // { upperRate: 0.1830…, lowerRate: 0.1198…, … }
 */
export function minimumDetectableEffect(p1: number, nPerArm: number, options: PowerOptions = {}): DetectableEffect {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  checkProbability(p1, 'p1');
  checkOpenProbability(alpha, 'alpha');
  checkOpenProbability(power, 'power');
  if (!(nPerArm > 0)) throw new UprateError('BAD_ARGUMENT', `offers per arm must be positive, not ${nPerArm}`, { location: 'nPerArm' });
  if (power <= alpha) throw new UprateError('BAD_ARGUMENT', `power ${power} must exceed alpha ${alpha}`, { location: 'power' });
  const c = -normalQuantile(alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  const hMax = (c + zb) / Math.sqrt(nPerArm / 2);
  const h = bisect((x) => twoProportionPower(x, nPerArm, alpha) - power, 0, hMax);
  const phi = Math.asin(Math.sqrt(p1));
  const up = phi + h / 2;
  const down = phi - h / 2;
  const upperRate = up <= Math.PI / 2 ? Math.sin(up) ** 2 : null;
  const lowerRate = down >= 0 ? Math.sin(down) ** 2 : null;
  return {
    h,
    upperRate,
    lowerRate,
    upPoints: upperRate === null ? null : (upperRate - p1) * 100,
    downPoints: lowerRate === null ? null : (p1 - lowerRate) * 100,
  };
}

/** Root of an increasing function on [lo, hi] by bisection to machine precision. */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200 && b - a > 4 * Number.EPSILON * Math.abs(b); i++) {
    const mid = (a + b) / 2;
    if (f(mid) < 0) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}
