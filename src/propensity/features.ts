import type { AttributeValue, CustomerSnapshot, FeatureMember, OfferEvent } from './types.js';

/**
 * What a customer's history says at an instant, and the columns the model reads from it and from
 * the customer's attributes. Training computes the history of each offer from the customer's
 * earlier offers (only what was known then: an acceptance counts once it happened, a refusal once
 * the window closed); scoring reads the same quantities per customer at the clock
 * ({@link CustomerSnapshot}). One function turns either into the model's columns, so the two can
 * never disagree.
 */

const DAY_MS = 86_400_000;

/** A customer's offers before an instant, summed: the input of {@link historyColumns}. */
export interface History {
  /** Per offer type: offers made. */
  readonly offers: Readonly<Record<string, number>>;
  /** Per offer type: offers whose acceptance was known by the instant. */
  readonly accepted: Readonly<Record<string, number>>;
  /** Per offer type: windows closed by the instant without an acceptance. */
  readonly closedUnaccepted: Readonly<Record<string, number>>;
  readonly acceptedNames: ReadonlySet<string>;
  readonly lastOfferAt: number | null;
  readonly lastAcceptedOfferAt: number | null;
}

const typeKey = (type: string | null): string => type ?? '';

/** When an accepted offer's acceptance became known: the end of its day-to-accept (days are floored). */
function acceptanceKnownAt(e: OfferEvent): number {
  return e.offeredAt + ((e.daysToAccept ?? 0) + 1) * DAY_MS;
}

/**
 * The history of `customerEvents` (one customer's, sorted by time) before `t`: offers made
 * before t; acceptances known by t (by the end of their day-to-accept); refusals once the window
 * closed unaccepted — as {@link CustomerSnapshot} counts them at the clock.
 */
export function historyBefore(customerEvents: readonly OfferEvent[], t: number, windowDays: number): History {
  const offers: Record<string, number> = {};
  const accepted: Record<string, number> = {};
  const closedUnaccepted: Record<string, number> = {};
  const acceptedNames = new Set<string>();
  let lastOfferAt: number | null = null;
  let lastAcceptedOfferAt: number | null = null;
  const windowMs = windowDays * DAY_MS;
  for (const e of customerEvents) {
    if (e.offeredAt >= t) break;
    const type = typeKey(e.offerType);
    offers[type] = (offers[type] ?? 0) + 1;
    lastOfferAt = e.offeredAt;
    if (e.accepted && acceptanceKnownAt(e) <= t) {
      accepted[type] = (accepted[type] ?? 0) + 1;
      acceptedNames.add(e.offerName);
      lastAcceptedOfferAt = e.offeredAt;
    } else if (!e.accepted && e.offeredAt + windowMs <= t) {
      closedUnaccepted[type] = (closedUnaccepted[type] ?? 0) + 1;
    }
  }
  return { offers, accepted, closedUnaccepted, acceptedNames, lastOfferAt, lastAcceptedOfferAt };
}

/** A snapshot read at the clock, as a {@link History}. */
export function snapshotHistory(s: CustomerSnapshot): History {
  return {
    offers: s.offers,
    accepted: s.accepted,
    closedUnaccepted: s.closedUnaccepted,
    acceptedNames: new Set(s.acceptedNames),
    lastOfferAt: s.lastOfferAt,
    lastAcceptedOfferAt: s.lastAcceptedOfferAt,
  };
}

/** A type's words in column names (`upsells`, `cross-sells`, `offers of no type`). */
const typeWords = (type: string): string => (type === '' ? 'offers of no type' : `${type.replace(/_/g, '-')}s`);

/** The history columns' names for the offer types seen, in a fixed order. */
export function historyColumnNames(types: readonly string[]): string[] {
  const names: string[] = [];
  for (const type of types) {
    const w = typeWords(type);
    names.push(`log(1 + ${w} before)`, `log(1 + ${w} accepted before)`, `log(1 + ${w} declined or expired before)`);
  }
  names.push('log(1 + days since the last offer)', 'no earlier offer', 'log(1 + days since the last accepted offer)', 'never accepted an offer', 'accepted this offer before');
  return names;
}

/** The history columns at instant t for an offer named `offerName` (same order as {@link historyColumnNames}). */
export function historyColumns(h: History, t: number, offerName: string, types: readonly string[]): number[] {
  const out: number[] = [];
  for (const type of types) {
    out.push(Math.log1p(h.offers[type] ?? 0), Math.log1p(h.accepted[type] ?? 0), Math.log1p(h.closedUnaccepted[type] ?? 0));
  }
  const days = (at: number | null) => (at === null ? 0 : Math.log1p(Math.max(0, (t - at) / DAY_MS)));
  out.push(days(h.lastOfferAt), h.lastOfferAt === null ? 1 : 0, days(h.lastAcceptedOfferAt), h.lastAcceptedOfferAt === null ? 1 : 0, h.acceptedNames.has(offerName) ? 1 : 0);
  return out;
}

/** How an attribute becomes columns: levels for a category, centre and spread for a number. */
type AttributeCoding =
  | { readonly feature: FeatureMember; readonly kind: 'category'; readonly reference: string; readonly levels: readonly string[] }
  | { readonly feature: FeatureMember; readonly kind: 'number'; readonly mean: number; readonly sd: number; readonly missing: boolean };

/** Categories rarer than this in the training offers join the reference level (no column of their own). */
export const MIN_LEVEL_OFFERS = 30;
/** A category's value when the attribute is not recorded. */
export const NOT_RECORDED = 'not recorded';

