/**
 * The sentences under each number, shared by the dashboard and the report so both say the same
 * thing in the same words. Pure. In English they quote the API's own explanations; in a report
 * in another language (`f.words.statistics`) they are put together from the API's structured
 * fields in that language's phrases (statistics-words.ts), the API's English read back into its
 * parts (api-phrases.ts) where it holds the only copy of a detail.
 */
import type { ApiDifference, ApiInterval, ApiProjection, BreakdownResponse, KpiResponse, LeaderboardResponse, TimeseriesResponse } from '../insights/api-types.js';
import { chartNoteOf, formattedBasis, trendNoteOf, trendTestOf } from './api-phrases.js';
import type { ModelCoverage } from './coverage.js';
import type { Formatter } from './format.js';
import { ENGLISH, type Messages } from './messages.js';
import type { GrainWord, StatisticsWords } from './statistics-words.js';

export { industryName } from '../core/display.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

const CORRECTION_NAMES = { holm: 'Holm', bh: 'Benjamini–Hochberg', bonferroni: 'Bonferroni' } as const;

/** The band word on the headline: the interval's judgement, or the two bands it spans in plain words ("between moderate and strong"). */
export function bandWords(k: KpiResponse, w: Messages = ENGLISH): { cls: string; text: string; title: string } {
  const b = k.band;
  const s = w.statistics;
  if (b.judgement === null) return { cls: 'band-none', text: w.band.noOffers, title: s ? s.bandTitle({ kind: 'none' }) : 'No offers in this selection' };
  if (b.judgement === 'indeterminate') {
    const sorted = [...b.spans].sort((x, y) => BAND_ORDER.indexOf(x) - BAND_ORDER.indexOf(y));
    const [low, high] = [sorted[0], sorted.at(-1)];
    const text = low && high ? w.band.between(low, high) : b.spans.map((x) => w.band[x]).join(' / ');
    const title = s ? s.bandTitle({ kind: 'spans', interval: intervalWords(k.interval.lower, k.interval.upper), bands: sorted.map((x) => w.band[x]) }) : (b.reason ?? 'The interval spans two bands');
    return { cls: `band-${b.band ?? 'none'} band-unsure`, text, title };
  }
  const percent0 = (x: number) => `${Math.round(x * 100)}${s ? '\u00a0' : ''}%`;
  const title = s
    ? s.bandTitle({ kind: 'whole', band: w.band[b.judgement], poor: percent0(b.thresholds.poor), strong: percent0(b.thresholds.strong), names: [w.band.poor, w.band.moderate, w.band.strong] })
    : `The whole interval lies in the ${b.judgement} band (poor < ${pct(b.thresholds.poor)} ≤ moderate ≤ ${pct(b.thresholds.strong)} < strong)`;
  return { cls: `band-${b.judgement}`, text: w.band[b.judgement], title };
}

const BAND_ORDER: readonly string[] = ['poor', 'moderate', 'strong'];

/** An interval in whole percent for a tooltip ("15 %–25 %"): the band's reason, in the report's language. */
const intervalWords = (lower: number | null, upper: number | null) => (lower === null || upper === null ? '' : `${Math.round(lower * 100)}\u00a0%–${Math.round(upper * 100)}\u00a0%`);

/**
 * "+0.5 points vs previous Jun 1 – Jun 30, 2025 (17.4%): not significant, p = 0.14" and its
 * direction; "vs previous … : not judged: still filling in" (direction `pending`, no points) when
 * either period still has offers inside their window — a rate that will still rise is not tested.
 * `previousName` names the previous period otherwise ("the previous month, May 2025").
 */
