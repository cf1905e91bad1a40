import type { ApiProjection, TimeseriesResponse, TimeseriesSegment } from './api-types.js';
import { segmentLabel } from './breakdown.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { countOffers, resolveRange, type OfferCounts } from './offer-counts.js';
import { projectionInputsBySegment, projectionsOf, type SegmentPeriods } from './projection.js';
import { seriesFrom, seriesPeriods, timeseries, yearBackRange, type TimeseriesOptions } from './timeseries.js';
import { segmentsFilter, topSegments } from './top-segments.js';

/**
 * GET /api/v1/timeseries?by=<dimension>: the series of the whole selection, plus one series per
 * segment of `by` — each what {@link timeseries} gives for the selection narrowed to that segment
 * (its periods' counts, rate, customer-clustered interval, provisional flag and projection, over
 * the same periods). At most {@link MAX_SEGMENTS} segments, those with the most offers in the
 * range; `segmentsNote` says what was left out.
 *
 * One pass for all segments: their periods' counts (and the year before's) are read grouped by
 * segment and period, and the projections of their open periods by segment too, so the reads do
 * not grow with the number of segments.
 */
export async function segmentTimeseries(ctx: KpiContext, requested: Selection, options: TimeseriesOptions & { readonly by: string }): Promise<TimeseriesResponse> {
  const selection = await resolveRange(ctx, requested);
  const { by, ...series } = options;
  const [overall, groups] = await Promise.all([timeseries(ctx, selection, series), countOffers(ctx, selection, { dimensions: [by], clustered: false })]);
  const top = topSegments(groups, by);
  const values = top.shown.map((g) => g.values[by] ?? null);
  let segments: TimeseriesSegment[] = [];
  if (values.length > 0) {
    const starts = seriesPeriods(ctx, selection, series.grain);
    const back = yearBackRange(selection, starts, series.grain);
    const narrowed: Selection = { ...selection, filters: [...selection.filters, segmentsFilter(by, values)] };
    const grouped = { dimensions: [by], grain: series.grain };
    const [rows, earlier] = await Promise.all([countOffers(ctx, narrowed, grouped), back ? countOffers(ctx, { ...narrowed, ...back }, grouped) : []]);
    const of = (list: readonly OfferCounts[], value: string | null) => list.filter((r) => (r.values[by] ?? null) === value);
    const project = projectTogether(values.length, (asked) => projectionsBySegment(ctx, selection, by, asked));
    segments = await Promise.all(
      top.shown.map(async (g, i): Promise<TimeseriesSegment> => {
        const value = values[i] ?? null;
        const ts = await seriesFrom(ctx, { ...selection, filters: [...selection.filters, segmentsFilter(by, [value])] }, series, starts, {
          rows: of(rows, value),
          earlier: of(earlier, value),
          project: (periods) => project({ value, periods }),
        });
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
  }
  return { ...overall, by, segments, segmentsOmitted: top.omitted, segmentsNote: top.note };
}

/** Each segment's projections, as {@link projectedRates} gives them for the selection narrowed to it, from one grouped read. */
async function projectionsBySegment(ctx: KpiContext, selection: Selection, by: string, asked: readonly SegmentPeriods[]): Promise<(ApiProjection | null)[][]> {
  const inputs = await projectionInputsBySegment(ctx, selection, by, asked);
  return inputs.map((input) => projectionsOf(ctx, input));
}

/**
 * Collects one projection request per segment and answers them all with one call once every
 * segment has asked (each series asks exactly once, after its counts are known).
 */
function projectTogether(count: number, run: (asked: readonly SegmentPeriods[]) => Promise<(ApiProjection | null)[][]>): (one: SegmentPeriods) => Promise<(ApiProjection | null)[]> {
  const asked: { one: SegmentPeriods; resolve: (v: (ApiProjection | null)[]) => void; reject: (e: unknown) => void }[] = [];
  return (one) =>
    new Promise((resolve, reject) => {
      asked.push({ one, resolve, reject });
      if (asked.length < count) return;
      run(asked.map((a) => a.one)).then(
        (answers) => asked.forEach((a, i) => a.resolve(answers[i] ?? [])),
        (e: unknown) => asked.forEach((a) => a.reject(e)),
      );
    });
}
