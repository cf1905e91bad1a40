/**
 * The phrases of the statistical explanations (trend test, control chart, projections, changes,
 * breakdown verdicts, intervals) and of the findings, for a report that is not in English. Each
 * language gives its words (statistics-words-de.ts, statistics-words-fr.ts); the sentences are put
 * together once, from the API's structured fields, in translated-wording.ts and finding-text.ts.
 *
 * English has none (`Messages.statistics` is null): its sentences are wording.ts's, which quote the
 * API's own English (`trend.test`, `controlChart.choice.reason`, a projection's `basis`).
 *
 * Every argument that is a number arrives formatted by the report's Formatter (format.ts), so a
 * phrase only places it: `trendMoving('rising', '+0,4 Prozentpunkte', 'month', 12, 'p = 0,01')`.
 */
export type GrainWord = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type Side = 'above' | 'below';
export type ChartKind = 'p' | 'laney';

/** Why no trend could be stated (the API's `trend.note`, read back into its cases). */
export type TrendNote =
  | { readonly kind: 'too-few'; readonly grain: GrainWord | null }
  | { readonly kind: 'same-rate'; readonly grain: GrainWord | null; readonly rate: string }
  | { readonly kind: 'no-df'; readonly grain: GrainWord | null; readonly periods: number; readonly parameters: number }
  | { readonly kind: 'not-fitted' }
  | { readonly kind: 'season-short'; readonly grain: GrainWord | null; readonly periods: number }
  | { readonly kind: 'season-no-dates'; readonly grain: GrainWord | null }
  | { readonly kind: 'unknown' };

/** How the trend was tested (the API's `trend.test`, read back into its parts). */
export type TrendTest =
  | { readonly kind: 'fitted'; readonly grain: GrainWord | null; readonly periods: number; readonly seasonal: boolean; readonly dispersion: string; readonly floored: boolean; readonly df: number | null }
  | { readonly kind: 'not-run' | 'not-needed'; readonly grain: GrainWord | null; readonly periods: number; readonly note: string }
  | { readonly kind: 'unknown'; readonly seasonal: boolean };

/** The basis of a projection (the API's `basis`, read back into its numbers). */
export type ProjectionBasis =
  | { readonly kind: 'projected'; readonly earlier: string; readonly earlierCount: number; readonly window: number; readonly pending: string; readonly pendingCount: number; readonly adds: string; readonly lastWatched: number | null }
  | { readonly kind: 'nothing-pending'; readonly window: number; readonly earlier: string; readonly earlierCount: number }
  | { readonly kind: 'unknown' };

/** The name of a test behind a finding or a change, from its structured fields or its API name. */
export type TestName =
  | { readonly kind: 'z' | 'fisher' | 'score' | 'run' | 'glm' | 'seasonal-glm' }
  | { readonly kind: 'bayes'; readonly alpha: string; readonly beta: string }
  | { readonly kind: 'chart'; readonly chart: ChartKind; readonly sigmas: string | null; readonly periods: number | null; readonly grain: GrainWord | null }
  | { readonly kind: 'other' };

export interface StatisticsWords {
  /** "12 Monate", "1 mois". */
  periods(n: number, grain: GrainWord | null): string;
  /** "Monat" — a period of the grain, alone ("vs previous month"). */
  unit(grain: GrainWord): string;

  // --- the trend ---
  trendFlat(periods: number, grain: GrainWord, p: string): string;
  trendMoving(direction: 'rising' | 'falling', points: string, grain: GrainWord, periods: number, p: string): string;
  noDirection(note: string | null): string;
  trendNote(note: TrendNote): string;
  trendTest(test: TrendTest, note: string): string;

  // --- the control chart ---
  chartName(kind: ChartKind): string;
  controlChart(name: string, why: string | null, note: string | null): string;
  chartChoice(laney: boolean, evidence: { readonly statistic: string; readonly df: number; readonly p: string; readonly sigmaZ: string } | null): string;
  widened(sigmaZ: string): string;
  chartNote(note: { readonly kind: 'few' } | { readonly kind: 'shift'; readonly sigmaZ: string } | { readonly kind: 'unknown' }): string;
  outside(periods: readonly string[]): string;
  side(side: Side): string;
  readonly everyInside: string;