export function changeSentence(k: KpiResponse, f: Formatter, previousName?: string): { direction: 'up' | 'down' | 'flat' | 'pending' | 'none'; points: string; rest: string; verdict: string } {
  const change = k.change;
  const w = f.words.change;
  if (!change || change.differencePoints === null || !k.previous) return { direction: 'none', points: '', rest: w.noEarlier, verdict: '' };
  const name = previousName ?? `previous ${f.day(k.previous.from)} – ${f.day(k.previous.to)}`;
  const against = `${w.vs} ${name} (${f.percent(k.previous.rate)}): `;
  // The API makes no test then (p-value null); an older server's p-value is not trusted either.
  if (!change.significant && (k.provisional || k.previous.provisional || change.pValue === null)) return { direction: 'pending', points: '', rest: against, verdict: w.notJudged };
  const direction = !change.significant ? 'flat' : change.differencePoints > 0 ? 'up' : 'down';
  return {
    direction,
    points: f.points(change.differencePoints),
    rest: ` ${against}`,
    verdict: `${change.significant ? w.significant : w.notSignificant}, ${f.pValue(change.pValue)}`,
  };
}

/** The monthly report's previous period: "the previous month, May 2025". */
export function previousMonthName(k: Pick<KpiResponse, 'previous'>, f: Formatter): string | undefined {
  return k.previous ? f.words.change.previousMonth(f.period(k.previous.from, 'month')) : undefined;
}

/** Arrow before a change: ▲ ▼ significant, ● not significant, ○ not judged yet. */
export function changeArrow(direction: ReturnType<typeof changeSentence>['direction']): string {
  return { up: '▲', down: '▼', flat: '●', pending: '○', none: '' }[direction];
}

/**
 * "Provisional: 54% of this month's offers are still inside their 30-day window, so the rate can
 * still rise; projected final rate 16.2% (95% interval 15.7–16.7%), 1,590 offers still pending."
 * `window` false (a user's model, which decides what accepted means): "… inside their conversion
 * window …", with no number of days.
 */
export function provisionalNote(k: KpiResponse, f: Formatter, offersWord = "this month's offers", window = true): string | null {
  if (!k.provisional) return null;
  const s = f.words.statistics;
  if (s) return s.provisionalNote(f.percent(k.pendingShare, 0), window ? k.query.windowDays : null, k.projected ? projectionText(k.projected, f, { basis: false }) : null);
  const inside = window ? `their ${k.query.windowDays}-day window` : 'their conversion window';
  const head = `Provisional: ${f.percent(k.pendingShare, 0)} of ${offersWord} are still inside ${inside}, so the rate can still rise`;
  return k.projected ? `${head}; ${projectionText(k.projected, f, { basis: false })}.` : `${head}.`;
}

const withStop = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
const plural = (word: string, n: number) => (n === 1 ? word : `${word}s`);

/** An API phrase ("periods vary more than chance (…)") as a sentence: capital first word, full stop. */
export function asSentence(text: string): string {
  const t = text.trim();
  if (!t) return '';
  // Only a plain lowercase word is capitalised: "p = 0.03" or "p′-chart" keep their case.
  return withStop(/^[a-z]{2,}\b/.test(t) ? t.charAt(0).toUpperCase() + t.slice(1) : t);
}

/** The chart's name: "p-chart" or "Laney p′-chart". */
export function controlChartName(kind: TimeseriesResponse['controlChart']['kind']): string {
  return kind === 'laney' ? 'Laney p′-chart' : 'p-chart';
}

/** "Control chart: Laney p′-chart, chosen because periods vary more than chance (χ² = …)." */
export function controlChartSentence(ts: TimeseriesResponse, f: Formatter): string | null {
  if (!ts.points.some((p) => p.charted)) return null;
  const c = ts.controlChart;
  const s = f.words.statistics;
  if (s) {
    const choice = c.choice;
    const why = choice
      ? s.chartChoice(c.kind === 'laney', choice.statistic === null || choice.df === null ? null : { statistic: f.decimal(choice.statistic, 1), df: choice.df, p: f.pValue(choice.pValue), sigmaZ: f.decimal(c.sigmaZ, 2) })
      : c.kind === 'laney'
        ? s.widened(f.decimal(c.sigmaZ, 2))
        : null;
    const note = c.note ? chartNoteOf(c.note) : null;
    return s.controlChart(s.chartName(c.kind), why, note ? s.chartNote(note.kind === 'shift' ? { kind: 'shift', sigmaZ: f.decimal(note.sigmaZ, 2) } : note) || null : null);
  }
  // `choice` is null when the caller named the kind (and absent from servers before it existed).
  const why = c.choice ? `, chosen because ${c.choice.reason}` : c.kind === 'laney' ? ` (limits widened by σz = ${f.decimal(c.sigmaZ, 2)})` : '';
  return [`Control chart: ${controlChartName(c.kind)}${why}.`, c.note ? asSentence(c.note) : ''].filter(Boolean).join(' ');
}

