import { dirname, resolve } from 'node:path';
import { findConfig, loadConfig, type UprateConfig } from '../config/index.js';
import type { KpiContext } from '../insights/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { allAccess } from '../query/index.js';

export interface ModelFlags {
  readonly model?: string | undefined;
  readonly config?: string | undefined;
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

/** The compiled model the command runs on; a bad model is a MODEL_INVALID error naming every problem. */
export async function openModel(flags: ModelFlags): Promise<{ model: Model; dir: string; config: LoadedConfig }> {
  const config = cliConfig(flags);
  const dir = modelDir(flags, config);
  const model = await loadModel(dir, { conversionWindowDays: config.conversionWindowDays });
  return { model, dir, config };
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
  const model = await loadModel(modelDir(flags, config), { conversionWindowDays: flags.windowDays });
  return {
    store,
    model,
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
