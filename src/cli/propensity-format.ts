/**
 * The propensity answers as people read them (`uprate propensity`, `uprate opportunities`): pure
 * functions of the documents the engine and GET /api/v1/propensity|opportunities give, so the
 * direct path and the path through a server print the same text. Every printout ends with the
 * sample note, the caveat (propensity is not uplift) and the randomized holdout's size.
 */
import { count, interval, NO_NUMBER, percent, signed } from '../core/display.js';
import { alignedTable } from '../core/text-table.js';
import type { CalibrationBin, Estimate, HoldoutMetrics, OfferValidation, OpportunitiesResponse, PropensityReport } from '../propensity/types.js';
import { driverText } from '../propensity/opportunities-table.js';

/** 0.7123 → "0.712 [0.681–0.744]". */
export function aucText(e: Estimate): string {
  return `${e.value.toFixed(3)} [${e.lower.toFixed(3)}–${e.upper.toFixed(3)}]`;
}

/** 2.413 → "2.41× [2.02–2.87]". */
export function liftText(e: Estimate): string {
  return `${e.value.toFixed(2)}× [${e.lower.toFixed(2)}–${e.upper.toFixed(2)}]`;
}

/** An AUC difference: "+0.089 [−0.012, +0.190]" (real minus signs, a comma: the ends may differ in sign). */
export function gainText(e: Estimate): string {
  return `${signed(e.value, 3)} [${signed(e.lower, 3)}, ${signed(e.upper, 3)}]`;
}

const METRIC_TITLES = ['Predictor', 'AUC [95% CI]', 'Brier', 'Top-decile lift [95% CI]'];
const METRIC_RIGHT = [false, true, true, true];

function metricCells(name: string, m: HoldoutMetrics | null): string[] {
  if (m === null) return [name, 'not fitted', NO_NUMBER, NO_NUMBER];
  return [name, aucText(m.auc), m.brier.toFixed(4), liftText(m.topDecileLift)];
}

const indent = (lines: readonly string[], by = '  ') => lines.map((l) => (l ? `${by}${l}` : l));

/** The deciles of one predictor: predicted against observed, with the observed share's Wilson interval. */
export function calibrationTable(bins: readonly CalibrationBin[]): string[] {
  return alignedTable(
    ['Decile', 'Offers', 'Accepted', 'Predicted', 'Observed', '95% interval'],
    bins.map((b) => [String(b.bin), count(b.offers), count(b.accepted), percent(b.meanPredicted), percent(b.observed), interval(b.lower, b.upper)]),
    [true, true, true, true, true, true],
  );
}

function offerBlock(o: OfferValidation, features: PropensityReport['features'], calibration: boolean): string[] {
  const used = (p: OfferValidation['used']) => (o.used === p ? ' (used)' : '');
  const segment = o.baselineSegment ? (features.find((f) => f.member === o.baselineSegment)?.title ?? o.baselineSegment) : null;
  const baselineName = `segment rate${segment ? ` by ${segment}` : ''}${used('segment rate')}`;
  const lines = [
    o.offerName,
    ...indent([
      `train: ${count(o.train.offers)} offers (${count(o.train.accepted)} accepted), ${o.train.from} – ${o.train.to}; holdout: ${count(o.holdout.offers)} offers (${count(o.holdout.accepted)} accepted), ${o.holdout.from} – ${o.holdout.to}`,
      ...alignedTable(METRIC_TITLES, [metricCells(`model${used('model')}`, o.model), metricCells(baselineName, o.baseline)], METRIC_RIGHT),
      ...(o.aucGain ? [`AUC gain of the model: ${gainText(o.aucGain)}`] : []),
      `Verdict: ${o.verdict}`,
      `Ranked by: ${o.used}`,
    ]),
  ];
  if (calibration) {
    for (const [name, m] of [['model', o.model], ['segment rate', o.baseline]] as const) {
      if (m && m.calibration.length > 0) lines.push('', ...indent([`Calibration of the ${name} (holdout deciles)`, ...calibrationTable(m.calibration)]));
    }
  }
  return lines;
}

