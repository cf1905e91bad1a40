import { DEFAULT_SMALL_SAMPLE, shrinkRates } from '../stats/index.js';
import type { LeaderboardResponse, LeaderboardRow } from './api-types.js';
import { queryEcho } from './echo.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { NULL_VALUE } from '../core/display.js';
import { UprateError } from '../core/errors.js';
import { bindingOf, countOffers, resolveRange, statsCounts } from './offer-counts.js';
import { pointBand } from './rate-view.js';

export const LEADERBOARD_SORTS = ['shrunken', 'raw', 'offers', 'probability'] as const;
export type LeaderboardSort = (typeof LEADERBOARD_SORTS)[number];

export interface LeaderboardOptions {
  /** Dimension to rank (default: the binding's offer name). */
  readonly by?: string;
  readonly sort?: LeaderboardSort;
  /** At most this many rows (default all). */
  readonly limit?: number;
}

/**
 * GET /api/v1/leaderboard — "which offers convert best", ranked by the empirical-Bayes shrunken
 * rate (Beta prior fitted from all offers by moments) with its credible interval and the
 * probability of beating the overall rate. Offers with fewer than 30 offers are flagged and ranked
 * after every other offer whatever the sort, so 3 of 3 accepted never tops the board.
 */
export async function leaderboard(ctx: KpiContext, requested: Selection, options: LeaderboardOptions = {}): Promise<LeaderboardResponse> {
  const selection = await resolveRange(ctx, requested);
  const by = options.by ?? bindingOf(ctx).offerName;
  if (!by) {
    throw new UprateError('BAD_ARGUMENT', 'the KPI binding names no offer dimension to rank', {
      location: 'by',
      hint: 'pass by=Cube.dimension, or bind kpi.offerName in uprate.config.yaml',
    });
  }
  const sort = options.sort ?? 'shrunken';
  const rows = (await countOffers(ctx, selection, { dimensions: [by] })).filter((r) => r.offers > 0);
  const labels = rows.map((r) => r.values[by] ?? null);
  const shrunk = shrinkRates(
    rows.map((r, i) => ({ label: labels[i] ?? NULL_VALUE, ...statsCounts(r) })),
    { level: ctx.level, smallSample: DEFAULT_SMALL_SAMPLE },
  );
  const unranked = shrunk.groups.map((g, i) => ({
    offer: labels[i] ?? null,
    offers: g.n,
    accepted: g.k,
    pending: rows[i]?.pending ?? 0,
    rate: g.rate,
    shrunkenRate: g.shrunkenRate,
    lower: g.lower,
    upper: g.upper,
    probabilityToBeatOverall: g.probabilityAboveOverall,
    designEffect: g.designEffect,
    smallSample: g.smallSample,
    provisional: (rows[i]?.pending ?? 0) > 0,
    band: pointBand(g.rate, ctx.thresholds),
  }));
  const key = (r: (typeof unranked)[number]): number =>
    sort === 'raw' ? (r.rate ?? -1) : sort === 'offers' ? r.offers : sort === 'probability' ? (r.probabilityToBeatOverall ?? -1) : r.shrunkenRate;
  const ordered = [...unranked].sort(
    (a, b) => Number(a.smallSample) - Number(b.smallSample) || key(b) - key(a) || b.offers - a.offers || String(a.offer).localeCompare(String(b.offer)),
  );
  const limited = options.limit ? ordered.slice(0, options.limit) : ordered;
  const prior = shrunk.prior;
  return {
    query: queryEcho(ctx, selection),
    by,
    sort,
    overallRate: shrunk.overallRate,
    prior: {
      alpha: prior.alpha,
      beta: prior.beta,
      mean: prior.mean,
      strength: prior.strength,
      method: 'method' in prior ? `empirical Bayes (${prior.method === 'moments' ? 'method of moments' : 'maximum likelihood'})` : 'given',
      fallback: 'fallback' in prior ? prior.fallback : null,
    },
    smallSampleThreshold: DEFAULT_SMALL_SAMPLE,
    rows: limited.map((r, i): LeaderboardRow => ({ rank: i + 1, ...r })),
  };
}