/**
 * The trend verdict and the test behind it: "Rate rising +0.4 points per month over the last 12
 * complete months (p = 0.01). Trend test: slope of a logistic regression …". No direction is
 * stated when the API gives none (a season could not be ruled out): its note says why.
 */
export function trendSentences(ts: TimeseriesResponse, f: Formatter): string[] {
  const t = ts.trend;
  const s = f.words.statistics;
  if (s) return translatedTrendSentences(ts, f, s);
  const out: string[] = [];
  if (t.direction && t.pValue !== null) {
    out.push(
      t.direction === 'flat'
        ? `No significant trend over the last ${t.periods} complete ${plural(ts.grain, t.periods)} (${f.pValue(t.pValue)}).`
        : `Rate ${t.direction} ${f.points(t.slopePoints)} per ${ts.grain} over the last ${t.periods} complete ${plural(ts.grain, t.periods)} (${f.pValue(t.pValue)}).`,
    );
  } else if (t.direction === null) {
    out.push(t.note ? `No trend direction — ${withStop(t.note)}` : 'No trend direction.');
  }
  // The test sentence repeats the note when the test was not run; say it once.
  if (t.test && !(t.note && t.test.includes(t.note) && t.direction === null)) out.push(`Trend test: ${withStop(t.test)}`);
  return out;
}

function translatedTrendSentences(ts: TimeseriesResponse, f: Formatter, s: StatisticsWords): string[] {
  const t = ts.trend;
  const grain: GrainWord = ts.grain;
  const out: string[] = [];
  const note = t.note ? s.trendNote(trendNoteOf(t.note, grain)) : null;
  if (t.direction && t.pValue !== null) {
    out.push(t.direction === 'flat' ? s.trendFlat(t.periods, grain, f.pValue(t.pValue)) : s.trendMoving(t.direction, f.points(t.slopePoints), grain, t.periods, f.pValue(t.pValue)));
  } else if (t.direction === null) {
    out.push(s.noDirection(note));
  }
  if (t.test && !(t.note && t.test.includes(t.note) && t.direction === null)) {
    const test = trendTestOf(t.test, t.seasonal);
    const dispersion = test.kind === 'fitted' ? { ...test, dispersion: f.decimal(Number(test.dispersion), 2) } : test;
    out.push(s.trendTest(dispersion, note ?? ''));
  }
  return out;
}

const GRAIN_ADJECTIVE = { day: 'Daily', week: 'Weekly', month: 'Monthly', quarter: 'Quarterly', year: 'Yearly' } as const;

/**
 * How to read the trend chart: "Monthly conversion rate with its 95% interval (shaded) and
 * p-chart limits (grey dashes). Provisional months are shaded grey: the hollow dot is the rate so
 * far, which will still rise; the blue dashes continue to the projected final rate, its interval
 * the lighter band."
 */
export function trendKey(ts: TimeseriesResponse, f: Formatter): string {
  const s = f.words.statistics;
  if (s) {
    const limits = ts.points.some((p) => p.ucl !== null) ? s.chartName(ts.controlChart.kind) : null;
    return s.trendKey(ts.grain, f.percent(ts.query.level, 0), limits, ts.points.some((p) => p.provisional), ts.points.some((p) => p.projected));
  }
  const limits = ts.points.some((p) => p.ucl !== null) ? ` and ${controlChartName(ts.controlChart.kind)} limits (grey dashes)` : '';
  const parts = [`${GRAIN_ADJECTIVE[ts.grain]} conversion rate with its ${f.percent(ts.query.level, 0)} interval (shaded)${limits}.`];
  if (ts.points.some((p) => p.provisional)) {
    const projected = ts.points.some((p) => p.projected) ? '; the blue dashes continue to the projected final rate, its interval the lighter band' : '';
    parts.push(`Provisional ${ts.grain}s are shaded grey: the hollow dot is the rate so far, which will still rise${projected}.`);
  }
  return parts.join(' ');
}

