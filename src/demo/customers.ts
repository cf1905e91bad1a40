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
} from './planted-effects.js';
import { cumulative, type Random } from './random.js';

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
}

const SIZE_CUM = cumulative(ACCOUNT_SIZE_LEVELS.map((l) => l.share));
const STAGE_CUM = cumulative(LIFECYCLE_LEVELS.map((l) => l.share));
const INDUSTRY_CUM = cumulative(INDUSTRY_LEVELS.map((l) => l.share));
const REGION_CUM = cumulative(REGION_LEVELS.map((l) => l.share));
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
  let weightSum = 0;
  for (let i = 0; i < count; i++) {
    const s = random.pick(SIZE_CUM);
    const st = random.pick(STAGE_CUM);
    const sizeLevel = ACCOUNT_SIZE_LEVELS[s]!;
    const stageLevel = LIFECYCLE_LEVELS[st]!;
    const score = Math.round(Math.min(100, Math.max(0, stageLevel.engagement + ENGAGEMENT_SD * random.normal())));
    const ind = random.pick(INDUSTRY_CUM);
    const reg = random.pick(REGION_CUM);
    const pl = PLAN_INDEX[s]![random.pick(PLAN_CUM[s]!)]!;
    const mrr = Math.round(100 * random.logNormal(sizeLevel.mrr, 0.6));
    const own = CUSTOMER_SD * random.normal();
    let mask = 0;
    for (const n of NULLABLE) if (random.chance(n.share)) mask |= n.bit;
    size[i] = s;
    stage[i] = st;
    industry[i] = ind;
    region[i] = reg;
    plan[i] = pl;
    engagement[i] = score;
    mrrCents[i] = mrr;
    unknown[i] = mask;
    logOdds[i] =
      sizeLevel.logOdds +
      stageLevel.logOdds +
      ENGAGEMENT_SLOPE * (score - ENGAGEMENT_CENTRE) +
      INDUSTRY_LEVELS[ind]!.logOdds +
      REGION_LEVELS[reg]!.logOdds +
      own;
    // Engaged customers see more offers (in-app surfaces), larger accounts get more attention.
    weightSum += sizeLevel.offerWeight * (0.5 + score / 100);
    offerWeights[i] = weightSum;
  }
  return { count, size, stage, industry, region, plan, engagement, mrrCents, unknown, logOdds, offerWeights };
}

/** `c-000042`: ids are zero-padded to at least six digits so they sort in creation order. */
export function customerIdFormatter(count: number): (index: number) => string {
  const width = Math.max(6, String(count).length);
  return (index) => `c-${String(index + 1).padStart(width, '0')}`;
}
