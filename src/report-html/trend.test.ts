import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiDifference, ApiInterval, ApiProjection, BreakdownResponse, KpiResponse, LeaderboardResponse, TimeseriesPoint, TimeseriesResponse } from '../insights/api-types.js';
import { monthAxisLabel, PROJECTED_NAME, trendOption, trendTooltip } from './chart-options.js';
import { PALETTE } from './palette.js';
import { formatter } from './format.js';
import { renderReportMarkdown } from './report-markdown.js';
import { FULL_COVERAGE } from './coverage.js';
import type { MonthlyReport } from './monthly-report.js';
import { renderSvg } from './render-svg.js';
import {
  asSentence,
  breakdownSummary,
  changeArrow,
  changeSentence,
  changeText,
  clusteringNote,
  controlChartSentence,
  leaderboardClusteringNote,
  NOT_JUDGED,
  periodChangeSentence,
  periodChangeWords,
  projectionText,
  provisionalNote,
  trendKey,
  trendParagraphs,
  trendSentences,
  trendSummary,
} from './wording.js';

const f = formatter('en-US');

// ---- hand-built /api/v1/timeseries answers -------------------------------------------------

function interval(lower: number | null, upper: number | null, designEffect = 1): ApiInterval {
  return {
    lower,
    upper,
    method: 'wilson',
    level: 0.95,
    variance: designEffect > 1 ? 'customer-clustered' : 'binomial',
    designEffect,
    customers: 400,
    effectiveOffers: 1000 / designEffect,
  };
}

type PeriodDifference = ApiDifference & { readonly adjustedPValue: number | null };

function difference(points: number, pValue: number, adjustedPValue: number | null, significant: boolean): PeriodDifference {
  return {
    difference: points / 100,
    differencePoints: points,
    lower: points / 100 - 0.02,
    upper: points / 100 + 0.02,
    level: 0.95,
    test: 'z',
    testName: 'pooled two-proportion z test',
    statistic: 1,
    pValue,
    significant,
    reason: 'every expected count is at least 5',
    variance: 'customer-clustered',
    designEffects: [2.1, 2.4],
    adjustedPValue,
  };
}

interface PointInput {
  readonly period: string;
  readonly rate: number;
  readonly offers?: number;
  readonly provisional?: boolean;
  readonly pendingShare?: number;
  readonly designEffect?: number;
  readonly change?: PeriodDifference | null;
  readonly yearOverYear?: (PeriodDifference & { readonly period: string }) | null;
  readonly projected?: ApiProjection | null;
}

