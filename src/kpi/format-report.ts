import { alignedTable, csvText } from '../core/text-table.js';
import type { KpiCell, Report, ReportRow } from './report.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const pct = (x: number | null, digits = 1) => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);
const int = (x: number) => x.toLocaleString('en-US');
const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

interface Column {
  readonly title: string;
  readonly right?: boolean;
  readonly value: (r: ReportRow) => string;
}

function columns(report: Report): Column[] {
  return [
    ...(report.grain ? [{ title: 'period', value: (r: ReportRow) => r.period ?? '' }] : []),
    ...report.by.map((d) => ({ title: d, value: (r: ReportRow) => r.segment[d] ?? '(none)' })),
    { title: 'offers', right: true, value: (r) => int(r.offers) },
    { title: 'accepted', right: true, value: (r) => int(r.accepted) },
    { title: 'pending', right: true, value: (r) => int(r.pending) },
    { title: 'rate', right: true, value: (r) => pct(r.rate) },
    { title: `${Math.round(report.level * 100)}% interval`, right: true, value: (r) => (r.lower === null ? '—' : `${pct(r.lower)}–${pct(r.upper)}`) },
    { title: 'band', value: (r) => bandText(r) },
    ...(report.total.customersOffered === null ? [] : [{ title: 'customers conv./offered', right: true, value: (r: ReportRow) => `${int(r.customersConverted ?? 0)}/${int(r.customersOffered ?? 0)}` }]),
    { title: 'revenue', right: true, value: (r) => money(r.revenue) },
    { title: 'note', value: (r) => (r.provisional ? `provisional (${pct(r.pendingShare, 0)} open)` : '') },
  ];
}

/** The band as the API judges it: named only when the whole interval lies in it. */
function bandText(c: KpiCell): string {
  if (c.judgement === null) return '—';
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

function headline(report: Report): string[] {
  const t: KpiCell = report.total;
  const range = report.from && report.to ? `${report.from.slice(0, 10)} to ${new Date(Date.parse(report.to) - 1).toISOString().slice(0, 10)}` : 'no offers';
  return [
    `Upsell / cross-sell conversion ${report.offerType ? `(${report.offerType} only) ` : ''}— ${range}, ${report.windowDays === null ? 'acceptance as your model defines it' : `${report.windowDays}-day conversion window`}, as of ${report.asOf.slice(0, 16).replace('T', ' ')} UTC`,
    `  conversion rate  ${pct(t.rate)}  (${Math.round(report.level * 100)}% interval ${pct(t.lower)}–${pct(t.upper)}${intervalNote(t)}, band ${t.judgement === null ? 'none' : bandText(t)}: strong > ${pct(report.thresholds.strong, 0)}, poor < ${pct(report.thresholds.poor, 0)})`,
    `  offers ${int(t.offers)}, accepted ${int(t.accepted)}, pending ${int(t.pending)}${t.provisional ? ' — provisional: some offers are still inside their window' : ''}`,
    t.customersOffered === null
      ? `  customers: not available (the KPI binding names no customer dimension)${report.total.revenue ? `, expansion revenue ${money(t.revenue)}` : ''}`
      : `  customers offered ${int(t.customersOffered)}, converted ${int(t.customersConverted ?? 0)} (customer conversion ${pct(t.customerRate)}), expansion revenue ${money(t.revenue)}`,
  ];
}

function textTable(report: Report): string {
  const cols = columns(report);
  const cells = report.rows.map((r) => cols.map((c) => c.value(r)));
  const out = [...headline(report)];
  if (report.rows.length > 0 && (report.grain || report.by.length)) {
    out.push('', ...alignedTable(cols.map((c) => c.title), cells, cols.map((c) => c.right ?? false)));
  }
  return `${out.join('\n')}\n`;
}

function csv(report: Report): string {
  const head = [...(report.grain ? ['period'] : []), ...report.by, 'offers', 'accepted', 'pending', 'rate', 'lower', 'upper', 'band', 'provisional', 'pending_share', 'customers_offered', 'customers_converted', 'customer_rate', 'revenue', 'band_judgement', 'interval_method', 'design_effect'];
  const rows = report.rows.map((r) => [
    ...(report.grain ? [r.period ?? ''] : []),
    ...report.by.map((d) => r.segment[d] ?? null),
    r.offers, r.accepted, r.pending, r.rate, r.lower, r.upper, r.band, r.provisional, r.pendingShare,
    r.customersOffered, r.customersConverted, r.customerRate, r.revenue, r.judgement, r.method, r.designEffect,
  ]);
  return csvText([head, ...rows]);
}

function markdown(report: Report): string {
  const cols = columns(report);
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const out = ['# Upsell / cross-sell conversion report', '', ...headline(report).map((l) => l.trim()).map((l, i) => (i === 0 ? `**${l}**` : `- ${l}`)), ''];
  if (report.rows.length > 0 && (report.grain || report.by.length)) {
    out.push(`| ${cols.map((c) => c.title || 'note').join(' | ')} |`, `| ${cols.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
    for (const r of report.rows) out.push(`| ${cols.map((c) => esc(c.value(r))).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** Renders a report; `json` is the stable machine format documented in the README. */
export function formatReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return csv(report);
    case 'md':
      return markdown(report);
    case 'table':
      return textTable(report);
  }
}
