import type { Command } from 'commander';
import { formatProblems, validateModel } from '../model/index.js';
import { cliConfig, modelDir } from './model-source.js';
import { action } from './run-command.js';

/** `uprate model validate [DIR]`: every problem with file, line, cube, member and fix; exit 1 on errors. */
export async function validateModelCommand(dirArg: string | undefined, flags: { config?: string }): Promise<number> {
  const config = cliConfig(flags);
  const dir = modelDir({ model: dirArg }, config);
  const problems = await validateModel(dir, { conversionWindowDays: config.conversionWindowDays });
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length > 0) process.stderr.write(`${formatProblems(problems)}\n`);
  const verdict = errors > 0 ? 'invalid' : 'valid';
  const out = errors > 0 ? process.stderr : process.stdout;
  out.write(`model ${dir}: ${verdict} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`);
  return errors > 0 ? 1 : 0;
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('work with the Cube data model');
  model
    .command('validate [dir]')
    .description('check a model folder (default: the config\'s model, else the shipped one); exit 1 when it has errors')
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .action(action(async (dir: string | undefined, flags: { config?: string }) => validateModelCommand(dir, flags)));
}
