/**
 * The customer population, held column-wise in typed arrays (a million customers is a few tens of
 * megabytes): what each customer is, what is recorded about them (a few attributes are null), and
 * the part of their acceptance log-odds that comes from who they are.
 */
import {
  ACCOUNT_SIZE_LEVELS,
  CUSTOMER_SD,
  ENGAGEMENT_CENTRE,
  ENGAGEMENT_SD,
  ENGAGEMENT_SLOPE,
  INDUSTRY_LEVELS,
  LIFECYCLE_LEVELS,
  NULL_SHARE,
  PLANS_BY_SIZE,
  REGION_LEVELS,
  TWIN_REGIONS,
} from './planted-effects.js';
import { cumulative, type Random } from '../core/random.js';

export const PLAN_NAMES = ['starter', 'growth', 'pro', 'enterprise'] as const;

/** Bits of `CustomerPopulation.unknown`: the attribute is recorded as null. */
export const UNKNOWN = {
  account_size: 1,
  lifecycle_stage: 2,
  engagement_score: 4,
  industry: 8,
  region: 16,
  plan: 32,
  mrr: 64,
} as const;

export interface CustomerPopulation {
  readonly count: number;
  /** Indices into ACCOUNT_SIZE_LEVELS, LIFECYCLE_LEVELS, INDUSTRY_LEVELS, REGION_LEVELS, PLAN_NAMES. */
  readonly size: Uint8Array;
  readonly stage: Uint8Array;
  readonly industry: Uint8Array;
  readonly region: Uint8Array;
  readonly plan: Uint8Array;
  /** Engagement score, an integer 0–100. */
  readonly engagement: Uint8Array;
  readonly mrrCents: Float64Array;
  /** Bit set of {@link UNKNOWN}: attributes recorded as null (the effect still applies). */
  readonly unknown: Uint8Array;
  /** The customer's share of the acceptance log-odds (attributes plus own propensity). */
  readonly logOdds: Float32Array;
  /** Cumulative offer weights, to draw which customer an offer goes to. */
  readonly offerWeights: Float64Array;
  /** The customer's twin in the other of TWIN_REGIONS, or -1. */
  readonly twin: Int32Array;
}

const SIZE_CUM = cumulative(ACCOUNT_SIZE_LEVELS.map((l) => l.share));
const STAGE_CUM = cumulative(LIFECYCLE_LEVELS.map((l) => l.share));
const INDUSTRY_CUM = cumulative(INDUSTRY_LEVELS.map((l) => l.share));
const TWIN_INDEX = TWIN_REGIONS.map((name) => REGION_LEVELS.findIndex((l) => l.name === name)) as [number, number];
const TWIN_SHARE = REGION_LEVELS.filter((l) => (TWIN_REGIONS as readonly string[]).includes(l.name)).reduce((s, l) => s + l.share, 0);
/**
 * Regions drawn per draw of customer attributes, where a twin draw makes two customers: a draw is
 * a twin pair with probability t such that 2t / (1 + t) of customers land in the twin regions.
 */
const REGION_CUM = cumulative(
  REGION_LEVELS.map((l, k) => {
    const pair = TWIN_SHARE / (2 - TWIN_SHARE);
    if (k === TWIN_INDEX[0]) return pair;
    if (k === TWIN_INDEX[1]) return 0;
    return (l.share / (1 - TWIN_SHARE)) * (1 - pair);
  }),
);
const PLAN_CUM = ACCOUNT_SIZE_LEVELS.map((l) => cumulative(PLANS_BY_SIZE[l.name].map((p) => p.share)));
const PLAN_INDEX = ACCOUNT_SIZE_LEVELS.map((l) => PLANS_BY_SIZE[l.name].map((p) => PLAN_NAMES.indexOf(p.name as (typeof PLAN_NAMES)[number])));
const NULLABLE = Object.entries(NULL_SHARE).map(([name, share]) => ({ bit: UNKNOWN[name as keyof typeof UNKNOWN], share }));

export function buildCustomers(count: number, random: Random): CustomerPopulation {
  const size = new Uint8Array(count);
  const stage = new Uint8Array(count);
  const industry = new Uint8Array(count);
  const region = new Uint8Array(count);
  const plan = new Uint8Array(count);
  const engagement = new Uint8Array(count);
  const mrrCents = new Float64Array(count);
  const unknown = new Uint8Array(count);
  const logOdds = new Float32Array(count);
  const offerWeights = new Float64Array(count);
  const twin = new Int32Array(count).fill(-1);
  let weightSum = 0;
  for (let i = 0; i < count; ) {
    const s = random.pick(SIZE_CUM);
    const st = random.pick(STAGE_CUM);
    const sizeLevel = ACCOUNT_SIZE_LEVELS[s]!;
    const stageLevel = LIFECYCLE_LEVELS[st]!;
    const score = Math.round(Math.min(100, Math.max(0, stageLevel.engagement + ENGAGEMENT_SD * random.normal())));
    const ind = random.pick(INDUSTRY_CUM);
    let reg = random.pick(REGION_CUM);
    const pl = PLAN_INDEX[s]![random.pick(PLAN_CUM[s]!)]!;
    const mrr = Math.round(100 * random.logNormal(sizeLevel.mrr, 0.6));
    const own = CUSTOMER_SD * random.normal();
    let mask = 0;
    for (const n of NULLABLE) if (random.chance(n.share)) mask |= n.bit;
    // A twin pair needs two places; the last customer of an odd count goes to the next region.
    const pair = reg === TWIN_INDEX[0] && i + 1 < count;
    if (reg === TWIN_INDEX[0] && !pair) reg = (TWIN_INDEX[1] + 1) % REGION_LEVELS.length;
    // Engaged customers see more offers (in-app surfaces), larger accounts get more attention; a
    // pair shares one customer's weight, as each offer to one twin is mirrored to the other.
    const weight = (sizeLevel.offerWeight * (0.5 + score / 100)) / (pair ? 2 : 1);
    const regions = pair ? TWIN_INDEX : [reg];
    regions.forEach((r, k) => {
      const c = i + k;
      size[c] = s;
      stage[c] = st;
      industry[c] = ind;
      region[c] = r;
      plan[c] = pl;
      engagement[c] = score;
      mrrCents[c] = mrr;
      unknown[c] = mask;
      logOdds[c] =
        sizeLevel.logOdds +
        stageLevel.logOdds +
        ENGAGEMENT_SLOPE * (score - ENGAGEMENT_CENTRE) +
        INDUSTRY_LEVELS[ind]!.logOdds +
        REGION_LEVELS[r]!.logOdds +
        own;
      weightSum += weight;
      offerWeights[c] = weightSum;
      if (pair) twin[c] = i + 1 - k;
    });
    i += regions.length;
  }
  return { count, size, stage, industry, region, plan, engagement, mrrCents, unknown, logOdds, offerWeights, twin };
}

/** `c-000042`: ids are zero-padded to at least six digits so they sort in creation order. */
export function customerIdFormatter(count: number): (index: number) => string {
  const width = Math.max(6, String(count).length);
  return (index) => `c-${String(index + 1).padStart(width, '0')}`;
}
