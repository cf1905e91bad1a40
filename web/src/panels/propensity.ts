/**
 * "Ready to grow", from GET /api/v1/opportunities: an offer picker, the top customers for the
 * offer (probability with its interval, expected revenue, the attributes that push it most), the
 * calibration chart of the predictor that ranks them (predicted against observed per holdout
 * decile, Wilson intervals, the diagonal for reference) with the deciles listed under it for the
 * keyboard and screen readers, the model-against-baseline verdict, and the caveat: propensity is
 * not uplift, with the size of the randomized holdout that would measure the offer's effect.
 */
import type { EChartsOption } from 'echarts';
import type { CalibrationBin, HoldoutMetrics, OpportunitiesResponse, Opportunity, PropensityReport } from '../../../src/propensity/types.js';
import type { Formatter } from '../../../src/report-html/format.js';
import { PALETTE } from '../../../src/report-html/palette.js';
import { driverText, opportunityTable } from '../../../src/propensity/opportunities-table.js';
import { mountChart } from '../charts-loader.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';

/** How many customers the panel lists. */
export const TOP_CUSTOMERS = 10;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The calibration the panel draws: the offer's ranking predictor, or (every offer) the pooled model's, else the baseline's. */
export function shownCalibration(report: PropensityReport, offer: string | null): { predictor: string; metrics: HoldoutMetrics } | null {
  if (offer !== null) {
    const v = report.offers.find((o) => o.offerName === offer);
    if (!v) return null;
    const metrics = v.used === 'model' ? v.model : v.baseline;
    return metrics ? { predictor: v.used, metrics } : null;
  }
  if (report.overall.model) return { predictor: 'model', metrics: report.overall.model };
  return report.overall.baseline ? { predictor: 'segment rate', metrics: report.overall.baseline } : null;
}

/** The verdict line: one offer's, or how many offers the model ranks. */
export function verdictText(report: PropensityReport, offer: string | null): string {
  if (offer !== null) {
    const v = report.offers.find((o) => o.offerName === offer);
    return v ? `${v.verdict} Ranked by the ${v.used}.` : '';
  }
  const byModel = report.offers.filter((o) => o.used === 'model').length;
  const total = report.offers.length;
  if (total === 0) return 'No offer has enough history to validate a model.';
  return `The model beats the segment-rate baseline for ${byModel} of ${total} offer${total === 1 ? '' : 's'}; the others are ranked by the segment rate. Pick an offer for its verdict.`;
}

/** The axis's end: the largest value shown, rounded up to the next 10 points (at most 100%). */
function axisMax(bins: readonly CalibrationBin[]): number {
  const top = Math.max(0.05, ...bins.flatMap((b) => [b.meanPredicted, b.upper]));
  return Math.min(1, Math.ceil(top * 10 + 1e-9) / 10);
}

/** The calibration chart: one dot per decile (predicted, observed), its Wilson interval as a bar, the diagonal dashed. */
export function calibrationOption(bins: readonly CalibrationBin[], f: Formatter, compact: boolean): EChartsOption {
  const max = axisMax(bins);
  const axis = (name: string) => ({
    type: 'value' as const,
    min: 0,
    max,
    name,
    nameLocation: 'middle' as const,
    nameGap: compact ? 24 : 30,
    nameTextStyle: { color: PALETTE.muted, fontSize: 11 },
    axisLabel: { formatter: (v: number) => f.percent(v, 0), color: PALETTE.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: PALETTE.grid } },
  });
  return {
    animation: false,
    textStyle: { fontFamily: FONT },
    grid: { left: 52, right: 16, top: 16, bottom: 44 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const b = bins[(params as { dataIndex?: number }).dataIndex ?? -1];
        return b ? decileText(b, f) : '';
      },
    },
    xAxis: axis('Predicted probability'),
    yAxis: axis('Observed rate'),
    series: [
      {
        name: 'perfect calibration',
        type: 'line',
        data: [
          [0, 0],
          [max, max],
        ],
        symbol: 'none',
        silent: true,
        lineStyle: { color: PALETTE.limit, type: 'dashed', width: 1 },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: PALETTE.rate, opacity: 0.45, width: 3, type: 'solid' },
          label: { show: false },
          data: bins.map((b) => [{ coord: [b.meanPredicted, b.lower] }, { coord: [b.meanPredicted, b.upper] }]),
        },
      },
      {
        name: 'observed',
        type: 'scatter',
        symbolSize: 8,
        itemStyle: { color: PALETTE.rate },
        data: bins.map((b) => [b.meanPredicted, b.observed]),
      },
    ],
  };
}

/** One decile in words: `Decile 3: predicted 12.0%, observed 14.1% (10.2%–19.0%), 21 of 149 offers`. */
export function decileText(b: CalibrationBin, f: Formatter): string {
  return `Decile ${b.bin}: predicted ${f.percent(b.meanPredicted)}, observed ${f.percent(b.observed)} (${f.interval(b.lower, b.upper)}), ${f.count(b.accepted)} of ${f.count(b.offers)} offers`;
}

