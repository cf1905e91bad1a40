/**
 * The propensity printouts on fabricated documents: the expected text is written by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HoldoutMetrics, OpportunitiesResponse, PropensityReport } from '../propensity/types.js';
import { opportunitiesCsv } from '../propensity/opportunities-table.js';
import { aucText, formatOpportunities, formatPropensityReport, gainText, instantText, liftText } from './propensity-format.js';

const metrics = (auc: number, brier: number, lift: number): HoldoutMetrics => ({
  auc: { value: auc, lower: auc - 0.03, upper: auc + 0.03 },
  brier,
  logLoss: 0.4,
  calibration: [
    { bin: 1, offers: 100, accepted: 2, meanPredicted: 0.021, observed: 0.02, lower: 0.0055, upper: 0.0700 },
    { bin: 2, offers: 100, accepted: 30, meanPredicted: 0.28, observed: 0.3, lower: 0.2189, upper: 0.3958 },
  ],
  topDecileLift: { value: lift, lower: lift - 0.4, upper: lift + 0.5 },
});

const REPORT: PropensityReport = {
  asOf: '2025-07-10T00:00:00.000Z',
  windowDays: 30,
  cutoff: '2025-04-10',
  holdoutEnd: '2025-07-10',
  sample: { fraction: 1, customers: 1200, offers: 20000, totalOffers: 20000, note: "Trained on every customer's offers (20,000)." },
  features: [
    { member: 'Customers.lifecycleStage', title: 'Lifecycle Stage', kind: 'category' },
    { member: 'Customers.engagementScore', title: 'Engagement Score', kind: 'number' },
  ],
  historyFeatures: ['log(1 + upsells before)'],
  offers: [
    {
      offerName: 'Extra seats',
      train: { offers: 4210, accepted: 612, from: '2023-07-01', to: '2025-04-09' },
      holdout: { offers: 1050, accepted: 160, from: '2025-04-10', to: '2025-06-30' },
      model: metrics(0.712, 0.118, 2.41),
      baseline: metrics(0.623, 0.124, 1.72),
      baselineSegment: 'Customers.lifecycleStage',
      aucGain: { value: 0.089, lower: 0.05, upper: 0.128 },
      used: 'model',
      verdict: 'The model beats the segment rate.',
    },
    {
      offerName: 'Training workshop',
      train: { offers: 80, accepted: 4, from: '2023-07-01', to: '2025-04-09' },
      holdout: { offers: 20, accepted: 1, from: '2025-04-10', to: '2025-06-30' },
      model: null,
      baseline: metrics(0.55, 0.05, 1.1),
      baselineSegment: null,
      aucGain: null,
      used: 'segment rate',
      verdict: 'Too few acceptances to fit a model: ranked by the segment rate.',
    },
  ],
  overall: { model: metrics(0.7, 0.11, 2.2), baseline: metrics(0.6, 0.12, 1.6) },
  caveat: 'Propensity is not uplift.',
  upliftPlan: { baseRate: 0.15, detectableLift: 0.2, offersPerArm: 2880, text: '2,880 offers per arm detect 15.0 % → 18.0 %.' },
  trainingMs: 1234,
};

test('a midnight instant is shown as its day; any other instant as given', () => {
  assert.equal(instantText('2025-03-10T00:00:00.000Z'), '2025-03-10');
  assert.equal(instantText('2025-03-10T12:30:00.000Z'), '2025-03-10T12:30:00.000Z');
});

test('estimates: AUC to three places, lift with ×, a gain with real minus signs', () => {
  assert.equal(aucText({ value: 0.7123, lower: 0.681, upper: 0.7444 }), '0.712 [0.681–0.744]');
  assert.equal(liftText({ value: 2.413, lower: 2.02, upper: 2.871 }), '2.41× [2.02–2.87]');
  assert.equal(gainText({ value: 0.0891, lower: -0.012, upper: 0.19 }), '+0.089 [−0.012, +0.190]');
});


test('uprate propensity: per offer the model beside the baseline, the verdict and the predictor used; pooled; then the sample, caveat and plan', () => {
  assert.equal(
    formatPropensityReport(REPORT),
    [
      'Propensity: which customers are ready to grow',
      'As of 2025-07-10T00:00:00.000Z, 30-day conversion window. Time-based holdout: trained on offers made before 2025-04-10, tested on offers from 2025-04-10 to 2025-07-10.',
      '',
      'Extra seats',
      '  train: 4,210 offers (612 accepted), 2023-07-01 – 2025-04-09; holdout: 1,050 offers (160 accepted), 2025-04-10 – 2025-06-30',
      '  Predictor                               AUC [95% CI]   Brier  Top-decile lift [95% CI]',
      '  -------------------------------  -------------------  ------  ------------------------',
      '  model (used)                     0.712 [0.682–0.742]  0.1180         2.41× [2.01–2.91]',
      '  segment rate by Lifecycle Stage  0.623 [0.593–0.653]  0.1240         1.72× [1.32–2.22]',
      '  AUC gain of the model: +0.089 [+0.050, +0.128]',
      '  Verdict: The model beats the segment rate.',
      '  Ranked by: model',
      '',
      'Training workshop',
      '  train: 80 offers (4 accepted), 2023-07-01 – 2025-04-09; holdout: 20 offers (1 accepted), 2025-04-10 – 2025-06-30',
      '  Predictor                   AUC [95% CI]   Brier  Top-decile lift [95% CI]',
      '  -------------------  -------------------  ------  ------------------------',
      '  model                         not fitted       —                         —',
      '  segment rate (used)  0.550 [0.520–0.580]  0.0500         1.10× [0.70–1.60]',
      '  Verdict: Too few acceptances to fit a model: ranked by the segment rate.',
      '  Ranked by: segment rate',
      '',
      'All offers pooled',
      '  Predictor            AUC [95% CI]   Brier  Top-decile lift [95% CI]',
      '  ------------  -------------------  ------  ------------------------',
      '  model         0.700 [0.670–0.730]  0.1100         2.20× [1.80–2.70]',
      '  segment rate  0.600 [0.570–0.630]  0.1200         1.60× [1.20–2.10]',
      '',
      'Attributes: Lifecycle Stage, Engagement Score; history: log(1 + upsells before).',
      'Training took 1.2 s.',
      "Sample: Trained on every customer's offers (20,000).",
      '',
      'Propensity is not uplift.',
      'Randomized holdout: 2,880 offers per arm detect 15.0 % → 18.0 %.',
      '',
    ].join('\n'),
  );
});

test('--calibration adds the deciles of each predictor: predicted, observed and its Wilson interval', () => {
  const text = formatPropensityReport({ ...REPORT, offers: REPORT.offers.slice(1) }, { calibration: true });
  const start = text.indexOf('  Calibration of the segment rate');
  assert.equal(
    text.slice(start, text.indexOf('\nAttributes:')),
    [
      '  Calibration of the segment rate (holdout deciles)',
      '  Decile  Offers  Accepted  Predicted  Observed  95% interval',
      '  ------  ------  --------  ---------  --------  ------------',
      '       1     100         2       2.1%      2.0%     0.5%–7.0%',
      '       2     100        30      28.0%     30.0%   21.9%–39.6%',
      '',
    ].join('\n'),
  );
  // One offer: no pooled table; a model not fitted has no deciles.
  assert.ok(!text.includes('All offers pooled'));
  assert.ok(!text.includes('Calibration of the model'));
});

const OPPORTUNITIES: OpportunitiesResponse = {
  report: REPORT,
  customersScored: 1180,
  customersWithOpenOffers: 20,
  sort: 'probability',
  rows: [
    {
      rank: 1,
      customer: 'C-0042',
      offerName: 'Extra seats',
      probability: 0.412,
      lower: 0.35,
      upper: 0.477,
      expectedRevenue: 1234.4,
      drivers: [
        { feature: 'Lifecycle Stage = expansion', contribution: 0.823 },
        { feature: 'Engagement Score', contribution: -0.4 },
      ],
      attributes: { 'Customers.lifecycleStage': 'expansion', 'Customers.engagementScore': 91 },
      predictor: 'model',
    },
    {
      rank: 2,
      customer: '=cmd',
      offerName: 'Extra seats',
      probability: 0.3,
      lower: 0.25,
      upper: 0.36,
      expectedRevenue: null,
      drivers: [],
      attributes: { 'Customers.lifecycleStage': null, 'Customers.engagementScore': 40, 'Customers.region': 'europe, west' },
      predictor: 'model',
    },
  ],
};

test('uprate opportunities: the ranked customers, how many were left out, the predictor and verdict, then the caveat', () => {
  assert.equal(
    formatOpportunities(OPPORTUNITIES),
    [
      'Ready to grow: Extra seats, ranked by probability of accepting',
      '',
      '#  Customer  Offer        Probability  95% interval  Expected revenue  Top drivers',
      '-  --------  -----------  -----------  ------------  ----------------  -------------------------------------------------------------',
      '1  C-0042    Extra seats        41.2%   35.0%–47.7%             1,234  Lifecycle Stage = expansion (+0.82); Engagement Score (-0.40)',
      '2  =cmd      Extra seats        30.0%   25.0%–36.0%                 —  —',
      '',
      '1,180 customers scored; 20 holding an open offer left out.',
      'Extra seats: ranked by the model. The model beats the segment rate.',
      '',
      "Sample: Trained on every customer's offers (20,000).",
      '',
      'Propensity is not uplift.',
      'Randomized holdout: 2,880 offers per arm detect 15.0 % → 18.0 %.',
      '',
    ].join('\n'),
  );
});

test('the CSV for a CRM: fixed columns, then the attributes (the features first); formula-safe, quoted where needed', () => {
  assert.equal(
    opportunitiesCsv(OPPORTUNITIES),
    [
      'rank,customer,offer,probability,lower,upper,expected_revenue,driver_1,driver_2,driver_3,predictor,Customers.lifecycleStage,Customers.engagementScore,Customers.region',
      '1,C-0042,Extra seats,0.412,0.35,0.477,1234.4,Lifecycle Stage = expansion (+0.82),Engagement Score (-0.40),,model,expansion,91,',
      "2,'=cmd,Extra seats,0.3,0.25,0.36,,,,,model,,40,\"europe, west\"",
      '',
    ].join('\n'),
  );
});
