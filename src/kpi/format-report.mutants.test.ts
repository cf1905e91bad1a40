// The report as `uprate report` prints it (table, Markdown, CSV, JSON), on a report written out by
// hand: the headline's sentences, every column's text, the notes on intervals and provisional rows,
// and the footnotes of partial periods. For `npm run mutate`: these texts were only read by the CLI
// suites under test/, which Stryker does not run per mutant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport, partialNotes } from './format-report.js';
import type { KpiCell, Report, ReportRow } from './report.js';

const CELL: KpiCell = {
  offers: 1234, accepted: 222, pending: 0, rate: 0.18, lower: 0.16, upper: 0.2, band: 'moderate', judgement: 'moderate',
  method: 'wilson', variance: 'binomial', designEffect: 1, provisional: false, pendingShare: 0,
  customersOffered: 900, customersConverted: 200, customerRate: 200 / 900, revenue: 4321.5,
};

const row = (period: string, size: string | null, over: Partial<ReportRow> = {}): ReportRow => ({ ...CELL, period, segment: { account_size: size }, ...over });

/** Quarters from 2024-11-22 up to 2025-05-01 (exclusive): both ends cut a quarter. */
function quarterly(over: Partial<Report> = {}): Report {
  return {
    asOf: '2025-05-02T08:30:45.000Z', from: '2024-11-22T00:00:00.000Z', to: '2025-05-01T00:00:00.000Z', grain: 'quarter', by: ['account_size'],
    offerType: null, windowDays: 30, level: 0.95, interval: 'wilson', thresholds: { strong: 0.2, poor: 0.1 },
    total: { ...CELL, designEffect: 1.5, variance: 'customer-clustered' },
    rows: [
      row('2024-10-01', 'smb', { partial: true, method: 'exact', offers: 12, accepted: 3, rate: 0.25, lower: 0.05, upper: 0.57, band: 'strong', judgement: 'indeterminate' }),
      row('2025-01-01', null, { partial: false, band: 'poor', judgement: 'poor', rate: 0.05, lower: 0.03, upper: 0.08 }),
      row('2025-04-01', 'enterprise', { partial: true, provisional: true, pending: 40, pendingShare: 0.25, rate: null, lower: null, upper: null, band: null, judgement: null, offers: 160, accepted: 0, revenue: 0 }),
    ],
    ...over,
  } as Report;
}

/** A table's lines as cells: columns are two or more spaces apart. */
const cellsOf = (line: string) => line.trim().split(/ {2,}/);

test('the table: the headline, then one line per row with every column as a person reads it', () => {
  const lines = formatReport(quarterly(), 'table').split('\n');
  assert.deepEqual(lines.slice(0, 4), [
    'Upsell / cross-sell conversion — 2024-11-22 to 2025-04-30, 30-day conversion window, as of 2025-05-02 08:30 UTC',
    '  conversion rate  18.0%  (95% interval 16.0%–20.0% [customer-clustered, design effect 1.50], band moderate: strong > 20%, poor < 10%)',
    '  offers 1,234, accepted 222, pending 0',
    '  customers offered 900, converted 200 (customer conversion 22.2%), expansion revenue $4,321.50',
  ]);
  assert.equal(lines[4], '');
  assert.deepEqual(cellsOf(lines[5] ?? ''), ['period', 'account_size', 'offers', 'accepted', 'pending', 'rate', '95% interval', 'band', 'customers conv./offered', 'revenue', 'note']);
  assert.match(lines[6] ?? '', /^-+( {2}-+)+$/);
  assert.deepEqual(cellsOf(lines[7] ?? ''), ['2024-10-01 *', 'smb', '12', '3', '0', '25.0%', '5.0%–57.0%', 'indeterminate (point: strong)', '200/900', '$4,321.50']);
  assert.deepEqual(cellsOf(lines[8] ?? ''), ['2025-01-01', '(none)', '1,234', '222', '0', '5.0%', '3.0%–8.0%', 'poor', '200/900', '$4,321.50']);
  assert.deepEqual(cellsOf(lines[9] ?? ''), ['2025-04-01 *', 'enterprise', '160', '0', '40', '—', '—', '—', '200/900', '$0.00', 'provisional (25% open)']);
  assert.deepEqual(lines.slice(10), [
    '',
    '* 2024-10-01: partial quarter — only 2024-11-22 to 2024-12-31 are in the range (2024-11-22 to 2025-04-30); its counts are of those days.',
    '* 2025-04-01: partial quarter — only 2025-04-01 to 2025-04-30 are in the range (2024-11-22 to 2025-04-30); its counts are of those days.',
    '',
  ]);
});

