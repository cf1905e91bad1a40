import { UprateError } from '../core/errors.js';
import type { ApiFilter } from '../insights/api-types.js';
import type { KpiContext } from '../insights/kpi-context.js';
import { bindingOf, selectionFilters } from '../insights/offer-counts.js';
import { accessFilters } from '../query/index.js';
import { sampleSizePerArm, shrinkRates } from '../stats/index.js';
import { constantRate, segmentRateOf } from './baseline.js';
import { codeRow, historyColumnNames, historyColumns, snapshotHistory } from './features.js';
import { predictProbability } from './logistic.js';
import { featureMembers, readCustomerSnapshots, readOfferEvents } from './read.js';
import { labelledOffers, modelProbability, pooledMetrics, trainOffer, type Predictor, type TrainedOffer } from './train.js';
import type { AttributeValue, CustomerSnapshot, Driver, FeatureMember, Opportunity, OpportunitiesResponse, PropensityReport } from './types.js';

export type * from './types.js';

/** Offers read for training at most (customers are sampled whole beyond it). */
export const DEFAULT_MAX_TRAINING_OFFERS = 300_000;
export const DEFAULT_HOLDOUT_MONTHS = 3;

export interface PropensityOptions {
  /** Only this offer (its name); default every offer. */
  readonly offer?: string;
  readonly filters?: readonly ApiFilter[];
  readonly maxTrainingOffers?: number;
  readonly holdoutMonths?: number;
  /** Progress of the long steps (read, features, one per offer trained, scoring). */
  readonly onProgress?: (step: string, done: number, total: number) => void;
}

export interface OpportunityOptions extends PropensityOptions {
  /** At most this many rows (default 100). */
  readonly limit?: number;
  /** Rank by probability (default) or expected revenue. */
  readonly sort?: 'probability' | 'revenue';
}

export const CAVEAT =
  'Propensity is not uplift. A high probability says this customer resembles the customers who accepted the offer; it does not say the offer causes the acceptance — a customer ranked first may have bought anyway. To learn what an offer changes, offer it to a random half of the customers it would target and hold the other half back, then compare the two rates.';

/** A trained set of predictors and its report. */
interface Trained {
  readonly report: PropensityReport;
  readonly offers: readonly TrainedOffer[];
  readonly features: readonly FeatureMember[];
  readonly types: readonly string[];
}

const MONTH_SEED = 20_261_201;

/** `months` calendar months before `t` (UTC), at midnight. */
function monthsBefore(t: number, months: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, d.getUTCDate());
}

function upliftPlan(baseRate: number): PropensityReport['upliftPlan'] {
  const p = Math.min(0.9, Math.max(0.01, baseRate));
  const lifted = Math.min(0.99, p * 1.2);
  const plan = sampleSizePerArm(p, lifted);
  const pc = (x: number) => `${(100 * x).toFixed(1)} %`;
  return {
    baseRate: p,
    detectableLift: lifted - p,
    offersPerArm: plan.nPerArm,
    text: `A randomized holdout that detects a rise from ${pc(p)} to ${pc(lifted)} (a fifth) with 80 % power at a two-sided 5 % level needs ${plan.nPerArm.toLocaleString('en-US')} offers in each arm (offered vs held back); offers to one customer are not independent, so count customers, not offers, when you can.`,
  };
}

