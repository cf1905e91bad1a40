import type { KpiContext } from '../insights/index.js';
import { loadModel } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { cliConfig, modelDir } from './model-source.js';

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
  const config = cliConfig({ config: flags.config });
  const model = await loadModel(modelDir({}, config), { conversionWindowDays: flags.windowDays });
  const ctx: KpiContext = {
    store,
    model,
    asOf: flags.asOf ?? new Date(),
    securityFilters: [],
    windowDays: flags.windowDays,
    thresholds: config.bands ?? DEFAULT_BAND_THRESHOLDS,
    target: config.target ?? null,
    level: 0.95,
    method: 'wilson',
  };
  const report = await collectMonthlyReport(ctx, { ...(flags.month ? { month: flags.month } : {}), offerType: flags.offerType ?? null });
  const locale = flags.locale ?? 'en-US';
  return flags.format === 'html' ? renderReportHtml(report, { locale }) : renderReportMarkdown(report, { locale });
}
