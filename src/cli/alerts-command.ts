import type { Command } from 'commander';
import { AlertMonitor, alertSetup, checkRuleNames, checkText, DEFAULT_PUBLIC_URL, sendTestNotification } from '../alerts/index.js';
import { UprateError } from '../core/errors.js';
import { alignedTable } from '../core/text-table.js';
import { alertCheckSchema, alertRulesSchema, type AlertCheck, type AlertRules } from '../insights/api-schema.js';
import { parseDate } from '../kpi/index.js';
import { openStore } from '../store/index.js';
import { checkJson, rulesDocument } from '../server/routes/alerts.js';
import { cliConfig, openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { addServerOptions, addStoreOptions, modelStoreOptions, type StoreFlags } from './store-options.js';

/** Exit code of `uprate alerts check` when an alert is firing (0: nothing is). */
export const FIRING_EXIT_CODE = 3;

interface ConfigFlags {
  model?: string;
  config?: string;
}

interface CheckFlags extends StoreFlags, ConfigFlags, ServerFlags {
  at?: string;
  dryRun: boolean;
  format: string;
  rule?: string[];
}

/** The server's parameter names as this command's options, for the places errors name. */
const LOCATIONS: Readonly<Record<string, string>> = { at: '--at', rule: '--rule', dryRun: '--dry-run' };

function withConfig(command: Command): Command {
  return command
    .option('--config <file>', 'config file with the alerts section (default: uprate.config.yaml in this folder)')
    .option('--model <dir>', "model folder (default: the config's, else the shipped model)");
}

async function setupFrom(flags: ConfigFlags) {
  const { model, config } = await openModel(flags);
  return { model, setup: alertSetup(config, model) };
}

/**
 * POST /api/v1/alerts/check on a running server, with the same clock, rules and dry run: the
 * server's rules and store, its answer the document the direct path prints.
 */
async function checkThroughServer(client: ServerClient, flags: CheckFlags, at: Date | undefined): Promise<AlertCheck> {
  const query = {
    ...(at ? { at: at.toISOString() } : {}),
    ...(flags.dryRun ? { dryRun: 'true' } : {}),
    ...(flags.rule ? { rule: flags.rule } : {}),
  };
  return (await client.request('POST', '/api/v1/alerts/check', { query, schema: alertCheckSchema })) as AlertCheck;
}

/** The rules and channels in force, and where notifications link: what `uprate alerts list` prints. */
export function listText(doc: AlertRules): string {
  const cells = doc.rules.map((r) => [
    r.name,
    r.enabled ? '' : 'off',
    r.condition,
    r.grain,
    r.scope ? `per ${r.scope}` : 'all',
    r.schedule,
    r.channels.join(', ') || '(none)',
    r.severity,
  ]);
  const channels = doc.channels.map((c) => `  ${c.name}: ${c.type} ${c.target}${c.signed ? ' (signed)' : ''}`);
  return [
    ...alignedTable(['rule', '', 'condition', 'grain', 'scope', 'schedule (UTC)', 'channels', 'severity'], cells),
    channels.length > 0 ? 'channels:' : 'no channels: alerts are kept in the store and shown at GET /api/v1/alerts, nothing is sent',
    ...channels,
    `dashboard links: ${doc.publicUrl ?? `${DEFAULT_PUBLIC_URL} (the server's own URL when it sends them)`}`,
  ].join('\n') + '\n';
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules: check them now, send a test notification, list the rules in force');

  const check = withConfig(
    alerts
      .command('check')
      .description(`evaluate every rule once, move alert state, send notifications once; exit 0 when nothing is firing, ${FIRING_EXIT_CODE} when something is`)
      .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
      .option('--at <date>', 'evaluate as of this date or instant (default: now)')
      .option('--dry-run', 'evaluate only: no state change, nothing sent', false)
      .option('--rule <name...>', 'only these rules')
      .option('--format <format>', 'table or json', 'table'),
  );
  addServerOptions(addStoreOptions(check), 'check through')
    .addHelpText('after', `
Rules come from the alerts section of uprate.config.yaml; without rules the defaults are active
(headline rate in the poor band, a significant drop from the same month last year, a fall below the control limits).
Each rule judges the latest period that has ended and whose conversion window has closed.

Examples:
  uprate alerts check
  uprate alerts check --at 2025-07-01 --format json
  uprate alerts check --dry-run --rule headline-monthly-drop

Through a server: while \`uprate serve\` holds the DuckDB file (or with --server URL) the check runs
in the server, with the rules, channels and config it runs (not --config here: if they differ, the
server's are the truth); --at, --rule and --dry-run are sent along, and the answer is printed as a
direct check prints it.`)
    .action(
      action(async (flags: CheckFlags) => {
        const format = parseChoice(flags.format, '--format', ['table', 'json'] as const);
        const at = flags.at ? parseDate(flags.at, '--at') : undefined;
        const storeOptions = modelStoreOptions(flags, flags.dryRun);
        const client = serverClient({ flags, store: storeOptions, security: cliConfig(flags).security, verb: 'checking', locations: LOCATIONS });
        let check: AlertCheck;
        if (client) {
          check = await checkThroughServer(client, flags, at);
        } else {
          const { model, setup } = await setupFrom(flags);
          checkRuleNames(setup, flags.rule ?? [], '--rule');
          const store = await openStore(storeOptions);
          try {
            const monitor = new AlertMonitor({ store, model, setup, log: (level, message) => level !== 'info' && process.stderr.write(`uprate: ${message}\n`) });
            check = checkJson(await monitor.check({ ...(at ? { at } : {}), ...(flags.rule ? { rules: flags.rule } : {}), dryRun: flags.dryRun }));
          } finally {
            await store.close();
          }
        }
        process.stdout.write(format === 'json' ? `${JSON.stringify(check, null, 2)}\n` : checkText(check));
        return check.firing > 0 ? FIRING_EXIT_CODE : 0;
      }),
    );

  withConfig(
    alerts
      .command('test <rule>')
      .description("send a sample notification for a rule to its channels (no data read, no state kept)")
      .option('--channel <name...>', "these channels instead of the rule's"),
  ).action(
    action(async (ruleName: string, flags: ConfigFlags & { channel?: string[] }) => {
      const { setup } = await setupFrom(flags);
      checkRuleNames(setup, [ruleName], '--rule');
      const rule = setup.rules.find((r) => r.name === ruleName);
      for (const c of flags.channel ?? []) {
        if (!setup.channels.has(c)) throw new UprateError('BAD_ARGUMENT', `no channel named '${c}'`, { location: '--channel', hint: `channels: ${[...setup.channels.keys()].join(', ') || '(none defined under alerts.channels)'}` });
      }
      const names = flags.channel ?? rule?.channels ?? [];
      if (names.length === 0) {
        throw new UprateError('BAD_ARGUMENT', `rule ${ruleName} has no channels to send to`, { location: ruleName, hint: 'add channels to the rule, or pass --channel NAME' });
      }
      const deliveries = await sendTestNotification(setup, ruleName, names, { publicUrl: setup.publicUrl ?? DEFAULT_PUBLIC_URL });
      for (const d of deliveries) {
        const channel = setup.channels.get(d.channel);
        process.stdout.write(
          d.delivered
            ? `sent a sample of ${ruleName} to ${d.channel} (${channel?.type} ${channel?.url}) after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}\n`
            : `could not send to ${d.channel} (${channel?.url}) after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${d.error}\n`,
        );
      }
      return deliveries.every((d) => d.delivered) ? 0 : 1;
    }),
  );

  addServerOptions(withConfig(alerts.command('list').description('the rules in force (yours, or the defaults) and the channels')), 'list the rules of', false)
    .addHelpText('after', `
Without --server the rules are read from the config here. With --server URL they are the rules that
server runs (from its own config; an admin token on a server with security filters).`)
    .action(
      action(async (flags: ConfigFlags & ServerFlags) => {
        // Only the config is read: a server is asked when named, never found beside a file.
        const client = flags.server === undefined ? undefined : serverClient({ flags, store: { db: DEFAULT_DB }, security: cliConfig(flags).security, verb: 'reading' });
        const doc = client ? ((await client.request('GET', '/api/v1/alerts/rules', { schema: alertRulesSchema })) as AlertRules) : rulesDocument((await setupFrom(flags)).setup);
        process.stdout.write(listText(doc));
      }),
    );
}
