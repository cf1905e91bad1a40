import { findMember } from '../model/index.js';
import { compareProportions, controlVerdict, DEFAULT_CONTROL_PERIODS, type AdjustMethod } from '../stats/index.js';
import type { BreakdownResponse, Insight, InsightsResponse, KpiResponse, LeaderboardResponse, TimeseriesResponse } from './api-types.js';
import { breakdown } from './breakdown.js';
import { queryEcho } from './echo.js';
import { kpiHeadline } from './kpi-headline.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { leaderboard } from './leaderboard.js';
import { bindingOf, measuredCounts, readAhead, resolveRange, withCountReads } from './offer-counts.js';
import { differenceView } from './rate-view.js';
import { timeseries } from './timeseries.js';
import { count, industryName, interval, NULL_VALUE, panelTitle, percent, points, valueLabel } from '../core/display.js';
import { differenceText, pText, rateText } from './wording.js';

export interface InsightOptions {
  /** Dimensions to scan (default: the binding's breakdown dimensions but the offer's name, which the leaderboard ranks). */
  readonly dimensions?: readonly string[];
  readonly correction?: AdjustMethod;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/**
 * GET /api/v1/insights — plain-language findings, each with its numbers and the test behind it:
 * segments significantly above or below the rest (corrected per dimension), the best and worst
 * offers by shrunken rate, the channel with the biggest gap, whether the latest complete month is
 * out of control or dropped significantly, the trend, industries against their benchmarks, the
 * target and the band.
 */
export async function findInsights(context: KpiContext, requested: Selection, options: InsightOptions = {}): Promise<InsightsResponse> {
  // The headline, the breakdowns, the leaderboard and the time series share reads (the total, the
  // industry breakdown, the acceptance curve): one memo for all of them, each read asked once.
  const ctx = withCountReads(context);
  const selection = await resolveRange(ctx, requested);
  const binding = bindingOf(ctx);
  const bound = binding.dimensions.map((d) => d.member).filter((d) => d !== binding.offerName);
  const scanned = (options.dimensions ?? bound).filter((d) => findMember(ctx.model, d)?.member.kind === 'dimension');
  const link = linkMaker(ctx, selection);
  const insights: Insight[] = [];

  // Every count of the selection the views below ask for that one pass can answer — the total and
  // the groups of each customer attribute — read together first; the views find them in the memo.
  await readAhead(ctx, selection, [{ extended: true }, ...scanned.map((dimension) => ({ dimensions: [dimension] }))]);
  const kpi = await kpiHeadline(ctx, selection);
  insights.push(...headlineInsights(kpi, binding.industry, link));
  for (const dimension of scanned) {
    // Only segments with offers make findings: the values seen outside the range are not read.
    const b = await breakdown(ctx, selection, { by: [dimension], emptyCells: false, ...(options.correction ? { correction: options.correction } : {}) });
    const bound = binding.dimensions.find((d) => d.member === dimension);
    const label = dimension === binding.industry ? industryName : valueLabel;
    insights.push(...segmentInsights(b, dimension, panelTitle(bound ?? { member: dimension, title: dimension.split('.')[1] ?? dimension }, binding.offers), label, link));
    if (dimension === binding.channel) insights.push(...channelGap(ctx, b, dimension, link));
  }
  if (binding.offerName) insights.push(...offerInsights(await leaderboard(ctx, selection), link));
  insights.push(...monitoringInsights(await timeseries(ctx, selection, { grain: 'month' }), link));

  insights.sort(byPriority);
  return { query: queryEcho(ctx, selection), insights, scanned };
}

type Link = (path: string, extra?: Record<string, string>) => string;

/** What matters most first: critical, then warnings, then good news and context; within each, the most acceptances at stake. */
export function byPriority(a: Pick<Insight, 'severity' | 'impact'>, b: Pick<Insight, 'severity' | 'impact'>): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (b.impact ?? -1) - (a.impact ?? -1);
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Acceptances at stake: offers × a gap in points (null when either is unknown). */
const atStake = (offers: number | null | undefined, gapPoints: number | null | undefined): number | null =>
  offers === null || offers === undefined || gapPoints === null || gapPoints === undefined ? null : (offers * Math.abs(gapPoints)) / 100;

function linkMaker(ctx: KpiContext, selection: Selection): Link {
  return (path, extra = {}) => {
    const q = new URLSearchParams();
    if (selection.from) q.set('from', selection.from);
    if (selection.to) q.set('to', selection.to);
    if (selection.offerType) q.set('offerType', selection.offerType);
    if (selection.filters.length) q.set('filters', JSON.stringify(selection.filters));
    if (ctx.level !== 0.95) q.set('level', String(ctx.level));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    const text = q.toString();
    return `/api/v1/${path}${text ? `?${text}` : ''}`;
  };
}

function headlineInsights(kpi: KpiResponse, industry: string | null, link: Link): Insight[] {
  const out: Insight[] = [];
  if (kpi.rate !== null) {
    const judged = kpi.band.judgement;
    out.push({
      id: 'band',
      kind: 'band',
      severity: judged === 'poor' ? 'warning' : 'info',
      title: judged === 'indeterminate' ? 'Band: not yet determined' : `Band: ${judged}`,
      text:
        `The conversion rate is ${rateText(kpi)}. ` +
        (judged === 'indeterminate' ? `Its band cannot be named: ${kpi.band.reason}.` : `The whole interval lies in the ${judged} band.`),
      // `judgement` and `level`: what the text says, for readers that word it themselves (the report in German or French).
      numbers: { rate: kpi.rate, lower: kpi.interval.lower, upper: kpi.interval.upper, offers: kpi.offers, accepted: kpi.accepted, band: kpi.band.band, judgement: judged, spans: kpi.band.spans.join(' '), level: kpi.interval.level },
      impact: null,
      test: null,
      link: link('kpi'),
    });
  }
  for (const b of kpi.benchmarks) {
    if (b.rate === null || b.standing === null) continue;
    const name = `${industryName(b.industry)} (${b.benchmark.source} benchmark ${percent(b.benchmark.rate, 0)})`;
    // Context, not a warning: an industry below a published average may still be the best of
    // this business's industries (the segment findings say how it compares with the rest).
    out.push({
      id: `benchmark:${b.industry}`,
      kind: 'benchmark',
      severity: 'info',
      title: `${capitalised(industryName(b.industry))} customers are ${b.standing === 'consistent' ? 'in line with' : b.standing} their industry benchmark`,
      text:
        `Customers in ${name} convert at ${rateText(b)}, ${points(b.gapPoints)} from the benchmark; ` +
        (b.standing === 'consistent' ? 'the interval includes the benchmark.' : `the whole interval is ${b.standing} it (score test ${pText(b.pValue)}).`),
      numbers: {
        rate: b.rate,
        lower: b.interval.lower,
        upper: b.interval.upper,
        benchmark: b.benchmark.rate,
        gapPoints: b.gapPoints,
        offers: b.offers,
        source: b.benchmark.source,
        industry: b.industry,
        standing: b.standing,
        accepted: b.accepted,
        level: b.interval.level,
      },
      impact: atStake(b.offers, b.gapPoints),
      test: { name: 'one-sample score test against the benchmark', statistic: null, pValue: b.pValue, adjustedPValue: null, correction: null },
      link: industry ? link('kpi', { filters: JSON.stringify([{ member: industry, operator: 'equals', values: [b.industry] }]) }) : link('kpi'),
    });
  }
  if (kpi.target && kpi.rate !== null && kpi.target.standing !== null) {
    const t = kpi.target;
    out.push({
      id: 'target',
      kind: 'target',
      severity: t.standing === 'below' ? 'warning' : 'info',
      title: t.standing === 'below' ? 'Below target' : t.standing === 'above' ? 'Above target' : 'On target (within the interval)',
      text: `The rate ${rateText(kpi)} is ${points(t.gapPoints)} from the target ${percent(t.rate)}; ${t.standing === 'consistent' ? 'the interval includes the target.' : `the whole interval is ${t.standing} it.`}`,
      numbers: { rate: kpi.rate, target: t.rate, gapPoints: t.gapPoints, standing: t.standing, lower: kpi.interval.lower, upper: kpi.interval.upper, offers: kpi.offers, accepted: kpi.accepted, level: kpi.interval.level },
      impact: atStake(kpi.offers, t.gapPoints),
      test: null,
      link: link('kpi'),
    });
  }
  return out;
}

/** `name`: the dimension's title as the dashboard's panel heads it (`Lifecycle stage`). */
function segmentInsights(b: BreakdownResponse, dimension: string, name: string, label: (code: string) => string, link: Link): Insight[] {
  const out: Insight[] = [];
  for (const row of b.rows) {
    const v = row.vsRest;
    const code = row.segment[dimension];
    if (!v.significant || v.direction === null || code === null || code === undefined || row.smallSample) continue;
    const value = label(code);
    const above = v.direction === 'above';
    out.push({
      id: `segment_${v.direction}:${dimension}=${code}`,
      kind: above ? 'segment_above' : 'segment_below',
      severity: above ? 'info' : 'warning',
      title: `${name} ${value} converts ${above ? 'above' : 'below'} the rest`,
      text:
        `${name} = ${value}: ${rateText(row)} against ${percent(v.difference === null || row.rate === null ? null : row.rate - v.difference)} for the other offers — ` +
        `${differenceText(v)}; ${b.correction.description.split(':')[0]}, adjusted ${pText(v.adjustedPValue)}.`,
      numbers: {
        rate: row.rate,
        lower: row.interval.lower,
        upper: row.interval.upper,
        offers: row.offers,
        accepted: row.accepted,
        restRate: v.difference === null || row.rate === null ? null : row.rate - v.difference,
        differencePoints: v.differencePoints,
        adjustedLower: v.adjustedLower,
        adjustedUpper: v.adjustedUpper,
        dimension,
        dimensionTitle: name,
        segment: value,
        differenceLower: v.lower,
        differenceUpper: v.upper,
        level: v.level,
        correctionMethod: b.correction.method,
      },
      impact: atStake(row.offers, v.differencePoints),
      test: { name: v.testName ?? 'none', statistic: v.statistic, pValue: v.pValue, adjustedPValue: v.adjustedPValue, correction: b.correction.description },
      link: link('breakdown', { by: dimension }),
    });
  }
  return out;
}

/** The best against the worst channel (each with ≥ 30 offers). */
function channelGap(ctx: KpiContext, b: BreakdownResponse, channel: string, link: Link): Insight[] {
  const usable = b.rows.filter((r) => r.rate !== null && !r.smallSample && r.segment[channel] != null);
  if (usable.length < 2) return [];
  const sorted = [...usable].sort((x, y) => (y.rate ?? 0) - (x.rate ?? 0));
  const best = sorted[0];
  const worst = sorted.at(-1);
  if (!best || !worst) return [];
  const c = differenceView(compareProportions(measuredCounts(best), measuredCounts(worst), { level: ctx.level }));
  if (!c.significant) return [];
  return [
    {
      id: `channel_gap:${best.label}-${worst.label}`,
      kind: 'channel_gap',
      severity: 'info',
      title: `Biggest channel gap: ${valueLabel(best.label)} vs ${valueLabel(worst.label)}`,
      text: `${valueLabel(best.label)} converts at ${rateText(best)}, ${valueLabel(worst.label)} at ${rateText(worst)}: ${differenceText(c)}.`,
      numbers: { best: best.label, worst: worst.label, bestRate: best.rate, worstRate: worst.rate, differencePoints: c.differencePoints, lower: c.lower, upper: c.upper, worstOffers: worst.offers, level: c.level },
      impact: atStake(worst.offers, c.differencePoints),
      test: { name: c.testName ?? 'none', statistic: c.statistic, pValue: c.pValue, adjustedPValue: null, correction: null },
      link: link('compare', {
        a: JSON.stringify([{ member: channel, operator: 'equals', values: [best.label] }]),
        b: JSON.stringify([{ member: channel, operator: 'equals', values: [worst.label] }]),
      }),
    },
  ];
}

function offerInsights(board: LeaderboardResponse, link: Link): Insight[] {
  const ranked = board.rows.filter((r) => !r.smallSample && r.offer !== null);
  if (ranked.length < 2) return [];
  const out: Insight[] = [];
  const small = board.rows.filter((r) => r.smallSample);
  const smallNote = small.length
    ? ` Not ranked (fewer than ${board.smallSampleThreshold} offers): ${small.map((r) => `${r.offer ?? NULL_VALUE} ${r.accepted} of ${r.offers}`).join(', ')}.`
    : '';
  const describe = (r: (typeof ranked)[number]) =>
    `${r.offer}: shrunken rate ${percent(r.shrunkenRate)} (95% credible ${interval(r.lower, r.upper)}; raw ${r.accepted} of ${count(r.offers)} = ${percent(r.rate)}), ` +
    `probability of beating the overall ${percent(board.overallRate)}: ${percent(r.probabilityToBeatOverall, 0)}`;
  const best = ranked[0];
  const worst = ranked.at(-1);
  for (const [kind, r] of [['best_offer', best], ['worst_offer', worst]] as const) {
    if (!r) continue;
    out.push({
      id: `${kind}:${r.offer ?? ''}`,
      kind,
      severity: kind === 'best_offer' ? 'info' : 'warning',
      title: `${kind === 'best_offer' ? 'Best' : 'Worst'}-converting offer: ${r.offer ?? ''}`,
      text: `${describe(r)}.${kind === 'best_offer' ? smallNote : ''}`,
      numbers: {
        offer: r.offer,
        shrunkenRate: r.shrunkenRate,
        lower: r.lower,
        upper: r.upper,
        rate: r.rate,
        offers: r.offers,
        accepted: r.accepted,
        probabilityToBeatOverall: r.probabilityToBeatOverall,
        overallRate: board.overallRate,
        unranked: kind === 'best_offer' ? small.length : 0,
        smallSampleThreshold: board.smallSampleThreshold,
      },
      impact: board.overallRate === null ? null : atStake(r.offers, (r.shrunkenRate - board.overallRate) * 100),
      test: { name: `empirical-Bayes Beta(${board.prior.alpha.toFixed(1)}, ${board.prior.beta.toFixed(1)}) posterior`, statistic: null, pValue: null, adjustedPValue: null, correction: null },
      link: link('leaderboard'),
    });
  }
  return out;
}

function monitoringInsights(ts: TimeseriesResponse, link: Link): Insight[] {
  const out: Insight[] = [];
  const charted = ts.points.filter((p) => p.charted);
  const latest = charted.at(-1);
  // The latest complete month on the chart of the twelve months up to it: the alert rule's chart,
  // limits and words (controlVerdict), so `alerts check` and the findings never disagree.
  const window = charted.slice(-DEFAULT_CONTROL_PERIODS);
  const verdict = latest && window.length >= 3 ? controlVerdict(window.map((p) => ({ k: p.accepted, n: p.offers })), { unit: 'month' }) : null;
  if (latest && verdict?.outside) {
    const below = verdict.outside === 'below';
    out.push({
      id: `out_of_control:${latest.period}`,
      kind: 'out_of_control',
      severity: below ? 'critical' : 'info',
      title: `${latest.period.slice(0, 7)} is ${below ? 'below' : 'above'} its control limits`,
      text: `The latest complete month (${latest.period.slice(0, 7)}, ${rateText(latest)}): ${verdict.sentence}.`,
      numbers: {
        period: latest.period,
        rate: verdict.rate,
        centreLine: verdict.centre,
        lcl: verdict.lower,
        ucl: verdict.upper,
        offers: latest.offers,
        sigmaZ: verdict.sigmaZ,
        rule: 'limits',
        side: verdict.outside,
        alarm: verdict.alarm ? 1 : 0,
      },
      impact: verdict.rate === null || verdict.centre === null ? null : atStake(latest.offers, (verdict.rate - verdict.centre) * 100),
      test: { name: verdict.chartName, statistic: verdict.z, pValue: null, adjustedPValue: null, correction: null },
      link: link('timeseries', { grain: 'month' }),
    });
  }
  if (latest && latest.runFlags.length) {
    const side = latest.runFlags[0] === 'run_above' ? 'above' : 'below';
    out.push({
      id: `run:${latest.period}`,
      kind: 'out_of_control',
      severity: side === 'below' ? 'warning' : 'info',
      title: `A run of months ${side} the centre line`,
      text: `${latest.period.slice(0, 7)} is part of a run of at least 8 complete months ${side} the centre line ${percent(latest.centreLine)}: a sustained shift.`,
      numbers: { period: latest.period, centreLine: latest.centreLine, rate: latest.rate, offers: latest.offers, rule: 'run', side },
      impact: latest.rate === null || latest.centreLine === null ? null : atStake(latest.offers, (latest.rate - latest.centreLine) * 100),
      test: { name: 'run rule (8 in a row on one side)', statistic: null, pValue: null, adjustedPValue: null, correction: null },
      link: link('timeseries', { grain: 'month' }),
    });
  }
  const change = ts.latestChange;
  if (change && change.significant && change.differencePoints !== null) {
    const changed = ts.points.find((p) => p.period === change.period);
    const drop = change.differencePoints < 0;
    out.push({
      id: `${drop ? 'period_drop' : 'period_rise'}:${change.period}`,
      kind: drop ? 'period_drop' : 'period_rise',
      severity: drop ? 'warning' : 'info',
      title: `${change.period.slice(0, 7)} ${drop ? 'dropped' : 'rose'} against ${change.previousPeriod.slice(0, 7)}`,
      text: `The latest complete month ${change.period.slice(0, 7)} against ${change.previousPeriod.slice(0, 7)}: ${differenceText(change)}.`,
      numbers: { period: change.period, previousPeriod: change.previousPeriod, differencePoints: change.differencePoints, lower: change.lower, upper: change.upper, offers: changed?.offers ?? null, level: change.level },
      impact: atStake(changed?.offers, change.differencePoints),
      test: { name: change.testName ?? 'none', statistic: change.statistic, pValue: change.pValue, adjustedPValue: change.adjustedPValue, correction: ts.changeFamily.description },
      link: link('timeseries', { grain: 'month' }),
    });
  }
  const trend = ts.trend;
  if (trend.direction === 'rising' || trend.direction === 'falling') {
    out.push({
      id: `trend:${trend.to ?? ''}`,
      kind: 'trend',
      severity: trend.direction === 'falling' ? 'warning' : 'info',
      title: `Conversion is ${trend.direction}`,
      text: `Over the last ${trend.periods} complete months (${trend.from?.slice(0, 7)} to ${trend.to?.slice(0, 7)}) the rate is ${trend.direction} by ${points(trend.slopePoints, 2)} a month (${trend.test}, ${pText(trend.pValue)}${trend.seasonal ? '; the seasons are allowed for' : ''}).`,
      numbers: {
        periods: trend.periods,
        slopePoints: trend.slopePoints,
        z: trend.z,
        pValue: trend.pValue,
        dispersion: trend.dispersion,
        offers: latest?.offers ?? null,
        from: trend.from,
        to: trend.to,
        direction: trend.direction,
        seasonal: trend.seasonal ? 1 : 0,
      },
      // The drift over the window, on a month of the latest month's offers.
      impact: trend.slopePoints === null ? null : atStake(latest?.offers, trend.slopePoints * trend.periods),
      test: { name: trend.seasonal ? 'seasonal quasi-binomial GLM' : 'quasi-binomial GLM', statistic: trend.z, pValue: trend.pValue, adjustedPValue: null, correction: null },
      link: link('timeseries', { grain: 'month' }),
    });
  }
  return out;
}