test('the headline: one offer type, a model-defined window, no customers, provisional, exact, no band, no offers', () => {
  const total: KpiCell = { ...CELL, method: 'exact', provisional: true, pending: 7, judgement: null, band: null, customersOffered: null, customersConverted: null, customerRate: null };
  const text = formatReport(quarterly({ offerType: 'upsell', windowDays: null, grain: null, by: [], total, level: 0.9, rows: [] }), 'table');
  assert.equal(
    text,
    [
      'Upsell / cross-sell conversion (upsell only) — 2024-11-22 to 2025-04-30, acceptance as your model defines it, as of 2025-05-02 08:30 UTC',
      '  conversion rate  18.0%  (90% interval 16.0%–20.0% [exact], band none: strong > 20%, poor < 10%)',
      '  offers 1,234, accepted 222, pending 7 — provisional: some offers are still inside their window',
      '  customers: not available (the KPI binding names no customer dimension), expansion revenue $4,321.50',
      '',
    ].join('\n'),
  );
  const empty = formatReport(quarterly({ from: null, to: null, grain: null, by: [], rows: [], total: { ...CELL, revenue: 0, customersOffered: null, customersConverted: null } }), 'table');
  assert.match(empty, /^Upsell \/ cross-sell conversion — no offers, 30-day conversion window,/);
  assert.match(empty, /\n {2}customers: not available \(the KPI binding names no customer dimension\)\n$/, 'no revenue: none mentioned');
});