function point(i: PointInput): TimeseriesPoint {
  const offers = i.offers ?? 1000;
  const provisional = i.provisional ?? false;
  const lower = i.rate - 0.02;
  const upper = i.rate + 0.02;
  const pending = provisional ? Math.round(offers * (i.pendingShare ?? 0.4)) : 0;
  const end = new Date(Date.UTC(Number(i.period.slice(0, 4)), Number(i.period.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return {
    period: i.period,
    periodEnd: end,
    partial: false,
    offers,
    accepted: Math.round(offers * i.rate),
    pending,
    rate: i.rate,
    interval: interval(lower, upper, i.designEffect ?? 2.9),
    provisional,
    pendingShare: pending / offers,
    lower,
    upper,
    band: 'moderate',
    centreLine: provisional ? null : 0.18,
    lcl: provisional ? null : 0.14,
    ucl: provisional ? null : 0.22,
    outOfControl: null,
    runFlags: [],
    change: i.change ?? null,
    yearOverYear: i.yearOverYear ?? null,
    projected: i.projected ?? null,
    charted: !provisional,
  };
}

function projection(rate: number, lower: number, upper: number, pending: number): ApiProjection {
  return {
    rate,
    lower,
    upper,
    level: 0.95,
    method: 'kaplan-meier',
    expectedAdditional: 12.5,
    pending,
    basis: `Projected from how 9,000 earlier offers were accepted over the 30-day window (Kaplan–Meier, offers still open censored at their age): the ${pending} pending offers are expected to add 12.5 acceptances.`,
  };
}

function timeseries(points: readonly TimeseriesPoint[], overrides: Partial<TimeseriesResponse> = {}): TimeseriesResponse {
  return {
    query: {
      from: points[0]?.period ?? null,
      to: points.at(-1)?.periodEnd ?? null,
      offerType: null,
      filters: [],
      level: 0.95,
      method: 'wilson',
      asOf: '2025-07-01T12:00:00Z',
      windowDays: 30,
      thresholds: { strong: 0.25, poor: 0.15 },
    },
    grain: 'month',
    points,
    controlChart: {
      kind: 'laney',
      choice: {
        test: 'chi-square test of equal rates across periods',
        statistic: 31.2,
        df: 3,
        pValue: 0.002,
        reason: 'periods vary more than chance (χ² = 31.2, df 3, p = 0.002; σz = 1.62): Laney p′ limits',
      },
      centreLine: 0.18,
      sigmas: 3,
      sigmaZ: 1.62,
      includesProvisional: false,
      note: null,
    },
    trend: {
      periods: 4,
      from: '2025-02-01',
      to: '2025-05-01',
      z: 0.8,
      pValue: 0.45,
      slope: 0.001,
      slopePoints: 0.1,
      direction: 'flat',
      note: null,
      test: 'slope of a logistic regression on time over the last 4 months (quasi-binomial GLM, dispersion 2.10 estimated from the data), t test on 2 degrees of freedom',
      seasonal: false,
      dispersion: 2.1,
    },
    changeFamily: { method: 'holm', members: 3, description: 'Holm correction across 3 comparisons (α = 0.05): 2025-03-01, 2025-04-01, 2025-05-01' },
    latestChange: null,
    ...overrides,
  };
}

/** Feb–May complete, June still filling in with a projected final rate. */
function withProjectedJune(): TimeseriesResponse {
  return timeseries([
    point({ period: '2025-02-01', rate: 0.17 }),
    point({ period: '2025-03-01', rate: 0.18, change: difference(1, 0.2, 0.6, false) }),
    point({ period: '2025-04-01', rate: 0.175, change: difference(-0.5, 0.5, 0.6, false) }),
    point({
      period: '2025-05-01',
      rate: 0.19,
      change: difference(1.5, 0.004, 0.012, true),
      yearOverYear: { ...difference(2.1, 0.001, 0.003, true), period: '2024-05-01' },
    }),
    point({
      period: '2025-06-01',
      rate: 0.12,
      provisional: true,
      pendingShare: 0.4,
      change: difference(-7, 1e-9, null, false),
      yearOverYear: { ...difference(-5, 1e-6, null, false), period: '2024-06-01' },
      projected: projection(0.179, 0.168, 0.19, 1234),
    }),
  ]);
}

type SeriesLike = { id?: string; name?: string; type?: string; data?: unknown[]; lineStyle?: { type?: string }; stack?: string; symbol?: string };

function seriesOf(ts: TimeseriesResponse, interactive = false): SeriesLike[] {
  const option = trendOption(ts, f, { interactive });
  return option.series as SeriesLike[];
}

const valueOf = (d: unknown): unknown => (d !== null && typeof d === 'object' && 'value' in d ? (d as { value: unknown }).value : d);

// ---- chart options -------------------------------------------------------------------------

describe('trend chart: projected final rate', () => {
  test('a dashed "projected" series continues from the last complete month to the projected rates', () => {
    const ts = withProjectedJune();
    const series = seriesOf(ts);
    const projected = series.find((s) => s.id === 'projected');
    assert.ok(projected, 'a projected series');
    assert.equal(projected.name, PROJECTED_NAME);
    assert.match(projected.name ?? '', /projected/i);
    assert.equal(projected.type, 'line');
    assert.equal(projected.lineStyle?.type, 'dashed');
    // May (the last complete month) anchors the dashed line; June is the projection.
    assert.deepEqual(projected.data?.map(valueOf), ['-', '-', '-', 0.19, 0.179]);
    const atProjected = ts.points.flatMap((p, i) => (p.projected ? [[projected.data?.map(valueOf)[i], p.projected.rate]] : []));
    for (const [shown, rate] of atProjected) assert.equal(shown, rate);
  });

  test('the projected band runs from the projected lower to the projected upper end', () => {
    const ts = withProjectedJune();
    const series = seriesOf(ts);
    const lower = series.find((s) => s.id === 'projected-lower');
    const band = series.find((s) => s.id === 'projected-band');
    assert.ok(lower && band);
    assert.equal(lower.stack, band.stack);
    assert.equal(lower.name, PROJECTED_NAME, 'the legend shows and hides the line and its band together');
    const june = ts.points[4]?.projected;
    assert.ok(june);
    assert.equal(lower.data?.[4], june.lower);
    assert.ok(Math.abs((lower.data?.[4] as number) + (band.data?.[4] as number) - june.upper) < 1e-12);
    // At the anchor the band is May's own interval, so the lighter band fans out from it.
    assert.ok(Math.abs((lower.data?.[3] as number) - 0.17) < 1e-12);
    assert.ok(Math.abs((band.data?.[3] as number) - 0.04) < 1e-12);
    assert.deepEqual(lower.data?.slice(0, 3), ['-', '-', '-']);
  });

  test('the provisional rate so far is a hollow marker, not joined to the solid line', () => {
    const series = seriesOf(withProjectedJune());
    const rate = series.find((s) => s.id === 'rate');
    assert.deepEqual(rate?.data, [0.17, 0.18, 0.175, 0.19, '-']);
    const soFar = series.find((s) => s.id === 'provisional-rate');
    assert.equal(soFar?.type, 'scatter');
    assert.equal(soFar?.symbol, 'emptyCircle');
    assert.deepEqual(soFar?.data, ['-', '-', '-', '-', 0.12]);
    // The observed interval band stops at the last complete month.
    const observedBand = series.find((s) => s.name === '95% interval');
    assert.equal(observedBand?.data?.[4], '-');
  });

  test('legend: Laney limits named, projected listed once; no projection series without projections', () => {
    const option = trendOption(withProjectedJune(), f, { interactive: false });
    const names = (option.legend as { data: string[] }).data;
    assert.ok(names.includes('Laney p′ limits (3σ)'), names.join(', '));
    assert.equal(names.filter((n) => n === PROJECTED_NAME).length, 1);
    const ts = withProjectedJune();
    const none = timeseries(ts.points.map((p) => ({ ...p, projected: null })));
    assert.equal(seriesOf(none).some((s) => s.id?.startsWith('projected')), false);
  });

  test('the y axis holds the projected interval', () => {
    const ts = withProjectedJune();
    const high = timeseries(ts.points.map((p) => (p.projected ? { ...p, projected: projection(0.3, 0.26, 0.34, 50) } : p)));
    const axis = (trendOption(high, f, { interactive: false }).yAxis as { max: number }[])[0];
    assert.ok(axis && axis.max >= 0.34, `axis max ${axis?.max}`);
  });

  test('several projected weeks: one dashed run from the last complete week', () => {
    const weeks = timeseries(
      [
        point({ period: '2025-06-02', rate: 0.2 }),
        point({ period: '2025-06-09', rate: 0.15, provisional: true, projected: projection(0.195, 0.18, 0.21, 100) }),
        point({ period: '2025-06-16', rate: 0.1, provisional: true, projected: projection(0.19, 0.17, 0.21, 300) }),
      ],
      { grain: 'week' },
    );
    const projected = seriesOf(weeks).find((s) => s.id === 'projected');
    assert.deepEqual(projected?.data?.map(valueOf), [0.2, 0.195, 0.19]);
  });

  test('a week is compared with the same week last year, named with its year', () => {
    const weeks = timeseries(
      [
        point({ period: '2025-06-02', rate: 0.2, yearOverYear: { ...difference(1.2, 0.3, 0.5, false), period: '2024-06-03' } }),
        point({ period: '2025-06-09', rate: 0.15, provisional: true, yearOverYear: { ...difference(-3, 0.01, null, false), period: '2024-06-10' } }),
      ],
      { grain: 'week' },
    );
    assert.equal(changeText(periodChangeWords(weeks, 0, f).vsLastYear!), '+1.2 points vs Jun 3, 2024 (same week last year): not significant (adjusted p = 0.5)');
    assert.equal(changeText(periodChangeWords(weeks, 1, f).vsLastYear!), 'vs Jun 10, 2024 (same week last year): not judged: still filling in');
  });

  test('the tooltip names the projection and its basis, and says a provisional change is not judged', () => {
    const ts = withProjectedJune();
    const tip = trendTooltip(ts, 4, f);
    assert.match(tip, /Rate so far <b>12\.0%<\/b>/);
    assert.match(tip, /Projected final rate 17\.9% \(95% interval 16\.8%–19\.0%\), 1,234 offers still pending; Projected from how 9,000 earlier offers/);
    assert.match(tip, /vs May 2025: not judged: still filling in/);
    assert.match(tip, /vs Jun 2024 \(same month last year\): not judged: still filling in/);
    assert.match(tip, /repeat offers to the same customer \(design effect 2\.9\)/);
    const may = trendTooltip(ts, 3, f);
    assert.match(may, /\+1\.5 points vs Apr 2025: significant \(adjusted p = 0\.012\)/);
    assert.match(may, /\+2\.1 points vs May 2024 \(same month last year\): significant \(adjusted p = 0\.003\)/);
  });

  test('the report renders it as SVG with the projected label', () => {
    const svg = renderSvg(trendOption(withProjectedJune(), f, { interactive: false }), 920, 340);
    assert.match(svg, /projected 17\.9%/);
    assert.match(svg, /Projected final rate/);
    assert.match(svg, /stroke-dasharray/);
  });
});

// ---- words ---------------------------------------------------------------------------------

describe('trend words', () => {
  test('a provisional change is worded as not judged; a complete one with its adjusted p-value', () => {
    const ts = withProjectedJune();
    const june = periodChangeWords(ts, 4, f);
    assert.equal(june.vsPrevious?.judged, false);
    assert.equal(june.vsPrevious?.verdict, NOT_JUDGED);
    assert.equal(june.vsPrevious?.points, null, 'no points for a rate that will still rise');
    assert.equal(periodChangeSentence(ts, 4, f), 'Jun 2025 vs May 2025 and vs Jun 2024 (same month last year): not judged: still filling in.');
    assert.equal(
      periodChangeSentence(ts, 3, f),
      'May 2025 +1.5 points vs Apr 2025: significant (adjusted p = 0.012); +2.1 points vs May 2024 (same month last year): significant (adjusted p = 0.003).',
    );
    // A complete month's change is judged on its adjusted p-value, not the raw one.
    assert.equal(periodChangeWords(ts, 1, f).vsPrevious?.verdict, 'not significant (adjusted p = 0.6)');
  });

  test('the trend sentence names the test; no direction when a season could not be ruled out', () => {
    const ts = withProjectedJune();
    assert.deepEqual(trendSentences(ts, f), [
      'No significant trend over the last 4 complete months (p = 0.45).',
      'Trend test: slope of a logistic regression on time over the last 4 months (quasi-binomial GLM, dispersion 2.10 estimated from the data), t test on 2 degrees of freedom.',
    ]);
    const seasonal = timeseries(ts.points, {
      trend: { ...ts.trend, direction: null, note: 'fewer than 24 months: a seasonal swing cannot be told from a trend', pValue: 0.01, slopePoints: 0.8 },
    });
    const words = trendSentences(seasonal, f).join(' ');
    assert.match(words, /^No trend direction — fewer than 24 months: a seasonal swing cannot be told from a trend\. Trend test: slope/);
    assert.doesNotMatch(words, /rising|falling/);
  });

  test('the control chart sentence names the kind and why', () => {
    const ts = withProjectedJune();
    assert.equal(
      controlChartSentence(ts, f),
      'Control chart: Laney p′-chart, chosen because periods vary more than chance (χ² = 31.2, df 3, p = 0.002; σz = 1.62): Laney p′ limits.',
    );
    const asked = timeseries(ts.points, { controlChart: { ...ts.controlChart, kind: 'p', choice: null, sigmaZ: 1 } });
    assert.equal(controlChartSentence(asked, f), 'Control chart: p-chart.');
  });

  test('the summary: chart, projection, changes, correction and clustering', () => {
    const summary = trendSummary(withProjectedJune(), f);
    assert.match(summary, /Control chart: Laney p′-chart, chosen because/);
    assert.match(summary, /Jun 2025: 12\.0% so far, still filling in; projected final rate 17\.9% \(95% interval 16\.8%–19\.0%\), 1,234 offers still pending\./);
    assert.match(summary, /It is kept out of the limits and alarms\. Projected from how 9,000 earlier offers/);
    assert.match(summary, /Jun 2025 vs May 2025 and vs Jun 2024 \(same month last year\): not judged: still filling in\./);
    assert.match(summary, /May 2025 \+1\.5 points vs Apr 2025: significant \(adjusted p = 0\.012\)/);
    assert.match(summary, /Adjusted p-values allow for the 3 month-over-month changes tested together \(Holm\)\./);
    assert.match(summary, /Intervals account for repeat offers to the same customer \(design effect 2\.9\)\.$/);
  });

  test('the key explains the hollow dot and the dashes', () => {
    assert.equal(
      trendKey(withProjectedJune(), f),
      'Monthly conversion rate with its 95% interval (shaded) and Laney p′-chart limits (grey dashes). Provisional months are shaded grey: the hollow dot is the rate so far, which will still rise; the blue dashes continue to the projected final rate, its interval the lighter band.',
    );
  });

  test('projection text, clustering notes, sentences', () => {
    assert.equal(projectionText(projection(0.179, 0.168, 0.19, 1), f, { basis: false }), 'projected final rate 17.9% (95% interval 16.8%–19.0%), 1 offer still pending');
    assert.equal(clusteringNote([interval(0.1, 0.2, 1), interval(0.1, 0.2, 1)], f), null);
    assert.equal(clusteringNote([interval(0.1, 0.2, 2.94)], f), 'Intervals account for repeat offers to the same customer (design effect 2.9).');
    assert.equal(clusteringNote([interval(0.1, 0.2, 1.3), interval(0.1, 0.2, 2.94)], f), 'Intervals account for repeat offers to the same customer (design effect up to 2.9).');
    assert.equal(asSentence('periods vary more than chance'), 'Periods vary more than chance.');
    assert.equal(asSentence('p = 0.03'), 'p = 0.03.');
  });

  test('breakdowns and the leaderboard footnote their clustered intervals', () => {
    const bd = {
      homogeneity: { statistic: 3.2, df: 2, pValue: 0.2, groups: 3, minExpected: 40, significant: false },
      rows: [{ offers: 100, interval: interval(0.1, 0.2, 1.8), vsRest: { direction: null } }],
      correction: { method: 'holm', size: 3 },
    } as unknown as BreakdownResponse;
    assert.equal(breakdownSummary(bd, f), 'No significant difference between segments (p = 0.2). Intervals account for repeat offers to the same customer (design effect 1.8).');
    const lb = { rows: [{ designEffect: 1 }, { designEffect: 2.1 }] } as unknown as LeaderboardResponse;
    assert.equal(leaderboardClusteringNote(lb, f), 'Intervals account for repeat offers to the same customer (design effect 2.1).');
  });

  test('the headline change is not judged while the month fills in, and names its projection', () => {
    const ts = withProjectedJune();
    const kpi = {
      query: ts.query,
      rate: 0.12,
      provisional: true,
      pendingShare: 0.54,
      previous: { from: '2025-05-02', to: '2025-05-31', rate: 0.201, provisional: false },
      change: { ...difference(-8.1, 0.01, null, false), pValue: null, test: null, testName: null, reason: 'not judged: 2025-06-01 – 2025-06-30 is still filling in (54 % of its offers pending)', relativeChange: null },
      projected: projection(0.162, 0.157, 0.167, 1590),
    } as unknown as KpiResponse;
    const change = changeSentence(kpi, f);
    assert.equal(change.direction, 'pending');
    assert.equal(change.points, '', 'no points for a rate that will still rise');
    assert.equal(`${change.rest}${change.verdict}`, 'vs previous May 2, 2025 – May 31, 2025 (20.1%): not judged: still filling in');
    assert.equal(changeArrow(change.direction), '○');
    assert.equal(
      provisionalNote(kpi, f),
      "Provisional: 54% of this month's offers are still inside their 30-day window, so the rate can still rise; projected final rate 16.2% (95% interval 15.7%–16.7%), 1,590 offers still pending.",
    );
    const complete = { ...kpi, provisional: false, projected: null, change: { ...difference(-8.1, 0.01, null, true), relativeChange: null } } as unknown as KpiResponse;
    assert.equal(changeSentence(complete, f).verdict, 'significant, p = 0.01');
    assert.equal(provisionalNote(complete, f), null);
  });

  test('the Markdown trend table has the projection and both changes', () => {
    const report = {
      month: '2025-06',
      from: '2025-06-01',
      to: '2025-06-30',
      generatedAt: '2025-07-01T12:00:00Z',
      kpi: {
        query: withProjectedJune().query,
        offers: 1000, accepted: 120, pending: 400, rate: 0.12, interval: interval(0.1, 0.14, 2.5), provisional: true, pendingShare: 0.4,
        band: { band: 'poor', judgement: 'poor', spans: ['poor'], reason: null, thresholds: { strong: 0.25, poor: 0.15 } },
        benchmarks: [], benchmark: null, target: null, customers: { offered: 400, converted: 90, rate: 0.225 }, expansionRevenue: 1000, previous: null, change: null,
      },
      trend: withProjectedJune(),
      breakdowns: [],
      leaderboard: { rows: [], overallRate: 0.18, prior: { strength: 50 } },
      insights: { insights: [] },
      coverage: FULL_COVERAGE,
    } as unknown as MonthlyReport;
    const md = renderReportMarkdown(report);
    assert.match(md, /\| Month \| Rate \| Interval \| Accepted \/ offers \| Control limits \| Signal \| Projected final rate \| vs previous month \| vs same month last year \|/);
    assert.match(md, /\| Jun 2025 \| 12\.0% so far \|.*\| 17\.9% \(16\.8%–19\.0%\), 1,234 pending \| not judged: still filling in \| not judged: still filling in \|/);
    assert.match(md, /\| May 2025 \|.*\| \+1\.5 points, significant \(adjusted p = 0\.012\) \| \+2\.1 points, significant \(adjusted p = 0\.003\) \|/);
    assert.match(md, /Intervals account for repeat offers to the same customer \(design effect 2\.5\)\./);
  });
});

describe('the trend with nothing to chart limits for', () => {
  test('one complete period: no control limits, so no claim that periods are inside them', () => {
    const alone = { ...point({ period: '2025-03-01', rate: 0.18 }), centreLine: null, lcl: null, ucl: null };
    const text = trendSummary(timeseries([alone]), f);
    assert.doesNotMatch(text, /inside the control limits/);
    // With limits drawn, the sentence is there.
    assert.match(trendSummary(timeseries([point({ period: '2025-02-01', rate: 0.18 }), point({ period: '2025-03-01', rate: 0.19 })]), f), /Every complete period is inside the control limits\./);
  });
});

describe('comparison lines on the trend', () => {
  test('the same period last year is the rate minus the year-over-year difference; the period before is the previous point', async () => {
    const { comparisonRates } = await import('./chart-options.js');
    const yoy = { ...difference(2, 0.04, 0.1, false), difference: 0.02, period: '2024-03-01' };
    const ts = timeseries([point({ period: '2025-02-01', rate: 0.17 }), point({ period: '2025-03-01', rate: 0.19, yearOverYear: yoy })]);
    const year = comparisonRates(ts, 'year');
    assert.equal(year[0], null);
    assert.ok(Math.abs((year[1] ?? NaN) - 0.17) < 1e-12);
    assert.deepEqual(comparisonRates(ts, 'previous'), [null, 0.17]);
    const option = trendOption(ts, f, { interactive: false, compare: 'year' });
    const series = (option.series as { id?: string; name?: string }[]).find((s) => s.id === 'comparison');
    assert.equal(series?.name, 'Same period last year');
  });
});

describe('trend labels do not collide (issue 15)', () => {
  const months = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05'].map((m) => point({ period: `${m}-01`, rate: 0.18 }));
  const ts = timeseries([...months, point({ period: '2025-06-01', rate: 0.12, provisional: true, pendingShare: 0.5 }), point({ period: '2025-07-01', rate: 0.01, provisional: true, pendingShare: 0.97 })]);
  const f = formatter('en-US');
  const option = trendOption(ts, f, { interactive: false });
  const series = option.series as { type?: string; name?: string; label?: { formatter?: (p: { dataIndex: number }) => string }; labelLayout?: unknown; markArea?: { label?: { backgroundColor?: string } } }[];

  test('two provisional columns side by side: one label ("provisional"), not "50% open" over "97% open"', () => {
    const bar = series.find((s) => s.type === 'bar');
    const texts = ts.points.map((_, i) => bar?.label?.formatter?.({ dataIndex: i }) ?? '').filter(Boolean);
    assert.deepEqual(texts, ['provisional']);
    assert.deepEqual(bar?.labelLayout, { hideOverlap: true });
  });

  test('band names sit on a backing, so a control limit crossing them leaves them readable', () => {
    const rate = series.find((s) => s.name === 'Conversion rate');
    assert.equal(rate?.markArea?.label?.backgroundColor, PALETTE.background);
  });

  test('every month is labelled: short names, the year under the first month and under January', () => {
    const axis = option.xAxis as { axisLabel: { interval?: number; formatter?: (v: string, i: number) => string } };
    assert.equal(axis.axisLabel.interval, 0);
    const shown = ts.points.map((_, i) => axis.axisLabel.formatter?.('', i));
    assert.deepEqual(shown, ['Jul\n2024', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan\n2025', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul']);
    assert.equal(monthAxisLabel(['juin 2025'], [{ period: '2025-06-01' }], 0), 'juin\n2025');
    // On a phone, labels that would collide are left out rather than printed over each other.
    const compact = trendOption(ts, f, { interactive: false, compact: true }).xAxis as { axisLabel: { hideOverlap?: boolean } };
    assert.equal(compact.axisLabel.hideOverlap, true);
  });
});

// ---- the same sentences in German and French (the report's --locale) ----------------------

const ENGLISH_WORDS = /\b(significant|control limits|projected|interval|offers|still|trend test|chosen because|provisional|pending|periods?|the|of|and|with)\b/i;

describe('the trend in German and French: worded from the structured fields, no English left', () => {
  const de = formatter('de-DE', { translate: true });
  const fr = formatter('fr-FR', { translate: true });
  const NBSP = '\u00a0';

  test('trend test, control chart, provisional month with its projection, latest changes (German)', () => {
    const text = trendParagraphs(withProjectedJune(), de).join('\n');
    assert.ok(text.includes('Kein signifikanter Trend über die letzten 4 abgeschlossenen Monate (p = 0,45).'), text);
    assert.ok(text.includes('Trendtest: Steigung einer logistischen Regression auf die Zeit über die letzten 4 Monate (quasi-binomiales GLM, Dispersion 2,10 aus den Daten geschätzt), t-Test mit 2 Freiheitsgraden.'), text);
    assert.ok(text.includes('Regelkarte: Laney-p′-Karte, gewählt, weil die Perioden stärker schwanken als der Zufall (χ² = 31,2, FG 3, p = 0,002; σz = 1,62): Grenzen nach Laney p′.'), text);
    assert.ok(text.includes('Jede abgeschlossene Periode liegt innerhalb der Kontrollgrenzen.'), text);
    assert.ok(text.includes(`Juni 2025: bisher 12,0${NBSP}%, noch offen; erwartete Endrate 17,9${NBSP}% (95${NBSP}%-Intervall 16,8${NBSP}%–19,0${NBSP}%), 1.234 Angebote noch offen.`), text);
    assert.ok(text.includes('Hochgerechnet aus der Annahme von 9.000 früheren Angeboten über das 30-Tage-Fenster (Kaplan-Meier, noch offene Angebote bei ihrem Alter zensiert): die 1.234 offenen Angebote bringen voraussichtlich 12,5 weitere Annahmen.'), text);
    assert.ok(text.includes('Juni 2025 ggü. Mai 2025 und ggü. Juni 2024 (Vorjahresmonat): nicht bewertet: noch offen.'), text);
    assert.ok(text.includes('Mai 2025 +1,5 Prozentpunkte ggü. Apr. 2025: signifikant (adjustiertes p = 0,012); +2,1 Prozentpunkte ggü. Mai 2024 (Vorjahresmonat): signifikant (adjustiertes p = 0,003).'), text);
    assert.ok(text.includes('Die adjustierten p-Werte berücksichtigen, dass 3 Veränderungen von Monat zu Monat gemeinsam getestet wurden (Holm).'), text);
    assert.ok(text.includes('Die Intervalle berücksichtigen wiederholte Angebote an denselben Kunden (Designeffekt 2,9).'), text);
    assert.doesNotMatch(text, ENGLISH_WORDS);
    const key = trendKey(withProjectedJune(), de);
    assert.equal(key, `Monatliche Konversionsrate mit ihrem 95${NBSP}%-Intervall (schattiert) und den Grenzen der Laney-p′-Karte (graue Striche). Vorläufige Perioden sind grau hinterlegt: Der hohle Punkt ist die bisherige Rate, die noch steigen wird; die blauen Striche führen zur erwarteten Endrate, ihr Intervall ist das hellere Band.`);
  });

  test('the same in French', () => {
    const text = trendParagraphs(withProjectedJune(), fr).join('\n');
    assert.ok(text.includes('Aucune tendance significative sur les 4 mois complets les plus récents (p = 0,45).'), text);
    assert.ok(text.includes('Test de tendance : pente d’une régression logistique sur le temps sur les 4 derniers mois (GLM quasi-binomial, dispersion 2,10 estimée à partir des données), test t à 2 degrés de liberté.'), text);
    assert.ok(text.includes('Carte de contrôle : carte p′ de Laney, choisie car les périodes varient plus que le hasard'), text);
    assert.ok(text.includes('Chaque période complète est à l’intérieur des limites de contrôle.'), text);
    assert.ok(text.includes(`taux final projeté 17,9${NBSP}% (intervalle à 95${NBSP}% 16,8${NBSP}%–19,0${NBSP}%)`), text);
    assert.ok(text.includes('juin 2025 : 12,0\u00a0% à ce jour, encore en cours ; taux final projeté'), text);
    assert.ok(text.includes('mai 2025 : +1,5 points par rapport à avr. 2025 : significatif (p ajusté = 0,012) ; +2,1 points par rapport à mai 2024 (même mois l’an dernier) : significatif (p ajusté = 0,003).'), text);
    assert.doesNotMatch(text, ENGLISH_WORDS);
    assert.ok(trendKey(withProjectedJune(), fr).startsWith('Taux de conversion mensuel avec son intervalle à 95'));
  });

  test('notes of the API read back into their cases: no direction with a season, a shift in σz, periods outside the limits', () => {
    const ts = withProjectedJune();
    const seasonal = {
      ...ts,
      controlChart: { ...ts.controlChart, kind: 'p' as const, choice: null, note: "sigma_z 0.84 < 1 (a shift rather than scatter): kept at 1, the p-chart's limits" },
      trend: { ...ts.trend, direction: null, pValue: null, note: 'fewer than 24 months: a seasonal swing cannot be told from a trend' },
      points: ts.points.map((p, i) => (i === 1 ? { ...p, outOfControl: 'below' as const } : p)),
    };
    const text = trendParagraphs(seasonal, de).join('\n');
    assert.ok(text.includes('Keine Trendrichtung — weniger als 24 Monate: eine saisonale Schwankung lässt sich nicht von einem Trend unterscheiden.'), text);
    assert.ok(text.includes('Regelkarte: p-Karte. σz 0,84 < 1 (eher eine Verschiebung als Streuung): bei 1 belassen, also die Grenzen der p-Karte.'), text);
    assert.ok(text.includes('1 Periode liegt außerhalb der Kontrollgrenzen: März 2025 (darunter).'), text);
    assert.doesNotMatch(text, ENGLISH_WORDS);
    const french = trendParagraphs(seasonal, fr).join('\n');
    assert.ok(french.includes('1 période est hors des limites de contrôle : mars 2025 (en dessous).'), french);
    assert.doesNotMatch(french, ENGLISH_WORDS);
  });

  test('English stays exactly as it was (the dashboard\'s words)', () => {
    assert.equal(changeText(periodChangeWords(withProjectedJune(), 3, f).vsPrevious!), '+1.5 points vs Apr 2025: significant (adjusted p = 0.012)');
    assert.equal(changeText(periodChangeWords(withProjectedJune(), 3, de).vsPrevious!, de.words), '+1,5 Prozentpunkte ggü. Apr. 2025: signifikant (adjustiertes p = 0,012)');
  });
});
