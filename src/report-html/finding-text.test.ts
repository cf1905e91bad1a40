/**
 * The findings in German and French: worded from each finding's kind, numbers and test — the API's
 * English title and text are kept for English only. One finding of every kind, built as
 * src/insights/find-insights.ts builds them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Insight } from '../insights/api-types.js';
import { findingWords } from './finding-text.js';
import { formatter } from './format.js';

const NBSP = '\u00a0';
const finding = (kind: Insight['kind'], id: string, numbers: Insight['numbers'], test: Insight['test'] = null): Insight => ({
  id,
  kind,
  severity: 'info',
  title: `English title of ${kind}`,
  text: `English text of ${kind}, significant, the offers.`,
  numbers,
  impact: null,
  test,
  link: null,
});
const testOf = (name: string, pValue: number | null, adjustedPValue: number | null = null): Insight['test'] => ({ name, statistic: null, pValue, adjustedPValue, correction: null });

const ALL: Insight[] = [
  finding('band', 'band', { rate: 0.18, lower: 0.14, upper: 0.27, offers: 200, accepted: 36, band: 'moderate', judgement: 'indeterminate', spans: 'moderate strong', level: 0.95 }),
  finding('benchmark', 'benchmark:saas', { rate: 0.12, lower: 0.1, upper: 0.14, benchmark: 0.2, gapPoints: -8, offers: 900, source: 'Acme 2024', industry: 'saas', standing: 'below', accepted: 108, level: 0.95 }, testOf('one-sample score test against the benchmark', 0.0004)),
  finding('target', 'target', { rate: 0.18, target: 0.2, gapPoints: -2, standing: 'below', lower: 0.17, upper: 0.19, offers: 5000, accepted: 900, level: 0.95 }),
  finding(
    'segment_below',
    'segment_below:Customers.accountSize=smb',
    { rate: 0.1, lower: 0.08, upper: 0.12, offers: 1000, accepted: 100, restRate: 0.2, differencePoints: -10, adjustedLower: -0.13, adjustedUpper: -0.07, dimension: 'Customers.accountSize', dimensionTitle: 'Account size', segment: 'smb', differenceLower: -0.12, differenceUpper: -0.08, level: 0.95, correctionMethod: 'holm' },
    { name: 'pooled two-proportion z test', statistic: -8, pValue: 1e-9, adjustedPValue: 3e-9, correction: 'Holm' },
  ),
  finding('best_offer', 'best_offer:Gold', { offer: 'Gold', shrunkenRate: 0.3, lower: 0.25, upper: 0.35, rate: 0.31, offers: 400, accepted: 124, probabilityToBeatOverall: 0.99, overallRate: 0.2, unranked: 2, smallSampleThreshold: 30 }, testOf('empirical-Bayes Beta(4.0, 16.0) posterior', null)),
  finding('channel_gap', 'channel_gap:email-in_app', { best: 'in_app', worst: 'email', bestRate: 0.25, worstRate: 0.15, differencePoints: 10, lower: 0.06, upper: 0.14, worstOffers: 800, level: 0.95 }, testOf("Fisher's exact test", 0.002)),
  finding('out_of_control', 'out_of_control:2025-05-01', { period: '2025-05-01', rate: 0.1, centreLine: 0.18, lcl: 0.14, ucl: 0.22, offers: 900, sigmaZ: 1.4, rule: 'limits', side: 'below', alarm: 1 }, testOf('Laney p′-chart (3σ limits, 12 months)', null)),
  finding('out_of_control', 'run:2025-05-01', { period: '2025-05-01', centreLine: 0.18, rate: 0.16, offers: 900, rule: 'run', side: 'below' }, testOf('run rule (8 in a row on one side)', null)),
  finding('period_drop', 'period_drop:2025-05-01', { period: '2025-05-01', previousPeriod: '2025-04-01', differencePoints: -3, lower: -0.05, upper: -0.01, offers: 900, level: 0.95 }, testOf('pooled two-proportion z test', 0.001, 0.003)),
  finding('trend', 'trend:2025-05-01', { periods: 12, slopePoints: -0.25, z: -3, pValue: 0.004, dispersion: 1.3, offers: 900, from: '2024-06-01', to: '2025-05-01', direction: 'falling', seasonal: 1 }, testOf('seasonal quasi-binomial GLM', 0.004)),
];

test('every kind of finding in German, its numbers the German way, no English word', () => {
  const de = formatter('de-DE', { translate: true });
  const words = ALL.map((i) => findingWords(i, de));
  const [band, benchmark, target, segment, offer, channel, control, run, drop, trend] = words;
  assert.equal(band?.title, 'Einstufung: noch nicht bestimmt');
  assert.equal(band?.text, `Die Konversionsrate beträgt 18,0${NBSP}% (95${NBSP}%-Intervall 14,0${NBSP}%–27,0${NBSP}%, 36 von 200 Angeboten). Ihre Einstufung lässt sich nicht benennen: das Intervall 14,0${NBSP}%–27,0${NBSP}% reicht über mittel und stark.`);
  assert.equal(benchmark?.title, 'Kunden aus SaaS liegen unter ihrem Branchenvergleichswert');
  assert.ok(benchmark?.text.includes('das ganze Intervall liegt darunter (Score-Test p < 0,001).'), benchmark?.text);
  assert.equal(target?.title, 'Unter dem Ziel');
  assert.equal(segment?.title, 'Account size smb konvertiert schlechter als der Rest');
  assert.equal(
    segment?.text,
    `Account size = smb: 10,0${NBSP}% (95${NBSP}%-Intervall 8,0${NBSP}%–12,0${NBSP}%, 100 von 1.000 Angeboten) gegenüber 20,0${NBSP}% bei den übrigen Angeboten — −10,0 Prozentpunkte (95${NBSP}%-Intervall −12,0 bis −8,0), gepoolter z-Test für zwei Anteile; Holm-Korrektur, adjustiertes p < 0,001.`,
  );
  assert.equal(segment?.test, 'gepoolter z-Test für zwei Anteile, adjustiertes p < 0,001');
  assert.ok(offer?.text.endsWith('Nicht eingestuft (weniger als 30 Angebote): 2.'), offer?.text);
  assert.equal(channel?.title, 'Größte Lücke zwischen Kanälen: in app ggü. email');
  assert.ok(channel?.text.includes('exakter Test nach Fisher p = 0,002'), channel?.text);
  assert.equal(control?.title, 'Mai 2025 liegt unter seinen Kontrollgrenzen');
  assert.ok(control?.text.includes(`unteren Kontrollgrenze 14,0${NBSP}% der Laney-p′-Karte (3σ-Grenzen, 12 Monate)`), control?.text);
  assert.equal(run?.title, 'Eine Serie von Monaten unter der Mittellinie');
  assert.equal(drop?.title, 'Mai 2025 gesunken gegenüber Apr. 2025');
  assert.equal(drop?.test, 'gepoolter z-Test für zwei Anteile, adjustiertes p = 0,003');
  assert.equal(trend?.text, 'Über die letzten 12 abgeschlossenen Monate (Juni 2024 bis Mai 2025) fällt die Rate um −0,25 Prozentpunkte pro Monat (p = 0,004; die Saison ist berücksichtigt).');
  for (const w of words) assert.doesNotMatch(`${w.title} ${w.text} ${w.test ?? ''}`, /\b(significant|offers?|the|of|and|below|above|interval)\b/i, w.title);
});

test('every kind of finding in French', () => {
  const fr = formatter('fr-FR', { translate: true });
  const words = ALL.map((i) => findingWords(i, fr));
  assert.equal(words[3]?.title, 'Account size smb convertit moins bien que le reste');
  assert.ok(words[3]?.text.includes('correction de Holm, p ajusté < 0,001.'), words[3]?.text);
  assert.equal(words[6]?.title, 'mai 2025 est en dessous de ses limites de contrôle');
  assert.equal(words[9]?.title, 'La conversion est en baisse');
  for (const w of words) assert.doesNotMatch(`${w.title} ${w.text} ${w.test ?? ''}`, /\b(significant|offers?|the|of|and|below|above|interval)\b/i, w.title);
});

test('English keeps the API\'s own title and text', () => {
  const en = formatter('en-US', { translate: true });
  const w = findingWords(ALL[8] as Insight, en);
  assert.equal(w.title, 'English title of period_drop');
  assert.equal(w.test, 'pooled two-proportion z test, adjusted p = 0.003');
});
