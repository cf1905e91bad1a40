/**
 * Offers sorted once by score, their outcome, weight and customer laid out in that order, so
 * that each bootstrap replicate's AUC and top-decile lift are sequential O(n) passes (the sort is
 * the only O(n log n) step, and no pass jumps around memory through an index).
 */

export interface RankedScores {
  /** Row indices by ascending score; equal scores keep their row order. */
  readonly order: Int32Array;
  /** 1 where a run of equal scores ends (at this rank), else 0. */
  readonly groupEnd: Uint8Array;
  /** By rank: 1 accepted, 0 not. */
  readonly accepted: Uint8Array;
  /** By rank: the offer's weight. */
  readonly weight: Float64Array;
  /** By rank: the offer's customer (a dense index). */
  readonly cluster: Int32Array;
}

export function rankScores(scores: ArrayLike<number>, outcome: ArrayLike<number>, weight: ArrayLike<number>, cluster: ArrayLike<number>): RankedScores {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // The index tie-break makes the order of equal scores explicit (row order), not an accident.
  order.sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
  const groupEnd = new Uint8Array(n);
  const accepted = new Uint8Array(n);
  const ranked = new Float64Array(n);
  const clusters = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const next = order[k + 1];
    groupEnd[k] = next === undefined || scores[next] !== scores[i] ? 1 : 0;
    accepted[k] = outcome[i] === 1 ? 1 : 0;
    ranked[k] = weight[i] as number;
    clusters[k] = cluster[i] as number;
  }
  return { order, groupEnd, accepted, weight: ranked, cluster: clusters };
}

/** A replicate's weights by rank: each offer's weight × how often its customer was drawn. */
export function resampledWeights(ranked: RankedScores, customerCounts: Float64Array, out: Float64Array): Float64Array {
  const { weight, cluster } = ranked;
  for (let k = 0; k < weight.length; k++) out[k] = (weight[k] as number) * (customerCounts[cluster[k] as number] as number);
  return out;
}

/**
 * Weighted area under the ROC curve, the Mann–Whitney form: over every (accepted, not accepted)
 * pair, the weight product where the accepted offer scored higher, half of it on a tie, divided
 * by (accepted weight × not accepted weight). NaN when either is 0. One pass over the ranking:
 * each run of equal scores adds its accepted weight × (not accepted weight below it + half its own).
 */
export function rankedAuc(ranked: RankedScores, weight: Float64Array = ranked.weight): number {
  const { accepted, groupEnd } = ranked;
  let negativeBelow = 0;
  let positives = 0;
  let groupPositive = 0;
  let groupNegative = 0;
  let sum = 0;
  for (let k = 0; k < weight.length; k++) {
    const w = weight[k] as number;
    if (accepted[k] === 1) groupPositive += w;
    else groupNegative += w;
    if (groupEnd[k] === 1) {
      sum += groupPositive * (negativeBelow + groupNegative / 2);
      negativeBelow += groupNegative;
      positives += groupPositive;
      groupPositive = 0;
      groupNegative = 0;
    }
  }
  return sum / (positives * negativeBelow);
}

/**
 * Observed rate of the top `share` of the weight by score ÷ the overall rate. A run of equal
 * scores that straddles the cut counts pro rata (its rate times the weight the cut takes from
 * it), so the answer does not depend on the rows' order. NaN when nothing was accepted.
 */
export function rankedTopLift(ranked: RankedScores, weight: Float64Array = ranked.weight, share = 0.1): number {
  const { accepted, groupEnd } = ranked;
  let total = 0;
  let acceptedTotal = 0;
  for (let k = 0; k < weight.length; k++) {
    const w = weight[k] as number;
    total += w;
    if (accepted[k] === 1) acceptedTotal += w;
  }
  const target = share * total;
  let taken = 0;
  let takenAccepted = 0;
  let groupWeight = 0;
  let groupAccepted = 0;
  for (let k = weight.length - 1; k >= 0 && taken < target; k--) {
    const w = weight[k] as number;
    groupWeight += w;
    if (accepted[k] === 1) groupAccepted += w;
    // Walking down, a run of equal scores ends where the run below it ends (or at the bottom).
    if (k === 0 || groupEnd[k - 1] === 1) {
      const part = groupWeight > 0 ? Math.min(1, (target - taken) / groupWeight) : 0;
      taken += part * groupWeight;
      takenAccepted += part * groupAccepted;
      groupWeight = 0;
      groupAccepted = 0;
    }
  }
  return takenAccepted / taken / (acceptedTotal / total);
}
