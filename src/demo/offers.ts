/**
 * The offers, made day by day in time order and handed out in column-wise batches of a fixed
 * size, so any number of offers streams through a few megabytes. Every offer draws from one
 * seeded stream in a fixed order: the same seed, end and row count give the same offers.
 */
import type { OfferType } from '../core/schema.js';
import type { Calendar } from './calendar.js';
import type { CustomerPopulation } from './customers.js';
import {
  ACCEPT_MEDIAN_DAYS,
  ACCOUNT_SIZE_LEVELS,
  CAMPAIGN_LOG_ODDS,
  CAMPAIGN_SHARE,
  CHANNEL_LEVELS,
  CHANNEL_NULL,
  DECLINE_MEDIAN_DAYS,
  DECLINE_SHARE,
  HOUR_VOLUME,
  LATE_ACCEPT_SHARE,
  MONTH_LOG_ODDS,
  OFFER_CATALOG,
  REVENUE_NULL,
  REVENUE_SIGMA,
  TINY_OFFERS,
} from './planted-effects.js';
import { cumulative, type Random } from './random.js';

const DAY = 86_400;
const WINDOW = 30 * DAY;

/** Every offer name the generator makes: the catalog, then the two tiny-sample offers. */
export const OFFER_NAMES: readonly { name: string; type: OfferType }[] = [
  ...OFFER_CATALOG.map((o) => ({ name: o.name, type: o.type })),
  { name: TINY_OFFERS.allAccepted.name, type: TINY_OFFERS.allAccepted.type },
  { name: TINY_OFFERS.noneAccepted.name, type: TINY_OFFERS.noneAccepted.type },
];
const ALL_ACCEPTED = OFFER_CATALOG.length;
const NONE_ACCEPTED = OFFER_CATALOG.length + 1;
export const CHANNEL_NAMES: readonly string[] = CHANNEL_LEVELS.map((c) => c.name);

/** One batch of offers, column-wise. Nulls: -1 in index columns, NaN in number columns. */
export interface OfferBatch {
  /** Rows filled (the arrays may be longer). */
  length: number;
  /** Row number (0-based) of the batch's first offer; offer ids follow it. */
  first: number;
  readonly customer: Int32Array;
  /** Epoch seconds. */
  readonly offeredAt: Float64Array;
  /** Index into OFFER_NAMES. */
  readonly offer: Uint8Array;
  /** Index into CHANNEL_NAMES, or -1. */
  readonly channel: Int8Array;
  /** Index into the calendar's campaigns, or -1. */
  readonly campaign: Int16Array;
  readonly acceptedAt: Float64Array;
  readonly declinedAt: Float64Array;
  readonly revenueCents: Float64Array;
}

export function newOfferBatch(capacity: number): OfferBatch {
  return {
    length: 0,
    first: 0,
    customer: new Int32Array(capacity),
    offeredAt: new Float64Array(capacity),
    offer: new Uint8Array(capacity),
    channel: new Int8Array(capacity),
    campaign: new Int16Array(capacity),
    acceptedAt: new Float64Array(capacity),
    declinedAt: new Float64Array(capacity),
    revenueCents: new Float64Array(capacity),
  };
}

/** `o-00000042`: zero-padded to at least eight digits. */
export function offerIdFormatter(rows: number): (row: number) => string {
  const width = Math.max(8, String(rows).length);
  return (row) => `o-${String(row + 1).padStart(width, '0')}`;
}

const OFFER_CUM = cumulative(OFFER_CATALOG.map((o) => o.weight));
const OFFER_LOG_ODDS = OFFER_CATALOG.map((o) => Math.log(o.base / (1 - o.base)));
const CHANNEL_CUM = ACCOUNT_SIZE_LEVELS.map((_, s) => cumulative(CHANNEL_LEVELS.map((c) => c.bySize[s] ?? 0)));
const HOUR_MAX = Math.max(...HOUR_VOLUME);

/**
 * Rows at which the tiny-sample offers are placed: spread over the first 60 % of the rows, so
 * even the last of them was made months before `end` and its outcome is final.
 */
export function tinyOfferRows(rows: number): Map<number, number> {
  const at = new Map<number, number>();
  const tiny = [
    ...Array.from({ length: TINY_OFFERS.allAccepted.count }, () => ALL_ACCEPTED),
    ...Array.from({ length: TINY_OFFERS.noneAccepted.count }, () => NONE_ACCEPTED),
  ];
  if (rows < 100) return at; // too few offers to spare any
  tiny.forEach((offer, k) => at.set(Math.floor(rows * (0.1 + (0.5 * k) / tiny.length)), offer));
  return at;
}

export class OfferStream {
  private row = 0;
  private day = -1;
  private daySeconds = new Float64Array(0);
  private dayLeft = 0;
  private readonly tiny: Map<number, number>;