test('a report without grain or breakdown has no table; rows without partial periods have no footnotes', () => {
  const plain = formatReport(quarterly({ grain: null, by: [] }), 'table');
  assert.equal(plain.split('\n').length, 5, plain);
  assert.doesNotMatch(formatReport(quarterly({ grain: null, by: [] }), 'md'), /\|/);
  // A plain Wilson interval over independent offers carries no note.
  assert.match(formatReport(quarterly({ total: CELL }), 'table'), /\(95% interval 16\.0%–20\.0%, band moderate:/);
  const whole = quarterly({ rows: [row('2025-01-01', 'smb', { partial: false })] });
  assert.deepEqual(partialNotes(whole), []);
  assert.doesNotMatch(formatReport(whole, 'table'), /partial/);
  assert.deepEqual(partialNotes(quarterly({ grain: null })), []);
});

test('a partial period of one day says so', () => {
  const oneDay = quarterly({ from: '2025-03-31T00:00:00.000Z', to: '2025-04-02T00:00:00.000Z', grain: 'month', rows: [row('2025-03-01', 'smb', { partial: true }), row('2025-04-01', 'smb', { partial: true })] });
  assert.deepEqual(partialNotes(oneDay), [
    '* 2025-03-01: partial month — only 2025-03-31 is in the range (2025-03-31 to 2025-04-01); its counts are of that day.',
    '* 2025-04-01: partial month — only 2025-04-01 is in the range (2025-03-31 to 2025-04-01); its counts are of that day.',
  ]);
});

test('Markdown: the headline bold then as a list, a table with right-aligned numbers, asterisks and bars escaped', () => {
  const md = formatReport(quarterly({ rows: [row('2024-10-01', 'a|b', { partial: true })] }), 'md', { currency: 'EUR' }).split('\n');
  assert.equal(md[0], '# Upsell / cross-sell conversion report');
  assert.equal(md[2], '**Upsell / cross-sell conversion — 2024-11-22 to 2025-04-30, 30-day conversion window, as of 2025-05-02 08:30 UTC**');
  assert.equal(md[3], '- conversion rate  18.0%  (95% interval 16.0%–20.0% [customer-clustered, design effect 1.50], band moderate: strong > 20%, poor < 10%)');
  assert.equal(md[5], '- customers offered 900, converted 200 (customer conversion 22.2%), expansion revenue €4,321.50');
  assert.equal(md[7], '| period | account_size | offers | accepted | pending | rate | 95% interval | band | customers conv./offered | revenue | note |');
  assert.equal(md[8], '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  assert.equal(md[9], '| 2024-10-01 \\* | a\\|b | 1,234 | 222 | 0 | 18.0% | 16.0%–20.0% | moderate | 200/900 | €4,321.50 |  |');
  assert.equal(md[11], '\\* 2024-10-01: partial quarter — only 2024-11-22 to 2024-12-31 are in the range (2024-11-22 to 2025-04-30); its counts are of those days.');
});

test('CSV: period and partial columns only with a grain, nulls empty; JSON is the report itself', () => {
  const csv = formatReport(quarterly({ rows: [row('2025-04-01', null, { partial: true, rate: null, lower: null, upper: null })] }), 'csv').split('\n');
  assert.equal(csv[0], 'period,account_size,offers,accepted,pending,rate,lower,upper,band,provisional,pending_share,customers_offered,customers_converted,customer_rate,revenue,band_judgement,interval_method,design_effect,partial');
  assert.equal(csv[1], `2025-04-01,,1234,222,0,,,,moderate,false,0,900,200,${200 / 900},4321.5,moderate,wilson,1,true`);
  const flat = formatReport(quarterly({ grain: null, rows: [row('2025-04-01', 'smb')] }), 'csv').split('\n');
  assert.match(flat[0] ?? '', /^account_size,offers,.*,design_effect$/);
  assert.match(flat[1] ?? '', /^smb,1234,/);
  const report = quarterly();
  assert.deepEqual(JSON.parse(formatReport(report, 'json')), report);
});

test('numbers are right-aligned under their titles; text columns left-aligned', () => {
  const lines = formatReport(quarterly(), 'table').split('\n');
  const header = lines[5] ?? '';
  const endOf = (title: string) => header.indexOf(title) + title.length;
  for (const line of lines.slice(7, 10)) {
    // Each number ends where its title ends.
    for (const title of ['offers', 'accepted', 'pending', 'revenue']) {
      const end = endOf(title);
      assert.notEqual(line[end - 1] ?? ' ', ' ', `${title} in ${JSON.stringify(line)}`);
      assert.equal(line[end] ?? ' ', ' ', `${title} in ${JSON.stringify(line)}`);
    }
    // The segment starts where its title starts.
    assert.notEqual(line[header.indexOf('account_size')], ' ', line);
  }
});

test('no rows: the headline only, even with a grain or a breakdown; no footnotes: no blank line after the table', () => {
  for (const over of [{ rows: [] }, { rows: [], grain: null }]) {
    assert.equal(formatReport(quarterly(over), 'table').split('\n').length, 5);
    assert.doesNotMatch(formatReport(quarterly(over), 'md'), /\|/);
  }
  const whole = formatReport(quarterly({ rows: [row('2025-01-01', 'smb', { partial: false })] }), 'table');
  assert.match(whole, /\$4,321\.50\n$/, 'ends with the row');
  const md = formatReport(quarterly({ rows: [row('2025-01-01', 'smb', { partial: false })] }), 'md');
  assert.match(md, /\$4,321\.50 \| {2}\|\n$/, "ends with the row");
});

test('the interval note names both an exact interval and the customer clustering; no customers: no customers column', () => {
  const total: KpiCell = { ...CELL, method: 'exact', variance: 'customer-clustered', designEffect: 2.25 };
  assert.match(formatReport(quarterly({ total }), 'table'), /\(95% interval 16\.0%–20\.0% \[exact; customer-clustered, design effect 2\.25\], band moderate/);
  const anonymous = quarterly({ total: { ...CELL, customersOffered: null, customersConverted: null, customerRate: null } });
  assert.doesNotMatch(formatReport(anonymous, 'table'), /customers conv\./);
  assert.doesNotMatch(formatReport(anonymous, 'md'), /customers conv\./);
  // A range without an end is no range.
  assert.match(formatReport(quarterly({ to: null }), 'table'), /^Upsell \/ cross-sell conversion — no offers,/);
});

test('a row without a period (offers without a date) and without a partial flag', () => {
  const r = { ...row('x', 'smb'), period: null } as unknown as ReportRow;
  const csv = formatReport(quarterly({ rows: [r] }), 'csv').split('\n');
  assert.match(csv[1] ?? '', /^,smb,1234,/);
  assert.match(csv[1] ?? '', /,false$/, 'partial: false when not marked');
  assert.match(formatReport(quarterly({ rows: [r] }), 'md'), /\n\| {2}\| smb \| 1,234 \|/);
});

test('Markdown: blank lines between the title, the headline, the table and each footnote', () => {
  const md = formatReport(quarterly({ rows: [row('2024-10-01', 'smb', { partial: true })] }), 'md').split('\n');
  assert.equal(md[1], '');
  assert.equal(md[6], '');
  assert.equal(md[10], '');
  assert.match(md[11] ?? '', /^\\\* 2024-10-01: partial quarter/);
  assert.equal(md[12], '');
  assert.equal(md.length, 13);
});
