import type { Command } from 'commander';
import { parseDate } from '../kpi/index.js';
import { reportDeliverySetup, ReportScheduler, type SendResult } from '../reports-delivery/index.js';
import { openStore } from '../store/index.js';
import { openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { addStoreOptions, modelStoreOptions, type StoreFlags } from './store-options.js';

interface SendFlags extends StoreFlags {
  db: string;
  name?: string;
  period?: string;
  at?: string;
  config?: string;
  model?: string;
  format: string;
}

/** One line per recipient: sent, already sent (or held by another sender), or failed and why. */
export function sendText(result: SendResult): string {
  const head = `report ${result.report} for ${result.period}\n`;
  if (result.notice) return `${head}  ${result.notice}\n`;
  return (
    head +
    result.deliveries
      .map((d) => `  ${d.recipient}: ${d.delivered ? `sent${d.attempts > 1 ? ` (after ${d.attempts} attempts)` : ''}` : d.claimed ? `not sent after ${d.attempts} attempts: ${d.error ?? ''} (kept as a dead letter)` : 'already sent (or being sent by another process): nothing to do'}\n`)
      .join('')
  );
}

/** `uprate report send`: the scheduled delivery by hand, through the same once-only path. */
export function registerReportSend(report: Command): void {
  // `report` and `send` share option names (--db, --format, --config, …): each command reads its
  // options only before its subcommand, so `uprate report send --db X` is send's --db. Commander
  // needs this on every command above `send` (the program has no options of its own but -V/-h).
  report.parent?.enablePositionalOptions();
  report.enablePositionalOptions();
  const send = report
    .command('send')
    .description('send a configured report (reports: in uprate.config.yaml) now, to every recipient that has not had it for the month')
    .option('--name <name>', 'the report (default: the only one configured)')
    .option('--period <YYYY-MM>', 'a month that has ended (default: the last complete month)')
    .option('--at <date>', 'as of this instant: picks the last complete month and judges pending offers (default: now)')
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--model <dir>', "model folder (default: the config's, else the shipped model)")
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .option('--format <format>', 'table or json', 'table');
  addStoreOptions(send)
    .addHelpText('after', `
Each recipient gets a month's report once: \`uprate serve\` sends it on the report's schedule, and a
send for a month already delivered (by the server or by hand) sends nothing. A recipient whose
copy failed after its retries is kept as a dead letter. Emails are the monthly report's HTML
(for the month, against the previous month and the same month last year) with a text part;
webhooks get a short summary (JSON, or a Slack message with format: slack).

The DuckDB file is held by a running \`uprate serve\`: let the server send (or stop it first).

Examples:
  uprate report send
  uprate report send --name monthly --period 2026-11`)
    .action(
      action(async (flags: SendFlags) => {
        const format = parseChoice(flags.format, '--format', ['table', 'json'] as const);
        const at = flags.at ? parseDate(flags.at, '--at') : undefined;
        const { model, config } = await openModel(flags);
        const setup = reportDeliverySetup(config);
        const store = await openStore(modelStoreOptions(flags, false));
        let result: SendResult;
        try {
          const scheduler = new ReportScheduler({
            store,
            model,
            setup,
            settings: config,
            log: (level, message) => level === 'error' && process.stderr.write(`uprate: ${message}\n`),
          });
          result = await scheduler.send({ name: flags.name, period: flags.period, at });
        } finally {
          await store.close();
        }
        process.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : sendText(result));
        return result.deliveries.some((d) => d.claimed && !d.delivered) || result.notice ? 1 : 0;
      }),
    );
}