/** The closing lines of every printout: the sample, the caveat and the randomized holdout. */
export function closingLines(report: PropensityReport): string[] {
  return [`Sample: ${report.sample.note}`, '', report.caveat, `Randomized holdout: ${report.upliftPlan.text}`];
}

/** An ISO instant as the header says it: a midnight UTC as its day (`2025-04-10`), else as given. */
export function instantText(iso: string): string {
  return iso.replace(/^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/, '$1');
}

/** `uprate propensity`: per offer the model beside the segment-rate baseline on the time holdout. */
export function formatPropensityReport(report: PropensityReport, options: { readonly calibration?: boolean } = {}): string {
  const calibration = options.calibration === true;
  const lines = [
    'Propensity: which customers are ready to grow',
    `As of ${report.asOf}, ${report.windowDays}-day conversion window. Time-based holdout: trained on offers made before ${instantText(report.cutoff)}, tested on offers from ${instantText(report.cutoff)} to ${instantText(report.holdoutEnd)}.`,
    '',
  ];
  if (report.offers.length === 0) lines.push('No offer has enough history to validate a model.', '');
  for (const o of report.offers) lines.push(...offerBlock(o, report.features, calibration), '');
  if (report.offers.length > 1) {
    lines.push(
      'All offers pooled',
      ...indent(alignedTable(METRIC_TITLES, [metricCells('model', report.overall.model), metricCells('segment rate', report.overall.baseline)], METRIC_RIGHT)),
    );
    if (calibration) {
      const pooled = report.overall.model ?? report.overall.baseline;
      if (pooled && pooled.calibration.length > 0) lines.push('', ...indent([`Calibration, all offers (${report.overall.model ? 'model' : 'segment rate'})`, ...calibrationTable(pooled.calibration)]));
    }
    lines.push('');
  }
  const features = report.features.map((f) => f.title);
  lines.push(
    `Attributes: ${features.length ? features.join(', ') : 'none'}${report.historyFeatures.length ? `; history: ${report.historyFeatures.join(', ')}` : ''}.`,
    `Training took ${(report.trainingMs / 1000).toFixed(1)} s.`,
    ...closingLines(report),
  );
  return `${lines.join('\n')}\n`;
}

/** An expected revenue as people read it: whole units with thousands separators; null → —. */
export function revenueText(value: number | null): string {
  return value === null ? NO_NUMBER : Math.round(value).toLocaleString('en-US');
}

/** `uprate opportunities --format table`: the ranked customers, then how they were ranked and what it does not mean. */
export function formatOpportunities(response: OpportunitiesResponse): string {
  const { report } = response;
  const offers = [...new Set(response.rows.map((r) => r.offerName))];
  const lines = [
    `Ready to grow: ${offers.length === 1 ? offers[0] : 'each customer’s best offer'}, ranked by ${response.sort === 'revenue' ? 'expected revenue (probability × the offer’s mean accepted revenue)' : 'probability of accepting'}`,
    '',
  ];
  if (response.rows.length === 0) lines.push('No customer to rank: everyone in the selection holds an open offer, or there are no customers.');
  else {
    lines.push(
      ...alignedTable(
        ['#', 'Customer', 'Offer', 'Probability', '95% interval', 'Expected revenue', 'Top drivers'],
        response.rows.map((r) => [String(r.rank), r.customer, r.offerName, percent(r.probability), interval(r.lower, r.upper), revenueText(r.expectedRevenue), r.drivers.map(driverText).join('; ') || NO_NUMBER]),
        [true, false, false, true, true, true, false],
      ),
    );
  }
  lines.push('', `${count(response.customersScored)} customers scored; ${count(response.customersWithOpenOffers)} holding an open offer left out.`);
  for (const name of offers) {
    const v = report.offers.find((o) => o.offerName === name);
    if (v) lines.push(`${name}: ranked by the ${v.used}. ${v.verdict}`);
  }
  lines.push('', ...closingLines(report));
  return `${lines.join('\n')}\n`;
}