async function train(ctx: KpiContext, options: PropensityOptions): Promise<Trained> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const features = featureMembers(ctx);
  const filters = selectionFilters(ctx, { from: null, to: null, offerType: null, filters: options.filters ?? [] });
  const maxOffers = options.maxTrainingOffers ?? DEFAULT_MAX_TRAINING_OFFERS;
  progress('reading offers', 0, 1);
  // One count of the offers the caller may see decides the share of customers read.
  const read = await readOfferEvents(ctx, { features, fraction: (total) => (total > 0 ? Math.min(1, maxOffers / total) : 1), filters });
  if (read.totalOffers === 0) {
    // Nothing visible may be the filters' or the token's doing, not an empty store: say which.
    const narrowed = (options.filters?.length ?? 0) > 0 || ctx.access.kind === 'tenant';
    throw new UprateError('NOT_FOUND', narrowed ? 'no offers match the filters (and the rows your token may see): there is nothing to learn from' : 'there are no offers to learn from', {
      location: narrowed ? 'filters' : 'offers',
      hint: narrowed ? 'widen or drop the filters' : 'load offers first: uprate ingest customers.csv offers.csv',
    });
  }
  progress('reading offers', 1, 1);
  const asOf = ctx.asOf.getTime();
  const windowDays = ctx.windowDays;
  const { byOffer, types } = labelledOffers(read.events, read.attributes, asOf, windowDays);
  const historyNames = historyColumnNames(types);
  const holdoutMonths = options.holdoutMonths ?? DEFAULT_HOLDOUT_MONTHS;
  const holdoutEnd = asOf - windowDays * 86_400_000;
  const cutoff = monthsBefore(holdoutEnd, holdoutMonths);
  if (options.offer !== undefined && !byOffer.has(options.offer)) {
    const known = [...byOffer.keys()];
    const made = read.events.some((e) => e.offerName === options.offer);
    throw new UprateError(
      'BAD_ARGUMENT',
      made ? `offer '${options.offer}' has no offers whose conversion window has closed yet: there is nothing to learn from` : `no offer is named '${options.offer}'`,
      {
        location: 'offer',
        hint: known.length ? `offers with closed windows: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}` : 'wait until the first offers’ windows close',
      },
    );
  }
  const names = options.offer !== undefined ? [options.offer] : [...byOffer.keys()];
  const trained: TrainedOffer[] = [];
  names.forEach((name, i) => {
    progress('training', i, names.length);
    trained.push(trainOffer(name, byOffer.get(name) ?? [], { features, historyNames, cutoff, windowDays, level: ctx.level, seed: MONTH_SEED + i }));
  });
  progress('training', names.length, names.length);
  shrinkUnvalidated(trained, byOffer, ctx.level);
  const overall = pooledMetrics(trained, { seed: MONTH_SEED, level: ctx.level });
  const customers = new Set(read.events.map((e) => e.customer)).size;
  const holdoutY = trained.flatMap((t) => (t.holdout ? [...t.holdout.y] : []));
  const baseRate = holdoutY.length ? holdoutY.reduce((s, v) => s + v, 0) / holdoutY.length : 0.1;
  const report: PropensityReport = {
    asOf: ctx.asOf.toISOString(),
    windowDays,
    cutoff: new Date(cutoff).toISOString(),
    holdoutEnd: new Date(holdoutEnd).toISOString(),
    sample: {
      fraction: read.sampledFraction,
      customers,
      offers: read.events.length,
      totalOffers: read.totalOffers,
      note:
        read.sampledFraction >= 1
          ? `Trained on every customer's offers (${read.events.length.toLocaleString('en-US')}).`
          : `Trained on a sample of ${(100 * read.sampledFraction).toFixed(1)} % of customers, each with all of their offers (${read.events.length.toLocaleString('en-US')} of ${read.totalOffers.toLocaleString('en-US')} offers), chosen by a hash of the customer id: the same customers on every engine and every run.`,
    },
    features,
    historyFeatures: historyNames,
    offers: trained.map((t) => t.validation),
    overall,
    caveat: CAVEAT,
    upliftPlan: upliftPlan(baseRate),
    trainingMs: Date.now() - started,
  };
  return { report, offers: trained, features, types };
}

/**
 * An offer with too few outcomes to validate ranks every customer at its shrunken rate among all
 * offers (empirical Bayes across offers, as the leaderboard ranks them): its own few offers say
 * little about segments, and 3 of 3 accepted must not put it first.
 */
function shrinkUnvalidated(trained: TrainedOffer[], byOffer: ReadonlyMap<string, readonly { y: number }[]>, level: number): void {
  const offers = [...byOffer.entries()].map(([label, rows]) => ({ label, k: rows.reduce((s, r) => s + r.y, 0), n: rows.length }));
  if (offers.length === 0) return;
  const shrunk = offers.length >= 2 ? shrinkRates(offers, { level }) : null;
  trained.forEach((t, i) => {
    if (t.validation.model !== null) return;
    const name = t.validation.offerName;
    const g = shrunk?.groups.find((x) => x.label === name);
    const own = offers.find((o) => o.label === name);
    if (!g || !own) return;
    trained[i] = { ...t, predictor: { kind: 'segment rate', baseline: constantRate({ rate: g.shrunkenRate, lower: g.lower, upper: g.upper }, own.n ? own.k / own.n : 0) } };
  });
}

/**
 * Trainings kept per store, keyed by everything that decides them (the data version included),
 * so the report and the opportunities of one view train once. A failed training is not kept.
 */
