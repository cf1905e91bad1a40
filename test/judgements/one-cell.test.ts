/**
 * One KPI cell, one chart: the CLI report, the API, the monthly (HTML) report, the dashboard's
 * time series and the alerts compute a rate's interval, band and control limits through the same
 * functions (`rateEstimate`, `controlVerdict`), so on the same data they say the same thing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { evaluateRules, ruleSchema } from '../../src/alerts/index.js';
import { generateDemo } from '../../src/demo/index.js';
import { kpiHeadline, timeseries, type KpiContext, type Selection } from '../../src/insights/index.js';
import { buildReport } from '../../src/kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../../src/model/index.js';
import { allAccess } from '../../src/query/index.js';
import { collectMonthlyReport } from '../../src/report-html/index.js';
import { controlVerdict, DEFAULT_BAND_THRESHOLDS } from '../../src/stats/index.js';
import { DuckDbStore } from '../../src/store/index.js';
import { demoContext } from './demo-context.js';

const END = new Date('2025-11-20T00:00:00Z');
/** June 2025 is complete (its last offers' windows closed on July 30). */
const AS_OF = new Date('2025-08-01T00:00:00Z');
const JUNE: Selection = { from: '2025-06-01', to: '2025-06-30', offerType: null, filters: [] };
let store: DuckDbStore;
let model: Model;

const ctx = (): KpiContext => demoContext(store, model, AS_OF);

before(async () => {
  store = await DuckDbStore.open(':memory:');
  model = await loadModel(shippedModelDir());
  await generateDemo(store, { rows: 80_000, seed: 7, end: END });
});
after(async () => store.close());

describe('the same month through every surface', () => {
  test('interval, design effect and band: API = CLI report = monthly report = time series = alert', async () => {
    const api = await kpiHeadline(ctx(), JUNE);
    assert.equal(api.interval.variance, 'customer-clustered');
    const cli = (await buildReport(store, allAccess('local'), { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z'), asOf: AS_OF })).total;
    const monthly = await collectMonthlyReport(ctx(), { month: '2025-06' });
    const series = await timeseries(ctx(), { ...JUNE, from: '2024-07-01' }, { grain: 'month' });
    const june = series.points.find((p) => p.period === '2025-06-01');
    const rules = [
      ruleSchema.parse({ name: 'poor', condition: { type: 'below', band: 'poor' } }),
      ruleSchema.parse({ name: 'chart', condition: { type: 'control-limit' } }),
    ];
    const results = await evaluateRules(store, model, rules, { at: AS_OF, bands: DEFAULT_BAND_THRESHOLDS });
    const finding = (name: string) => results.find((r) => r.rule.name === name)?.findings[0];
    const below = finding('poor');
    assert.equal(below?.period?.label, '2025-06');

    const cells = [
      ['api', api.offers, api.accepted, api.interval.lower, api.interval.upper, api.interval.designEffect, api.band.judgement],
      ['cli', cli.offers, cli.accepted, cli.lower, cli.upper, cli.designEffect, cli.judgement],
      ['monthly report', monthly.kpi.offers, monthly.kpi.accepted, monthly.kpi.interval.lower, monthly.kpi.interval.upper, monthly.kpi.interval.designEffect, monthly.kpi.band.judgement],
      ['time series', june?.offers, june?.accepted, june?.interval.lower, june?.interval.upper, june?.interval.designEffect, api.band.judgement],
      ['alert', below?.numbers['offers'], below?.numbers['accepted'], below?.numbers['lower'], below?.numbers['upper'], below?.numbers['designEffect'], api.band.judgement],
    ] as const;
    for (const [name, ...values] of cells) assert.deepEqual(values, cells[0].slice(1), `${name} differs from the API`);
    assert.equal(cli.method, api.interval.method);
  });

  test('control limits: the alert, the findings’ verdict and a time series of the same twelve months agree', async () => {
    const series = await timeseries(ctx(), { ...JUNE, from: '2024-07-01' }, { grain: 'month' });
    const charted = series.points.filter((p) => p.charted);
    assert.equal(charted.length, 12);
    const june = charted.at(-1);
    const verdict = controlVerdict(charted.map((p) => ({ k: p.accepted, n: p.offers })), { unit: 'month' });
    const results = await evaluateRules(store, model, [ruleSchema.parse({ name: 'chart', condition: { type: 'control-limit' } })], { at: AS_OF, bands: DEFAULT_BAND_THRESHOLDS });
    const alert = results[0]?.findings[0];
    assert.equal(alert?.period?.label, '2025-06');
    assert.deepEqual(
      [alert?.numbers['chart'], alert?.numbers['centre'], alert?.numbers['lowerLimit'], alert?.numbers['upperLimit'], alert?.numbers['sigmaZ']],
      [verdict.kind, verdict.centre, verdict.lower, verdict.upper, verdict.sigmaZ],
    );
    assert.deepEqual([series.controlChart.kind, series.controlChart.centreLine, june?.lcl, june?.ucl], [verdict.kind, verdict.centre, verdict.lower, verdict.upper]);
    // The same words: the alert's message carries the verdict's sentence.
    assert.ok(alert?.message.endsWith(verdict.sentence), `${alert?.message}\n${verdict.sentence}`);
    assert.equal(alert?.status === 'firing', verdict.alarm);
  });
});
