/**
 * `uprate propensity`: the propensity model's honest validation, printed every time — per offer
 * the model beside the segment-rate baseline on a time-based holdout (AUC with its interval,
 * Brier, top-decile lift, the verdict and the predictor used), the calibration deciles with
 * `--calibration`, then the sample note, the caveat and the randomized holdout's size. Directly
 * from the store, or through the running server holding it (GET /api/v1/propensity).
 *
 * The options every propensity command shares (store, model, config, clock, offer, filters,
 * sample size) and the run itself (context, progress on stderr) live here; `uprate
 * opportunities` (opportunities-command.ts) uses them.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_WINDOW_DAYS } from '../core/schema.js';
import { isUprateError, UprateError } from '../core/errors.js';
import { propensityReportSchema } from '../insights/api-schema.js';
import { parseFilterArgument, type ApiFilter, type KpiContext } from '../insights/index.js';
import { parseDate } from '../kpi/index.js';
import { propensityReport, type PropensityOptions } from '../propensity/index.js';
import type { PropensityReport } from '../propensity/types.js';
import { openStore } from '../store/index.js';
import { cliConfig, cliKpiContext, openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice, parseInteger } from './options.js';
import { progressBar } from './progress.js';
import { formatPropensityReport } from './propensity-format.js';
import { action } from './run-command.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { addServerOptions, addStoreOptions, modelStoreOptions, THROUGH_SERVER_HELP, type StoreFlags } from './store-options.js';

export interface PropensityFlags extends StoreFlags, ServerFlags {
  db: string;
  model?: string;
  config?: string;
  asOf?: string;
  offer?: string;
  filter: string[];
  maxTrainingOffers?: string;
  format: string;
  out?: string;
}

/** The server's parameter names as these commands' options, for the places errors name. */
export const PROPENSITY_LOCATIONS: Readonly<Record<string, string>> = { offer: '--offer', filters: '--filter', asOf: '--as-of', limit: '--limit', sort: '--sort' };

/** What both commands ask, checked: the clock, the offer, the filters (against the model), the sample size. */
export interface PropensityAsk {
  readonly asOf: Date | undefined;
  readonly offer: string | undefined;
  readonly filters: readonly ApiFilter[];
  readonly maxTrainingOffers: number | undefined;
}

/** Adds the options both commands take (store, model, config, clock, offer, filters, sample size). */
export function addPropensityOptions(command: Command): Command {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return command
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--model <dir>', "model folder (default: the config's, else the shipped model; through a server, the server's)")
    .option('--config <file>', "config file (default: uprate.config.yaml in this folder); through a server, the server's config counts")
    .option('--as-of <date>', 'train and score as of this instant (default: now)')
    .option('--offer <name>', 'only this offer (default: every offer with enough history)')
    .option('--filter <filter>', "only these customers' offers: Member=value[,value][;Member!=value] or a JSON array of Cube filters (repeatable)", collect, [])
    .option('--max-training-offers <n>', 'offers read for training at most; beyond it customers are sampled whole (default 300000; not through a server)');
}

/** The flags as a {@link PropensityAsk}; `model` checks the filters (through a server too, so a bad one fails as it does directly). */
export async function propensityAsk(flags: PropensityFlags): Promise<PropensityAsk> {
  const filters = flags.filter.length > 0 ? await parsedFilters(flags) : [];
  if (flags.offer !== undefined && flags.offer.trim() === '') throw new UprateError('BAD_ARGUMENT', '--offer is empty: give an offer name, or leave --offer out for every offer', { location: '--offer' });
  return {
    asOf: flags.asOf ? parseDate(flags.asOf, '--as-of') : undefined,
    offer: flags.offer,
    filters,
    maxTrainingOffers: flags.maxTrainingOffers === undefined ? undefined : parseInteger(flags.maxTrainingOffers, '--max-training-offers', 1_000, 100_000_000),
  };
}

async function parsedFilters(flags: PropensityFlags): Promise<ApiFilter[]> {
  const { model } = await openModel(flags);
  return flags.filter.flatMap((text) => parseFilterArgument(text, model, '--filter'));
}

/** The client for the server holding the store, or undefined to open the store; a sample size cannot be asked of a server. */
export function propensityClient(flags: PropensityFlags, ask: PropensityAsk): ServerClient | undefined {
  const client = serverClient({ flags, store: modelStoreOptions(flags, true), security: cliConfig(flags).security, verb: 'reading', locations: PROPENSITY_LOCATIONS });
  if (client && ask.maxTrainingOffers !== undefined) {
    throw new UprateError('BAD_ARGUMENT', `--max-training-offers cannot be asked of the server at ${client.url}: it trains with its own sample size`, {
      location: '--max-training-offers',
      hint: 'leave it out, or stop the server to train from the file directly',
    });
  }
  return client;
}

