/**
 * The report's "Time to accept" and "Segments over time" sections: the numbers of the functions
 * behind GET /api/v1/time-to-accept and /api/v1/timeseries?by=, checked once more by plain SQL on
 * the store, printed in the report's language, in tables that scroll sideways on a phone.
 *
 * Five offers (as monthly-report.test.ts): smb c1 Jun 5 accepted a day later, c3 May 1 accepted a
 * day later, c4 May 20 declined; enterprise c2 Jun 10 declined, c5 May 31 declined.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { demoContext } from '../../test/judgements/demo-context.js';
import { segmentTimeseries, timeToAccept, type KpiContext } from '../insights/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import type { DuckDbStore } from '../store/index.js';
import { formatter } from './format.js';
import { collectMonthlyReport, type MonthlyReport } from './monthly-report.js';
import { twoMonthStore } from './report-fixture.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';
import { acceptanceDays, segmentsOverTimeTable, timeToAcceptTable } from './report-tables.js';

let store: DuckDbStore;
let ctx: KpiContext;
let report: MonthlyReport;
const NBSP = '\u00a0';

before(async () => {
  store = await twoMonthStore();
  ctx = demoContext(store, await loadModel(shippedModelDir()), new Date('2025-07-15T00:00:00Z'));
  report = await collectMonthlyReport(ctx, { month: '2025-06' });
});

after(async () => {
  await store?.close();
});

const june = { from: '2025-06-01', to: '2025-06-30', offerType: null, filters: [] };

test('time to accept: the API function\'s curve, by the first panel dimension', async () => {
  const tta = report.timeToAccept;
  assert.ok(tta, 'the shipped model binds days to accept');
  assert.equal(tta.by, 'Customers.accountSize');
  const api = await timeToAccept(ctx, june, { by: 'Customers.accountSize' });
  assert.deepEqual(tta.segments, api.segments);
  assert.equal(tta.windowDays, 30);
  assert.deepEqual(acceptanceDays(30), [7, 14, 30]);
  assert.deepEqual(acceptanceDays(10), [7, 10]);
});

test('time to accept: the same shares as plain SQL (no offer still open: accepted within d days ÷ offers)', async () => {
  const rows = await store.query<{ segment: string; offers: bigint | number; d7: bigint | number; d30: bigint | number }>(`
    SELECT c.account_size AS segment, count(*) AS offers,
           count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND floor(epoch(o.accepted_at - o.offered_at) / 86400) < 7) AS d7,
           count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND floor(epoch(o.accepted_at - o.offered_at) / 86400) < 30) AS d30
    FROM offers o JOIN customers c USING (customer_id)
    WHERE o.offered_at >= '2025-06-01' AND o.offered_at < '2025-07-01'
    GROUP BY 1 ORDER BY 1`);
  assert.equal(rows.length, 2);
  for (const row of rows) {
    const seg = report.timeToAccept?.segments.find((s) => s.label === row.segment);
    assert.ok(seg, row.segment);
    assert.equal(seg.offers, Number(row.offers));
    assert.equal(seg.open, 0);
    assert.equal(seg.points.find((p) => p.days === 7)?.share, Number(row.d7) / Number(row.offers), `${row.segment} day 7`);
    assert.equal(seg.points.find((p) => p.days === 30)?.share, Number(row.d30) / Number(row.offers), `${row.segment} day 30`);
  }
  // By hand: smb's one June offer was accepted after a day, enterprise's declined.
  assert.deepEqual(rows.map((r) => [r.segment, Number(r.d7)]), [['enterprise', 0], ['smb', 1]]);
});

test('time to accept: the table prints the API\'s numbers in German', () => {
  const tta = report.timeToAccept;
  assert.ok(tta);
  const f = formatter('de-DE', { translate: true });
  const t = timeToAcceptTable(tta, f);
  assert.deepEqual(t.head, ['Segment', 'Angebote', 'Tag 7', 'Tag 14', 'Tag 30 (Fensterende)', 'Noch offen']);
  const smb = tta.segments.find((s) => s.label === 'smb');
  const day7 = smb?.points.find((p) => p.days === 7);
  assert.ok(day7);
  const row = t.rows.find((r) => r[0] === 'smb');
  assert.equal(row?.[2], `${f.percent(day7.share)} (${f.interval(day7.lower, day7.upper)})`);
  assert.equal(row?.[2]?.startsWith(`100,0${NBSP}%`), true);
});

test('segments over time: the API function\'s series over the trend\'s 13 months, and the hand count', async () => {
  const sot = report.segmentsOverTime;
  assert.ok(sot);
  const api = await segmentTimeseries(ctx, { ...june, from: '2024-06-01' }, { grain: 'month', by: 'Customers.accountSize' });
  assert.deepEqual(sot.segments, api.segments);
  assert.equal(sot.points.length, 13);
  const at = (label: string, month: string) => sot.segments?.find((s) => s.label === label)?.points.find((p) => p.period === month);
  // May: smb o3 accepted, o4 declined → 1 of 2; enterprise o5 declined → 0 of 1. June: smb 1 of 1, enterprise 0 of 1.
  assert.deepEqual([at('smb', '2025-05-01')?.accepted, at('smb', '2025-05-01')?.offers], [1, 2]);
  assert.deepEqual([at('enterprise', '2025-05-01')?.accepted, at('enterprise', '2025-05-01')?.offers], [0, 1]);
  assert.equal(at('smb', '2025-06-01')?.rate, 1);
  assert.equal(at('enterprise', '2025-06-01')?.rate, 0);
  const f = formatter('fr-FR', { translate: true });
  const t = segmentsOverTimeTable(sot, f);
  assert.deepEqual(t.head, ['Mois', 'Toutes les offres', 'smb', 'enterprise']);
  assert.deepEqual(t.rows.at(-2), ['mai 2025', `33,3${NBSP}%`, `50,0${NBSP}%`, `0,0${NBSP}%`]);
});

test('the sections in HTML (scrolling tables, no fixed width) and Markdown, translated', () => {
  const html = renderReportHtml(report, { locale: 'de-DE', email: true });
  assert.ok(html.includes('<h2>Zeit bis zur Annahme</h2>'));
  assert.ok(html.includes('<h2>Segmente im Zeitverlauf</h2>'));
  for (const section of ['time-to-accept', 'segments-over-time']) {
    const part = html.slice(html.indexOf(`data-section="${section}"`));
    assert.match(part, /^data-section="[a-z-]+"><p class="meta">[^<]+<\/p><div class="table-scroll"><table>/, section);
  }
  assert.match(html, /\.table-scroll\{overflow-x:auto/);
  assert.doesNotMatch(html.slice(html.indexOf('<body>')), /width:\s*\d+px|<table[^>]*width=/);
  assert.doesNotMatch(html, /uprate report --/, 'no CLI command in the emailed report');
  const fr = renderReportHtml(report, { locale: 'fr-FR', email: true });
  assert.ok(fr.includes('<h2>Délai d’acceptation</h2>') && fr.includes('<h2>Segments dans le temps</h2>'));
  const md = renderReportMarkdown(report, { locale: 'fr-FR' });
  assert.match(md, /^## Délai d’acceptation$/m);
  assert.match(md, /^\| Segment \| Offres \| Jour 7 \| Jour 14 \| Jour 30 \(fin de fenêtre\) \| Encore ouvertes \|$/m);
  assert.ok(md.includes(`| mai 2025 | 33,3${NBSP}% | 50,0${NBSP}% | 0,0${NBSP}% |`));
  const en = renderReportMarkdown(report);
  assert.match(en, /^## Time to accept$/m);
  assert.match(en, /^\| smb \| 1 \| 100\.0% \(/m);
  assert.match(en, /^## Segments over time$/m);
});
