import betaln from '@stdlib/math-base-special-betaln';
import { UprateError } from '../core/errors.js';
import type { BetaPrior } from './beta-posterior.js';
import type { Counts } from './compare-proportions.js';
import { checkCounts } from './counts.js';
import { nelderMead } from './nelder-mead.js';

/** How {@link fitBetaPrior} estimates the prior. */
export type PriorFitMethod = 'moments' | 'mle';

export interface PriorFitOptions {
  /** `'moments'` (default) or `'mle'` (maximum marginal likelihood, started from the moments fit). */
  readonly method?: PriorFitMethod;
  /**
   * Largest prior weight alpha + beta, in pseudo-offers (default 10 000). Reached when the groups
   * vary no more than binomial noise; the prior then pulls every group most of the way to the
   * overall rate — the data cannot tell the groups apart.
   */
  readonly maxStrength?: number;
}

/** A fitted prior with what was done to get it. */
export interface FittedPrior extends BetaPrior {
  /** alpha / (alpha + beta): the prior's centre, the pooled rate Σk/Σn for the moments fit. */
  readonly mean: number;
  /** alpha + beta: the prior's weight in pseudo-offers. */
  readonly strength: number;
  readonly method: PriorFitMethod;
  /** Groups with at least one offer that the fit used. */
  readonly groups: number;
  /** Why a fallback replaced the estimate, or null when the estimate stands. */
  readonly fallback: string | null;
}

export const DEFAULT_MAX_STRENGTH = 10_000;

/**
 * Empirical-Bayes Beta prior for the rates of many groups (segments, offers, campaigns), from
 * their (k, n), for shrinking small groups towards the whole.
 *
 * **Moments** (default): the mean is the pooled rate p̂ = Σk/Σn; the intra-class correlation
 * ρ = 1/(alpha + beta + 1) solves E[S] = p̂(1 − p̂)[(G − 1) + ρ(W − G + 1 − Σn²/W)] for the weighted
 * spread S = Σ nᵢ(kᵢ/nᵢ − p̂)², W = Σn, G groups (Kleinman 1973's weighted estimator of the
 * beta-binomial). **MLE**: maximises Σ log B(kᵢ + alpha, nᵢ − kᵢ + beta) − log B(alpha, beta) over
 * (logit mean, log strength) by Nelder–Mead, starting from the moments fit.
 *
 * Fallbacks, reported in `fallback`: fewer than two groups with offers → the uniform Beta(1, 1);
 * no accepted offers at all, or all accepted → mean (Σk + ½)/(Σn + 1); spread no larger than
 * binomial noise (ρ ≤ 0, or an MLE running off to infinite strength) → strength = `maxStrength`.
 *
 * @example
 * fitBetaPrior([{ k: 5, n: 40 }, { k: 30, n: 120 }, { k: 2, n: 50 }, { k: 60, n: 300 }])
 */
export function fitBetaPrior(groups: readonly Counts[], options: PriorFitOptions = {}): FittedPrior {
  groups.forEach((g, i) => checkCounts(g.k, g.n, `fitBetaPrior group ${i}`));
  const method = options.method ?? 'moments';
  const maxStrength = options.maxStrength ?? DEFAULT_MAX_STRENGTH;
  if (!(maxStrength > 0 && Number.isFinite(maxStrength))) {
    throw new UprateError('BAD_ARGUMENT', `maxStrength must be a positive number, not ${maxStrength}`, { location: 'maxStrength' });
  }
  // Floating-point sums depend on their order, and engines return groups in any order: sorting
  // makes the same groups give the same prior to the last bit, whichever order they came in.
  const rows = groups.filter((g) => g.n > 0).sort((a, b) => a.n - b.n || a.k - b.k);
  const G = rows.length;
  const W = rows.reduce((s, g) => s + g.n, 0);
  const K = rows.reduce((s, g) => s + g.k, 0);
  const make = (mean: number, strength: number, fallback: string | null): FittedPrior => ({
    alpha: mean * strength,
    beta: (1 - mean) * strength,
    mean,
    strength,
    method,
    groups: G,
    fallback,
  });
  if (G < 2) return make(0.5, 2, `needs at least 2 groups with offers, has ${G}: uniform prior`);
  if (K === 0 || K === W) {
    return make((K + 0.5) / (W + 1), maxStrength, `${K === 0 ? 'no' : 'every'} offer accepted in every group: rates indistinguishable`);
  }
  const moments = momentsFit(rows, K / W, maxStrength);
  if (method === 'moments') return make(K / W, moments.strength, moments.fallback);
  return mleFit(rows, K / W, moments.strength, maxStrength, make);
}

