/**
 * A finding (GET /api/v1/insights) as the report shows it: its title, its text and the test behind
 * it. In English, the API's own title and text; in another language they are worded from the
 * finding's structured fields (`kind`, `numbers`, `test`) in that language's phrases
 * (statistics-words.ts), every number by the report's Formatter. Pure.
 *
 *   findingWords(insight, formatter('de-DE', { translate: true })).title
 *   // "Kundenstatus Enterprise konvertiert besser als der Rest"
 */
import type { Insight } from '../insights/api-types.js';
import { industryName } from '../core/display.js';
import { testNameOf } from './api-phrases.js';
import type { Formatter } from './format.js';
import type { StatisticsWords } from './statistics-words.js';

export interface FindingWords {
  readonly title: string;
  readonly text: string;
  /** "pooled two-proportion z test, adjusted p = 0.003"; null for a descriptive finding. */
  readonly test: string | null;
}

const CORRECTIONS: Readonly<Record<string, string>> = { holm: 'Holm', bh: 'Benjamini–Hochberg', bonferroni: 'Bonferroni' };

export function findingWords(i: Insight, f: Formatter): FindingWords {
  const s = f.words.statistics;
  if (!s) return { title: i.title, text: i.text, test: englishTest(i, f) };
  const worded = translated(i, f, s);
  const t = i.test;
  const p = !t ? null : t.adjustedPValue !== null ? s.adjusted(f.pValue(t.adjustedPValue)) : t.pValue !== null ? f.pValue(t.pValue) : null;
  const test = t ? [s.testName(testNameOf(t.name, (x) => f.decimal(x, 1))), p].filter(Boolean).join(', ') : null;
  // A kind this report does not know yet (a newer server): its test still in words, its text as sent.
  return worded ? { ...worded, test } : { title: i.title, text: i.text, test };
}

function englishTest(i: Insight, f: Formatter): string | null {
  const t = i.test;
  if (!t) return null;
  return `${t.name}${t.adjustedPValue !== null ? `, adjusted ${f.pValue(t.adjustedPValue)}` : t.pValue !== null ? `, ${f.pValue(t.pValue)}` : ''}`;
}

type Numbers = Insight['numbers'];
const num = (n: Numbers, key: string): number | null => (typeof n[key] === 'number' ? (n[key] as number) : null);
const str = (n: Numbers, key: string): string | null => (typeof n[key] === 'string' ? (n[key] as string) : null);
const standingOf = (n: Numbers): 'above' | 'below' | 'consistent' => {
  const v = str(n, 'standing');
  return v === 'above' || v === 'below' ? v : 'consistent';
};

