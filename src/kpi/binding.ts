import type { KpiBindingConfig } from '../config/config-schema.js';
import { UprateError } from '../core/errors.js';
import type { OfferType } from '../core/schema.js';
import type { CubeFilterItem } from '../query/index.js';
import { cubeTitle, findBroken, findMember, formatProblems, shortTitle, type MeasureType, type Model } from '../model/index.js';

/**
 * Which members of a model are the KPI's inputs. Every KPI consumer (report, /api/v1, insights,
 * leaderboard, alerts, dashboard, HTML report) reads through a binding, so the product runs on
 * the shipped model and on any Cube model a user already has (e.g. the seed's `UpsellOffers`).
 */
export interface KpiBinding {
  /** Offers made (a count or sum measure). */
  readonly offers: string;
  /** Offers accepted (a count or sum measure). */
  readonly accepted: string;
  /** The time dimension offers are dated by. */
  readonly time: string;
  readonly pending: string | null;
  readonly revenue: string | null;
  /** The dimension one customer's offers share: intervals are clustered by it. */
  readonly customer: string | null;
  /** A dimension holding `upsell` / `cross_sell`. */
  readonly offerType: string | null;
  /** Days from offer to acceptance (projected rates of periods still converting). */
  readonly daysToAccept: string | null;
  /** The offer's name (the leaderboard). */
  readonly offerName: string | null;
  /** The customer's industry (benchmarks by industry). */
  readonly industry: string | null;
  /** The offer's channel (the channel-gap finding). */
  readonly channel: string | null;
  /** The dimensions offered for breakdowns, with the model's titles and a short key (`account_size`). */
  readonly dimensions: readonly BoundDimension[];
  /** True for the shipped model's binding over uprate's own tables (the conversion window is a model parameter). */
  readonly shipped: boolean;
}

export interface BoundDimension {
  /** `Cube.member`. */
  readonly member: string;
  /** The model's title. */
  readonly title: string;
  /** The member's name in snake case (`account_size`): what `--by` takes. */
  readonly key: string;
}

/** The shipped model's members (model/offers.js, model/customers.js). */
export const SHIPPED_BINDING_CONFIG: KpiBindingConfig = {
  offers: 'Offers.count',
  accepted: 'Offers.accepted',
  time: 'Offers.offeredAt',
  pending: 'Offers.pending',
  revenue: 'Offers.expansionRevenue',
  customer: 'Offers.customerId',
  offerType: 'Offers.offerType',
  daysToAccept: 'Offers.daysToAccept',
  offerName: 'Offers.offerName',
  industry: 'Customers.industry',
  channel: 'Offers.channel',
  // The first six are the dashboard's and the monthly report's breakdown panels.
  dimensions: [
    'Customers.accountSize',
    'Customers.lifecycleStage',
    'Customers.engagementTier',
    'Customers.industry',
    'Offers.offerType',
    'Offers.channel',
    'Customers.region',
    'Customers.plan',
    'Offers.offerName',
    'Offers.campaign',
  ],
};

/** Additive measure types: a rate is a ratio of sums, and sums add up over groups and customers. */
const ADDITIVE: readonly MeasureType[] = ['count', 'sum'];

/** One capability of the product and whether the bound model supports it. */
export interface Capability {
  readonly name: string;
  readonly available: boolean;
  /** Why not, and how to turn it on. */
  readonly reason?: string;
}

export type BindingCheck = (
  | { readonly usable: true; readonly binding: KpiBinding }
  /** `binding` may still be set when an optional member the config names does not fit. */
  | { readonly usable: false; readonly binding: KpiBinding | null }
) & {
  /** Problems that stop the KPI (a missing member, a non-additive measure). */
  readonly problems: readonly string[];
  readonly capabilities: readonly Capability[];
};