function customerRow(r: Opportunity, f: Formatter, showOffer: boolean): HTMLTableRowElement {
  return h(
    'tr',
    {},
    h('td', { class: 'num' }, String(r.rank)),
    h('td', { 'data-testid': 'opportunity-customer' }, r.customer),
    showOffer ? h('td', {}, r.offerName) : null,
    h('td', { class: 'num', 'data-testid': 'opportunity-probability', 'data-value': String(r.probability) }, h('strong', {}, f.percent(r.probability)), h('small', {}, ` ${f.interval(r.lower, r.upper)}`)),
    h('td', { class: 'num hide-narrow' }, r.expectedRevenue === null ? '—' : f.money(r.expectedRevenue)),
    h('td', { class: 'drivers' }, r.drivers.length ? r.drivers.map(driverText).join('; ') : '—'),
  );
}

/**
 * Draws the answer for `offer` (null: each customer's best offer). `pick(offer)` asks again for
 * another offer (the page keeps the choice while its filters change).
 */
export async function showPropensity(panel: Panel, data: OpportunitiesResponse, f: Formatter, offer: string | null, pick: (offer: string | null) => void): Promise<void> {
  const { report } = data;
  const offers = report.offers.map((o) => o.offerName);
  const pickerId = `${panel.options.id}-offer`;
  const picker = h(
    'select',
    { id: pickerId, 'data-testid': 'propensity-offer', onchange: (e: Event) => pick((e.target as HTMLSelectElement).value || null) },
    h('option', { value: '', selected: offer === null }, 'Each customer’s best offer'),
    ...offers.map((name) => h('option', { value: name, selected: name === offer }, name)),
  );
  const rows = data.rows.slice(0, TOP_CUSTOMERS);
  const showOffer = offer === null;
  const table = rows.length
    ? h(
        'table',
        { class: 'opportunities', 'data-testid': 'opportunities' },
        h('caption', { class: 'sr-only' }, `Top ${rows.length} customers ${offer ? `for ${offer}` : 'for their best offer'}, by ${data.sort === 'revenue' ? 'expected revenue' : 'probability of accepting'}`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, '#'),
          h('th', { scope: 'col' }, 'Customer'),
          showOffer ? h('th', { scope: 'col' }, 'Offer') : null,
          h('th', { scope: 'col', class: 'num' }, 'Probability and interval'),
          h('th', { scope: 'col', class: 'num hide-narrow' }, 'Expected revenue'),
          h('th', { scope: 'col' }, 'Top drivers'))),
        h('tbody', {}, ...rows.map((r) => customerRow(r, f, showOffer))),
      )
    : h('p', { class: 'state state-empty' }, 'No customer to rank: everyone in this selection holds an open offer.');
  const shown = shownCalibration(report, offer);
  const chart = shown ? h('div', { class: 'chart chart-calibration', 'data-testid': 'calibration-chart' }) : null;
  if (chart) chart.style.height = '280px';
  const deciles = shown
    ? h('details', { class: 'segments-list' },
        h('summary', {}, 'Calibration deciles as a list'),
        h('ul', { 'data-testid': 'calibration-deciles' }, ...shown.metrics.calibration.map((b) => h('li', {}, decileText(b, f)))))
    : null;
  const auc = shown ? `AUC ${shown.metrics.auc.value.toFixed(2)} (${shown.metrics.auc.lower.toFixed(2)}–${shown.metrics.auc.upper.toFixed(2)}), top-decile lift ${shown.metrics.topDecileLift.value.toFixed(1)}×` : '';
  panel.ready(
    () => opportunityTable({ report, rows: data.rows }),
    h('div', { class: 'propensity-controls' }, h('label', { for: pickerId }, 'Offer '), picker),
    h('p', { class: 'verdict', 'data-testid': 'propensity-verdict' }, verdictText(report, offer)),
    h('div', { class: 'table-wrap' }, table),
    shown ? h('h3', { class: 'sub-title' }, `Calibration on the holdout (${shown.predictor}): ${auc}`) : h('p', { class: 'panel-sub' }, 'No calibration: nothing was validated for this offer.'),
    chart,
    deciles,
    h('p', { class: 'caveat', 'data-testid': 'propensity-caveat' }, h('strong', {}, 'Propensity is not uplift. '), report.caveat.replace(/^Propensity is not uplift\.\s*/, '')),
    h('p', { class: 'caveat' }, h('strong', {}, 'To measure the offer’s real effect: '), report.upliftPlan.text),
  );
  panel.setNote(`${report.sample.note} ${f.count(data.customersScored)} customers scored; ${f.count(data.customersWithOpenOffers)} holding an open offer left out. Validated on offers from ${report.cutoff.slice(0, 10)} to ${report.holdoutEnd.slice(0, 10)}.`);
  if (chart && shown) {
    const bins = shown.metrics.calibration;
    panel.addChart(await mountChart(chart, (compact) => calibrationOption(bins, f, compact), `Calibration: observed acceptance rate against predicted probability per decile, with 95% intervals; ${bins.length} deciles`));
  }
}