/** A change as a table cell: "+0.8 points, not significant (adjusted p = 0.41)" or "not judged: still filling in". */
export function changeCell(w: ChangeWords | null): string {
  if (!w) return '';
  return w.points ? `${w.points}, ${w.verdict}` : w.verdict;
}

/** The verdict on a change that cannot be judged yet: one side still has offers inside their window. */
export const NOT_JUDGED = 'not judged: still filling in';

/** A period's change against an earlier one, in parts for a tooltip, a table cell or a sentence. */
export interface ChangeWords {
  /** "+0.8 points"; null when not judged (a provisional rate will still rise). */
  readonly points: string | null;
  /** "Apr 2025", "May 2024 (same month last year)". */
  readonly against: string;
  /** "significant (adjusted p = 0.003)", "not significant (adjusted p = 0.41)" or {@link NOT_JUDGED}. */
  readonly verdict: string;
  readonly judged: boolean;
  readonly significant: boolean;
}

type PeriodDifference = ApiDifference & { readonly adjustedPValue: number | null };

function judgedWords(d: PeriodDifference, against: string, f: Formatter): ChangeWords {
  // The adjusted p-value (corrected over the family of changes) when there is one.
  const adjusted = typeof d.adjustedPValue === 'number';
  const s = f.words.statistics;
  if (s) return { points: f.points(d.differencePoints), against, verdict: s.verdict(d.significant, f.pValue(adjusted ? d.adjustedPValue : d.pValue), adjusted), judged: true, significant: d.significant };
  const p = adjusted ? `adjusted ${f.pValue(d.adjustedPValue)}` : f.pValue(d.pValue);
  return { points: f.points(d.differencePoints), against, verdict: `${d.significant ? 'significant' : 'not significant'} (${p})`, judged: true, significant: d.significant };
}

/**
 * "+0.8 points vs Apr 2025: not significant (adjusted p = 0.41)", "vs May 2025: not judged: still
 * filling in"; in the words of `words` (the report's) when given.
 */
export function changeText(w: ChangeWords, words: Pick<Messages, 'statistics'> = ENGLISH): string {
  if (words.statistics) return words.statistics.change(w.points, w.against, w.verdict);
  return `${w.points ? `${w.points} ` : ''}vs ${w.against}: ${w.verdict}`;
}

/**
 * A period's change against the period before (`change`) and against the same period a year
 * earlier (`yearOverYear`). A change that involves a provisional period is not judged.
 */
export function periodChangeWords(ts: TimeseriesResponse, index: number, f: Formatter): { vsPrevious: ChangeWords | null; vsLastYear: ChangeWords | null } {
  const p = ts.points[index];
  const prev = ts.points[index - 1];
  if (!p) return { vsPrevious: null, vsLastYear: null };
  let vsPrevious: ChangeWords | null = null;
  if (prev && p.change && p.change.differencePoints !== null) {
    const against = f.period(prev.period, ts.grain);
    vsPrevious = p.provisional || prev.provisional ? notJudged(against, f) : judgedWords(p.change, against, f);
  }
  let vsLastYear: ChangeWords | null = null;
  const y = p.yearOverYear;
  if (y && y.differencePoints !== null) {
    // A week's label has no year ("May 13"): the year-earlier one is named by its full date.
    const name = ts.grain === 'week' || ts.grain === 'day' ? f.day(y.period) : f.period(y.period, ts.grain);
    const s = f.words.statistics;
    const against = s ? s.sameLastYear(name, ts.grain) : `${name} (same ${ts.grain} last year)`;
    vsLastYear = p.provisional ? notJudged(against, f) : judgedWords(y, against, f);
  }
  return { vsPrevious, vsLastYear };
}

function notJudged(against: string, f: Formatter): ChangeWords {
  return { points: null, against, verdict: f.words.statistics?.notJudged ?? NOT_JUDGED, judged: false, significant: false };
}