/** The query parameters both endpoints share. */
export function propensityQuery(ask: PropensityAsk): Record<string, string> {
  return {
    ...(ask.offer === undefined ? {} : { offer: ask.offer }),
    ...(ask.filters.length > 0 ? { filters: JSON.stringify(ask.filters) } : {}),
    ...(ask.asOf ? { asOf: ask.asOf.toISOString() } : {}),
  };
}

/**
 * Runs `work` on the store the flags name, with the CLI's KPI context (the config's model,
 * window and binding; no security filters: the CLI user owns the store) and the engine's
 * progress as a bar on stderr.
 */
export async function withPropensityContext<T>(flags: PropensityFlags, ask: PropensityAsk, work: (ctx: KpiContext, options: PropensityOptions) => Promise<T>): Promise<T> {
  const config = cliConfig(flags);
  const store = await openStore(modelStoreOptions(flags, true));
  const bar = progressBar();
  try {
    const ctx = await cliKpiContext(store, { ...flags, windowDays: config.conversionWindowDays ?? DEFAULT_WINDOW_DAYS, asOf: ask.asOf });
    const options: PropensityOptions = {
      ...(ask.offer === undefined ? {} : { offer: ask.offer }),
      filters: ask.filters,
      ...(ask.maxTrainingOffers === undefined ? {} : { maxTrainingOffers: ask.maxTrainingOffers }),
      onProgress: (step, done, total) => bar.update(step, total > 0 ? (100 * done) / total : 0, total > 1 ? `${done}/${total}` : ''),
    };
    return await work(ctx, options);
  } catch (e) {
    // The engine names its parameters as the API does (`offer`): here they are options.
    const option = isUprateError(e) && e.location !== undefined ? PROPENSITY_LOCATIONS[e.location] : undefined;
    if (isUprateError(e) && option) throw new UprateError(e.code, e.message, { location: option, ...(e.hint ? { hint: e.hint } : {}), ...(e.details === undefined ? {} : { details: e.details }), cause: e });
    throw e;
  } finally {
    bar.stop();
    await store.close();
  }
}

/** Standard output, or `--out`. */
export function emit(flags: { readonly out?: string | undefined }, text: string): void {
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
}

const REPORT_FORMATS = ['table', 'json'] as const;

/** The validation report, from the server holding the store or from the store itself. */
export async function runPropensity(flags: PropensityFlags & { readonly calibration?: boolean }): Promise<void> {
  const format = parseChoice(flags.format, '--format', REPORT_FORMATS);
  const ask = await propensityAsk(flags);
  const client = propensityClient(flags, ask);
  const report = client
    ? ((await client.request('GET', '/api/v1/propensity', { query: propensityQuery(ask), schema: propensityReportSchema })) as PropensityReport)
    : await withPropensityContext(flags, ask, (ctx, options) => propensityReport(ctx, options));
  emit(flags, format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPropensityReport(report, { calibration: flags.calibration === true }));
}

export function registerPropensity(program: Command): void {
  const command = addPropensityOptions(program.command('propensity').description('validate the propensity model: per offer, the model beside the segment-rate baseline on a time-based holdout'))
    .option('--calibration', 'also print the calibration deciles (predicted against observed, with Wilson intervals)', false)
    .option('--format <format>', `output: ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write to a file instead of standard output');
  addServerOptions(addStoreOptions(command))
    .addHelpText('after', `
The last 3 months of offers before the clock are held out: a logistic model on the customers'
attributes and earlier offers is fitted on the offers before them, and judged on them beside
the "segment rate" baseline (each customer gets their segment's training rate). An offer whose
model does not beat the baseline is ranked by the baseline (uprate opportunities says which).

Propensity is not uplift: a high probability says a customer resembles those who accepted, not
that the offer makes them accept. The printout ends with the size of the randomized holdout that
would measure an offer's real effect.

Examples:
  uprate propensity
  uprate propensity --offer 'Extra seats' --calibration
  uprate propensity --filter 'Customers.region=europe' --format json
${THROUGH_SERVER_HELP}`)
    .action(action(async (flags: PropensityFlags & { calibration?: boolean }) => runPropensity(flags)));
}