const trainings = new WeakMap<object, WeakMap<object, Map<string, Promise<Trained>>>>();
const KEPT_TRAININGS = 8;

async function trainOnce(ctx: KpiContext, options: PropensityOptions): Promise<Trained> {
  const version = await ctx.store.dataVersion();
  const key = JSON.stringify({
    version,
    asOf: ctx.asOf.toISOString(),
    window: ctx.windowDays,
    level: ctx.level,
    access: accessFilters(ctx.access),
    binding: bindingOf(ctx),
    filters: options.filters ?? [],
    offer: options.offer ?? null,
    max: options.maxTrainingOffers ?? DEFAULT_MAX_TRAINING_OFFERS,
    holdout: options.holdoutMonths ?? DEFAULT_HOLDOUT_MONTHS,
  });
  let byModel = trainings.get(ctx.store);
  if (!byModel) trainings.set(ctx.store, (byModel = new WeakMap()));
  let kept = byModel.get(ctx.model);
  if (!kept) byModel.set(ctx.model, (kept = new Map()));
  const known = kept.get(key);
  if (known) return known;
  const work = train(ctx, options);
  kept.set(key, work);
  work.catch(() => kept.delete(key));
  if (kept.size > KEPT_TRAININGS) kept.delete(kept.keys().next().value as string);
  return work;
}

/** GET /api/v1/propensity, `uprate propensity`: train, validate on the time holdout, report. */
export async function propensityReport(ctx: KpiContext, options: PropensityOptions = {}): Promise<PropensityReport> {
  return (await trainOnce(ctx, options)).report;
}

const logit = (p: number) => Math.log(Math.min(1 - 1e-12, Math.max(1e-12, p)) / (1 - Math.min(1 - 1e-12, Math.max(1e-12, p))));

/**
 * A scorer of every offer's probability for one customer at a time, without intervals or drivers:
 * the history is computed once per customer, each offer's columns coded into a buffer of its own.
 */
function quickRates(offers: readonly TrainedOffer[], types: readonly string[], at: number): (snapshot: CustomerSnapshot) => Float64Array {
  const buffers = offers.map((o) => (o.predictor.kind === 'model' ? new Float64Array(o.predictor.coding.columns.length) : null));
  const out = new Float64Array(offers.length);
  return (snapshot) => {
    const h = snapshotHistory(snapshot);
    const history = historyColumns(h, at, '', types);
    const last = history.length - 1;
    offers.forEach((offer, j) => {
      const predictor = offer.predictor;
      if (predictor.kind === 'segment rate') {
        out[j] = segmentRateOf(predictor.baseline, snapshot.attributes).rate;
        return;
      }
      history[last] = h.acceptedNames.has(offer.validation.offerName) ? 1 : 0;
      const coded = codeRow(predictor.coding, { attributes: snapshot.attributes, history }, buffers[j] ?? undefined);
      out[j] = predictProbability(predictor.fit, coded);
    });
    return out;
  };
}

/** A customer's probability for one offer under its predictor, with the features that push it most. */
function score(predictor: Predictor, snapshot: CustomerSnapshot, offerName: string, types: readonly string[], at: number): { rate: number; lower: number; upper: number; drivers: Driver[] } {
  if (predictor.kind === 'segment rate') {
    const s = segmentRateOf(predictor.baseline, snapshot.attributes);
    const drivers: Driver[] = predictor.baseline.member
      ? [{ feature: `${predictor.baseline.title ?? predictor.baseline.member} = ${s.segment}`, contribution: logit(s.rate) - logit(predictor.baseline.rates.size ? overallShrunken(predictor.baseline) : s.rate) }]
      : [];
    return { rate: s.rate, lower: s.lower, upper: s.upper, drivers };
  }
  const history = historyColumns(snapshotHistory(snapshot), at, offerName, types);
  const p = modelProbability(predictor.coding, predictor.fit, { attributes: snapshot.attributes, history });
  // Each input's push: Σ over its columns of coefficient × coded value (relative to the average training offer).
  const push = new Map<string, { title: string; value: number }>();
  predictor.coding.sources.forEach((src, j) => {
    const c = (predictor.fit.coefficients[j + 1] ?? 0) * (p.coded[j + 1] ?? 0);
    const known = push.get(src.source);
    push.set(src.source, { title: src.title, value: (known?.value ?? 0) + c });
  });
  const drivers = [...push.entries()]
    .filter(([, v]) => Math.abs(v.value) > 1e-9)
    .sort((a, b) => Math.abs(b[1].value) - Math.abs(a[1].value) || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([source, v]): Driver => ({ feature: describeInput(source, v.title, snapshot.attributes), contribution: v.value }));
  return { rate: p.rate, lower: p.lower, upper: p.upper, drivers };
}

