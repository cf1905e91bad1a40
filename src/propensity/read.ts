import { UprateError } from '../core/errors.js';
import type { KpiContext } from '../insights/kpi-context.js';
import { asOfFilter, bindingOf, readOptions } from '../insights/offer-counts.js';
import type { KpiBinding } from '../kpi/index.js';
import { findMember, shortTitle } from '../model/index.js';
import { answerRows, SAMPLE_BUCKETS, sampleBuckets, summarizeRows, type CubeFilterItem, type RowCondition, type SummaryColumn } from '../query/index.js';
import type { DataRow } from '../query/index.js';
import type { AttributeValue, CustomerSnapshot, FeatureMember, OfferEvent, OfferEvents } from './types.js';

/**
 * The two reads the propensity model makes, through the semantic layer (any bound Cube model,
 * every engine, the caller's security filters, the as-of clock, the cost limits and the cancel
 * signal): every offer of a sample of customers, for training (`readOfferEvents`), and every
 * customer's history at the clock, for scoring (`readCustomerSnapshots`).
 */

const DAY_MS = 86_400_000;

/** The shipped model's customer attributes the model uses by default. */
const SHIPPED_FEATURES = [
  'Customers.accountSize',
  'Customers.lifecycleStage',
  'Customers.engagementScore',
  'Customers.industry',
  'Customers.region',
  'Customers.plan',
  'Customers.mrr',
] as const;

/**
 * The customer attributes the model uses by default: the shipped model's seven; for another
 * binding, its breakdown dimensions that are not on the offers' cube (customer-level attributes),
 * but ids and times. Numbers enter as numbers, the rest as categories; titles are the model's.
 */
export function featureMembers(ctx: Pick<KpiContext, 'model' | 'binding'>): FeatureMember[] {
  const binding = bindingOf(ctx);
  const home = binding.offers.split('.')[0];
  const paths = binding.shipped
    ? [...SHIPPED_FEATURES]
    : binding.dimensions.map((d) => d.member).filter((m) => m.split('.')[0] !== home && m !== binding.customer);
  return paths.flatMap((path): FeatureMember[] => {
    const found = findMember(ctx.model, path);
    if (!found || found.member.kind !== 'dimension') return [];
    // A key names a customer, a time is no attribute: neither generalises to other customers.
    if (found.member.primaryKey || found.member.type === 'time') return [];
    return [{ member: path, title: shortTitle(found.member), kind: found.member.type === 'number' ? 'number' : 'category' }];
  });
}

/** The binding with the members propensity cannot do without. */
interface PropensityBinding extends KpiBinding {
  readonly customer: string;
  readonly offerName: string;
  readonly daysToAccept: string;
}

const NEEDED = {
  customer: 'the dimension naming who an offer went to, e.g. Offers.customerId',
  offerName: "the dimension naming the offer (the product, tier or add-on), e.g. Offers.offerName",
  daysToAccept: 'the whole days from an offer to its acceptance, e.g. Offers.daysToAccept',
} as const;

function propensityBinding(ctx: Pick<KpiContext, 'model' | 'binding'>): PropensityBinding {
  const binding = bindingOf(ctx);
  for (const field of Object.keys(NEEDED) as (keyof typeof NEEDED)[]) {
    if (binding[field] === null) {
      throw new UprateError('CONFIG_INVALID', `propensity needs kpi.${field} (${NEEDED[field]}); the KPI binding names none`, {
        location: `kpi.${field}`,
        hint: `bind it in uprate.config.yaml: name your model's dimension under kpi: ${field}:`,
      });
    }
  }
  return binding as PropensityBinding;
}

const unique = (members: readonly (string | null)[]): string[] => [...new Set(members.filter((m): m is string => m !== null))];

const count = (v: unknown): number => {
  const n = Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
};
const numberOrNull = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
/** A wall time as the layer formats it (UTC: the reads keep the query's default time zone) → epoch ms. */
const instant = (v: unknown): number | null => (typeof v === 'string' ? Date.parse(`${v}Z`) : null);

