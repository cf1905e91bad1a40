/**
 * The view a user is looking at, kept in the URL so it can be shared: date range, grain, offer
 * type and dimension filters. Pure: URL text in, state out, and back; no DOM.
 *
 *   ?range=12m&grain=month&type=upsell&filter=Customers.accountSize%3Denterprise
 *   ?from=2025-01-01&to=2025-03-31          (a custom range)
 *   ?filter=Offers.channel!%3Demail          (not equals: `member!=value`)
 *   ?filter=Customers.industry%3D%E2%88%85   (not recorded: the value `∅`)
 */
import type { ApiFilter } from '../../src/insights/api-types.js';

export const RANGE_PRESETS = ['mtd', 'lastmonth', '3m', '6m', '12m', 'ytd', 'all'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const GRAINS = ['week', 'month', 'quarter'] as const;
export type ViewGrain = (typeof GRAINS)[number];
export type OfferType = 'upsell' | 'cross_sell';
/** What the trend also draws for each period: nothing, the period before, or the same period a year earlier. */
export type Comparison = 'previous' | 'year';
export const COMPARISONS = ['previous', 'year'] as const;

export const RANGE_LABELS: Readonly<Record<RangePreset | 'custom', string>> = {
  mtd: 'This month so far',
  lastmonth: 'Last full month',
  '3m': 'Last 3 full months + this month',
  '6m': 'Last 6 full months + this month',
  '12m': 'Last 12 full months + this month',
  ytd: 'Year to date',
  all: 'All data',
  custom: 'Custom range',
};

/** The value that stands for "not recorded" (a null attribute) in a filter and in the URL. */
export const NOT_RECORDED = '∅';

/**
 * A filter on a model dimension: a row is in when its value is one of `values` (or, `exclude`d,
 * when it is none of them). {@link NOT_RECORDED} among the values means rows without the attribute.
 */
export interface DimensionFilter {
  readonly member: string;
  readonly values: readonly string[];
  readonly exclude?: boolean;
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
  /** The trend's comparison line (null: none). */
  readonly compare: Comparison | null;
  /**
   * The breakdown panels chosen, in order, as dimension keys (`account_size`, or `Cube.member`
   * when two cubes share a key): `?panels=account_size,region`. Absent or null: the binding's
   * default panels; empty: none.
   */
  readonly panels?: readonly string[] | null;
  /** The breakdown panels shown as one small chart per segment over time: `?overTime=region`. */
  readonly overTime?: readonly string[];
  /** The time-to-accept panel, by this dimension (`?timeToAccept=offer_type`); null or absent: not shown. */
  readonly timeToAccept?: string | null;
}

export const DEFAULT_STATE: ViewState = { range: '12m', from: null, to: null, grain: 'month', offerType: null, filters: [], compare: null };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
/** A panel's dimension in the URL: its key (`account_size`) or `Cube.member`. */
const PANEL_KEY = /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/;

/** A comma-separated list of panel keys, unreadable and repeated ones left out. */
function keyList(text: string): string[] {
  return [...new Set(text.split(',').map((k) => k.trim()).filter((k) => PANEL_KEY.test(k)))];
}

/** Reads the state from a query string; anything unreadable falls back to the default. */
export function readState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const from = q.get('from');
  const to = q.get('to');
  const custom = from !== null && to !== null && DAY.test(from) && DAY.test(to) && from <= to;
  const range = q.get('range');
  const grain = q.get('grain');
  const type = q.get('type');
  const compare = q.get('compare');
  const byMember = new Map<string, { values: string[]; exclude: boolean }>();
  for (const f of q.getAll('filter')) {
    const eq = f.indexOf('=');
    if (eq <= 0) continue;
    const exclude = f[eq - 1] === '!';
    const member = f.slice(0, exclude ? eq - 1 : eq);
    const value = f.slice(eq + 1);
    if (!MEMBER.test(member)) continue;
    const known = byMember.get(member);
    // One member is either kept to values or kept from them: the first form in the URL wins.
    if (known && known.exclude !== exclude) continue;
    const entry = known ?? { values: [], exclude };
    if (!entry.values.includes(value)) entry.values.push(value);
    byMember.set(member, entry);
  }
  return {
    range: custom ? 'custom' : RANGE_PRESETS.includes(range as RangePreset) ? (range as RangePreset) : DEFAULT_STATE.range,
    from: custom ? from : null,
    to: custom ? to : null,
    grain: GRAINS.includes(grain as ViewGrain) ? (grain as ViewGrain) : DEFAULT_STATE.grain,
    offerType: type === 'upsell' || type === 'cross_sell' ? type : null,
    filters: [...byMember].map(([member, { values, exclude }]) => (exclude ? { member, values, exclude } : { member, values })),
    compare: COMPARISONS.includes(compare as Comparison) ? (compare as Comparison) : null,
    ...panelState(q),
  };
}

