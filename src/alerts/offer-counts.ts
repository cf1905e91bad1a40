/**
 * Offers, accepted and pending offers per period (and per segment), asked of the model with a Cube
 * query: the numbers come from the same semantic layer as the API, on every engine.
 */
import type { Model } from '../model/index.js';
import { answerQuery } from '../query/index.js';
import type { CubeFilter } from '../query/cube-query.js';
import type { Store } from '../store/index.js';
import type { Grain } from '../kpi/index.js';
import { periodAt, periodStarts, wallTime, type Period } from './periods.js';
import { allAccess } from '../query/index.js';

/** The members alert rules count with (the shipped model's names). */
export const COUNT_MEMBERS = {
  offers: 'Offers.count',
  accepted: 'Offers.accepted',
  pending: 'Offers.pending',
  time: 'Offers.offeredAt',
} as const;

export interface PeriodCounts extends Period {
  /** Offers made in the period. */
  readonly n: number;
  /** Of those, accepted within the conversion window. */
  readonly k: number;
  /** Of those, still inside their window and unanswered: the period is provisional when > 0. */
  readonly pending: number;
}

/** One segment's series: `values` holds the value of each grouping dimension (null = not set). */
export interface CountSeries {
  readonly values: readonly (string | null)[];
  readonly periods: readonly PeriodCounts[];
}

export interface CountRequest {
  readonly grain: Grain;
  /** First period start and the instant after the last period (both period boundaries). */
  readonly from: Date;
  readonly until: Date;
  readonly dimensions: readonly string[];
  readonly filters: readonly CubeFilter[];
  /** The clock: acceptance and pending are judged as of this instant. */
  readonly at: Date;
}

/** The Cube query for a count request (also the query a rule is checked with against the model). */
export function countQuery(request: CountRequest): Record<string, unknown> {
  return {
    measures: [COUNT_MEMBERS.offers, COUNT_MEMBERS.accepted, COUNT_MEMBERS.pending],
    dimensions: [...request.dimensions],
    timeDimensions: [
      {
        dimension: COUNT_MEMBERS.time,
        granularity: request.grain,
        dateRange: [wallTime(request.from), wallTime(new Date(request.until.getTime() - 1))],
      },
    ],
    filters: [...request.filters],
    timezone: 'UTC',
    limit: 50_000,
    order: [],
  };
}

/**
 * Every period from `from` to `until` for every segment that has offers, periods without offers
 * included with n = 0 (empty cells are information).
 */
export async function fetchCounts(store: Store, model: Model, request: CountRequest): Promise<CountSeries[]> {
  const answer = await answerQuery(store, model, countQuery(request), { now: request.at, access: allAccess('system') });
  const data = answer.results[0]?.data ?? [];
  const timeKey = `${COUNT_MEMBERS.time}.${request.grain}`;
  const starts = periodStarts(request.from, request.until, request.grain);
  const bySegment = new Map<string, { values: (string | null)[]; cells: Map<string, { n: number; k: number; pending: number }> }>();
  for (const row of data) {
    const values = request.dimensions.map((d) => (row[d] === null || row[d] === undefined ? null : String(row[d])));
    const key = JSON.stringify(values);
    const segment = bySegment.get(key) ?? { values, cells: new Map() };
    bySegment.set(key, segment);
    const period = String(row[timeKey] ?? '').slice(0, 10);
    segment.cells.set(period, {
      n: Number(row[COUNT_MEMBERS.offers] ?? 0),
      k: Number(row[COUNT_MEMBERS.accepted] ?? 0),
      pending: Number(row[COUNT_MEMBERS.pending] ?? 0),
    });
  }
  if (request.dimensions.length === 0 && bySegment.size === 0) bySegment.set('[]', { values: [], cells: new Map() });
  return [...bySegment.values()].map((segment) => ({
    values: segment.values,
    periods: starts.map((start): PeriodCounts => {
      const cell = segment.cells.get(start.toISOString().slice(0, 10)) ?? { n: 0, k: 0, pending: 0 };
      return { ...periodAt(start, request.grain), ...cell };
    }),
  }));
}
