import type { TimeseriesResponse, TimeseriesSegment } from './api-types.js';
import { segmentLabel } from './breakdown.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, resolveRange } from './offer-counts.js';
import { timeseries, type TimeseriesOptions } from './timeseries.js';
import { segmentFilter, topSegments } from './top-segments.js';

/**
 * GET /api/v1/timeseries?by=<dimension>: the series of the whole selection, plus one series per
 * segment of `by` — each the same computation ({@link timeseries}) on the selection narrowed to
 * that segment, so every segment's periods carry their own counts, rate, customer-clustered
 * interval, provisional flag and projection, over the same periods. At most
 * {@link MAX_SEGMENTS} segments, those with the most offers in the range; `segmentsNote` says
 * what was left out.
 */
export async function segmentTimeseries(ctx: KpiContext, requested: Selection, options: TimeseriesOptions & { readonly by: string }): Promise<TimeseriesResponse> {
  const selection = await resolveRange(ctx, requested);
  const { by, ...series } = options;
  const [overall, groups] = await Promise.all([timeseries(ctx, selection, series), countOffers(ctx, selection, { dimensions: [by], clustered: false })]);
  const top = topSegments(groups, by);
  const segments = await Promise.all(
    top.shown.map(async (g): Promise<TimeseriesSegment> => {
      const value = g.values[by] ?? null;
      const ts = await timeseries(ctx, { ...selection, filters: [...selection.filters, segmentFilter(by, value)] }, series);
      return {
        segment: { [by]: value },
        label: segmentLabel({ [by]: value }, [by]),
        offers: g.offers,
        accepted: g.accepted,
        rate: g.offers > 0 ? g.accepted / g.offers : null,
        points: ts.points,
      };
    }),
  );
  return { ...overall, by, segments, segmentsOmitted: top.omitted, segmentsNote: top.note };
}