/** One training or scoring row before coding: the customer's attributes and history at an instant. */
export interface RawRow {
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly history: readonly number[];
}

/** Which input a column comes from: an attribute member or a history feature (for drivers). */
export interface ColumnSource {
  readonly source: string;
  readonly title: string;
}

/**
 * The coding learned from training rows: fixed thereafter, so the holdout and scoring rows are
 * coded as the training rows were. Numbers and history are centred and scaled (the L2 penalty
 * then treats every column alike, and a coefficient × coded value is a push relative to the
 * average training offer); categories get one indicator per level but the most frequent.
 */
export interface Coding {
  readonly columns: readonly string[];
  /** Per column (the intercept excluded): where it comes from. */
  readonly sources: readonly ColumnSource[];
  readonly attributes: readonly AttributeCoding[];
  readonly historyMean: readonly number[];
  readonly historySd: readonly number[];
  readonly historyNames: readonly string[];
}

/** An attribute's value as a category (numbers as text, NULL as `not recorded`). */
export const categoryOf = (v: AttributeValue): string => (v === null || v === undefined ? NOT_RECORDED : String(v));

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: 0, sd: 1 };
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / values.length);
  return { mean, sd: sd > 1e-12 ? sd : 1 };
}

export function learnCoding(features: readonly FeatureMember[], historyNames: readonly string[], rows: readonly RawRow[]): Coding {
  const columns: string[] = ['(intercept)'];
  const sources: ColumnSource[] = [];
  const attributes: AttributeCoding[] = [];
  for (const feature of features) {
    if (feature.kind === 'category') {
      const counts = new Map<string, number>();
      for (const r of rows) {
        const c = categoryOf(r.attributes[feature.member] ?? null);
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const reference = ranked[0]?.[0] ?? NOT_RECORDED;
      const levels = ranked
        .slice(1)
        .filter(([, n]) => n >= MIN_LEVEL_OFFERS)
        .map(([level]) => level)
        .sort((a, b) => a.localeCompare(b));
      for (const level of levels) {
        columns.push(`${feature.member} = ${level}`);
        sources.push({ source: feature.member, title: feature.title });
      }
      attributes.push({ feature, kind: 'category', reference, levels });
    } else {
      const present = rows.map((r) => r.attributes[feature.member]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const { mean, sd } = meanSd(present);
      const missing = present.length < rows.length;
      columns.push(`${feature.member} (standardised)`);
      sources.push({ source: feature.member, title: feature.title });
      if (missing) {
        columns.push(`${feature.member} not recorded`);
        sources.push({ source: feature.member, title: feature.title });
      }
      attributes.push({ feature, kind: 'number', mean, sd, missing });
    }
  }
  const historyMean: number[] = [];
  const historySd: number[] = [];
  // Means and spreads of the history columns in two passes over the rows (no per-column copies).
  const h = historyNames.length;
  const sum = new Float64Array(h);
  const squares = new Float64Array(h);
  for (const r of rows) for (let j = 0; j < h; j++) sum[j] = (sum[j] ?? 0) + (r.history[j] ?? 0);
  const means = Array.from(sum, (v) => (rows.length ? v / rows.length : 0));
  for (const r of rows) for (let j = 0; j < h; j++) squares[j] = (squares[j] ?? 0) + ((r.history[j] ?? 0) - (means[j] ?? 0)) ** 2;
  historyNames.forEach((name, j) => {
    const sd = rows.length ? Math.sqrt((squares[j] ?? 0) / rows.length) : 1;
    historyMean.push(means[j] ?? 0);
    historySd.push(sd > 1e-12 ? sd : 1);
    columns.push(name);
    sources.push({ source: name, title: name });
  });
  return { columns, sources, attributes, historyMean, historySd, historyNames };
}

/** A row's coded columns, the intercept first, written into `out` (length = columns). */
export function codeRow(coding: Coding, row: RawRow, out: Float64Array = new Float64Array(coding.columns.length)): Float64Array {
  let j = 0;
  out[j++] = 1;
  for (const a of coding.attributes) {
    const v = row.attributes[a.feature.member] ?? null;
    if (a.kind === 'category') {
      const c = categoryOf(v);
      for (const level of a.levels) out[j++] = c === level ? 1 : 0;
    } else {
      const ok = typeof v === 'number' && Number.isFinite(v);
      out[j++] = ok ? (v - a.mean) / a.sd : 0;
      if (a.missing) out[j++] = ok ? 0 : 1;
    }
  }
  coding.historyNames.forEach((_, h) => {
    out[j++] = ((row.history[h] ?? 0) - (coding.historyMean[h] ?? 0)) / (coding.historySd[h] ?? 1);
  });
  return out;
}

/** Group events by customer (they come sorted by customer, then time). */
export function byCustomer(events: readonly OfferEvent[]): Map<string, OfferEvent[]> {
  const groups = new Map<string, OfferEvent[]>();
  for (const e of events) {
    let list = groups.get(e.customer);
    if (!list) groups.set(e.customer, (list = []));
    list.push(e);
  }
  for (const list of groups.values()) list.sort((a, b) => a.offeredAt - b.offeredAt || a.offerName.localeCompare(b.offerName));
  return groups;
}

/** Offer types in a fixed order (`''` for offers of no type). */
export function offerTypes(events: readonly OfferEvent[]): string[] {
  return [...new Set(events.map((e) => typeKey(e.offerType)))].sort();
}
