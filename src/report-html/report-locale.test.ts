/**
 * The monthly report in German and French (`--locale de-DE|fr-FR`): the words from the catalogue
 * (messages.ts), numbers and dates by Intl, revenue in the config's currency. Five offers, counted
 * by hand (as monthly-report.test.ts): June 1 of 2 accepted (50.0%), May 1 of 3 (33.3%); June's
 * accepted offer brought 10 of revenue.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoContext } from '../../test/judgements/demo-context.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import type { DuckDbStore } from '../store/index.js';
import { collectMonthlyReport, type MonthlyReport } from './monthly-report.js';
import { twoMonthStore } from './report-fixture.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';
import { messagesFor } from './messages.js';
import { reportSummary, summaryText } from '../reports-delivery/report-summary.js';

let store: DuckDbStore;
let usd: MonthlyReport;
let eur: MonthlyReport;
const NBSP = '\u00a0';

before(async () => {
  store = await twoMonthStore();
  const ctx = demoContext(store, await loadModel(shippedModelDir()), new Date('2025-07-15T00:00:00Z'));
  usd = await collectMonthlyReport(ctx, { month: '2025-06' });
  eur = await collectMonthlyReport(ctx, { month: '2025-06', currency: 'EUR' });
});

after(async () => {
  await store?.close();
});

test('the currency of revenue: USD by default, the config\'s when named', () => {
  assert.equal(usd.currency, 'USD');
  assert.equal(eur.currency, 'EUR');
  assert.ok(renderReportHtml(usd).includes('<div class="label">Expansion revenue</div><div class="value">$10</div>'));
  assert.ok(renderReportHtml(eur).includes('<div class="label">Expansion revenue</div><div class="value">€10</div>'));
  assert.ok(renderReportMarkdown(eur).includes('| €10 |'));
  // An interval over all three bands reads as plain words, not "POOR / MODERATE / STRONG?".
  assert.ok(renderReportHtml(usd).includes('>between poor and strong</span>'));
});

test('German: the words translated, "50,0 %" and "33,3 %", euros after the number', () => {
  const html = renderReportHtml(eur, { locale: 'de-DE' });
  assert.ok(html.includes('<html lang="de-DE">'));
  assert.ok(html.includes('<h1>Upsell- &amp; Cross-Sell-Konversion — Juni 2025</h1>'));
  for (const heading of ['Verlauf', 'Nach Segment', 'Angebotsrangliste', 'Was auffällt']) assert.ok(html.includes(`<h2>${heading}</h2>`), heading);
  assert.ok(html.includes('>zwischen schwach und stark</span>'));
  assert.ok(html.includes(`data-rate="0.5">50,0${NBSP}%</span>`), 'the headline rate in German');
  assert.ok(html.includes(`ggü. dem Vormonat, Mai 2025 (33,3${NBSP}%)`), 'the change against May');
  assert.ok(html.includes('nicht signifikant'));
  assert.ok(html.includes('1 von 2 Angeboten angenommen innerhalb von 30 Tagen'));
  assert.ok(html.includes(`<div class="label">Expansionsumsatz</div><div class="value">10${NBSP}€</div>`));
  assert.ok(html.includes('Geschrumpfte Rate'));
  // Nothing is left in English: the statistical sentences, the findings and the chart's legend are German.
  assert.doesNotMatch(html, /data-note="untranslated"|lang="en"/);
  assert.ok(html.includes('<p class="trend-words">Keine Trendrichtung — dafür braucht es mindestens drei Monate mit Angeboten. Regelkarte: p-Karte'), 'the trend test and the control chart');
  assert.ok(html.includes('Jede abgeschlossene Periode liegt innerhalb der Kontrollgrenzen.'));
  assert.ok(html.includes('<strong>Einstufung: noch nicht bestimmt</strong><div>Die Konversionsrate beträgt 50,0'), 'the band finding, worded from its fields');
  assert.ok(html.includes('>Kontrollgrenzen (3σ)</text>'), 'the chart legend');
  const text = visibleText(html);
  for (const english of ['significant', 'control limits', 'projected', 'provisional', 'still filling in', 'trend test', 'control chart', 'interval', 'offers', 'the', 'of', 'and']) {
    const at = text.search(new RegExp(`\\b${english}\\b`, 'i'));
    assert.equal(at, -1, `"${english}" left in the German report: …${text.slice(Math.max(0, at - 80), at + 80)}…`);
  }
  const md = renderReportMarkdown(eur, { locale: 'de-DE' });
  assert.match(md, /^# Upsell- & Cross-Sell-Konversion — Juni 2025$/m);
  assert.ok(md.includes(`**Konversionsrate 50,0${NBSP}%**`));
  assert.match(md, /^## Verlauf$/m);
  assert.match(md, /^\| Monat \| Rate \| Intervall \| Angenommen \/ Angebote \|/m);
});

test('French: the words translated, numbers the French way', () => {
  const html = renderReportHtml(eur, { locale: 'fr-FR' });
  assert.ok(html.includes('Carte de contrôle : carte p, choisie car les périodes ne varient pas plus que le hasard'), 'the control chart');
  assert.ok(html.includes('Chaque période complète est à l’intérieur des limites de contrôle.'));
  assert.ok(html.includes('juin 2025 : +16,7 points par rapport à mai 2025 : non significatif (p ajusté = 1).'), 'the latest change');
  assert.ok(html.includes('<strong>Niveau : pas encore déterminé</strong>'), 'the band finding');
  assert.ok(!visibleText(html).toLowerCase().includes('significant'));
  assert.ok(html.includes('<h1>Conversion upsell et cross-sell — juin 2025</h1>'));
  for (const heading of ['Évolution', 'Par segment', 'Classement des offres', 'Ce qui ressort']) assert.ok(html.includes(`<h2>${heading}</h2>`), heading);
  assert.ok(html.includes(`par rapport au mois précédent, mai 2025 (33,3${NBSP}%)`), 'the change against May');
  assert.ok(html.includes('non significatif'));
  assert.ok(html.includes('1 offres acceptées sur 2 sous 30 jours'));
  assert.ok(html.includes('Revenu d’expansion'));
});

/** What a reader sees: the text outside tags and styles (the chart's SVG text included), class and data names left out. */
function visibleText(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;/g, ' ').replace(/\s+/g, ' ');
}

