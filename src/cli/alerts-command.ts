import type { Command } from 'commander';
import { AlertMonitor, alertSetup, checkTable, DEFAULT_PUBLIC_URL, sendTestNotification, type AlertSetup, type CheckResult } from '../alerts/index.js';
import { UprateError, errorMessage } from '../core/errors.js';
import { alignedTable } from '../core/text-table.js';
import { parseDate } from '../kpi/index.js';
import { openStore, readServerSidecar } from '../store/index.js';
import { checkJson } from '../server/routes/alerts.js';
import { authHeader, ownerClaims } from './auth-header.js';
import { cliConfig } from './model-source.js';
import { openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { addStoreOptions, modelStoreOptions, storeChoice, type StoreFlags } from './store-options.js';

/** Exit code of `uprate alerts check` when an alert is firing (0: nothing is). */
export const FIRING_EXIT_CODE = 3;

interface ConfigFlags {
  model?: string;
  config?: string;
}

interface CheckFlags extends StoreFlags, ConfigFlags {
  at?: string;
  dryRun: boolean;
  format: string;
  rule?: string[];
  server?: string;
}

function withConfig(command: Command): Command {
  return command
    .option('--config <file>', 'config file with the alerts section (default: uprate.config.yaml in this folder)')
    .option('--model <dir>', "model folder (default: the config's, else the shipped model)");
}

async function setupFrom(flags: ConfigFlags) {
  const { model, config } = await openModel(flags);
  return { model, setup: alertSetup(config, model) };
}

function checkRules(setup: AlertSetup, names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    if (!setup.rules.some((r) => r.name === name)) {
      throw new UprateError('BAD_ARGUMENT', `no alert rule named '${name}'`, { location: '--rule', hint: `rules in force: ${setup.rules.map((r) => r.name).join(', ')}` });
    }
  }
}

/** Through a running `uprate serve` that holds the DuckDB file. */
async function checkThroughServer(url: string, flags: CheckFlags): Promise<{ firing: number; body: Record<string, unknown> }> {
  const params = new URLSearchParams();
  if (flags.at) params.set('at', flags.at);
  if (flags.dryRun) params.set('dryRun', 'true');
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/alerts/check?${params.toString()}`, { method: 'POST', headers: await authHeader(ownerClaims(cliConfig(flags).security)) });
  } catch (e) {
    throw new UprateError('ENGINE_UNAVAILABLE', `cannot reach the uprate server at ${url}: ${errorMessage(e)}`, { hint: 'check that `uprate serve` is running there' });
  }
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new UprateError('ENGINE_UNAVAILABLE', `server at ${url} refused the check: ${String(body['error'] ?? response.status)}`);
  return { firing: Number(body['firing'] ?? 0), body };
}

function serverTable(body: Record<string, unknown>): string {
  const rows = (body['rows'] as Record<string, unknown>[] | undefined) ?? [];
  const cells = rows.map((r) => [String(r['status']).toUpperCase(), String(r['rule']), String(r['scope']), String(r['severity']), String(r['period'] ?? ''), String(r['message'])]);
  return `${[...alignedTable(['status', 'rule', 'scope', 'severity', 'period', 'message'], cells), `${String(body['firing'])} firing (as of ${String(body['at'])}, through the server)`].join('\n')}\n`;
}

function listText(setup: AlertSetup): string {
  const cells = setup.rules.map((r) => [
    r.name,
    r.enabled ? '' : 'off',
    r.condition.type,
    r.grain,
    r.scope.by ? `per ${r.scope.by}` : 'all',
    r.schedule,
    r.channels.join(', ') || '(none)',
    r.severity,
  ]);
  const channels = [...setup.channels.values()].map((c) => `  ${c.name}: ${c.type} ${c.url}${c.signingSecret ? ' (signed)' : ''}`);
  return [
    ...alignedTable(['rule', '', 'condition', 'grain', 'scope', 'schedule (UTC)', 'channels', 'severity'], cells),
    channels.length > 0 ? 'channels:' : 'no channels: alerts are kept in the store and shown at GET /api/v1/alerts, nothing is sent',
    ...channels,
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
      .option('--format <format>', 'table or json', 'table')
      .option('--server <url>', 'check through a running `uprate serve` (it holds the database file)'),
  );
  addStoreOptions(check)
    .addHelpText('after', `
Rules come from the alerts section of uprate.config.yaml; without rules the defaults are active
(headline rate in the poor band, a significant drop from the same month last year, a fall below the control limits).
Each rule judges the latest period that has ended and whose conversion window has closed.

Examples:
  uprate alerts check
  uprate alerts check --at 2025-07-01 --format json
  uprate alerts check --dry-run --rule headline-monthly-drop`)
    .action(
      action(async (flags: CheckFlags) => {
        const format = parseChoice(flags.format, '--format', ['table', 'json'] as const);
        const at = flags.at ? parseDate(flags.at, '--at') : undefined;
        const { model, setup } = await setupFrom(flags);
        checkRules(setup, flags.rule);
        const embedded = storeChoice(flags).engine === 'duckdb';
        const server = flags.server ?? (embedded ? readServerSidecar(flags.db)?.url : undefined);
        if (server) {
          if (flags.rule) throw new UprateError('BAD_ARGUMENT', '--rule is not available through a server', { location: '--rule', hint: 'the server checks every rule' });
          if (!flags.server) process.stderr.write(`uprate: ${flags.db} is held by uprate serve at ${server}; checking through it\n`);
          const { firing, body } = await checkThroughServer(server, flags);
          process.stdout.write(format === 'json' ? `${JSON.stringify(body, null, 2)}\n` : serverTable(body));
          return firing > 0 ? FIRING_EXIT_CODE : 0;
        }
        const store = await openStore(modelStoreOptions(flags, flags.dryRun));
        let result: CheckResult;
        try {
          const monitor = new AlertMonitor({ store, model, setup, log: (level, message) => level !== 'info' && process.stderr.write(`uprate: ${message}\n`) });
          result = await monitor.check({ ...(at ? { at } : {}), ...(flags.rule ? { rules: flags.rule } : {}), dryRun: flags.dryRun });
        } finally {
          await store.close();
        }
        process.stdout.write(format === 'json' ? `${JSON.stringify(checkJson(result), null, 2)}\n` : checkTable(result));
        return result.firing > 0 ? FIRING_EXIT_CODE : 0;
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
      checkRules(setup, [ruleName]);
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

  withConfig(alerts.command('list').description('the rules in force (yours, or the defaults) and the channels')).action(
    action(async (flags: ConfigFlags) => {
      const { setup } = await setupFrom(flags);
      process.stdout.write(listText(setup));
      process.stdout.write(`dashboard links: ${setup.publicUrl ?? `${DEFAULT_PUBLIC_URL} (the server's own URL when it sends them)`}\n`);
    }),
  );
}