  // --- provisional periods and projections ---
  /** Between two clauses: "; " (French: " ; "). */
  readonly semicolon: string;
  soFar(period: string, rate: string): string;
  pendingShare(share: string): string;
  readonly provisionalCharted: string;
  provisionalKeptOut(count: number): string;
  projection(rate: string, level: string, interval: string, pending: string, pendingCount: number): string;
  basis(basis: ProjectionBasis): string;
  provisionalNote(share: string, windowDays: number | null, projection: string | null): string;

  // --- changes between periods ---
  readonly notJudged: string;
  verdict(significant: boolean, p: string, adjusted: boolean): string;
  change(points: string | null, against: string, verdict: string): string;
  sameLastYear(name: string, grain: GrainWord): string;
  changeSentence(period: string, changes: readonly string[]): string;
  notJudgedSentence(period: string, against: readonly string[]): string;
  family(members: number, grain: GrainWord, method: string): string;

  // --- notes, keys, breakdowns, the headline's band ---
  clustering(effect: string, upTo: boolean): string;
  trendKey(grain: GrainWord, level: string, limits: string | null, provisional: boolean, projected: boolean): string;
  readonly oneSegment: string;
  readonly notEnoughToCompare: string;
  segmentsDiffer(statistic: string, p: string): string;
  noSegmentDifference(p: string): string;
  markers(correction: string, size: number): string;
  bandTitle(band: { readonly kind: 'none' } | { readonly kind: 'spans'; readonly interval: string; readonly bands: readonly string[] } | { readonly kind: 'whole'; readonly band: string; readonly poor: string; readonly strong: string; readonly names: readonly [string, string, string] }): string;
  method(parts: { readonly level: string; readonly interval: string; readonly customers: boolean; readonly segments: boolean; readonly leaderboard: boolean; readonly benchmarks: string | null }): string;
  noBenchmarks: string;
  via(citation: string): string;

  // --- findings ---
  testName(test: TestName): string;
  adjusted(p: string): string;
  rate(rate: string, level: string, interval: string, accepted: string, offers: string): string;
  difference(points: string, level: string, lower: string, upper: string): string;
  readonly finding: FindingWords;
}

/** The findings' titles and texts, one pair per kind; numbers formatted, names as the report shows them. */
export interface FindingWords {
  bandTitle(band: string | null): string;
  bandText(rate: string, band: string | null, reason: string | null): string;
  benchmarkTitle(industry: string, standing: 'above' | 'below' | 'consistent'): string;
  benchmarkText(industry: string, source: string, benchmark: string, rate: string, gap: string, standing: 'above' | 'below' | 'consistent', p: string): string;
  targetTitle(standing: 'above' | 'below' | 'consistent'): string;
  targetText(rate: string, gap: string, target: string, standing: 'above' | 'below' | 'consistent'): string;
  segmentTitle(dimension: string, value: string, side: Side): string;
  segmentText(dimension: string, value: string, rate: string, rest: string, difference: string, correction: string, p: string): string;
  offerTitle(best: boolean, offer: string): string;
  offerText(offer: string, shrunken: string, interval: string, accepted: string, offers: string, raw: string, overall: string, probability: string): string;
  notRanked(threshold: number, list: string): string;
  channelTitle(best: string, worst: string): string;
  channelText(best: string, bestRate: string, worst: string, worstRate: string, difference: string): string;
  outOfControlTitle(period: string, side: Side): string;
  outOfControlText(period: string, rate: string, side: Side, limit: string, chart: string, alarm: boolean): string;
  runTitle(side: Side): string;
  runText(period: string, side: Side, centre: string): string;
  periodTitle(period: string, drop: boolean, previous: string): string;
  periodText(period: string, previous: string, difference: string): string;
  trendTitle(direction: 'rising' | 'falling'): string;
  trendText(periods: number, from: string, to: string, direction: 'rising' | 'falling', slope: string, p: string, seasonal: boolean): string;
}
