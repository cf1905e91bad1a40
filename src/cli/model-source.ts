import { dirname, resolve } from 'node:path';
import { findConfig, loadConfig, type UprateConfig } from '../config/index.js';
import type { KpiContext } from '../insights/index.js';
import { bindKpi } from '../kpi/index.js';
import { formatProblems, loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { allAccess } from '../query/index.js';

export interface ModelFlags {
  readonly model?: string | undefined;
  readonly config?: string | undefined;
  /** `--strict`: any model error stops the command (default: what has errors is left out). */
  readonly strict?: boolean | undefined;
}

export type LoadedConfig = UprateConfig & { file: string | undefined };

/** `--config FILE`, else `uprate.config.yaml|yml|json` in the working folder, else the defaults. */
export function cliConfig(flags: ModelFlags): LoadedConfig {
  return loadConfig(flags.config ?? findConfig());
}

/**
 * The model folder: `--model`, else the config's `model` (relative to the config file), else
 * the shipped model.
 */
export function modelDir(flags: ModelFlags, config: LoadedConfig): string {
  if (flags.model) return resolve(flags.model);
  if (config.model) return resolve(config.file ? dirname(config.file) : process.cwd(), config.model);
  return shippedModelDir();
}

/**
 * The compiled model the command runs on. What has errors is left out (a query using it fails
 * with the model's diagnostic) and every error is written to stderr once; with `strict`, a bad
 * model is a MODEL_INVALID error naming every problem.
 */
export async function openModel(flags: ModelFlags): Promise<{ model: Model; dir: string; config: LoadedConfig }> {
  const config = cliConfig(flags);
  const dir = modelDir(flags, config);
  const model = await loadCliModel(dir, flags, config.conversionWindowDays);
  return { model, dir, config };
}

export async function loadCliModel(dir: string, flags: ModelFlags, conversionWindowDays: number | undefined): Promise<Model> {
  const model = await loadModel(dir, { conversionWindowDays, tolerant: flags.strict !== true });
  process.stderr.write(brokenModelNote(dir, model));
  return model;
}

/** What a tolerant load left out and why: a line naming the folder and what is out, then each error once ('' without errors). */
function brokenModelNote(dir: string, model: Model): string {
  const errors = model.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return '';
  const left = [...model.broken.keys()];
  return (
    `uprate: the model in ${dir} has ${errors.length} error${errors.length === 1 ? '' : 's'}; ` +
    `left out (a query naming them fails with the problem): ${left.length > 0 ? left.join(', ') : 'nothing'}\n` +
    `${formatProblems(errors)}\n` +
    '  (uprate model validate checks a model; uprate serve --strict refuses to start on one with errors)\n'
  );
}

export interface KpiContextFlags extends ModelFlags {
  /** The report's conversion window (`--window-days`), which the model is compiled for. */
  readonly windowDays: number;
  readonly asOf?: Date | undefined;
}

/**
 * What the statistics need from a CLI run: the model compiled for the window, the config's bands
 * and target, 95 % Wilson intervals, and no security filters (the CLI user owns the store).
 */
export async function cliKpiContext(store: Store, flags: KpiContextFlags): Promise<KpiContext> {
  const config = cliConfig(flags);
  const model = await loadCliModel(modelDir(flags, config), flags, flags.windowDays);
  return {
    store,
    model,
    // The KPI's members (config `kpi`, default the shipped model's): a model without them is a clear error here.
    binding: bindKpi(model, config.kpi),
    asOf: flags.asOf ?? new Date(),
    access: allAccess('local'),
    windowDays: flags.windowDays,
    thresholds: config.bands ?? DEFAULT_BAND_THRESHOLDS,
    target: config.target ?? null,
    correction: config.stats?.correction ?? 'holm',
    level: 0.95,
    method: 'wilson',
  };
}
