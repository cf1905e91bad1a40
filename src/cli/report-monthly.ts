import { monthlyReportSchema } from '../insights/api-schema.js';
import { monthRange, type MonthlyReport } from '../report-html/monthly-report.js';
import type { Store } from '../store/store.js';
import { cliConfig, cliKpiContext } from './model-source.js';
import type { ServerClient } from './server-client.js';

export interface MonthlyFlags {
  readonly format: 'html' | 'md' | 'pdf';
  readonly month?: string | undefined;
  readonly locale?: string | undefined;
  readonly offerType?: 'upsell' | 'cross_sell' | undefined;
  readonly windowDays: number;
  readonly asOf?: Date | undefined;
  readonly config?: string | undefined;
}

/**
 * `uprate report --format html|md`: the monthly report (headline, trend, breakdowns, leaderboard,
 * findings) through the model, with the config's bands and target. The renderer (and ECharts) is
 * loaded only for this path.
 */
export async function monthlyReportText(store: Store, flags: MonthlyFlags): Promise<string | Buffer> {
  const { collectMonthlyReport } = await import('../report-html/index.js');
  const ctx = await cliKpiContext(store, flags);
  const currency = cliConfig(flags).currency;
  const report = await collectMonthlyReport(ctx, { ...(flags.month ? { month: flags.month } : {}), offerType: flags.offerType ?? null, currency });
  return renderMonthly(report, flags);
}

/**
 * The same report through a running server: GET /api/v1/report/monthly gives the numbers (with the
 * server's bands, target and window), rendered here as the direct path renders its own.
 */
export async function monthlyReportThroughServer(client: ServerClient, flags: MonthlyFlags): Promise<string | Buffer> {
  // A bad month fails here as it does directly.
  if (flags.month) monthRange(flags.month);
  const query = {
    ...(flags.month ? { month: flags.month } : {}),
    ...(flags.offerType ? { offerType: flags.offerType } : {}),
    ...(flags.asOf ? { asOf: flags.asOf.toISOString() } : {}),
  };
  const report = (await client.request('GET', '/api/v1/report/monthly', { query, schema: monthlyReportSchema })) as MonthlyReport;
  return renderMonthly(report, flags);
}

/**
 * The report as HTML (charts inline), Markdown, or a PDF printed from the HTML by the system's
 * Chromium; in the locale asked for (default en-US: numbers, dates and the report's words).
 */
export async function renderMonthly(report: MonthlyReport, flags: Pick<MonthlyFlags, 'format' | 'locale'>): Promise<string | Buffer> {
  const { renderReportHtml, renderReportMarkdown } = await import('../report-html/index.js');
  const locale = flags.locale ?? 'en-US';
  if (flags.format === 'pdf') {
    const { htmlToPdf } = await import('../report-html/report-pdf.js');
    return htmlToPdf(renderReportHtml(report, { locale, print: true }));
  }
  return flags.format === 'html' ? renderReportHtml(report, { locale }) : renderReportMarkdown(report, { locale });
}