function attributesOf(row: DataRow, features: readonly FeatureMember[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const f of features) {
    const v = row[f.member];
    out[f.member] = v === null || v === undefined ? null : f.kind === 'number' ? numberOrNull(v) : String(v);
  }
  return out;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface OfferEventsOptions {
  readonly features: readonly FeatureMember[];
  /**
   * Share of customers to read, in (0, 1] — customers are sampled whole by a hash of their id — or
   * a function of the offers the caller may see (read first) giving it: training reads about a
   * budget of offers whatever the store holds, from the one count.
   */
  readonly fraction: number | ((totalOffers: number) => number);
  readonly filters?: readonly CubeFilterItem[];
  /** Offers one statement reads at most, about (default 500 000): a larger read is taken in slices of the hash space. */
  readonly sliceOffers?: number;
}

/**
 * Every offer made by the clock (of a sample of customers), one event per offer: the offers
 * grouped by customer, offer time (as stored), name, type and days to accept, with their counts —
 * offers sharing all of those are expanded into as many events, `accepted` of them accepted — and
 * each customer's attributes. `totalOffers` counts every offer the caller may see (unsampled):
 * one count, read first; a read of more offers than `sliceOffers` is taken in that many slices of
 * the hash space (each customer falls in one), so no engine answer holds millions of rows at once.
 *
 * @example
 *   const read = await readOfferEvents(ctx, { features: featureMembers(ctx), fraction: 0.05 });
 *   read.events[0]; // { customer: 'c1', offeredAt: 1735700000000, offerName: 'Premium tier', accepted: true, … }
 */
export async function readOfferEvents(ctx: KpiContext, options: OfferEventsOptions): Promise<OfferEvents> {
  const b = propensityBinding(ctx);
  const filters = [...(options.filters ?? []), asOfFilter(ctx)];
  const query = {
    dimensions: unique([b.customer, b.time, b.offerName, b.offerType, b.daysToAccept, ...options.features.map((f) => f.member)]),
    measures: unique([b.offers, b.accepted, b.pending, b.revenue]),
    filters,
  };
  const totalOffers = await countAll(ctx, b, filters);
  const buckets = sampleBuckets(typeof options.fraction === 'function' ? options.fraction(totalOffers) : options.fraction);
  const slices = Math.max(1, Math.min(MAX_SLICES, Math.ceil((totalOffers * buckets) / SAMPLE_BUCKETS / (options.sliceOffers ?? SLICE_OFFERS))));
  const events: OfferEvent[] = [];
  const attributes = new Map<string, Readonly<Record<string, AttributeValue>>>();
  for (let k = 0; k < slices; k++) {
    const start = Math.round((buckets * k) / slices);
    const end = Math.round((buckets * (k + 1)) / slices);
    if (end <= start) continue;
    const sample = end < SAMPLE_BUCKETS || start > 0 ? { sample: { member: b.customer, fraction: end / SAMPLE_BUCKETS, ...(start > 0 ? { from: start / SAMPLE_BUCKETS } : {}) } } : {};
    addEvents(await answerRows(ctx.store, ctx.model, query, { ...readOptions(ctx), ...sample }), b, options.features, events, attributes);
  }
  events.sort(byEvent);
  // Customers in the events' order, whatever order the engine sent the rows in.
  const ordered = new Map([...attributes].sort(([x], [y]) => byText(x, y)));
  return { events, attributes: ordered, sampledFraction: buckets / SAMPLE_BUCKETS, totalOffers };
}

/** Numbers ascending, null last. */
const byNumber = (a: number | null, b: number | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b);

/** Customer, time, name — then the rest, so the order never depends on the order the engine sent the rows in. */
function byEvent(x: OfferEvent, y: OfferEvent): number {
  return (
    byText(x.customer, y.customer) ||
    x.offeredAt - y.offeredAt ||
    byText(x.offerName, y.offerName) ||
    byText(x.offerType ?? '', y.offerType ?? '') ||
    Number(y.accepted) - Number(x.accepted) ||
    Number(y.pending) - Number(x.pending) ||
    byNumber(x.daysToAccept, y.daysToAccept) ||
    byNumber(x.revenue, y.revenue)
  );
}

/** Offers one statement of `readOfferEvents` reads at most (about): more are read in slices. */
const SLICE_OFFERS = 500_000;
const MAX_SLICES = 64;

/** The rows of a read as events (each group's offers expanded) and each customer's attributes. */
function addEvents(rows: readonly DataRow[], b: PropensityBinding, features: readonly FeatureMember[], events: OfferEvent[], attributes: Map<string, Readonly<Record<string, AttributeValue>>>): void {
  for (const row of rows) {
    const n = Math.round(count(row[b.offers]));
    const offeredAt = instant(row[b.time]);
    if (n <= 0 || offeredAt === null || Number.isNaN(offeredAt)) continue;
    const customer = String(row[b.customer] ?? '');
    if (!attributes.has(customer)) attributes.set(customer, attributesOf(row, features));
    const accepted = Math.min(n, Math.max(0, Math.round(count(row[b.accepted]))));
    const pending = b.pending ? Math.min(n - accepted, Math.max(0, Math.round(count(row[b.pending])))) : 0;
    const revenue = b.revenue ? numberOrNull(row[b.revenue]) : null;
    const offerName = String(row[b.offerName] ?? '');
    const offerType = b.offerType ? ((row[b.offerType] as string | null | undefined) ?? null) : null;
    const days = numberOrNull(row[b.daysToAccept]);
    for (let i = 0; i < n; i++) {
      const isAccepted = i < accepted;
      events.push({
        customer,
        offeredAt,
        offerName,
        offerType,
        accepted: isAccepted,
        pending: !isAccepted && i < accepted + pending,
        daysToAccept: isAccepted ? days : null,
        // The group's revenue is its accepted offers' sum: each gets its share.
        revenue: isAccepted && revenue !== null ? revenue / accepted : null,
      });
    }
  }
}

/** Offers the caller may see under the filters, by the clock: one count. */
async function countAll(ctx: KpiContext, b: PropensityBinding, filters: CubeFilterItem[]): Promise<number> {
  const [row] = await answerRows(ctx.store, ctx.model, { measures: [b.offers], filters }, readOptions(ctx));
  return Math.round(count(row?.[b.offers]));
}

export interface SnapshotOptions {
  readonly features: readonly FeatureMember[];
  readonly filters?: readonly CubeFilterItem[];
}

const typeKey = (type: string | null): string => type ?? '';

/**
 * Every customer with an offer made by the clock, with its history then: per offer type the
 * offers, those accepted and the windows closed unaccepted (offers made at least the conversion
 * window before the clock, not accepted), the pending offers, the newest offer's time and the
 * newest accepted one's, the names of the offers it accepted, and its attributes. One statement
 * sums each customer's offers in the engine (an outer query over the per-offer rows), after one
 * that lists the offer types; the attributes come from another (customer × attributes: the
 * per-offer rows then need no join and fewer keys — at 10 M offers that halves the engine's
 * work), the names from a last one (customer × name, accepted only), as string aggregation is
 * not portable to ClickHouse 18. Each statement is bounded by the limits' timeout on its own.
 */
export async function readCustomerSnapshots(ctx: KpiContext, options: SnapshotOptions): Promise<CustomerSnapshot[]> {
  const b = propensityBinding(ctx);
  const filters = [...(options.filters ?? []), asOfFilter(ctx)];
  const read = readOptions(ctx);
  const features = options.features.map((f) => f.member);
  const types: (string | null)[] = b.offerType
    ? (await answerRows(ctx.store, ctx.model, { dimensions: [b.offerType], measures: [b.offers], filters }, read)).map((r) => (r[b.offerType as string] as string | null) ?? null)
    : [null];
  // Offers made at or before this instant had their window closed by the clock (bound as a parameter).
  const cut = new Date(ctx.asOf.getTime() - ctx.windowDays * DAY_MS);
  const ofType = (t: string | null): RowCondition[] => (b.offerType ? [{ member: b.offerType, is: t }] : []);
  const columns: SummaryColumn[] = [
    ...types.flatMap((t, j): SummaryColumn[] => [
      { name: `offers_${j}`, fn: 'sum', of: b.offers, where: ofType(t) },
      { name: `accepted_${j}`, fn: 'sum', of: b.accepted, where: ofType(t) },
      { name: `closed_${j}`, fn: 'sum', of: b.offers, minus: b.accepted, where: [...ofType(t), { member: b.time, atOrBefore: cut }] },
    ]),
    ...(b.pending ? [{ name: 'pending', fn: 'sum', of: b.pending } as const] : []),
    { name: 'last', fn: 'max', of: b.time },
    { name: 'lastAccepted', fn: 'max', of: b.time, where: [{ member: b.accepted, above: 0 }] },
  ];
  // The attributes are the customers' own: read apart, the per-offer rows need no join and fewer keys.
  const query = { dimensions: unique([b.customer, b.time, b.offerType]), measures: unique([b.offers, b.accepted, b.pending]), filters };
  const summed = await summarizeRows(ctx.store, ctx.model, query, { by: [b.customer], columns }, read);
  const attributes = new Map<string, Record<string, AttributeValue>>();
  if (features.length > 0) {
    for (const row of await answerRows(ctx.store, ctx.model, { dimensions: unique([b.customer, ...features]), measures: [b.offers], filters }, read)) {
      const customer = String(row[b.customer] ?? '');
      // A customer with several values of an attribute that is not its own alone keeps one of them.
      if (!attributes.has(customer)) attributes.set(customer, attributesOf(row, options.features));
    }
  }
  const names = await answerRows(
    ctx.store,
    ctx.model,
    { dimensions: [b.customer, b.offerName], measures: [b.accepted], filters: [...filters, { member: b.accepted, operator: 'gt', values: ['0'] }] },
    read,
  );
  const acceptedNames = new Map<string, string[]>();
  for (const row of names) {
    const customer = String(row[b.customer] ?? '');
    const list = acceptedNames.get(customer) ?? [];
    list.push(String(row[b.offerName] ?? ''));
    acceptedNames.set(customer, list);
  }
  const snapshots = new Map<string, Mutable<CustomerSnapshot>>();
  for (const row of summed) {
    const customer = String(row.keys[b.customer] ?? '');
    const v = row.values;
    const s = snapshots.get(customer) ?? {
      customer,
      attributes: attributes.get(customer) ?? attributesOf({}, options.features),
      offers: {},
      accepted: {},
      closedUnaccepted: {},
      pending: 0,
      acceptedNames: (acceptedNames.get(customer) ?? []).sort(byText),
      lastOfferAt: null,
      lastAcceptedOfferAt: null,
    };
    types.forEach((t, j) => {
      const key = typeKey(t);
      const add = (into: Record<string, number>, n: number) => {
        if (n !== 0 || key in into) into[key] = (into[key] ?? 0) + n;
      };
      add(s.offers as Record<string, number>, count(v[`offers_${j}`]));
      add(s.accepted as Record<string, number>, count(v[`accepted_${j}`]));
      add(s.closedUnaccepted as Record<string, number>, count(v[`closed_${j}`]));
    });
    s.pending += count(v['pending']);
    s.lastOfferAt = latest(s.lastOfferAt, instant(v['last']));
    s.lastAcceptedOfferAt = latest(s.lastAcceptedOfferAt, instant(v['lastAccepted']));
    snapshots.set(customer, s);
  }
  return [...snapshots.values()].sort((x, y) => byText(x.customer, y.customer));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const latest = (a: number | null, b: number | null): number | null => (b === null || Number.isNaN(b) ? a : a === null ? b : Math.max(a, b));
