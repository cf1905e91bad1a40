/**
 * Typed access to test/reference/stats-reference.json — reference values for src/stats computed
 * by scipy and statsmodels (test/reference/stats_reference.py generates it) — and the tolerance
 * assertion the stats tests share.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

type Pair = [number, number];

export interface StatsReference {
  meta: { python: string; scipy: string; statsmodels: string; numpy: string; generator: string };
  intervals: { k: number; n: number; level: number; wilson: Pair; jeffreys: Pair; exact: Pair }[];
  zTests: { k1: number; n1: number; k2: number; n2: number; z: number; p: number }[];
  newcombe: { k1: number; n1: number; k2: number; n2: number; level: number; lower: number; upper: number }[];
  fisher: { k1: number; n1: number; k2: number; n2: number; p: number; oddsRatio: number | null }[];
  chiSquare: { groups: Pair[]; yates: boolean; statistic: number; p: number; df: number }[];
  chiSquareSurvival: { x: number; df: number; p: number }[];
  multitest: {
    p: number[];
    holm: number[];
    holmReject: boolean[];
    bh: number[];
    bhReject: boolean[];
    bonferroni: number[];
    bonferroniReject: boolean[];
  }[];
  betaPosterior: {
    k: number;
    n: number;
    alpha: number;
    beta: number;
    level: number;
    mean: number;
    lower: number;
    upper: number;
    above: Pair[];
  }[];
  priorMoments: { groups: Pair[]; alpha: number; beta: number; rho: number }[];
  priorMle: { groups: Pair[]; alpha: number; beta: number; nll: number }[];
  trend: { periods: Pair[]; zStatsmodels: number; z: number; p: number }[];
  power: {
    sampleSize: { p1: number; p2: number; alpha: number; power: number; h: number; nSolvePower: number; n: number }[];
    powerAt: { h: number; n: number; alpha: number; power: number }[];
    mde: { n: number; alpha: number; power: number; hSolvePower: number; h: number }[];
    effectSize: { p1: number; p2: number; h: number }[];
  };
}

export const reference = JSON.parse(
  readFileSync(new URL('./stats-reference.json', import.meta.url), 'utf8'),
) as StatsReference;

/** `{ k, n }` from a `[k, n]` pair. */
export const counts = ([k, n]: Pair) => ({ k, n });

/**
 * Asserts |actual − expected| ≤ max(rel·|expected|, abs). Defaults: 1e-9 relative (same maths,
 * different code), 1e-15 absolute (endpoints that are 0 in one implementation and ~1e-17 in the
 * other).
 */
export function assertClose(actual: number | null | undefined, expected: number, what: string, rel = 1e-9, abs = 1e-15): void {
  assert.ok(typeof actual === 'number', `${what}: expected a number near ${expected}, got ${String(actual)}`);
  const tolerance = Math.max(rel * Math.abs(expected), abs);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} differs from reference ${expected} by ${Math.abs(actual - expected)} (tolerance ${tolerance})`,
  );
}
