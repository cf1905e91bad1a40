import { monthlyReportSchema } from '../insights/api-schema.js';
import { monthRange, type MonthlyReport } from '../report-html/monthly-report.js';
import type { Store } from '../store/store.js';
import { cliKpiContext } from './model-source.js';
import type { ServerClient } from './server-client.js';

export interface MonthlyFlags {
  readonly format: 'html' | 'md';
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
export async function monthlyReportText(store: Store, flags: MonthlyFlags): Promise<string> {
  const { collectMonthlyReport } = await import('../report-html/index.js');
  const ctx = await cliKpiContext(store, flags);
  const report = await collectMonthlyReport(ctx, { ...(flags.month ? { month: flags.month } : {}), offerType: flags.offerType ?? null });
  return renderMonthly(report, flags);
}

/**
 * The same report through a running server: GET /api/v1/report/monthly gives the numbers (with the
 * server's bands, target and window), rendered here as the direct path renders its own.
 */
export async function monthlyReportThroughServer(client: ServerClient, flags: MonthlyFlags): Promise<string> {
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

/** The report as HTML (charts inline) or Markdown, in the locale asked for (default en-US). */
export async function renderMonthly(report: MonthlyReport, flags: Pick<MonthlyFlags, 'format' | 'locale'>): Promise<string> {
  const { renderReportHtml, renderReportMarkdown } = await import('../report-html/index.js');
  const locale = flags.locale ?? 'en-US';
  return flags.format === 'html' ? renderReportHtml(report, { locale }) : renderReportMarkdown(report, { locale });
}
