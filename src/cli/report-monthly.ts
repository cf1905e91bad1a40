import type { Store } from '../store/store.js';
import { cliKpiContext } from './model-source.js';

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
  const { collectMonthlyReport, renderReportHtml, renderReportMarkdown } = await import('../report-html/index.js');
  const ctx = await cliKpiContext(store, flags);
  const report = await collectMonthlyReport(ctx, { ...(flags.month ? { month: flags.month } : {}), offerType: flags.offerType ?? null });
  const locale = flags.locale ?? 'en-US';
  return flags.format === 'html' ? renderReportHtml(report, { locale }) : renderReportMarkdown(report, { locale });
}