/**
 * "May 2025 +0.8 points vs Apr 2025: not significant (adjusted p = 0.41); +2.1 points vs May 2024 (same
 * month last year): significant (adjusted p = 0.003)." — or, for a provisional period, "Jun 2025
 * vs May 2025 and vs Jun 2024 (same month last year): not judged: still filling in."
 */
export function periodChangeSentence(ts: TimeseriesResponse, index: number, f: Formatter): string | null {
  const p = ts.points[index];
  if (!p) return null;
  const { vsPrevious, vsLastYear } = periodChangeWords(ts, index, f);
  const parts = [vsPrevious, vsLastYear].filter((w): w is ChangeWords => w !== null);
  if (parts.length === 0) return null;
  const name = f.period(p.period, ts.grain);
  const s = f.words.statistics;
  if (s) return parts.every((w) => !w.judged) ? s.notJudgedSentence(name, parts.map((w) => w.against)) : s.changeSentence(name, parts.map((w) => changeText(w, f.words)));
  if (parts.every((w) => !w.judged)) return `${name} ${parts.map((w) => `vs ${w.against}`).join(' and ')}: ${NOT_JUDGED}.`;
  return `${name} ${parts.map((w) => changeText(w)).join('; ')}.`;
}

/** "projected final rate 17.9% (95% interval 16.8–19.0%), 1,234 offers still pending; <basis>". */
export function projectionText(pr: ApiProjection, f: Formatter, options: { basis?: boolean } = {}): string {
  const s = f.words.statistics;
  if (s) {
    const head = s.projection(f.percent(pr.rate), f.percent(pr.level, 0), f.interval(pr.lower, pr.upper), f.count(pr.pending), pr.pending);
    return (options.basis ?? true) && pr.basis ? `${head}${s.semicolon}${basisWords(pr.basis, f, s)}` : head;
  }
  const head = `projected final rate ${f.percent(pr.rate)} (${f.percent(pr.level, 0)} interval ${f.interval(pr.lower, pr.upper)}), ${f.count(pr.pending)} ${plural('offer', pr.pending)} still pending`;
  return (options.basis ?? true) && pr.basis ? `${head}; ${pr.basis}` : head;
}

/** A projection's basis in the report's language. */
function basisWords(basis: string, f: Formatter, s: StatisticsWords): string {
  return s.basis(formattedBasis(basis, (n) => f.count(n), (x) => f.decimal(x, 1)));
}

/**
 * The footnote for intervals that allow for one customer's offers not being independent:
 * "Intervals account for repeat offers to the same customer (design effect 2.9)." Null when every
 * interval treats offers as independent.
 */
export function clusteringNote(intervals: readonly (Pick<ApiInterval, 'variance' | 'designEffect'> | null | undefined)[], f: Formatter): string | null {
  const effects = intervals
    .filter((i) => i?.variance === 'customer-clustered')
    .map((i) => i?.designEffect)
    .filter((d): d is number => typeof d === 'number' && Number.isFinite(d));
  if (effects.length === 0) return null;
  const lo = f.decimal(Math.min(...effects));
  const hi = f.decimal(Math.max(...effects));
  if (f.words.statistics) return f.words.statistics.clustering(hi, lo !== hi);
  return `Intervals account for repeat offers to the same customer (design effect ${lo === hi ? hi : `up to ${hi}`}).`;
}

/** The leaderboard's footnote: its intervals count an offer's evidence divided by its design effect. */
export function leaderboardClusteringNote(lb: LeaderboardResponse, f: Formatter): string | null {
  return clusteringNote(lb.rows.map((r) => ({ variance: r.designEffect > 1 ? 'customer-clustered' : 'binomial', designEffect: r.designEffect })), f);
}

