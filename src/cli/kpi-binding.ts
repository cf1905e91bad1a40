import { bindKpi, type KpiBinding } from '../kpi/index.js';
import { shippedModelDir, type Model } from '../model/index.js';
import { cliConfig, loadCliModel, modelDir, type ModelFlags } from './model-source.js';

/**
 * The model a CLI report reads and its KPI binding (config `kpi`, default the shipped model's
 * members), or null for the shipped model over uprate's own tables, which the report compiles for
 * its `--window` itself.
 */
export async function boundModel(flags: ModelFlags & { readonly windowDays: number }): Promise<{ model: Model; binding: KpiBinding } | null> {
  const config = cliConfig(flags);
  const dir = modelDir(flags, config);
  if (dir === shippedModelDir() && !config.kpi) return null;
  const model = await loadCliModel(dir, flags, flags.windowDays);
  return { model, binding: bindKpi(model, config.kpi) };
}
