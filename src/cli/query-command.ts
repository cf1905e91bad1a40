import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { NO_NUMBER, NULL_VALUE } from '../core/display.js';
import { UprateError } from '../core/errors.js';
import { alignedTable, csvText } from '../core/text-table.js';
import { parseDate } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import { answerQuery, compileToSql, dialectOf, rollupsFor, type AnswerOptions, type LoadAnswer, type LoadResult } from '../query/index.js';
import type { UsableRollup } from '../rollups/index.js';
import { openStore, type Store } from '../store/index.js';
import { AS_OF_HEADER } from '../server/routes/cube.js';
import { cliConfig, openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { addServerOptions, addStoreOptions, modelStoreOptions, storeChoice, THROUGH_SERVER_HELP, type StoreFlags } from './store-options.js';
import { allAccess } from '../query/index.js';

// json (the default) is the body `/cubejs-api/v1/load` answers; table and csv are for people.
const QUERY_FORMATS = ['json', 'table', 'csv'] as const;

interface QueryFlags extends StoreFlags, ServerFlags {
  db: string;
  model?: string;
  config?: string;
  asOf?: string;
  format: string;
  sql: boolean;
  out?: string;
}

/** The query text: inline JSON, `@file.json`, or `-` for standard input. */
export function readQueryText(arg: string): unknown {
  let text = arg;
  let where = 'the query argument';
  if (arg === '-') {
    text = readFileSync(0, 'utf8');
    where = 'standard input';
  } else if (arg.startsWith('@')) {
    const file = arg.slice(1);
    if (!existsSync(file)) throw new UprateError('FILE_NOT_FOUND', `query file ${file} does not exist`, { location: file });
    text = readFileSync(file, 'utf8');
    where = file;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UprateError('QUERY_INVALID', `${where} is not JSON: ${(e as Error).message}`, {
      location: where,
      hint: `give a Cube query such as '{"measures":["Offers.conversionRate"],"dimensions":["Customers.accountSize"]}'`,
    });
  }
}

/** One result as CSV: numbers (Cube sends them as text) stay numbers, text is formula-safe. */
function csvAnswer(result: LoadResult, columns: readonly string[]): string {
  const { measures, dimensions } = result.annotation;
  const kinds = columns.map((c) => ((measures[c] ?? dimensions[c])?.type === 'number' ? 'number' : 'text'));
  return csvText([columns, ...result.data.map((row) => columns.map((c) => row[c]))], kinds);
}

/** A cell as a person reads it: a null dimension value is `(none)`, a null measure `—`. */
function cellText(value: unknown, isMeasure: boolean): string {
  if (value === null || value === undefined) return isMeasure ? NO_NUMBER : NULL_VALUE;
  return String(value);
}

/**
 * The answer as the format asks. `lastRefreshTime` is when the data was read (now for the direct
 * path; the server's, for an answer it cached).
 */
export function renderAnswer(answer: LoadAnswer, format: (typeof QUERY_FORMATS)[number], lastRefreshTime = new Date().toISOString()): string {
  if (format === 'json') {
    const results = answer.results.map((r) => ({ ...r, lastRefreshTime, total: r.total ?? null }));
    const body = answer.queryType === 'regularQuery' ? results[0] : { queryType: answer.queryType, results, pivotQuery: answer.pivotQuery };
    return `${JSON.stringify(body, null, 2)}\n`;
  }
  const blocks = answer.results.map((result) => {
    const columns = [...new Set(result.data.flatMap((row) => Object.keys(row)))];
    if (format === 'csv') return csvAnswer(result, columns);
    if (result.data.length === 0) return '(no rows)\n';
    const measure = columns.map((c) => result.annotation.measures[c] !== undefined);
    const cells = result.data.map((row) => columns.map((c, i) => cellText(row[c], measure[i] ?? false)));
    // A column is right-aligned when every value it has is a number.
    const numeric = columns.map((c) => result.data.every((row) => row[c] === null || row[c] === undefined || !Number.isNaN(Number(row[c]))));
    return `${alignedTable(columns, cells, numeric).join('\n')}\n`;
  });
  return blocks.join('\n');
}

/** The server's parameter names as this command's options, for the places errors name. */
const LOCATIONS: Readonly<Record<string, string>> = { [AS_OF_HEADER]: '--as-of' };

/**
 * The answer of a running server's /cubejs-api/v1/load, as {@link answerQuery} gives it: asked as
 * `queryType: multi` (one shape for every query), without the fields /load adds for Cube clients;
 * a "Continue wait" (a query still running after the server's long-poll) is asked again. The
 * query travels as a POST body, so no query is too long for a URL.
 */
async function loadThroughServer(client: ServerClient, query: unknown, asOf: Date | undefined): Promise<{ answer: LoadAnswer; lastRefreshTime: string | undefined }> {
  const headers = asOf ? { headers: { [AS_OF_HEADER]: asOf.toISOString() } } : {};
  const ask = () => client.request('POST', '/cubejs-api/v1/load', { json: { query, queryType: 'multi' }, ...headers });
  for (;;) {
    const body = (await ask()) as { error?: unknown; queryType: LoadAnswer['queryType']; results: (LoadResult & { lastRefreshTime?: string })[]; pivotQuery: LoadAnswer['pivotQuery'] };
    if (body.error === 'Continue wait') continue;
    const results = body.results.map(({ query: q, data, annotation, total, usedPreAggregations, rollup }) => ({ query: q, data, annotation, total, usedPreAggregations: usedPreAggregations ?? {}, ...(rollup ? { rollup } : {}) }));
    return { answer: { queryType: body.queryType, results, pivotQuery: body.pivotQuery }, lastRefreshTime: body.results[0]?.lastRefreshTime };
  }
}

/**
 * The rollups the store holds fresh, for `--sql` to say which one would answer. Compiling needs
 * no database: a store that cannot be opened (no file yet, a server down) means none.
 */
async function freshRollups(flags: QueryFlags, model: Model, options: AnswerOptions): Promise<readonly UsableRollup[]> {
  let store: Store | undefined;
  try {
    store = await openStore(modelStoreOptions(flags, true));
    return await rollupsFor(store, model, options);
  } catch {
    return [];
  } finally {
    await store?.close();
  }
}

/** `uprate query`: a Cube query answered from the store (or the server holding it), as `/cubejs-api/v1/load` would. */
export async function runQuery(queryArg: string, flags: QueryFlags): Promise<void> {
  const query = readQueryText(queryArg);
  const format = parseChoice(flags.format, '--format', QUERY_FORMATS);
  const asOf = flags.asOf ? parseDate(flags.asOf, '--as-of') : undefined;
  const now = asOf ?? new Date();
  let text: string;
  if (flags.sql) {
    // Compiling needs no store: it stays here, with this command's model.
    const { model } = await openModel(flags);
    const options = { now, access: allAccess('local'), dialect: dialectOf(storeChoice(flags)) };
    text = `${JSON.stringify(compileToSql(model, query, { ...options, rollups: await freshRollups(flags, model, options) }), null, 2)}\n`;
  } else {
    const storeOptions = modelStoreOptions(flags, true);
    const client = serverClient({ flags, store: storeOptions, security: cliConfig(flags).security, verb: 'reading', locations: LOCATIONS });
    if (client) {
      const { answer, lastRefreshTime } = await loadThroughServer(client, query, asOf);
      text = renderAnswer(answer, format, lastRefreshTime);
    } else {
      const { model } = await openModel(flags);
      const store = await openStore(storeOptions);
      try {
        text = renderAnswer(await answerQuery(store, model, query, { now, access: allAccess('local') }), format);
      } finally {
        await store.close();
      }
    }
  }
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
}

export function registerQuery(program: Command): void {
  const command = program
    .command('query <query>')
    .description('answer a Cube query (JSON, @file.json, or - for stdin) from the store')
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--model <dir>', 'model folder (default: the config\'s, else the shipped model; through a server, the server\'s)')
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .option('--as-of <date>', `the clock for relative date ranges and pending offers (default: now; through a server, sent as the ${AS_OF_HEADER} header)`)
    .option('--format <format>', `output: ${QUERY_FORMATS.join(', ')} (json is the /load response)`, 'json')
    .option('--sql', 'print the SQL and its parameters instead of running it (never through a server)', false)
    .option('--out <file>', 'write to a file instead of standard output');
  addServerOptions(addStoreOptions(command))
    .addHelpText('after', `\nExample:\n  uprate query '{"measures":["Offers.conversionRate"],"dimensions":["Customers.accountSize"]}'\n${THROUGH_SERVER_HELP}`)
    .action(action(async (query: string, flags: QueryFlags) => runQuery(query, flags)));
}