/** Provisional periods: the rate so far, the projected final rate, and whether they are charted. */
function provisionalSentences(ts: TimeseriesResponse, f: Formatter): string[] {
  const prov = ts.points.filter((p) => p.provisional);
  if (prov.length === 0) return [];
  const s = f.words.statistics;
  if (s) return translatedProvisionalSentences(ts, f, s);
  const out = prov.map((p) => {
    const name = f.period(p.period, ts.grain);
    const soFar = `${name}: ${f.percent(p.rate)} so far, still filling in`;
    return p.projected ? `${soFar}; ${projectionText(p.projected, f, { basis: false })}.` : `${soFar} (${f.percent(p.pendingShare, 0)} of offers pending).`;
  });
  out.push(ts.controlChart.includesProvisional ? 'Provisional periods are on the chart and in the alarms.' : `${prov.length === 1 ? 'It is' : 'They are'} kept out of the limits and alarms.`);
  const projected = prov.filter((p) => p.projected);
  const last = projected.at(-1);
  if (last?.projected?.basis) out.push(`${projected.length > 1 ? `${f.period(last.period, ts.grain)}: ` : ''}${asSentence(last.projected.basis)}`);
  return out;
}

function translatedProvisionalSentences(ts: TimeseriesResponse, f: Formatter, s: StatisticsWords): string[] {
  const prov = ts.points.filter((p) => p.provisional);
  const out = prov.map((p) => {
    const soFar = s.soFar(f.period(p.period, ts.grain), f.percent(p.rate));
    return p.projected ? `${soFar}${s.semicolon}${projectionText(p.projected, f, { basis: false })}.` : `${soFar} ${s.pendingShare(f.percent(p.pendingShare, 0))}.`;
  });
  out.push(ts.controlChart.includesProvisional ? s.provisionalCharted : s.provisionalKeptOut(prov.length));
  const projected = prov.filter((p) => p.projected);
  const last = projected.at(-1);
  if (last?.projected?.basis) out.push(`${projected.length > 1 ? `${f.period(last.period, ts.grain)}: ` : ''}${basisWords(last.projected.basis, f, s)}`);
  return out;
}

/** The changes of the latest period, and of the latest complete one when the latest is provisional. */
function latestChangeSentences(ts: TimeseriesResponse, f: Formatter): string[] {
  const withOffers = ts.points.flatMap((p, i) => (p.offers > 0 ? [i] : []));
  const last = withOffers.at(-1);
  if (last === undefined) return [];
  const out: string[] = [];
  const lastSentence = periodChangeSentence(ts, last, f);
  if (lastSentence) out.push(lastSentence);
  let judged = ts.points[last]?.provisional ? undefined : last;
  if (judged === undefined) {
    judged = withOffers.filter((i) => !ts.points[i]?.provisional).at(-1);
    const sentence = judged === undefined ? null : periodChangeSentence(ts, judged, f);
    if (sentence) out.push(sentence);
  }
  const family = ts.changeFamily;
  const adjusted = judged !== undefined && typeof ts.points[judged]?.change?.adjustedPValue === 'number';
  if (adjusted && family && family.members > 1 && f.words.statistics) {
    out.push(f.words.statistics.family(family.members, ts.grain, CORRECTION_NAMES[family.method]));
  } else if (adjusted && family && family.members > 1) {
    out.push(`Adjusted p-values allow for the ${family.members} ${ts.grain}-over-${ts.grain} changes tested together (${CORRECTION_NAMES[family.method]}).`);
  }
  return out;
}

/**
 * The trend in short paragraphs: (1) the trend test, the control chart and its signals; (2)
 * provisional periods with their projected final rates; (3) the latest changes, month over month
 * and against the same month last year; (4) how intervals treat repeat offers. Empty ones left out.
 */
export function trendParagraphs(ts: TimeseriesResponse, f: Formatter): string[] {
  const signals: string[] = [...trendSentences(ts, f)];
  const chart = controlChartSentence(ts, f);
  if (chart) signals.push(chart);
  const out = ts.points.filter((p) => p.outOfControl);
  const s = f.words.statistics;
  if (out.length && s) signals.push(s.outside(out.map((p) => `${f.period(p.period, ts.grain)} (${s.side(p.outOfControl ?? 'above')})`)));
  else if (out.length) signals.push(`${out.length} ${out.length === 1 ? 'period is' : 'periods are'} outside the control limits: ${out.map((p) => `${f.period(p.period, ts.grain)} (${p.outOfControl})`).join(', ')}.`);
  // Only where limits were drawn: with fewer than two complete periods there are none to be inside.
  else if (ts.points.some((p) => p.charted && p.ucl !== null)) signals.push(s ? s.everyInside : 'Every complete period is inside the control limits.');
  const note = clusteringNote(ts.points.filter((p) => p.offers > 0).map((p) => p.interval), f);
  return [signals, provisionalSentences(ts, f), latestChangeSentences(ts, f), note ? [note] : []].filter((x) => x.length > 0).map((x) => x.join(' '));
}

