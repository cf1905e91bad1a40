import { Command } from 'commander';
import { quietOnClosedPipe } from './closed-pipe.js';

type Register = (program: Command) => void;

/**
 * One file per command, each thin over the library, loaded only when its command runs: loading
 * all of them (DuckDB, the statistics, the server, the report's charts) cost about a second and
 * a half before any command started, on every run.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  demo: async () => (await import('./demo-command.js')).registerDemo,
  serve: async () => (await import('./serve-command.js')).registerServe,
  ingest: async () => (await import('./ingest-command.js')).registerIngest,
  report: async () => (await import('./report-command.js')).registerReport,
  query: async () => (await import('./query-command.js')).registerQuery,
  model: async () => (await import('./model-command.js')).registerModel,
  propensity: async () => (await import('./propensity-command.js')).registerPropensity,
  opportunities: async () => (await import('./opportunities-command.js')).registerOpportunities,
  rollups: async () => (await import('./rollups-command.js')).registerRollups,
  alerts: async () => (await import('./alerts-command.js')).registerAlerts,
  annotate: async () => (await import('./annotate-command.js')).registerAnnotate,
  token: async () => (await import('./token-command.js')).registerToken,
};

/**
 * `uprate` with the commands `args` can reach: the one named first, or every one (in the order
 * `--help` lists them) when none is named — help, a typo (commander suggests the nearest name)
 * or an option before the command.
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command('uprate')
    .description('Upsell / cross-sell conversion rate: load offers, ask for the KPI, serve a Cube-compatible API')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride((err) => {
      // commander's usage errors: exit 1 like every other bad input (help and version exit 0).
      process.exit(err.exitCode === 0 ? 0 : 1);
    });
  const named = args[0];
  const only = named === '--version' || named === '-V' ? [] : named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]] : Object.values(COMMANDS);
  for (const register of await Promise.all(only.map((load) => load?.()))) register?.(program);
  return program;
}

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
await (await buildProgram(process.argv.slice(2))).parseAsync(process.argv);
