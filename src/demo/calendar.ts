/**
 * When offers are made: 24 months ending at `end`, cut into UTC days, each day given its share of
 * the offers (growth trend × month season × weekday × a little noise). Counts are fixed up front
 * so offers come out in time order and offer ids follow offered_at.
 */
import { DAILY_NOISE, MONTH_VOLUME, VOLUME_GROWTH, WEEKDAY_VOLUME, CAMPAIGN_BY_QUARTER } from './planted-effects.js';
import type { Random } from '../core/random.js';

const DAY = 86_400;

export interface Calendar {
  /** First and last second (epoch seconds, inclusive) an offer can be made. */
  readonly startSecond: number;
  readonly endSecond: number;
  /** One entry per UTC day touched by the span: [from, to) in epoch seconds and the offers made. */
  readonly dayFrom: Float64Array;
  readonly dayTo: Float64Array;
  readonly dayCount: Int32Array;
  /** Calendar month (0–11) and campaign (index into `campaigns`) of each day. */
  readonly dayMonth: Uint8Array;
  readonly dayCampaign: Int16Array;
  readonly campaigns: readonly string[];
}

/** `end` minus `months` calendar months, in UTC (the 29th–31st roll over like Date does). */
export function monthsBefore(end: Date, months: number): Date {
  const d = new Date(end.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

export function buildCalendar(end: Date, rows: number, random: Random): Calendar {
  const endSecond = Math.floor(end.getTime() / 1000);
  const startSecond = Math.ceil(monthsBefore(end, 24).getTime() / 1000);
  const firstDay = Math.floor(startSecond / DAY);
  const lastDay = Math.floor(endSecond / DAY);
  const days = lastDay - firstDay + 1;
  const dayFrom = new Float64Array(days);
  const dayTo = new Float64Array(days);
  const dayMonth = new Uint8Array(days);
  const dayCampaign = new Int16Array(days);
  const weights = new Float64Array(days);
  const campaigns: string[] = [];
  const span = Math.max(1, endSecond + 1 - startSecond);
  for (let k = 0; k < days; k++) {
    const from = Math.max((firstDay + k) * DAY, startSecond);
    const to = Math.min((firstDay + k + 1) * DAY, endSecond + 1);
    const date = new Date(from * 1000);
    const month = date.getUTCMonth();
    const campaign = `${CAMPAIGN_BY_QUARTER[Math.floor(month / 3)]}-${date.getUTCFullYear()}`;
    if (campaigns[campaigns.length - 1] !== campaign) campaigns.push(campaign);
    dayFrom[k] = from;
    dayTo[k] = to;
    dayMonth[k] = month;
    dayCampaign[k] = campaigns.length - 1;
    const progress = (from - startSecond) / span;
    const trend = 1 + (VOLUME_GROWTH - 1) * progress;
    const noise = Math.exp(DAILY_NOISE * random.normal());
    weights[k] = ((to - from) / DAY) * trend * (MONTH_VOLUME[month] ?? 1) * (WEEKDAY_VOLUME[date.getUTCDay()] ?? 1) * noise;
  }
  return { startSecond, endSecond, dayFrom, dayTo, dayMonth, dayCampaign, campaigns, dayCount: apportion(weights, rows) };
}

/** Splits `total` into integer parts proportional to `weights` that sum to exactly `total`. */
export function apportion(weights: Float64Array, total: number): Int32Array {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = new Int32Array(weights.length);
  let running = 0;
  let given = 0;
  for (let k = 0; k < weights.length; k++) {
    running += weights[k] ?? 0;
    const upTo = k === weights.length - 1 ? total : Math.round((total * running) / sum);
    counts[k] = upTo - given;
    given = upTo;
  }
  return counts;
}