/** The offer's rate the segments are compared with: the segments' rates weighted alike (no raw 0 or 1). */
function overallShrunken(b: { readonly rates: ReadonlyMap<string, { readonly rate: number }>; readonly overallRate: number }): number {
  const r = b.overallRate;
  return r > 0 && r < 1 ? r : [...b.rates.values()].reduce((s, x) => s + x.rate, 0) / b.rates.size;
}

function describeInput(source: string, title: string, attributes: Readonly<Record<string, AttributeValue>>): string {
  if (!(source in attributes)) return title;
  const v = attributes[source];
  return `${title} = ${v === null || v === undefined ? 'not recorded' : String(v)}`;
}

/**
 * GET /api/v1/opportunities, `uprate opportunities`: customers holding no open offer, ranked for
 * one offer (or each customer's best offer) by probability or expected revenue.
 */
export async function findOpportunities(ctx: KpiContext, options: OpportunityOptions = {}): Promise<OpportunitiesResponse> {
  const model = await trainOnce(ctx, options);
  const progress = options.onProgress ?? (() => {});
  const filters = selectionFilters(ctx, { from: null, to: null, offerType: null, filters: options.filters ?? [] });
  progress('reading customers', 0, 1);
  const snapshots = await readCustomerSnapshots(ctx, { features: model.features, filters });
  progress('reading customers', 1, 1);
  const sort = options.sort ?? 'probability';
  const limit = options.limit ?? 100;
  const at = ctx.asOf.getTime();
  const open = snapshots.filter((s) => s.pending > 0).length;
  const candidates = snapshots.filter((s) => s.pending === 0);
  // Each customer's best offer is chosen among offers whose ranking was validated; an offer with
  // too few outcomes is ranked only when asked for by name.
  const offers = options.offer !== undefined ? model.offers : model.offers.filter((o) => o.validation.model !== null);
  type Best = { snapshot: CustomerSnapshot; offer: TrainedOffer; key: number };
  const rank = (o: TrainedOffer, rate: number) => (sort === 'revenue' ? rate * (o.meanRevenue ?? 0) : rate);
  // Keep the best `limit` by key without holding a million scored rows; only they get intervals and drivers.
  const kept: Best[] = [];
  const better = (a: Best, b: Best) => b.key - a.key || a.snapshot.customer.localeCompare(b.snapshot.customer) || a.offer.validation.offerName.localeCompare(b.offer.validation.offerName);
  let floor = -Infinity;
  const rateOf = quickRates(offers, model.types, at);
  candidates.forEach((snapshot, i) => {
    if (i % 50_000 === 0) progress('scoring', i, candidates.length);
    const rates = rateOf(snapshot);
    let best: Best | null = null;
    offers.forEach((offer, j) => {
      const key = rank(offer, rates[j] ?? 0);
      if (!best || key > best.key) best = { snapshot, offer, key };
    });
    if (!best || (kept.length >= limit && (best as Best).key < floor)) return;
    kept.push(best);
    if (kept.length > 2 * limit) {
      kept.sort(better);
      kept.length = limit;
      floor = kept[kept.length - 1]?.key ?? -Infinity;
    }
  });
  progress('scoring', candidates.length, candidates.length);
  kept.sort(better);
  const scored = kept.slice(0, limit).map((b) => ({ ...b, p: score(b.offer.predictor, b.snapshot, b.offer.validation.offerName, model.types, at) }));
  const rows = scored.map(
    (b, i): Opportunity => ({
      rank: i + 1,
      customer: b.snapshot.customer,
      offerName: b.offer.validation.offerName,
      probability: b.p.rate,
      lower: b.p.lower,
      upper: b.p.upper,
      expectedRevenue: b.offer.meanRevenue === null ? null : b.p.rate * b.offer.meanRevenue,
      drivers: b.p.drivers,
      attributes: b.snapshot.attributes,
      predictor: b.offer.predictor.kind,
    }),
  );
  return { report: model.report, customersScored: candidates.length, customersWithOpenOffers: open, sort, rows };
}
