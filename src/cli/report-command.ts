import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UprateError } from '../core/errors.js';
import { OFFER_TYPES } from '../core/schema.js';
import { buildReport, formatReport, parseDate, parseGrain, REPORT_FORMATS, SHIPPED_BINDING_CONFIG, dimensionKey, type ReportOptions } from '../kpi/index.js';
import { boundModel } from './kpi-binding.js';
import { openStore } from '../store/index.js';
import { DEFAULT_DB, parseChoice, parseInteger } from './options.js';
import { action } from './run-command.js';
import { formatIntelligence, reportIntelligence } from './report-intelligence.js';
import { monthlyReportText } from './report-monthly.js';
import { addStoreOptions, modelStoreOptions, type StoreFlags } from './store-options.js';
import { allAccess } from '../query/index.js';

interface ReportFlags extends StoreFlags {
  db: string;
  grain?: string;
  by?: string;
  from?: string;
  to?: string;
  offerType?: string;
  window: string;
  asOf?: string;
  format: string;
  out?: string;
  insights?: boolean;
  compare?: string[];
  config?: string;
  month?: string;
  locale?: string;
}

export function reportOptions(flags: ReportFlags): ReportOptions {
  const by = flags.by ? flags.by.split(',').map((d) => d.trim()).filter(Boolean) : [];
  // Without --by the report is a trend (monthly by default); with --by, one row per segment.
  const grain = flags.grain ? (flags.grain === 'none' ? undefined : parseGrain(flags.grain)) : by.length ? undefined : 'month';
  const from = flags.from ? parseDate(flags.from, '--from') : undefined;
  const to = flags.to ? parseDate(flags.to, '--to') : undefined;
  return {
    ...(grain ? { grain } : {}),
    by,
    ...(from ? { from } : {}),
    // --to names the last day included.
    ...(to ? { to: /^\d{4}-\d{2}-\d{2}$/.test(flags.to ?? '') ? new Date(to.getTime() + 86_400_000) : to } : {}),
    ...(flags.offerType ? { offerType: parseChoice(flags.offerType, '--offer-type', OFFER_TYPES) } : {}),
    windowDays: parseInteger(flags.window, '--window', 0, 3650),
    ...(flags.asOf ? { asOf: parseDate(flags.asOf, '--as-of') } : {}),
  };
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('the KPI: offers, accepted, pending, conversion rate with its 95% Wilson interval, band and provisional flag')
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--grain <grain>', 'day, week, month, quarter, year or none (default: month, or none with --by)')
    .option('--by <dims>', `segment by dimensions of the KPI binding, comma-separated (the shipped model's: ${SHIPPED_BINDING_CONFIG.dimensions?.map(dimensionKey).join(', ')}; or Cube.member)`)
    .option('--from <date>', 'first day included (YYYY-MM-DD)')
    .option('--to <date>', 'last day included (YYYY-MM-DD)')
    .option('--offer-type <type>', 'upsell or cross_sell')
    .option('--window <days>', 'conversion window in days', '30')
    .option('--as-of <date>', 'evaluate as of this instant (default: now)')
    .option('--format <format>', `${[...REPORT_FORMATS, 'html'].join(', ')} (html, and md without --by/--grain: the monthly report)`, 'table')
    .option('--month <YYYY-MM>', 'month of the html/md monthly report (default: the last month that ended)')
    .option('--locale <locale>', 'number and date format of the html/md monthly report (default en-US)')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--insights', 'append plain-language findings: segments above/below the rest, best and worst offers, channel gap, control-chart signals, benchmarks, target')
    .option('--compare <populations...>', "print A against B instead of the report; each a JSON array of Cube filters or Member=value[,value][;Member=value] ('all' = everything selected)")
    .option('--config <file>', 'config file for bands and target (default: uprate.config.yaml in this folder)');
  addStoreOptions(command)
    .addHelpText('after', `
An offer is accepted when accepted_at falls within the conversion window after offered_at.
Offers still inside their window and not yet accepted are pending; a row holding any is marked
provisional. Rates are accepted / offers (ratio of sums), null when there are no offers.
Bands: strong > 20%, moderate 10–20%, poor < 10%.

Examples:
  uprate report
  uprate report --grain quarter --by account_size --format md
  uprate report --by channel,offer_type --from 2025-01-01 --to 2025-06-30 --format json
  uprate report --format html --out report.html     # the monthly report, charts inline, opens offline
  uprate report --format md --month 2025-06
  uprate report --insights
  uprate report --compare 'Customers.accountSize=enterprise' 'Customers.accountSize=smb'
  uprate report --compare '[{"member":"Offers.channel","operator":"equals","values":["sales"]}]' all --format json

--insights and --compare use the model (src/insights): every test is corrected and explained in the
findings; see the README, "KPI intelligence".`)
    .action(
      action(async (flags: ReportFlags) => {
        const format = parseChoice(flags.format, '--format', [...REPORT_FORMATS, 'html'] as const);
        const options = reportOptions(flags);
        const monthly = format === 'html' || (format === 'md' && !flags.by && !flags.grain && !flags.insights && !flags.compare);
        const store = await openStore(modelStoreOptions(flags, true));
        try {
          if (monthly) {
            const text = await monthlyReportText(store, { format, month: flags.month, locale: flags.locale, offerType: options.offerType, windowDays: options.windowDays ?? 30, asOf: options.asOf, config: flags.config });
            if (flags.out) writeFileSync(flags.out, text);
            else process.stdout.write(text);
            return;
          }
          const extra = await reportIntelligence(store, {
            ...(flags.insights ? { insights: true } : {}),
            ...(flags.compare ? { compare: flags.compare } : {}),
            ...(flags.from ? { from: flags.from } : {}),
            ...(flags.to ? { to: flags.to } : {}),
            ...(options.offerType ? { offerType: options.offerType } : {}),
            ...(options.asOf ? { asOf: options.asOf } : {}),
            ...(flags.config ? { config: flags.config } : {}),
            windowDays: options.windowDays ?? 30,
          });
          if ((extra.insights || extra.comparison) && format === 'csv') {
            throw new UprateError('BAD_ARGUMENT', '--insights and --compare print text or JSON, not CSV', { location: '--format', hint: 'use --format table, md or json' });
          }
          // --compare prints the comparison instead of the report tables.
          const bound = extra.comparison ? null : await boundModel({ ...(flags.config ? { config: flags.config } : {}), windowDays: options.windowDays ?? 30 });
          const report = extra.comparison ? null : await buildReport(store, allAccess('local'), { ...options, ...(bound ?? {}) });
          const text =
            format === 'json'
              ? `${JSON.stringify(report ? { ...report, ...extra } : extra, null, 2)}\n`
              : [report ? formatReport(report, format) : '', formatIntelligence(extra, format === 'md' ? 'md' : 'table', ['A', 'B'])].filter(Boolean).join('\n');
          if (flags.out) writeFileSync(flags.out, text);
          else process.stdout.write(text);
        } finally {
          await store.close();
        }
      }),
    );
}

