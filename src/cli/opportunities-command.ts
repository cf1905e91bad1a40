/**
 * `uprate opportunities`: customers not holding an open offer, ranked for an offer by expected
 * conversion or expected revenue, each with its probability, interval and the attributes that
 * push it most — as a table, as CSV for a CRM (the columns GET /api/v1/opportunities?format=csv
 * writes) or as JSON. The ranking's validation and the caveat (propensity is not uplift) come
 * with the table; `uprate propensity` prints the validation in full.
 */
import type { Command } from 'commander';
import { opportunitiesResponseSchema } from '../insights/api-schema.js';
import { findOpportunities } from '../propensity/index.js';
import type { OpportunitiesResponse } from '../propensity/types.js';
import { opportunitiesCsv } from '../propensity/opportunities-table.js';
import { parseChoice, parseInteger } from './options.js';
import { addPropensityOptions, emit, propensityAsk, propensityClient, propensityQuery, withPropensityContext, type PropensityFlags } from './propensity-command.js';
import { formatOpportunities } from './propensity-format.js';
import { action } from './run-command.js';
import { addServerOptions, addStoreOptions, THROUGH_SERVER_HELP } from './store-options.js';

const FORMATS = ['table', 'csv', 'json'] as const;
const SORTS = ['probability', 'revenue'] as const;

interface OpportunitiesFlags extends PropensityFlags {
  limit: string;
  sort: string;
}

/** The ranked customers, from the server holding the store or from the store itself, as the format asks. */
export async function runOpportunities(flags: OpportunitiesFlags): Promise<void> {
  const format = parseChoice(flags.format, '--format', FORMATS);
  const limit = parseInteger(flags.limit, '--limit', 1, 10_000);
  const sort = parseChoice(flags.sort, '--sort', SORTS);
  const ask = await propensityAsk(flags);
  const client = propensityClient(flags, ask);
  const response = client
    ? ((await client.request('GET', '/api/v1/opportunities', { query: { ...propensityQuery(ask), limit: String(limit), sort }, schema: opportunitiesResponseSchema })) as OpportunitiesResponse)
    : await withPropensityContext(flags, ask, (ctx, options) => findOpportunities(ctx, { ...options, limit, sort }));
  emit(flags, format === 'json' ? `${JSON.stringify(response, null, 2)}\n` : format === 'csv' ? opportunitiesCsv(response) : formatOpportunities(response));
}

export function registerOpportunities(program: Command): void {
  const command = addPropensityOptions(program.command('opportunities').description('customers ready to grow: not holding an open offer, ranked by expected conversion or expected revenue'))
    .option('--limit <n>', 'at most this many customers (1 to 10000)', '100')
    .option('--sort <key>', `rank by ${SORTS.join(' or ')} (expected revenue: probability × the offer's mean accepted revenue)`, 'probability')
    .option('--format <format>', `output: ${FORMATS.join(', ')} (csv: one row per customer for a CRM)`, 'table')
    .option('--out <file>', 'write to a file instead of standard output');
  addServerOptions(addStoreOptions(command))
    .addHelpText('after', `
CSV columns: rank, customer, offer, probability, lower, upper, expected_revenue, driver_1,
driver_2, driver_3, predictor, then the customer's attributes (one column per model member).
A driver is an attribute and its push on the log-odds, e.g. "Lifecycle Stage = expansion (+0.82)".

Propensity is not uplift: these customers resemble those who accepted; the offer may not be what
makes them accept. uprate propensity prints the validation and the randomized holdout's size.

Examples:
  uprate opportunities --offer 'Extra seats' --limit 20
  uprate opportunities --offer 'Extra seats' --sort revenue --format csv --out crm.csv
  uprate opportunities --filter 'Customers.region=europe' --format json
${THROUGH_SERVER_HELP}`)
    .action(action(async (flags: OpportunitiesFlags) => runOpportunities(flags)));
}
