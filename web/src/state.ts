/**
 * The view a user is looking at, kept in the URL so it can be shared: date range, grain, offer
 * type and dimension filters. Pure: URL text in, state out, and back; no DOM.
 *
 *   ?range=12m&grain=month&type=upsell&filter=Customers.accountSize%3Denterprise
 *   ?from=2025-01-01&to=2025-03-31          (a custom range)
 */
import type { ApiFilter } from '../../src/insights/api-types.js';

export const RANGE_PRESETS = ['3m', '6m', '12m', 'ytd', 'all'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const GRAINS = ['week', 'month', 'quarter'] as const;
export type ViewGrain = (typeof GRAINS)[number];
export type OfferType = 'upsell' | 'cross_sell';

export const RANGE_LABELS: Readonly<Record<RangePreset | 'custom', string>> = {
  '3m': 'Last 3 months',
  '6m': 'Last 6 months',
  '12m': 'Last 12 months',
  ytd: 'Year to date',
  all: 'All data',
  custom: 'Custom range',
};

/** Equality filters on model dimensions: a segment is in when its value is one of `values`. */
export interface DimensionFilter {
  readonly member: string;
  readonly values: readonly string[];
}

export interface ViewState {
  /** A preset relative to the last day with offers, or `custom` with `from`/`to`. */
  readonly range: RangePreset | 'custom';
  /** YYYY-MM-DD, inclusive; set for custom ranges. */
  readonly from: string | null;
  readonly to: string | null;
  readonly grain: ViewGrain;
  readonly offerType: OfferType | null;
  readonly filters: readonly DimensionFilter[];
}

export const DEFAULT_STATE: ViewState = { range: '12m', from: null, to: null, grain: 'month', offerType: null, filters: [] };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the state from a query string; anything unreadable falls back to the default. */
export function readState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const from = q.get('from');
  const to = q.get('to');
  const custom = from !== null && to !== null && DAY.test(from) && DAY.test(to) && from <= to;
  const range = q.get('range');
  const grain = q.get('grain');
  const type = q.get('type');
  const byMember = new Map<string, string[]>();
  for (const f of q.getAll('filter')) {
    const eq = f.indexOf('=');
    if (eq <= 0) continue;
    const member = f.slice(0, eq);
    const value = f.slice(eq + 1);
    if (!MEMBER.test(member)) continue;
    const values = byMember.get(member) ?? [];
    if (!values.includes(value)) values.push(value);
    byMember.set(member, values);
  }
  return {
    range: custom ? 'custom' : RANGE_PRESETS.includes(range as RangePreset) ? (range as RangePreset) : DEFAULT_STATE.range,
    from: custom ? from : null,
    to: custom ? to : null,
    grain: GRAINS.includes(grain as ViewGrain) ? (grain as ViewGrain) : DEFAULT_STATE.grain,
    offerType: type === 'upsell' || type === 'cross_sell' ? type : null,
    filters: [...byMember].map(([member, values]) => ({ member, values })),
  };
}

/** The query string for a state (defaults left out, so the plain URL is the default view). */
export function writeState(state: ViewState): string {
  const q = new URLSearchParams();
  if (state.range === 'custom' && state.from && state.to) {
    q.set('from', state.from);
    q.set('to', state.to);
  } else if (state.range !== DEFAULT_STATE.range && state.range !== 'custom') {
    q.set('range', state.range);
  }
  if (state.grain !== DEFAULT_STATE.grain) q.set('grain', state.grain);
  if (state.offerType) q.set('type', state.offerType);
  for (const f of state.filters) for (const v of f.values) q.append('filter', `${f.member}=${v}`);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Adds a value to a member's filter (or starts one). */
export function addFilter(state: ViewState, member: string, value: string): ViewState {
  const existing = state.filters.find((f) => f.member === member);
  const filters = existing
    ? state.filters.map((f) => (f.member === member && !f.values.includes(value) ? { member, values: [...f.values, value] } : f))
    : [...state.filters, { member, values: [value] }];
  return { ...state, filters };
}

/** Removes one value (or, without a value, the whole filter on a member). */
export function removeFilter(state: ViewState, member: string, value?: string): ViewState {
  const filters = state.filters
    .map((f) => (f.member !== member ? f : { member, values: value === undefined ? [] : f.values.filter((v) => v !== value) }))
    .filter((f) => f.values.length > 0);
  return { ...state, filters };
}

/** The days a preset covers, counted back from the last day with offers (calendar months). */
export function resolveRange(state: ViewState, extent: { first: string; last: string } | null): { from: string; to: string } | null {
  if (state.range === 'custom' && state.from && state.to) return { from: state.from, to: state.to };
  if (!extent) return null;
  const last = extent.last;
  const year = Number(last.slice(0, 4));
  const month = Number(last.slice(5, 7)) - 1;
  const monthStart = (back: number) => new Date(Date.UTC(year, month - back, 1)).toISOString().slice(0, 10);
  const clip = (from: string) => ({ from: from < extent.first ? extent.first : from, to: last });
  switch (state.range) {
    case '3m':
      return clip(monthStart(2));
    case '6m':
      return clip(monthStart(5));
    case '12m':
      return clip(monthStart(11));
    case 'ytd':
      return clip(`${year}-01-01`);
    default:
      return { from: extent.first, to: last };
  }
}

/** The Cube filters the API takes for a state's dimension filters. */
export function apiFilters(state: ViewState): ApiFilter[] {
  return state.filters.map((f) => ({ member: f.member, operator: 'equals', values: [...f.values] }));
}

/** The common /api/v1 parameters for a state over a resolved range. */
export function apiParams(state: ViewState, range: { from: string; to: string } | null): URLSearchParams {
  const q = new URLSearchParams();
  if (range) {
    q.set('from', range.from);
    q.set('to', range.to);
  }
  if (state.offerType) q.set('offerType', state.offerType);
  if (state.filters.length) q.set('filters', JSON.stringify(apiFilters(state)));
  return q;
}

/**
 * The dashboard view an API link describes (an insight's `link`): its date range, offer type and
 * equality filters; other parameters are ignored.
 */
export function stateFromApiLink(link: string, base: ViewState): ViewState {
  const q = new URLSearchParams(link.includes('?') ? link.slice(link.indexOf('?') + 1) : '');
  const from = q.get('from');
  const to = q.get('to');
  let filters: DimensionFilter[] = [];
  try {
    const parsed = JSON.parse(q.get('filters') ?? '[]') as ApiFilter[];
    filters = parsed
      .filter((f) => typeof f.member === 'string' && f.operator === 'equals' && Array.isArray(f.values))
      .map((f) => ({ member: f.member as string, values: (f.values ?? []).filter((v): v is string => typeof v === 'string') }))
      .filter((f) => f.values.length > 0);
  } catch {
    filters = [];
  }
  const type = q.get('offerType');
  return {
    ...base,
    ...(from && to && DAY.test(from) && DAY.test(to) ? { range: 'custom' as const, from, to } : {}),
    offerType: type === 'upsell' || type === 'cross_sell' ? type : base.offerType,
    filters: filters.length ? filters : base.filters,
  };
}