/** A month still filling in on the 20th of June: its sentences in German and French. */
test('a provisional month: the headline note and the trend say so in German and French', async () => {
  const ctx = demoContext(store, await loadModel(shippedModelDir()), new Date('2025-06-20T00:00:00Z'));
  const report = await collectMonthlyReport(ctx, { month: '2025-06' });
  const de = renderReportHtml(report, { locale: 'de-DE' });
  assert.ok(de.includes('Juni 2025: bisher 50,0'), 'the rate so far');
  assert.ok(de.includes('Sie bleibt bei den Kontrollgrenzen und Alarmen außen vor.'));
  assert.ok(de.includes('Juni 2025 ggü. Mai 2025: nicht bewertet: noch offen.'));
  assert.ok(de.includes('Vorläufige Perioden sind grau hinterlegt'));
  const text = visibleText(de).toLowerCase();
  for (const english of ['provisional', 'projected', 'still filling in', 'significant']) assert.ok(!text.includes(english), english);
  const fr = renderReportHtml(report, { locale: 'fr-FR' });
  assert.ok(fr.includes('juin 2025 : 50,0'), fr.slice(fr.indexOf('trend-words'), fr.indexOf('trend-words') + 400));
  assert.ok(fr.includes('Elle est tenue à l’écart des limites et des alertes.'));
  assert.ok(fr.includes('Les périodes provisoires sont ombrées en gris'));
});

test('an untranslated language keeps English words with its own number format', () => {
  const html = renderReportHtml(usd, { locale: 'es-ES' });
  assert.ok(html.includes('<h2>Trend</h2>'));
  assert.ok(html.includes(`50,0${NBSP}%`));
  assert.doesNotMatch(html, /data-note="untranslated"/);
});

test('the emailed summary speaks the report\'s language', () => {
  const summary = reportSummary(eur, { name: 'monthly', key: 'k', locale: 'de-DE', publicUrl: 'https://uprate.example', sentAt: new Date('2025-07-02T08:00:00Z') });
  assert.equal(summary.title, 'Upsell- & Cross-Sell-Konversion — Juni 2025');
  assert.ok(summary.headline.startsWith(`50,0${NBSP}% (95${NBSP}% Intervall `), summary.headline);
  const text = summaryText(summary, messagesFor('de-DE'));
  assert.match(text, /^Konversionsrate: 50,0/m);
  assert.match(text, /^Vormonat: /m);
  assert.match(text, /^In uprate öffnen: https:\/\/uprate\.example/m);
});
