import { count as int, interval, NO_NUMBER, NULL_VALUE, percent as pct } from '../core/display.js';
import { alignedTable, csvText } from '../core/text-table.js';
import { nextPeriod } from './grain.js';
import type { KpiCell, Report, ReportRow } from './report.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Marks a period the report's range covers only in part (footnoted under the table). */
const PARTIAL_MARK = ' *';

/** Revenue in the config's currency (ISO 4217, default USD) as the CLI writes it: "$1,234.50", "€1,234.50". */
export function moneyText(x: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
}

export interface FormatReportOptions {
  /** The currency of revenue in the table and Markdown (CSV and JSON keep plain numbers). */
  readonly currency?: string | undefined;
}

interface Column {
  readonly title: string;
  readonly right?: boolean;
  readonly value: (r: ReportRow) => string;
}

function columns(report: Report, money: (x: number) => string): Column[] {
  return [
    ...(report.grain ? [{ title: 'period', value: (r: ReportRow) => `${r.period ?? ''}${r.partial ? PARTIAL_MARK : ''}` }] : []),
    ...report.by.map((d) => ({ title: d, value: (r: ReportRow) => r.segment[d] ?? NULL_VALUE })),
    { title: 'offers', right: true, value: (r) => int(r.offers) },
    { title: 'accepted', right: true, value: (r) => int(r.accepted) },
    { title: 'pending', right: true, value: (r) => int(r.pending) },
    { title: 'rate', right: true, value: (r) => pct(r.rate) },
    { title: `${Math.round(report.level * 100)}% interval`, right: true, value: (r) => interval(r.lower, r.upper) },
    { title: 'band', value: (r) => bandText(r) },
    ...(report.total.customersOffered === null ? [] : [{ title: 'customers conv./offered', right: true, value: (r: ReportRow) => `${int(r.customersConverted ?? 0)}/${int(r.customersOffered ?? 0)}` }]),
    { title: 'revenue', right: true, value: (r) => money(r.revenue) },
    { title: 'note', value: (r) => (r.provisional ? `provisional (${pct(r.pendingShare, 0)} open)` : '') },
  ];
}

/** The band as the API judges it: named only when the whole interval lies in it. */
function bandText(c: KpiCell): string {
  if (c.judgement === null) return NO_NUMBER;
  return c.judgement === 'indeterminate' ? `indeterminate (point: ${c.band})` : c.judgement;
}

/** How the interval was made, when it is not the plain Wilson interval. */
function intervalNote(c: KpiCell): string {
  const parts = [
    ...(c.method === 'exact' ? ['exact'] : []),
    ...(c.variance === 'customer-clustered' ? [`customer-clustered, design effect ${c.designEffect.toFixed(2)}`] : []),
  ];
  return parts.length ? ` [${parts.join('; ')}]` : '';
}

const day = (iso: string) => iso.slice(0, 10);
/** The last day of a range that ends (exclusive) at `iso`. */
const dayBefore = (iso: string) => day(new Date(Date.parse(iso) - 1).toISOString());

function headline(report: Report, money: (x: number) => string): string[] {
  const t: KpiCell = report.total;
  const range = report.from && report.to ? `${day(report.from)} to ${dayBefore(report.to)}` : 'no offers';
  return [
    `Upsell / cross-sell conversion ${report.offerType ? `(${report.offerType} only) ` : ''}— ${range}, ${report.windowDays === null ? 'acceptance as your model defines it' : `${report.windowDays}-day conversion window`}, as of ${report.asOf.slice(0, 16).replace('T', ' ')} UTC`,
    `  conversion rate  ${pct(t.rate)}  (${Math.round(report.level * 100)}% interval ${interval(t.lower, t.upper)}${intervalNote(t)}, band ${t.judgement === null ? 'none' : bandText(t)}: strong > ${pct(report.thresholds.strong, 0)}, poor < ${pct(report.thresholds.poor, 0)})`,
    `  offers ${int(t.offers)}, accepted ${int(t.accepted)}, pending ${int(t.pending)}${t.provisional ? ' — provisional: some offers are still inside their window' : ''}`,
    t.customersOffered === null
      ? `  customers: not available (the KPI binding names no customer dimension)${report.total.revenue ? `, expansion revenue ${money(t.revenue)}` : ''}`
      : `  customers offered ${int(t.customersOffered)}, converted ${int(t.customersConverted ?? 0)} (customer conversion ${pct(t.customerRate)}), expansion revenue ${money(t.revenue)}`,
  ];
}