  constructor(
    readonly rows: number,
    private readonly calendar: Calendar,
    private readonly customers: CustomerPopulation,
    private readonly random: Random,
  ) {
    this.tiny = tinyOfferRows(rows);
  }

  get done(): boolean {
    return this.row >= this.rows;
  }

  /** Fills `batch` with the next offers (up to its capacity); returns how many. */
  fill(batch: OfferBatch): number {
    const capacity = batch.customer.length;
    batch.first = this.row;
    let n = 0;
    while (n < capacity && this.row < this.rows) {
      while (this.dayLeft === 0) this.nextDay();
      const at = this.daySeconds[this.daySeconds.length - this.dayLeft]!;
      this.dayLeft--;
      this.makeOffer(batch, n, at);
      this.row++;
      n++;
    }
    batch.length = n;
    return n;
  }

  private nextDay(): void {
    this.day++;
    const c = this.calendar;
    const count = c.dayCount[this.day]!;
    const from = c.dayFrom[this.day]!;
    const length = c.dayTo[this.day]! - from;
    const seconds = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      // Uniform within the day, thinned by the hour-of-day profile.
      for (;;) {
        const s = from + Math.floor(this.random.next() * length);
        const hour = Math.floor((s % DAY) / 3600);
        if (this.random.next() * HOUR_MAX < (HOUR_VOLUME[hour] ?? 1)) {
          seconds[i] = s;
          break;
        }
      }
    }
    seconds.sort();
    this.daySeconds = seconds;
    this.dayLeft = count;
  }

  private makeOffer(b: OfferBatch, i: number, offeredAt: number): void {
    const r = this.random;
    const cal = this.calendar;
    const end = cal.endSecond;
    const customer = r.pick(this.customers.offerWeights);
    const size = this.customers.size[customer]!;
    let offer = r.pick(OFFER_CUM);
    let channel = -1;
    if (!r.chance(CHANNEL_NULL)) channel = r.pick(CHANNEL_CUM[size]!);
    const campaign = r.chance(CAMPAIGN_SHARE) ? cal.dayCampaign[this.day]! : -1;
    const logOdds =
      OFFER_LOG_ODDS[offer]! +
      this.customers.logOdds[customer]! +
      (channel >= 0 ? CHANNEL_LEVELS[channel]!.logOdds : 0) +
      (campaign >= 0 ? CAMPAIGN_LOG_ODDS : 0) +
      MONTH_LOG_ODDS[cal.dayMonth[this.day]!]!;
    let accepts = r.next() < 1 / (1 + Math.exp(-logOdds));
    let late = accepts && r.chance(LATE_ACCEPT_SHARE);
    let declines = !accepts && r.chance(DECLINE_SHARE);
    const tiny = this.tiny.get(this.row);
    if (tiny !== undefined) {
      offer = tiny;
      accepts = tiny === ALL_ACCEPTED;
      late = false;
      declines = !accepts;
    }
    let acceptedAt = Number.NaN;
    let declinedAt = Number.NaN;
    let revenue = Number.NaN;
    if (accepts) {
      const delay = late ? WINDOW + DAY + Math.floor(r.next() * 29 * DAY) : this.delayWithinWindow();
      acceptedAt = offeredAt + delay;
      if (tiny !== undefined) acceptedAt = Math.min(acceptedAt, end);
      if (acceptedAt > end) acceptedAt = Number.NaN; // not accepted yet
      else if (!r.chance(REVENUE_NULL) || tiny !== undefined) {
        const mean = offer === ALL_ACCEPTED ? TINY_OFFERS.allAccepted.revenue : OFFER_CATALOG[offer]!.revenue;
        revenue = Math.round(100 * r.logNormal(mean * ACCOUNT_SIZE_LEVELS[size]!.revenue, REVENUE_SIGMA));
      }
    } else if (declines) {
      const delay = Math.min(45 * DAY, Math.floor(DAY * DECLINE_MEDIAN_DAYS * Math.exp(r.normal())) + 60);
      declinedAt = offeredAt + delay;
      if (declinedAt > end) declinedAt = tiny !== undefined ? end : Number.NaN; // not declined yet
    }
    b.customer[i] = customer;
    b.offeredAt[i] = offeredAt;
    b.offer[i] = offer;
    b.channel[i] = channel;
    b.campaign[i] = campaign;
    b.acceptedAt[i] = acceptedAt;
    b.declinedAt[i] = declinedAt;
    b.revenueCents[i] = revenue;
  }

  /** Days to accept: log-normal, median ACCEPT_MEDIAN_DAYS, at least a minute, under 30 days. */
  private delayWithinWindow(): number {
    for (;;) {
      const d = Math.floor(DAY * ACCEPT_MEDIAN_DAYS * Math.exp(1.1 * this.random.normal())) + 60;
      if (d < WINDOW) return d;
    }
  }
}
