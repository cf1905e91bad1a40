/**
 * The sentences under each number, shared by the dashboard and the report so both say the same
 * thing in the same words. Pure.
 */
import type { BreakdownResponse, KpiResponse, TimeseriesResponse } from '../insights/api-types.js';
import type { Formatter } from './format.js';

const INDUSTRY_NAMES: Readonly<Record<string, string>> = { saas: 'SaaS', retail: 'retail', consumer_goods: 'consumer goods' };

export function industryName(industry: string): string {
  return INDUSTRY_NAMES[industry] ?? industry.replace(/_/g, ' ');
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The band word on the headline: the interval's judgement, or the two bands it spans. */
export function bandWords(k: KpiResponse): { cls: string; text: string; title: string } {
  const b = k.band;
  if (b.judgement === null) return { cls: 'band-none', text: 'no offers', title: 'No offers in this selection' };
  if (b.judgement === 'indeterminate') {
    return { cls: `band-${b.band ?? 'none'} band-unsure`, text: `${b.spans.join(' / ')}?`, title: b.reason ?? 'The interval spans two bands' };
  }
  return { cls: `band-${b.judgement}`, text: b.judgement, title: `The whole interval lies in the ${b.judgement} band (poor < ${pct(b.thresholds.poor)} ≤ moderate ≤ ${pct(b.thresholds.strong)} < strong)` };
}

/** "+0.5 pts vs previous Jun 1 – Jun 30 (17.4%): not significant, p = 0.14" and its direction. */
export function changeSentence(k: KpiResponse, f: Formatter): { direction: 'up' | 'down' | 'flat' | 'none'; points: string; rest: string; verdict: string } {
  const change = k.change;
  if (!change || change.differencePoints === null || !k.previous) return { direction: 'none', points: '', rest: 'No earlier offers to compare with.', verdict: '' };
  const direction = !change.significant ? 'flat' : change.differencePoints > 0 ? 'up' : 'down';
  return {
    direction,
    points: f.points(change.differencePoints),
    rest: ` vs previous ${f.day(k.previous.from)} – ${f.day(k.previous.to)} (${f.percent(k.previous.rate)}): `,
    verdict: change.significant ? `significant, ${f.pValue(change.pValue)}` : `not significant, ${f.pValue(change.pValue)}`,
  };
}

/** One paragraph on the trend test, control-chart signals and provisional periods. */
export function trendSummary(ts: TimeseriesResponse, f: Formatter): string {
  const parts: string[] = [];
  const t = ts.trend;
  if (t.direction && t.pValue !== null) {
    parts.push(
      t.direction === 'flat'
        ? `No significant trend over the last ${t.periods} complete ${ts.grain}s (${f.pValue(t.pValue)}).`
        : `Rate ${t.direction} ${f.points(t.slopePoints)} per ${ts.grain} over the last ${t.periods} complete ${ts.grain}s (${f.pValue(t.pValue)}).`,
    );
  } else if (t.note) parts.push(t.note);
  const out = ts.points.filter((p) => p.outOfControl);
  if (out.length) parts.push(`${out.length} ${out.length === 1 ? 'period is' : 'periods are'} outside the control limits: ${out.map((p) => `${f.period(p.period, ts.grain)} (${p.outOfControl})`).join(', ')}.`);
  else if (ts.points.some((p) => p.charted)) parts.push('Every complete period is inside the control limits.');
  const prov = ts.points.filter((p) => p.provisional);
  if (prov.length) parts.push(`${prov.map((p) => f.period(p.period, ts.grain)).join(', ')}: provisional, kept out of the limits and alarms.`);
  if (ts.controlChart.note) parts.push(ts.controlChart.note);
  return parts.join(' ');
}

const CORRECTION_NAMES = { holm: 'Holm', bh: 'Benjamini–Hochberg', bonferroni: 'Bonferroni' } as const;

/** The χ² verdict across a dimension's segments and what the markers mean. */
export function breakdownSummary(bd: BreakdownResponse, f: Formatter): string {
  const hm = bd.homogeneity;
  const flagged = bd.rows.filter((r) => r.vsRest.direction);
  if (hm.pValue === null) return hm.groups < 2 ? 'Only one segment has offers in this selection.' : 'Not enough offers to compare segments.';
  const head = hm.significant
    ? `Segments differ (χ² = ${f.count(hm.statistic)}, ${f.pValue(hm.pValue)}).`
    : `No significant difference between segments (${f.pValue(hm.pValue)}).`;
  const which = flagged.length ? ` ▲ above / ▼ below the rest after ${CORRECTION_NAMES[bd.correction.method]} correction across ${bd.correction.size}.` : '';
  return head + which;
}
