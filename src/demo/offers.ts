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
import { cumulative, type Random } from '../core/random.js';

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

interface OfferDraw {
  customer: number;
  offer: number;
  channel: number;
  campaign: number;
  /** Seconds from offer to acceptance, or -1 (not accepted). */
  acceptDelay: number;
  /** Seconds from offer to decline, or -1 (no decline recorded). */
  declineDelay: number;
  revenueCents: number;
}

export class OfferStream {
  private row = 0;
  private day = -1;
  private daySeconds = new Float64Array(0);
  private dayLeft = 0;
  private readonly tiny: Map<number, number>;
  /** An offer to a twin customer, waiting to be mirrored to the other twin on the next row. */
  private mirror: OfferDraw | undefined;

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
    const tiny = this.tiny.get(this.row);
    let draw: OfferDraw;
    if (tiny !== undefined) draw = this.drawTiny(tiny);
    else if (this.mirror) {
      // The twin's copy: same offer, same outcome, same delays, the next moment of the day.
      draw = this.mirror;
      this.mirror = undefined;
    } else {
      draw = this.draw();
      const twin = this.customers.twin[draw.customer]!;
      if (twin >= 0) this.mirror = { ...draw, customer: twin };
    }
    const end = this.calendar.endSecond;
    let acceptedAt = Number.NaN;
    let declinedAt = Number.NaN;
    let revenue = Number.NaN;
    if (draw.acceptDelay >= 0) {
      acceptedAt = offeredAt + draw.acceptDelay;
      if (tiny !== undefined) acceptedAt = Math.min(acceptedAt, end);
      if (acceptedAt > end) acceptedAt = Number.NaN; // not accepted yet
      else revenue = draw.revenueCents;
    } else if (draw.declineDelay >= 0) {
      declinedAt = offeredAt + draw.declineDelay;
      if (declinedAt > end) declinedAt = tiny !== undefined ? end : Number.NaN; // not declined yet
    }
    b.customer[i] = draw.customer;
    b.offeredAt[i] = offeredAt;
    b.offer[i] = draw.offer;
    b.channel[i] = draw.channel;
    b.campaign[i] = draw.campaign;
    b.acceptedAt[i] = acceptedAt;
    b.declinedAt[i] = declinedAt;
    b.revenueCents[i] = revenue;
  }

  /** Who gets which offer, how, and what they do about it (seconds after the offer; -1 = never). */
  private draw(): OfferDraw {
    const r = this.random;
    const customer = r.pick(this.customers.offerWeights);
    const size = this.customers.size[customer]!;
    const offer = r.pick(OFFER_CUM);
    const channel = r.chance(CHANNEL_NULL) ? -1 : r.pick(CHANNEL_CUM[size]!);
    const campaign = r.chance(CAMPAIGN_SHARE) ? this.calendar.dayCampaign[this.day]! : -1;
    const logOdds =
      OFFER_LOG_ODDS[offer]! +
      this.customers.logOdds[customer]! +
      (channel >= 0 ? CHANNEL_LEVELS[channel]!.logOdds : 0) +
      (campaign >= 0 ? CAMPAIGN_LOG_ODDS : 0) +
      MONTH_LOG_ODDS[this.calendar.dayMonth[this.day]!]!;
    const draw = { customer, offer, channel, campaign, acceptDelay: -1, declineDelay: -1, revenueCents: Number.NaN };
    if (r.next() < 1 / (1 + Math.exp(-logOdds))) {
      draw.acceptDelay = r.chance(LATE_ACCEPT_SHARE) ? WINDOW + DAY + Math.floor(r.next() * 29 * DAY) : this.delayWithinWindow();
      if (!r.chance(REVENUE_NULL)) draw.revenueCents = this.revenue(OFFER_CATALOG[offer]!.revenue, size);
    } else if (r.chance(DECLINE_SHARE)) {
      draw.declineDelay = this.declineDelay();
    }
    return draw;
  }

  /** A tiny-sample offer: accepted within days, or declined within days. */
  private drawTiny(offer: number): OfferDraw {
    const r = this.random;
    // Not to a twin: the twin regions must stay exact mirrors.
    let customer = r.pick(this.customers.offerWeights);
    for (let tries = 0; tries < 100 && this.customers.twin[customer]! >= 0; tries++) customer = r.pick(this.customers.offerWeights);
    const size = this.customers.size[customer]!;
    const channel = r.pick(CHANNEL_CUM[size]!);
    const accepted = offer === ALL_ACCEPTED;
    return {
      customer,
      offer,
      channel,
      campaign: -1,
      acceptDelay: accepted ? this.delayWithinWindow() : -1,
      declineDelay: accepted ? -1 : this.declineDelay(),
      revenueCents: accepted ? this.revenue(TINY_OFFERS.allAccepted.revenue, size) : Number.NaN,
    };
  }

  private revenue(mean: number, size: number): number {
    return Math.round(100 * this.random.logNormal(mean * ACCOUNT_SIZE_LEVELS[size]!.revenue, REVENUE_SIGMA));
  }

  private declineDelay(): number {
    return Math.min(45 * DAY, Math.floor(DAY * DECLINE_MEDIAN_DAYS * Math.exp(this.random.normal())) + 60);
  }

  /** Days to accept: log-normal, median ACCEPT_MEDIAN_DAYS, at least a minute, under 30 days. */
  private delayWithinWindow(): number {
    for (;;) {
      const d = Math.floor(DAY * ACCEPT_MEDIAN_DAYS * Math.exp(1.1 * this.random.normal())) + 60;
      if (d < WINDOW) return d;
    }
  }
}
