/**
 * Expected numbers for the alert tests, by plain SQL and textbook formulas — written out here, not
 * taken from src/stats, so the tests check the alerts against an independent computation.
 */
import type { Store } from '../src/store/index.js';

/** One customer's offers and acceptances in a population. */
export interface CustomerCounts {
  readonly n: number;
  readonly k: number;
}

/** A population's totals and its customer-clustered design effect. */
export interface Population {
  readonly n: number;
  readonly k: number;
  readonly customers: number;
  /** max(1, cluster-robust variance / binomial variance). */
  readonly d: number;
}

/** Accepted within 30 days of the offer and by the instant `asOf` (`YYYY-MM-DD hh:mm:ss`). */
export function acceptedSql(asOf: string): string {
  return `o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= TIMESTAMP '${asOf}'`;
}

/** Per-customer counts of the offers made in [from, to) matching `where` (offers `o`, customers `c`). */
export async function perCustomer(store: Store, asOf: string, from: string, to: string, where = 'TRUE'): Promise<CustomerCounts[]> {
  const rows = await store.query<{ n: bigint; k: bigint }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE ${acceptedSql(asOf)}) AS k
     FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
     WHERE o.offered_at >= TIMESTAMP '${from}' AND o.offered_at < TIMESTAMP '${to}' AND ${where}
     GROUP BY o.customer_id`,
  );
  return rows.map((r) => ({ n: Number(r.n), k: Number(r.k) }));
}

/**
 * The design effect of r = Σk/Σn over customers: Var(r) = C/(C − 1) · Σ(k_c − r·n_c)² / (Σn)²
 * (the delta method, Deng et al. 2018), over the binomial r(1 − r)/Σn, floored at 1.
 */
export function population(customers: readonly CustomerCounts[]): Population {
  const n = customers.reduce((s, c) => s + c.n, 0);
  const k = customers.reduce((s, c) => s + c.k, 0);
  const C = customers.length;
  const r = k / n;
  const squares = customers.reduce((s, c) => s + (c.k - r * c.n) ** 2, 0);
  const clustered = ((C / (C - 1)) * squares) / (n * n);
  const binomial = (r * (1 - r)) / n;
  return { n, k, customers: C, d: Math.max(1, clustered / binomial) };
}

export const Z95 = 1.959963984540054;

/** Wilson score interval by its textbook formula (k and n may be fractional: effective counts). */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [centre - half, centre + half];
}

/** Pooled two-proportion z of A against B on Rao–Scott effective counts (k/d of n/d). */
export function raoScottZ(a: Population, b: Population): number {
  const [ka, na, kb, nb] = [a.k / a.d, a.n / a.d, b.k / b.d, b.n / b.d];
  const pooled = (ka + kb) / (na + nb);
  return (ka / na - kb / nb) / Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
}

/** Pearson χ² of equal rates across periods (periods × accepted/not accepted). */
export function chiSquare(periods: readonly { k: number; n: number }[]): number {
  const used = periods.filter((p) => p.n > 0);
  const p = used.reduce((s, x) => s + x.k, 0) / used.reduce((s, x) => s + x.n, 0);
  return used.reduce((s, x) => s + (x.k - x.n * p) ** 2 / (x.n * p) + (x.n - x.k - x.n * (1 - p)) ** 2 / (x.n * (1 - p)), 0);
}

/**
 * Control limits of the last period: p-chart p̄ ± s·√(p̄(1 − p̄)/n), or Laney's p′ (σ_z = mean
 * moving range of the periods' z-scores / 1.128) when `laney`.
 */
export function controlLimits(periods: readonly { k: number; n: number }[], laney: boolean, sigmas = 3): { centre: number; sigmaZ: number; lower: number; upper: number } {
  const used = periods.filter((p) => p.n > 0);
  const centre = used.reduce((s, x) => s + x.k, 0) / used.reduce((s, x) => s + x.n, 0);
  const sd = (n: number) => Math.sqrt((centre * (1 - centre)) / n);
  const z = used.map((x) => (x.k / x.n - centre) / sd(x.n));
  let sigmaZ = 1;
  if (laney) {
    let sum = 0;
    for (let i = 1; i < z.length; i++) sum += Math.abs((z[i] as number) - (z[i - 1] as number));
    sigmaZ = sum / (z.length - 1) / 1.128;
  }
  const last = used.at(-1) as { n: number };
  return { centre, sigmaZ, lower: centre - sigmas * sd(last.n) * sigmaZ, upper: centre + sigmas * sd(last.n) * sigmaZ };
}

/** χ² critical value at 0.95 for 11 degrees of freedom (12 periods): tables give 19.675. */
export const CHI2_95_DF11 = 19.675;
