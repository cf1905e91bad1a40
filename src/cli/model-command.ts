import type { Command } from 'commander';
import { checkBinding } from '../kpi/index.js';
import { formatProblems, loadModel, validateModel } from '../model/index.js';
import { cliConfig, modelDir } from './model-source.js';
import { action } from './run-command.js';

/** `uprate model validate [DIR]`: every problem with file, line, cube, member and fix; exit 1 on errors. */
export async function validateModelCommand(dirArg: string | undefined, flags: { config?: string; binding?: boolean }): Promise<number> {
  const config = cliConfig(flags);
  const dir = modelDir({ model: dirArg }, config);
  const problems = await validateModel(dir, { conversionWindowDays: config.conversionWindowDays });
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length > 0) process.stderr.write(`${formatProblems(problems)}\n`);
  const verdict = errors > 0 ? 'invalid' : 'valid';
  const out = errors > 0 ? process.stderr : process.stdout;
  out.write(`model ${dir}: ${verdict} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`);
  if (!flags.binding) return errors > 0 ? 1 : 0;
  // The binding is checked against what would be served: the valid members of the model.
  const model = await loadModel(dir, { conversionWindowDays: config.conversionWindowDays, tolerant: true });
  const check = checkBinding(model, config.kpi);
  const bound = check.usable;
  const lines = [
    `KPI binding (${config.kpi ? `kpi: in ${config.file ?? 'the config'}` : "default: the shipped model's members"}): ${bound ? 'usable' : 'not usable'}`,
    ...check.problems.map((p) => `  problem: ${p}`),
    ...(check.binding
      ? [
          `  offers ${check.binding.offers}, accepted ${check.binding.accepted}, time ${check.binding.time}`,
          `  breakdown dimensions: ${check.binding.dimensions.map((d) => `${d.key} (${d.member})`).join(', ') || 'none'}`,
        ]
      : []),
    ...check.capabilities.map((c) => `  ${c.available ? 'available    ' : 'not available'}  ${c.name}${c.reason ? ` — ${c.reason}` : ''}`),
  ];
  (bound ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
  return errors > 0 || !bound ? 1 : 0;
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('work with the Cube data model');
  model
    .command('validate [dir]')
    .description('check a model folder (default: the config\'s model, else the shipped one); exit 1 when it has errors')
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .option('--binding', "also check the config's KPI binding (kpi:) and list what the bound model can and cannot support")
    .action(action(async (dir: string | undefined, flags: { config?: string; binding?: boolean }) => validateModelCommand(dir, flags)));
}