function momentsFit(rows: readonly Counts[], p: number, maxStrength: number): { strength: number; fallback: string | null } {
  const G = rows.length;
  const W = rows.reduce((s, g) => s + g.n, 0);
  const sumSq = rows.reduce((s, g) => s + g.n * g.n, 0);
  const spread = rows.reduce((s, g) => s + g.n * (g.k / g.n - p) ** 2, 0);
  const denominator = W - G + 1 - sumSq / W;
  const rho = denominator > 0 ? (spread / (p * (1 - p)) - (G - 1)) / denominator : NaN;
  if (!(rho > 0)) {
    return { strength: maxStrength, fallback: 'groups vary no more than binomial noise: prior strength set to its maximum' };
  }
  const strength = 1 / Math.min(rho, 1) - 1;
  if (strength > maxStrength) {
    return { strength: maxStrength, fallback: 'estimated prior strength above its maximum: capped' };
  }
  // ρ ≥ 1 means all-or-nothing groups; keep a tiny positive weight.
  return strength > 0 ? { strength, fallback: null } : { strength: 1e-6, fallback: 'groups are all-or-nothing: prior strength set near 0' };
}

function mleFit(
  rows: readonly Counts[],
  p: number,
  start: number,
  maxStrength: number,
  make: (mean: number, strength: number, fallback: string | null) => FittedPrior,
): FittedPrior {
  const logMax = Math.log(maxStrength);
  // Past the maximum the strength is mirrored back below it, not held at it: a search that
  // steps past it finds the likelihood falling again and returns to the optimum below it (held
  // at the maximum, the likelihood is flat there and a search could settle on the maximum when
  // the optimum lies just below it).
  const logStrength = (x1: number): number => (x1 <= logMax ? x1 : 2 * logMax - x1);
  const negLogLik = (x: readonly number[]): number => {
    const mean = 1 / (1 + Math.exp(-(x[0] ?? 0)));
    const s = Math.exp(logStrength(x[1] ?? 0));
    const a = mean * s;
    // Not (1 − mean)·s: a pooled rate within 2⁻⁵³ of 1 starts at a mean that rounds to 1, which
    // would make b 0 and the whole start infinite; 1/(1 + e^x) keeps b's own precision.
    const b = s / (1 + Math.exp(x[0] ?? 0));
    if (!(a > 0 && b > 0)) return Infinity;
    let ll = 0;
    for (const g of rows) ll += betaln(g.k + a, g.n - g.k + b) - betaln(a, b);
    return -ll;
  };
  const found = nelderMead(negLogLik, [Math.log(p / (1 - p)), Math.log(Math.min(start, maxStrength / 2))], { tolerance: 1e-10 });
  const mean = 1 / (1 + Math.exp(-(found.x[0] ?? 0)));
  const logS = logStrength(found.x[1] ?? 0);
  // Where the likelihood keeps rising it is nearly flat at great strengths, and the search may
  // stop short of the maximum (at 10⁹ the log-likelihood's terms are ~10⁸, so its last digits are
  // rounding): the maximum is the answer when it is as likely as the search's end to 1e-8.
  if (negLogLik([found.x[0] ?? 0, logMax]) <= found.value + 1e-8 * (1 + Math.abs(found.value))) {
    return make(mean, maxStrength, 'the likelihood keeps rising with prior strength (no extra-binomial spread): strength set to its maximum');
  }
  return make(mean, Math.exp(logS), found.converged ? null : 'the optimiser stopped before converging');
}
