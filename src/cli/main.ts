import { Command } from 'commander';
import { quietOnClosedPipe } from './closed-pipe.js';
import { registerAlerts } from './alerts-command.js';
import { registerAnnotate } from './annotate-command.js';
import { registerDemo } from './demo-command.js';
import { registerIngest } from './ingest-command.js';
import { registerModel } from './model-command.js';
import { registerOpportunities } from './opportunities-command.js';
import { registerPropensity } from './propensity-command.js';
import { registerQuery } from './query-command.js';
import { registerRollups } from './rollups-command.js';
import { registerReport } from './report-command.js';
import { registerServe } from './serve-command.js';
import { registerToken } from './token-command.js';

/** `uprate`: one file per command, each thin over the library. */
export function buildProgram(): Command {
  const program = new Command('uprate')
    .description('Upsell / cross-sell conversion rate: load offers, ask for the KPI, serve a Cube-compatible API')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride((err) => {
      // commander's usage errors: exit 1 like every other bad input (help and version exit 0).
      process.exit(err.exitCode === 0 ? 0 : 1);
    });
  registerDemo(program);
  registerServe(program);
  registerIngest(program);
  registerReport(program);
  registerQuery(program);
  registerModel(program);
  registerPropensity(program);
  registerOpportunities(program);
  registerRollups(program);
  registerAlerts(program);
  registerAnnotate(program);
  registerToken(program);
  return program;
}

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
await buildProgram().parseAsync(process.argv);
