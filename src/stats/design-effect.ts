import { UprateError } from '../core/errors.js';

/**
 * Per-customer sums of one population of offers: what the customer-clustered variance of its
 * rate needs, without the customers themselves. With n_c offers and k_c acceptances for
 * customer c: `customers` = C, `offersSquared` = Σ n_c², `acceptedSquared` = Σ k_c²,
 * `acceptedOffers` = Σ k_c·n_c.
 */
export interface ClusterMoments {
  readonly customers: number;
  readonly offersSquared: number;
  readonly acceptedSquared: number;
  readonly acceptedOffers: number;
}

/** Which variance a rate's uncertainty was computed with. */
export type VarianceKind = 'customer-clustered' | 'binomial';

/**
 * How much a population's offers cluster by customer, and the effective sample it amounts to.
 * `designEffect` ≥ 1 is the factor intervals and tests widen by; `rawDesignEffect` is the
 * measured ratio before flooring at 1 (null when it cannot be measured).
 */
export interface DesignEffect {
  readonly variance: VarianceKind;
  readonly designEffect: number;
  readonly rawDesignEffect: number | null;
  /** Cluster-robust variance of the rate (null when not computed). */
  readonly clusteredVariance: number | null;
  /** Binomial variance r(1 − r)/n (null without offers). */
  readonly binomialVariance: number | null;
  readonly customers: number | null;
  /** n / designEffect and k / designEffect: the independent offers the data are worth. */
  readonly effectiveOffers: number;
  readonly effectiveAccepted: number;
  /** Why this variance, in words. */
  readonly reason: string;
}

/**
 * The design effect of a rate r = Σk_c / Σn_c over customers: the cluster-robust (sandwich /
 * delta-method) variance of a ratio of sums,
 *   Var(r) = C/(C − 1) · Σ_c (k_c − r·n_c)² / (Σ_c n_c)²
 * (Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics", KDD 2018; the same as
 * statsmodels OLS of the 0/1 outcome on an intercept with `cov_type='cluster'`), divided by the
 * binomial r(1 − r)/n. It is floored at 1 (Korn & Graubard 1998: never claim more precision than
 * independent offers give). Without moments, with one customer, with one offer per customer or
 * with a rate of 0 % or 100 %, the variance is the binomial one (design effect 1).
 *
 * @example
 * // 2 customers: 3 of 4 and 0 of 4 → r = 3/8, clustered var 2·((3 − 1.5)² + (0 − 1.5)²)/8² = 0.1406,
 * // binomial 0.375·0.625/8 = 0.0293
 * designEffect(3, 8, { customers: 2, offersSquared: 32, acceptedSquared: 9, acceptedOffers: 12 }).designEffect // 4.8
 */
export function designEffect(k: number, n: number, moments?: ClusterMoments | null): DesignEffect {
  const binomial = (reason: string, customers: number | null = moments?.customers ?? null): DesignEffect => ({
    variance: 'binomial',
    designEffect: 1,
    rawDesignEffect: null,
    clusteredVariance: null,
    binomialVariance: n > 0 ? (k / n) * (1 - k / n) / n : null,
    customers,
    effectiveOffers: n,
    effectiveAccepted: k,
    reason,
  });
  if (!moments) return binomial('binomial: offers treated as independent (no customer sums given)', null);
  checkMoments(k, n, moments);
  if (n === 0) return binomial('no offers');
  const C = moments.customers;
  if (C < 2) return binomial('binomial: one customer, so no between-customer variance can be measured');
  if (moments.offersSquared === n) return binomial('binomial: every customer received one offer, so offers are independent');
  const r = k / n;
  const binomialVariance = (r * (1 - r)) / n;
  if (binomialVariance === 0) return binomial(`binomial: every offer was ${k === 0 ? 'declined or unanswered' : 'accepted'}, so there is no variance to cluster`);
  const squares = moments.acceptedSquared - 2 * r * moments.acceptedOffers + r * r * moments.offersSquared;
  const clusteredVariance = ((C / (C - 1)) * Math.max(0, squares)) / (n * n);
  const raw = clusteredVariance / binomialVariance;
  const d = Math.max(1, raw);
  return {
    variance: 'customer-clustered',
    designEffect: d,
    rawDesignEffect: raw,
    clusteredVariance,
    binomialVariance,
    customers: C,
    effectiveOffers: n / d,
    effectiveAccepted: k / d,
    reason:
      `customer-clustered: ${n} offers to ${C} customers, design effect ${round(raw)}` +
      (raw < 1 ? ' (floored at 1)' : `, worth ${Math.round(n / d)} independent offers`),
  };
}

/**
 * The design effect of counts that carry their customer sums (`clusters`) or a design effect
 * measured earlier from them (`designEffect`, e.g. from an API answer).
 */
export function effectOf(c: { readonly k: number; readonly n: number; readonly clusters?: ClusterMoments | null; readonly designEffect?: number }): DesignEffect {
  if (c.designEffect === undefined || c.clusters) return designEffect(c.k, c.n, c.clusters);
  const d = c.designEffect;
  if (!(d >= 1) || !Number.isFinite(d)) {
    throw new UprateError('BAD_ARGUMENT', `a design effect must be a finite number ≥ 1, not ${d}`, { location: 'designEffect' });
  }
  const base = designEffect(c.k, c.n);
  if (d === 1) return base;
  return {
    ...base,
    variance: 'customer-clustered',
    designEffect: d,
    rawDesignEffect: d,
    clusteredVariance: base.binomialVariance === null ? null : base.binomialVariance * d,
    effectiveOffers: c.n / d,
    effectiveAccepted: c.k / d,
    reason: `customer-clustered: design effect ${round(d)} measured from the customers' counts`,
  };
}

/** The customer sums of no offers. */
export const NO_MOMENTS: ClusterMoments = Object.freeze({ customers: 0, offersSquared: 0, acceptedSquared: 0, acceptedOffers: 0 });

/** Moments of two disjoint populations added (customers of A and B counted separately). */
export function addMoments(a: ClusterMoments, b: ClusterMoments): ClusterMoments {
  return {
    customers: a.customers + b.customers,
    offersSquared: a.offersSquared + b.offersSquared,
    acceptedSquared: a.acceptedSquared + b.acceptedSquared,
    acceptedOffers: a.acceptedOffers + b.acceptedOffers,
  };
}

function checkMoments(k: number, n: number, m: ClusterMoments): void {
  const bad = (what: string) =>
    new UprateError('BAD_ARGUMENT', `customer sums do not fit ${k} of ${n} offers: ${what}`, {
      location: 'clusters',
      hint: 'the sums must come from the same offers as the counts, grouped by customer',
    });
  if (!Number.isSafeInteger(m.customers) || m.customers < 0 || m.customers > n || (n > 0 && m.customers === 0)) throw bad(`${m.customers} customers`);
  if (!(m.offersSquared >= n) || m.offersSquared > n * n) throw bad(`Σ offers² = ${m.offersSquared}`);
  if (!(m.acceptedSquared >= k) || !(m.acceptedOffers >= k) || m.acceptedOffers > m.offersSquared) throw bad(`Σ accepted² = ${m.acceptedSquared}, Σ accepted·offers = ${m.acceptedOffers}`);
}

function round(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
