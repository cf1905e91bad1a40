import type { ApiFilter } from './api-types.js';
import { segmentLabel } from './breakdown.js';
import type { OfferCounts } from './offer-counts.js';

/** Most segments a per-segment view draws (the rest are counted in a note). */
export const MAX_SEGMENTS = 8;

/** The segments a per-segment view shows, and what it leaves out. */
export interface TopSegments {
  readonly shown: readonly OfferCounts[];
  readonly omitted: { readonly segments: number; readonly offers: number };
  /** One sentence when segments were left out, else null. */
  readonly note: string | null;
}

/**
 * The `max` segments of a one-dimension count with the most offers (ties by label), segments
 * without offers left out; the others are counted, so the view can say what it does not show.
 */
export function topSegments(groups: readonly OfferCounts[], by: string, max = MAX_SEGMENTS): TopSegments {
  const label = (g: OfferCounts) => segmentLabel(g.values, [by]);
  const ranked = groups.filter((g) => g.offers > 0).sort((a, b) => b.offers - a.offers || label(a).localeCompare(label(b)));
  const shown = ranked.slice(0, max);
  const rest = ranked.slice(max);
  const offers = rest.reduce((s, g) => s + g.offers, 0);
  const note = rest.length
    ? `Showing the ${shown.length} segments with the most offers; ${rest.length} more (${offers} offers) are left out: filter to one of them to see it.`
    : null;
  return { shown, omitted: { segments: rest.length, offers }, note };
}

/** The filter keeping one segment's offers (`notSet` for offers without the attribute). */
export function segmentFilter(by: string, value: string | null): ApiFilter {
  return value === null ? { member: by, operator: 'notSet' } : { member: by, operator: 'equals', values: [value] };
}

/** The filter keeping the offers of several segments. */
export function segmentsFilter(by: string, values: readonly (string | null)[]): ApiFilter {
  const parts = values.map((v) => segmentFilter(by, v));
  return parts.length === 1 ? (parts[0] as ApiFilter) : { or: parts };
}