const snake = (name: string) => name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`).replace(/^_/, '');

/** A dimension's key as `--by` takes it: `Customers.accountSize` → `account_size`. */
export const dimensionKey = (member: string): string => snake(member.split('.').pop() ?? member);

/**
 * Checks a binding against the model: each member exists, the counts are additive measures, the
 * time is a time dimension, the rest are dimensions. Returns the binding (or null when the KPI
 * cannot be read) with what the bound model can and cannot support.
 */
export function checkBinding(model: Model, config: KpiBindingConfig | undefined): BindingCheck {
  const given = config ?? SHIPPED_BINDING_CONFIG;
  const where = config ? 'kpi' : 'kpi (default: the shipped model\'s members)';
  const problems: string[] = [];
  // A member the model defines with an error was left out of it: say so, with its diagnostic.
  const missing = (field: string, path: string, fix: string) => {
    const broken = findBroken(model, path);
    problems.push(
      broken
        ? `${where}.${field}: ${path} cannot be used: the model defines it with an error:\n    ${formatProblems(broken).replace(/\n/g, '\n    ')}`
        : `${where}.${field}: ${path} is not a member of the model (fix: ${fix})`,
    );
  };
  const measure = (field: keyof KpiBindingConfig, path: string | undefined): string | null => {
    if (!path) return null;
    const found = findMember(model, path);
    if (!found) {
      missing(field, path, `name a measure of your model, e.g. ${exampleMeasure(model)}`);
      return null;
    }
    if (found.member.kind !== 'measure' || !ADDITIVE.includes(found.member.type)) {
      const kind = found.member.kind === 'measure' ? `a ${found.member.type} measure` : `a ${found.member.kind}`;
      problems.push(`${where}.${field}: ${path} is ${kind}; the KPI needs a count or sum measure (a rate is a ratio of sums) (fix: bind a count or sum measure)`);
      return null;
    }
    return path;
  };
  const dimension = (field: string, path: string | undefined, time = false): string | null => {
    if (!path) return null;
    const found = findMember(model, path);
    if (!found) {
      missing(field, path, 'name a dimension of your model');
      return null;
    }
    if (found.member.kind !== 'dimension' || (time && found.member.type !== 'time')) {
      const kind = found.member.kind === 'dimension' ? `a ${found.member.type} dimension` : `a ${found.member.kind}`;
      problems.push(`${where}.${field}: ${path} is ${kind}; it must be a ${time ? 'time ' : ''}dimension (fix: bind a ${time ? 'time ' : ''}dimension)`);
      return null;
    }
    return path;
  };
  const offers = measure('offers', given.offers);
  const accepted = measure('accepted', given.accepted);
  const time = dimension('time', given.time, true);
  const optional = <T>(read: () => T | null, fallback: T | null) => (config ? read() : (() => {
    // The shipped defaults on another model: a member it lacks is simply not bound.
    const before = problems.length;
    const value = read();
    problems.length = before;
    return value ?? fallback;
  })());
  const pending = optional(() => measure('pending', given.pending), null);
  const revenue = optional(() => measure('revenue', given.revenue), null);
  const customer = optional(() => dimension('customer', given.customer), null);
  const offerType = optional(() => dimension('offerType', given.offerType), null);
  const daysToAccept = optional(() => dimension('daysToAccept', given.daysToAccept), null);
  const offerName = optional(() => dimension('offerName', given.offerName), null);
  const industry = optional(() => dimension('industry', given.industry), null);
  const channel = optional(() => dimension('channel', given.channel), null);
  const dimensions: BoundDimension[] = [];
  for (const [i, path] of (given.dimensions ?? []).entries()) {
    const bound = optional(() => dimension(`dimensions[${i}]`, path), null);
    if (!bound) continue;
    const found = findMember(model, bound);
    if (!found) continue;
    if (dimensions.some((d) => d.member === bound)) continue;
    // Titles as the dashboard shows them: the offers' own attributes plainly, others with their cube.
    const home = offers?.split('.')[0];
    const title = found.cube.name === home ? shortTitle(found.member) : `${shortTitle(found.member)} (${cubeTitle(found.cube)})`;
    dimensions.push({ member: bound, title, key: dimensionKey(bound) });
  }
  const binding: KpiBinding | null =
    offers && accepted && time
      ? { offers, accepted, time, pending, revenue, customer, offerType, daysToAccept, offerName, industry, channel, dimensions, shipped: isShipped(given, config) }
      : null;
  // Problems left over are the config's own (the shipped defaults drop members a model lacks).
  const capabilities = capabilitiesOf(binding);
  return binding && problems.length === 0 ? { usable: true, binding, problems, capabilities } : { usable: false, binding, problems, capabilities };
}

function isShipped(given: KpiBindingConfig, config: KpiBindingConfig | undefined): boolean {
  return config === undefined || JSON.stringify(given) === JSON.stringify(SHIPPED_BINDING_CONFIG);
}

function exampleMeasure(model: Model): string {
  for (const cube of model.cubes.values()) {
    for (const m of cube.measures.values()) if (ADDITIVE.includes(m.type)) return m.path;
  }
  return 'Offers.count';
}

/** What the bound model supports: the rate always; the rest when the members that carry it are bound. */
export function capabilitiesOf(binding: KpiBinding | null): Capability[] {
  if (!binding) return [{ name: 'conversion rate', available: false, reason: 'bind kpi.offers, kpi.accepted and kpi.time' }];
  const needs = (member: string | null, field: string, what: string): Pick<Capability, 'available' | 'reason'> =>
    member ? { available: true } : { available: false, reason: `bind kpi.${field} (${what})` };
  return [
    { name: 'conversion rate, intervals, bands, trends, breakdowns, alerts', available: true },
    { name: 'customer-clustered intervals and tests', ...needs(binding.customer, 'customer', 'the dimension naming who an offer went to; without it offers are treated as independent and intervals are too narrow when customers get several offers') },
    { name: 'customer-level rate (customers converted / offered)', ...needs(binding.customer, 'customer', 'a customer dimension') },
    { name: 'pending offers and provisional periods', ...needs(binding.pending, 'pending', 'a count of offers still inside their conversion window; without it recent periods look final') },
    { name: 'projected rates of periods still converting', ...(binding.pending && binding.daysToAccept ? { available: true } : { available: false, reason: 'bind kpi.pending and kpi.daysToAccept (event-grain offers with acceptance times)' }) },
    { name: 'expansion revenue', ...needs(binding.revenue, 'revenue', 'a sum measure of accepted offers\' revenue') },
    { name: 'upsell / cross-sell split', ...needs(binding.offerType, 'offerType', 'a dimension with the values upsell and cross_sell') },
    { name: 'offer leaderboard', ...needs(binding.offerName, 'offerName', 'the dimension naming the offer') },
    { name: 'industry benchmarks', ...needs(binding.industry, 'industry', 'a dimension holding retail / saas / consumer_goods') },
    { name: 'breakdowns and findings by dimension', ...(binding.dimensions.length > 0 ? { available: true } : { available: false, reason: 'list dimensions under kpi.dimensions' }) },
  ];
}

/** The binding, or a MODEL_INVALID error listing every problem (the KPI cannot be read without it). */
export function bindKpi(model: Model, config: KpiBindingConfig | undefined): KpiBinding {
  const check = checkBinding(model, config);
  if (check.usable) return check.binding;
  throw new UprateError('MODEL_INVALID', `the KPI binding does not fit the model:\n  ${check.problems.join('\n  ')}`, {
    location: 'kpi',
    hint: 'name your model\'s members under kpi: in uprate.config.yaml (offers, accepted, time; see README "Use your own data"); `uprate model validate --binding` checks it',
  });
}

/** The filter to one offer type, or a 400 naming `location` when the binding has no offer-type dimension. */
export function offerTypeFilter(binding: KpiBinding, offerType: OfferType, location: string): CubeFilterItem {
  if (binding.offerType) return { member: binding.offerType, operator: 'equals', values: [offerType] };
  throw new UprateError('BAD_ARGUMENT', `offerType ${offerType}: the KPI binding names no offer-type dimension`, {
    location,
    hint: 'leave the offer type out, or bind kpi.offerType to a dimension holding upsell / cross_sell in uprate.config.yaml',
  });
}

/** A served model's binding, or the 400 the KPI endpoints answer while the model has none that fits. */
export function servedBinding(check: BindingCheck): KpiBinding {
  if (check.usable) return check.binding;
  throw new UprateError('CONFIG_INVALID', `the KPI is not bound to this model: ${check.problems.join('; ')}`, {
    location: 'kpi',
    hint: "name your model's members under kpi: in uprate.config.yaml (offers, accepted, time); `uprate model validate --binding` checks it",
  });
}

/** How many breakdown panels the dashboard and the monthly report show (the binding's first dimensions but the offer's name). */
export const BREAKDOWN_PANELS = 6;

/** The dimensions the dashboard and the monthly report break the rate down by. */
export function panelDimensions(binding: Pick<KpiBinding, 'dimensions' | 'offerName'>): BoundDimension[] {
  return binding.dimensions.filter((d) => d.member !== binding.offerName).slice(0, BREAKDOWN_PANELS);
}

/** The bound breakdown dimension `name` names (`account_size`, `accountSize`, `account-size` or `Cube.member`). */
export function boundDimension(binding: KpiBinding, name: string, where = '--by'): BoundDimension {
  const wanted = name.trim();
  const key = snake(wanted.replace(/-/g, '_').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
  const found = binding.dimensions.find((d) => d.member === wanted || d.key === key);
  if (found) return found;
  throw new UprateError('BAD_ARGUMENT', `unknown dimension '${name}'`, {
    location: where,
    hint: binding.dimensions.length > 0 ? `use one of ${binding.dimensions.map((d) => d.key).join(', ')} (camelCase or Cube.member works too)` : 'the KPI binding lists no dimensions: add them under kpi.dimensions',
  });
}
