import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UprateError } from '../core/errors.js';
import { DEFAULT_WINDOW_DAYS, OFFER_TYPES } from '../core/schema.js';
import { bindingDocumentSchema, reportSchema, type BindingDocument } from '../insights/api-schema.js';
import { buildReport, formatReport, parseDate, parseGrain, reportEnd, REPORT_FORMATS, SHIPPED_BINDING_CONFIG, dimensionKey, type Report, type ReportOptions } from '../kpi/index.js';
import { allAccess } from '../query/index.js';
import { openStore, type StoreOptions } from '../store/index.js';
import { boundModel } from './kpi-binding.js';
import { cliConfig, openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice, parseInteger } from './options.js';
import { action } from './run-command.js';
import { checkCompare, formatIntelligence, reportIntelligence, reportIntelligenceThroughServer, type IntelligenceFlags, type ReportIntelligence } from './report-intelligence.js';
import { monthlyReportText, monthlyReportThroughServer, type MonthlyFlags } from './report-monthly.js';
import { registerReportSend } from './report-send-command.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { addServerOptions, addStoreOptions, modelStoreOptions, THROUGH_SERVER_HELP, type StoreFlags } from './store-options.js';

interface ReportFlags extends StoreFlags, ServerFlags {
  db: string;
  grain?: string;
  by?: string;
  from?: string;
  to?: string;
  offerType?: string;
  /** Unset: the default window (30 days; through a server, the server's). */
  window?: string;
  asOf?: string;
  format: string;
  out?: string;
  insights?: boolean;
  compare?: string[];
  config?: string;
  month?: string;
  locale?: string;
}

/** The server's parameter names as this command's options, for the places errors name. */
const LOCATIONS: Readonly<Record<string, string>> = {
  grain: '--grain',
  by: '--by',
  from: '--from',
  to: '--to',
  offerType: '--offer-type',
  window: '--window',
  asOf: '--as-of',
  month: '--month',
};