function translated(i: Insight, f: Formatter, s: StatisticsWords): { title: string; text: string } | null {
  const n = i.numbers;
  const w = s.finding;
  const level = f.percent(num(n, 'level') ?? 0.95, 0);
  const rate = (r = 'rate', lower = 'lower', upper = 'upper') =>
    num(n, 'offers') === null || num(n, 'accepted') === null ? f.percent(num(n, r)) : s.rate(f.percent(num(n, r)), level, f.interval(num(n, lower), num(n, upper)), f.count(num(n, 'accepted')), f.count(num(n, 'offers')));
  const bound = (x: number | null) => (x === null ? f.percent(null) : f.points(x * 100).replace(` ${f.words.points}`, ''));
  const difference = (lower: string, upper: string) => `${s.difference(f.points(num(n, 'differencePoints')), level, bound(num(n, lower)), bound(num(n, upper)))}${testSuffix(i, f, s)}`;
  const month = (key: string) => {
    const v = str(n, key);
    return v ? f.period(v, 'month') : f.period('', 'month');
  };
  const side = (): 'above' | 'below' => (str(n, 'side') === 'above' ? 'above' : 'below');
  switch (i.kind) {
    case 'band': {
      const judged = str(n, 'judgement');
      const band = judged === 'strong' || judged === 'moderate' || judged === 'poor' ? f.words.band[judged] : null;
      const lower = num(n, 'lower');
      const upper = num(n, 'upper');
      const reason = judged === 'indeterminate' && lower !== null && upper !== null ? s.bandTitle({ kind: 'spans', interval: f.interval(lower, upper), bands: spannedBands(n, f) }) : null;
      return { title: w.bandTitle(band), text: w.bandText(rate(), band, reason ? lowerFirst(reason) : null) };
    }
    case 'benchmark': {
      const code = str(n, 'industry') ?? i.id.replace(/^benchmark:/, '');
      const industry = industryName(code);
      const standing = standingOf(n);
      return {
        title: w.benchmarkTitle(industry, standing),
        text: w.benchmarkText(industry, str(n, 'source') ?? '', f.percent(num(n, 'benchmark'), 0), rate(), f.points(num(n, 'gapPoints')), standing, f.pValue(i.test?.pValue)),
      };
    }
    case 'target': {
      const standing = standingOf(n);
      return { title: w.targetTitle(standing), text: w.targetText(rate(), f.points(num(n, 'gapPoints')), f.percent(num(n, 'target')), standing) };
    }
    case 'segment_above':
    case 'segment_below': {
      const dimension = str(n, 'dimensionTitle');
      const value = str(n, 'segment');
      if (dimension === null || value === null) return null;
      const method = CORRECTIONS[str(n, 'correctionMethod') ?? 'holm'] ?? 'Holm';
      const diff = `${s.difference(f.points(num(n, 'differencePoints')), level, bound(num(n, 'differenceLower')), bound(num(n, 'differenceUpper')))}${testSuffix(i, f, s, false)}`;
      return {
        title: w.segmentTitle(dimension, value, i.kind === 'segment_above' ? 'above' : 'below'),
        text: w.segmentText(dimension, value, rate(), f.percent(num(n, 'restRate')), diff, method, f.pValue(i.test?.adjustedPValue)),
      };
    }
    case 'best_offer':
    case 'worst_offer': {
      const offer = str(n, 'offer') ?? '';
      const best = i.kind === 'best_offer';
      const unranked = num(n, 'unranked') ?? 0;
      const threshold = num(n, 'smallSampleThreshold');
      const text = w.offerText(
        offer,
        f.percent(num(n, 'shrunkenRate')),
        f.interval(num(n, 'lower'), num(n, 'upper')),
        f.count(num(n, 'accepted')),
        f.count(num(n, 'offers')),
        f.percent(num(n, 'rate')),
        f.percent(num(n, 'overallRate')),
        f.percent(num(n, 'probabilityToBeatOverall'), 0),
      );
      return { title: w.offerTitle(best, offer), text: best && unranked > 0 && threshold !== null ? text + w.notRanked(threshold, f.count(unranked)) : text };
    }
    case 'channel_gap': {
      const best = (str(n, 'best') ?? '').replace(/_/g, ' ');
      const worst = (str(n, 'worst') ?? '').replace(/_/g, ' ');
      return { title: w.channelTitle(best, worst), text: w.channelText(best, f.percent(num(n, 'bestRate')), worst, f.percent(num(n, 'worstRate')), difference('lower', 'upper')) };
    }
    case 'out_of_control': {
      const period = month('period');
      if (str(n, 'rule') === 'run') return { title: w.runTitle(side()), text: w.runText(period, side(), f.percent(num(n, 'centreLine'))) };
      if (str(n, 'side') === null) return null;
      const limit = f.percent(num(n, side() === 'below' ? 'lcl' : 'ucl'));
      const chart = i.test ? s.testName(testNameOf(i.test.name, (x) => f.decimal(x, 1))) : s.chartName('p');
      return { title: w.outOfControlTitle(period, side()), text: w.outOfControlText(period, f.percent(num(n, 'rate')), side(), limit, chart, num(n, 'alarm') !== 0) };
    }
    case 'period_drop':
    case 'period_rise': {
      const period = month('period');
      const previous = month('previousPeriod');
      return { title: w.periodTitle(period, i.kind === 'period_drop', previous), text: w.periodText(period, previous, difference('lower', 'upper')) };
    }
    case 'trend': {
      const direction = str(n, 'direction') ?? ((num(n, 'slopePoints') ?? 0) < 0 ? 'falling' : 'rising');
      if (direction !== 'rising' && direction !== 'falling') return null;
      const slope = num(n, 'slopePoints');
      return {
        title: w.trendTitle(direction),
        text: w.trendText(num(n, 'periods') ?? 0, month('from'), month('to'), direction, slope === null ? f.points(null) : signedPoints(slope, f), f.pValue(num(n, 'pValue')), num(n, 'seasonal') === 1),
      };
    }
    default:
      return null;
  }
}

/** ", pooled two-proportion z test p = 0.01" in the report's words (`withP` false: the name only). */
function testSuffix(i: Insight, f: Formatter, s: StatisticsWords, withP = true): string {
  if (!i.test) return '';
  const name = s.testName(testNameOf(i.test.name, (x) => f.decimal(x, 1)));
  return withP ? `, ${name} ${f.pValue(i.test.pValue)}` : `, ${name}`;
}

/** A slope in points with two decimals: "+0,12 Prozentpunkte". */
function signedPoints(p: number, f: Formatter): string {
  const size = f.decimal(Math.abs(p), 2);
  const sign = Number(Math.abs(p).toFixed(2)) === 0 ? '' : p > 0 ? '+' : '−';
  return `${sign}${size} ${f.words.points}`;
}

/** The bands the interval reaches into (`spans`, "moderate strong"), in the report's words. */
function spannedBands(n: Numbers, f: Formatter): string[] {
  const words = f.words.band;
  return (str(n, 'spans') ?? '').split(' ').flatMap((b) => (b === 'strong' || b === 'moderate' || b === 'poor' ? [words[b]] : []));
}

const lowerFirst = (t: string) => t.charAt(0).toLowerCase() + t.slice(1);
