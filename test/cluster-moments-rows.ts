/**
 * Clustered reads' rows (src/query/cluster-moments.ts) as plain numbers, for tests that compare
 * them with moments worked out by hand: group value, offers, accepted, pending, customers, and
 * the customer sums Σn², Σk², Σk·n and the positive-customer count, in the request's order.
 */
import type { ClusteredRow } from '../src/query/cluster-moments.js';

/** A row's group value and moments, numbers as numbers. */
export type Moments = { g: unknown; n: number; k: number; p: number; clusters: number; nn: number; kk: number; kn: number; pos: number };

export function moments(rows: readonly ClusteredRow[], dimension: string | null): Moments[] {
  return rows.map((r) => ({
    g: dimension === null ? null : r.data[dimension],
    n: Number(r.data['Offers.count']),
    k: Number(r.data['Offers.accepted']),
    p: Number(r.data['Offers.pending']),
    clusters: r.clusters,
    nn: r.products[0] ?? NaN,
    kk: r.products[1] ?? NaN,
    kn: r.products[2] ?? NaN,
    pos: r.positive[0] ?? NaN,
  }));
}

/** Expected moments, written out. */
export const m = (g: unknown, n: number, k: number, p: number, clusters: number, nn: number, kk: number, kn: number, pos: number): Moments => ({ g, n, k, p, clusters, nn, kk, kn, pos });