export function reportOptions(flags: ReportFlags): ReportOptions {
  const by = flags.by ? flags.by.split(',').map((d) => d.trim()).filter(Boolean) : [];
  // Without --by the report is a trend (monthly by default); with --by, one row per segment.
  const grain = flags.grain ? (flags.grain === 'none' ? undefined : parseGrain(flags.grain)) : by.length ? undefined : 'month';
  const from = flags.from ? parseDate(flags.from, '--from') : undefined;
  return {
    ...(grain ? { grain } : {}),
    by,
    ...(from ? { from } : {}),
    // --to names the last day included.
    ...(flags.to ? reportEnd(flags.to, '--to') : {}),
    ...(flags.offerType ? { offerType: parseChoice(flags.offerType, '--offer-type', OFFER_TYPES) } : {}),
    windowDays: flags.window === undefined ? DEFAULT_WINDOW_DAYS : parseInteger(flags.window, '--window', 0, 3650),
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
    .option('--window <days>', `conversion window in days (default ${DEFAULT_WINDOW_DAYS}; through a server, the server's)`)
    .option('--as-of <date>', 'evaluate as of this instant (default: now)')
    .option('--format <format>', `${[...REPORT_FORMATS, 'html', 'pdf'].join(', ')} (html, pdf, and md without --by/--grain: the monthly report; pdf needs --out and Chromium)`, 'table')
    .option('--month <YYYY-MM>', 'month of the html/md monthly report (default: the last month that ended)')
    .option('--locale <locale>', 'language and number format of the monthly report (html, md, pdf): de-DE and fr-FR translate its headings, labels and verdicts, any other locale formats numbers and dates only (default en-US)')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--insights', 'append plain-language findings: segments above/below the rest, best and worst offers, channel gap, control-chart signals, benchmarks, target')
    .option('--compare <populations...>', "print A against B instead of the report; each a JSON array of Cube filters or Member=value[,value][;Member=value] ('all' = everything selected)")
    .option('--config <file>', 'config file for bands and target (default: uprate.config.yaml in this folder); through a server, the server\'s config counts');
  addServerOptions(addStoreOptions(command))
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
  uprate report --format pdf --out report.pdf         # the same report printed by Chromium (apt-get install chromium)
  uprate report --format html --locale de-DE --out bericht.html
  uprate report --insights
  uprate report --compare 'Customers.accountSize=enterprise' 'Customers.accountSize=smb'
  uprate report --compare '[{"member":"Offers.channel","operator":"equals","values":["sales"]}]' all --format json

--insights and --compare use the model (src/insights): every test is corrected and explained in the
findings; see the README, "KPI intelligence".
${THROUGH_SERVER_HELP}`)
    .action(
      action(async (flags: ReportFlags) => {
        const format = parseChoice(flags.format, '--format', [...REPORT_FORMATS, 'html', 'pdf'] as const);
        const options = reportOptions(flags);
        const monthly = format === 'html' || format === 'pdf' || (format === 'md' && !flags.by && !flags.grain && !flags.insights && !flags.compare);
        if (format === 'pdf' && !flags.out) {
          throw new UprateError('BAD_ARGUMENT', '--format pdf writes a file: name it with --out', { location: '--out', hint: 'e.g. uprate report --format pdf --out report.pdf' });
        }
        if (!monthly) checkIntelligence(flags, format);
        const store = modelStoreOptions(flags, true);
        const client = serverClient({ flags, store, security: cliConfig(flags).security, verb: 'reading', locations: LOCATIONS });
        const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
        const monthlyFlags: MonthlyFlags = { format: format === 'html' || format === 'pdf' ? format : 'md', month: flags.month, locale: flags.locale, offerType: options.offerType, windowDays, asOf: options.asOf, config: flags.config };
        const intelligence: IntelligenceFlags = {
          ...(flags.insights ? { insights: true } : {}),
          ...(flags.compare ? { compare: flags.compare } : {}),
          ...(flags.from ? { from: flags.from } : {}),
          ...(flags.to ? { to: flags.to } : {}),
          ...(options.offerType ? { offerType: options.offerType } : {}),
          ...(options.asOf ? { asOf: options.asOf } : {}),
          ...(flags.config ? { config: flags.config } : {}),
          windowDays,
        };
        let text: string | Buffer;
        if (client) {
          // The server computes findings with its own window: a different --window cannot be honoured there.
          if (flags.window !== undefined && (monthly || flags.insights || flags.compare)) await checkServerWindow(client, windowDays);
          if (monthly) text = await monthlyReportThroughServer(client, monthlyFlags);
          else {
            const extra = await reportIntelligenceThroughServer(client, intelligence, async () => (await openModel(flags)).model);
            const report = extra.comparison ? null : ((await client.request('GET', '/api/v1/report', { query: reportQuery(flags, options), schema: reportSchema })) as Report);
            text = reportText(report, extra, format);
          }
        } else {
          text = await directReport(store, flags, options, monthly ? monthlyFlags : null, intelligence, format);
        }
        if (flags.out) writeFileSync(flags.out, text);
        else process.stdout.write(text);
      }),
    );
  registerReportSend(command);
}

/** --compare takes two populations; --insights and --compare print text or JSON. */
function checkIntelligence(flags: ReportFlags, format: string): void {
  checkCompare(flags.compare);
  if ((flags.insights || flags.compare) && format === 'csv') {
    throw new UprateError('BAD_ARGUMENT', '--insights and --compare print text or JSON, not CSV', { location: '--format', hint: 'use --format table, md or json' });
  }
}

/** The report from the store itself. */
async function directReport(storeOptions: StoreOptions, flags: ReportFlags, options: ReportOptions, monthly: MonthlyFlags | null, intelligence: IntelligenceFlags, format: string): Promise<string | Buffer> {
  const store = await openStore(storeOptions);
  try {
    if (monthly) return await monthlyReportText(store, monthly);
    const extra = await reportIntelligence(store, intelligence);
    // --compare prints the comparison instead of the report tables.
    const bound = extra.comparison ? null : await boundModel({ ...(flags.config ? { config: flags.config } : {}), windowDays: intelligence.windowDays });
    const report = extra.comparison ? null : await buildReport(store, allAccess('local'), { ...options, ...(bound ?? {}) });
    return reportText(report, extra, format, cliConfig(flags).currency);
  } finally {
    await store.close();
  }
}

/** The report and what --insights / --compare add, as the format asks: one printer for both paths. */
function reportText(report: Report | null, extra: ReportIntelligence, format: string, currency?: string): string {
  if (format === 'json') return `${JSON.stringify(report ? { ...report, ...extra } : extra, null, 2)}\n`;
  return [report ? formatReport(report, format === 'md' ? 'md' : format === 'csv' ? 'csv' : 'table', { currency }) : '', formatIntelligence(extra, format === 'md' ? 'md' : 'table', ['A', 'B'])].filter(Boolean).join('\n');
}

/** GET /api/v1/report's parameters for the flags (the report's own defaults made explicit). */
export function reportQuery(flags: ReportFlags, options: ReportOptions): Record<string, string | undefined> {
  return {
    grain: options.grain ?? 'none',
    ...(options.by && options.by.length > 0 ? { by: options.by.join(',') } : {}),
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.to ? { to: flags.to } : {}),
    ...(options.offerType ? { offerType: options.offerType } : {}),
    ...(flags.window !== undefined ? { window: String(options.windowDays) } : {}),
    ...(options.asOf ? { asOf: options.asOf.toISOString() } : {}),
  };
}

/** A --window the server's findings cannot honour: they use the window its model was compiled for. */
async function checkServerWindow(client: ServerClient, windowDays: number): Promise<void> {
  const binding = (await client.request('GET', '/api/v1/binding', { schema: bindingDocumentSchema })) as BindingDocument;
  if (binding.windowDays !== null && binding.windowDays !== windowDays) {
    throw new UprateError('BAD_ARGUMENT', `the server at ${client.url} computes findings and the monthly report with its ${binding.windowDays}-day conversion window, not ${windowDays} days`, {
      location: '--window',
      hint: `leave --window out (the server's conversionWindowDays decides), or stop the server to compute with a ${windowDays}-day window from the file directly`,
    });
  }
}