/** The chosen panels of a query string (only what it names: absent parameters stay absent). */
function panelState(q: URLSearchParams): Pick<ViewState, 'panels' | 'overTime' | 'timeToAccept'> {
  const panels = q.get('panels');
  const overTime = q.get('overTime');
  const tta = q.get('timeToAccept');
  return {
    ...(panels !== null ? { panels: keyList(panels) } : {}),
    ...(overTime !== null ? { overTime: keyList(overTime) } : {}),
    ...(tta !== null && PANEL_KEY.test(tta) ? { timeToAccept: tta } : {}),
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
  for (const f of state.filters) for (const v of f.values) q.append('filter', `${f.member}${f.exclude ? '!=' : '='}${v}`);
  if (state.compare) q.set('compare', state.compare);
  if (state.panels) q.set('panels', state.panels.join(','));
  if (state.overTime?.length) q.set('overTime', state.overTime.join(','));
  if (state.timeToAccept) q.set('timeToAccept', state.timeToAccept);
  // Commas need no escaping in a query: `panels=account_size,region` reads as it is written.
  const s = q.toString().replace(/%2C/gi, ',');
  return s ? `?${s}` : '';
}

/**
 * Adds a value to a member's filter (or starts one). `exclude` keeps rows *without* the value; a
 * member already filtered the other way is replaced (one member is either kept to values or from them).
 */
export function addFilter(state: ViewState, member: string, value: string, exclude = false): ViewState {
  const existing = state.filters.find((f) => f.member === member);
  const one = (values: readonly string[]): DimensionFilter => (exclude ? { member, values, exclude } : { member, values });
  const filters = !existing
    ? [...state.filters, one([value])]
    : state.filters.map((f) => (f.member !== member ? f : (f.exclude ?? false) !== exclude ? one([value]) : f.values.includes(value) ? f : one([...f.values, value])));
  return { ...state, filters };
}

/** Keeps the view to one value of a member (a click on a segment, an offer, a bar): that member's other filter values go. */
export function drillTo(state: ViewState, member: string, value: string): ViewState {
  return { ...state, filters: [...state.filters.filter((f) => f.member !== member), { member, values: [value] }] };
}

/** Removes one value (or, without a value, the whole filter on a member). */
export function removeFilter(state: ViewState, member: string, value?: string): ViewState {
  const filters = state.filters
    .map((f) => (f.member !== member ? f : { ...f, values: value === undefined ? [] : f.values.filter((v) => v !== value) }))
    .filter((f) => f.values.length > 0);
  return { ...state, filters };
}

/**
 * The days a preset covers, by calendar month from the last day with offers, clipped to the first:
 * "this month" is the last day's month — still filling in unless that day ends it — and "full
 * months" are the complete months before it (or up to it, when it is complete). "Last 12 full
 * months + this month so far" is twelve whole months and the current one, which the trend marks
 * as partial; a month-end last day makes it exactly twelve.
 */
export function resolveRange(state: ViewState, extent: { first: string; last: string } | null): { from: string; to: string } | null {
  if (state.range === 'custom' && state.from && state.to) return { from: state.from, to: state.to };
  if (!extent) return null;
  const last = extent.last;
  const year = Number(last.slice(0, 4));
  const month = Number(last.slice(5, 7)) - 1;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const monthStart = (back: number) => day(new Date(Date.UTC(year, month - back, 1)));
  // The last day's month is complete when the next day starts another month.
  const complete = new Date(Date.UTC(year, month, Number(last.slice(8, 10)) + 1)).getUTCMonth() !== month;
  // The start of the Nth full month back (the current month counts when it is complete).
  const fullMonthsFrom = (n: number) => monthStart(complete ? n - 1 : n);
  // A month wholly before the first offer stays as it is (the page then says it has no offers).
  const clip = (from: string, to = last) => ({ from: from < extent.first && to >= extent.first ? extent.first : from, to });
  switch (state.range) {
    case 'mtd':
      return clip(monthStart(0));
    case 'lastmonth':
      return complete ? clip(monthStart(0)) : clip(monthStart(1), day(new Date(Date.UTC(year, month, 0))));
    case '3m':
      return clip(fullMonthsFrom(3));
    case '6m':
      return clip(fullMonthsFrom(6));
    case '12m':
      return clip(fullMonthsFrom(12));
    case 'ytd':
      return clip(`${year}-01-01`);
    default:
      return { from: extent.first, to: last };
  }
}

/**
 * The Cube filters the API takes for a state's dimension filters: `equals` / `notEquals` on the
 * values, `notSet` / `set` for "not recorded" — ORed with the values (kept), ANDed (excluded).
 */
export function apiFilters(state: ViewState): ApiFilter[] {
  return state.filters.map((f) => {
    const values = f.values.filter((v) => v !== NOT_RECORDED);
    const none = values.length < f.values.length;
    const parts: ApiFilter[] = [
      ...(values.length ? [{ member: f.member, operator: f.exclude ? 'notEquals' : 'equals', values: [...values] }] : []),
      ...(none ? [{ member: f.member, operator: f.exclude ? 'set' : 'notSet' }] : []),
    ];
    return parts.length === 1 ? (parts[0] as ApiFilter) : f.exclude ? { and: parts } : { or: parts };
  });
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