/** {@link trendParagraphs} as one paragraph. */
export function trendSummary(ts: TimeseriesResponse, f: Formatter): string {
  return trendParagraphs(ts, f).join(' ');
}

/** The χ² verdict across a dimension's segments and what the markers mean. */
export function breakdownSummary(bd: BreakdownResponse, f: Formatter): string {
  const hm = bd.homogeneity;
  const flagged = bd.rows.filter((r) => r.vsRest.direction);
  const s = f.words.statistics;
  if (s) {
    if (hm.pValue === null) return hm.groups < 2 ? s.oneSegment : s.notEnoughToCompare;
    const head = hm.significant ? s.segmentsDiffer(f.count(hm.statistic), f.pValue(hm.pValue)) : s.noSegmentDifference(f.pValue(hm.pValue));
    const markers = flagged.length ? s.markers(CORRECTION_NAMES[bd.correction.method], bd.correction.size) : '';
    const note = clusteringNote(bd.rows.filter((r) => r.offers > 0).map((r) => r.interval), f);
    return head + markers + (note ? ` ${note}` : '');
  }
  if (hm.pValue === null) return hm.groups < 2 ? 'Only one segment has offers in this selection.' : 'Not enough offers to compare segments.';
  const head = hm.significant
    ? `Segments differ (χ² = ${f.count(hm.statistic)}, ${f.pValue(hm.pValue)}).`
    : `No significant difference between segments (${f.pValue(hm.pValue)}).`;
  const which = flagged.length ? ` ▲ above / ▼ below the rest after ${CORRECTION_NAMES[bd.correction.method]} correction across ${bd.correction.size}.` : '';
  const note = clusteringNote(bd.rows.filter((r) => r.offers > 0).map((r) => r.interval), f);
  return head + which + (note ? ` ${note}` : '');
}

/** "1,234 of 6,789 offers accepted within 30 days" (no days when the model decides what accepted means). */
export function acceptedLine(k: KpiResponse, f: Formatter, coverage: Pick<ModelCoverage, 'window'>): string {
  return f.words.acceptedLine(f.count(k.accepted), f.count(k.offers), coverage.window ? k.query.windowDays : null);
}

/** The headline's tiles, for what the model holds: offers, accepted, expansion revenue, customer conversion. */
export function headlineTiles(k: KpiResponse, f: Formatter, coverage: ModelCoverage): { key: 'offers' | 'accepted' | 'revenue' | 'customers'; label: string; value: string; detail: string }[] {
  const w = f.words.tiles;
  const acceptedShare = k.offers ? w.ofOffers(f.percent(k.rate)) : w.noOffers;
  return [
    { key: 'offers', label: w.offers, value: f.count(k.offers), detail: coverage.pending ? (k.pending ? w.pending(f.count(k.pending)) : w.nonePending) : w.pendingNotTracked },
    { key: 'accepted', label: w.accepted, value: f.count(k.accepted), detail: coverage.window ? w.withinWindow(k.query.windowDays) : acceptedShare },
    ...(coverage.revenue ? [{ key: 'revenue' as const, label: w.revenue, value: f.money(k.expansionRevenue), detail: k.accepted ? w.perAccepted(f.money(k.expansionRevenue / k.accepted)) : w.noAccepted }] : []),
    ...(coverage.customers ? [{ key: 'customers' as const, label: w.customers, value: f.percent(k.customers.rate), detail: w.customersOffered(f.count(k.customers.converted), f.count(k.customers.offered)) }] : []),
  ];
}