/**
 * One footnote per period the range covers only in part: "* 2024-10-01: partial quarter — only
 * 2024-11-22 to 2024-12-31 are in the range (2024-11-22 to 2026-12-01); its counts are of those days."
 */
export function partialNotes(report: Report): string[] {
  const { grain, from, to } = report;
  if (!grain || !from || !to) return [];
  const periods = [...new Set(report.rows.filter((r) => r.partial && r.period).map((r) => r.period as string))];
  return periods.map((period) => {
    const start = Date.parse(`${period}T00:00:00Z`);
    const end = nextPeriod(new Date(start), grain).toISOString();
    const first = start < Date.parse(from) ? day(from) : period;
    const last = Date.parse(end) > Date.parse(to) ? dayBefore(to) : dayBefore(end);
    const covered = first === last ? `only ${first} is` : `only ${first} to ${last} are`;
    return `${PARTIAL_MARK.trim()} ${period}: partial ${grain} — ${covered} in the range (${day(from)} to ${dayBefore(to)}); its counts are of ${first === last ? 'that day' : 'those days'}.`;
  });
}

function textTable(report: Report, money: (x: number) => string): string {
  const cols = columns(report, money);
  const cells = report.rows.map((r) => cols.map((c) => c.value(r)));
  const out = [...headline(report, money)];
  if (report.rows.length > 0 && (report.grain || report.by.length)) {
    out.push('', ...alignedTable(cols.map((c) => c.title), cells, cols.map((c) => c.right ?? false)));
    const notes = partialNotes(report);
    if (notes.length) out.push('', ...notes);
  }
  return `${out.join('\n')}\n`;
}

function csv(report: Report): string {
  const head = [...(report.grain ? ['period'] : []), ...report.by, 'offers', 'accepted', 'pending', 'rate', 'lower', 'upper', 'band', 'provisional', 'pending_share', 'customers_offered', 'customers_converted', 'customer_rate', 'revenue', 'band_judgement', 'interval_method', 'design_effect', ...(report.grain ? ['partial'] : [])];
  const rows = report.rows.map((r) => [
    ...(report.grain ? [r.period ?? ''] : []),
    ...report.by.map((d) => r.segment[d] ?? null),
    r.offers, r.accepted, r.pending, r.rate, r.lower, r.upper, r.band, r.provisional, r.pendingShare,
    r.customersOffered, r.customersConverted, r.customerRate, r.revenue, r.judgement, r.method, r.designEffect,
    ...(report.grain ? [r.partial ?? false] : []),
  ]);
  return csvText([head, ...rows]);
}

function markdown(report: Report, money: (x: number) => string): string {
  const cols = columns(report, money);
  // A literal asterisk: the partial marker must not start emphasis or a list.
  const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('*', '\\*');
  const out = ['# Upsell / cross-sell conversion report', '', ...headline(report, money).map((l) => l.trim()).map((l, i) => (i === 0 ? `**${l}**` : `- ${l}`)), ''];
  if (report.rows.length > 0 && (report.grain || report.by.length)) {
    out.push(`| ${cols.map((c) => c.title || 'note').join(' | ')} |`, `| ${cols.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
    for (const r of report.rows) out.push(`| ${cols.map((c) => esc(c.value(r))).join(' | ')} |`);
    const notes = partialNotes(report);
    for (const note of notes) out.push('', esc(note));
  }
  return `${out.join('\n')}\n`;
}

/** Renders a report; `json` is the stable machine format documented in the README. */
export function formatReport(report: Report, format: ReportFormat, options: FormatReportOptions = {}): string {
  const money = (x: number) => moneyText(x, options.currency);
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return csv(report);
    case 'md':
      return markdown(report, money);
    case 'table':
      return textTable(report, money);
  }
}
