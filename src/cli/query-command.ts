import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UprateError } from '../core/errors.js';
import { alignedTable, csvText } from '../core/text-table.js';
import { parseDate } from '../kpi/index.js';
import { answerQuery, compileToSql, dialectOf, type LoadAnswer, type LoadResult } from '../query/index.js';
import { openStore } from '../store/index.js';
import { openModel } from './model-source.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { action } from './run-command.js';
import { addStoreOptions, modelStoreOptions, storeChoice, type StoreFlags } from './store-options.js';
import { allAccess } from '../query/index.js';

// json (the default) is the body `/cubejs-api/v1/load` answers; table and csv are for people.
const QUERY_FORMATS = ['json', 'table', 'csv'] as const;

interface QueryFlags extends StoreFlags {
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

function renderAnswer(answer: LoadAnswer, format: (typeof QUERY_FORMATS)[number]): string {
  if (format === 'json') {
    const lastRefreshTime = new Date().toISOString();
    const results = answer.results.map((r) => ({ ...r, lastRefreshTime, total: r.total ?? null }));
    const body = answer.queryType === 'regularQuery' ? results[0] : { queryType: answer.queryType, results, pivotQuery: answer.pivotQuery };
    return `${JSON.stringify(body, null, 2)}\n`;
  }
  const blocks = answer.results.map((result) => {
    const columns = [...new Set(result.data.flatMap((row) => Object.keys(row)))];
    if (format === 'csv') return csvAnswer(result, columns);
    const cells = result.data.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]))));
    if (result.data.length === 0) return '(no rows)\n';
    const numeric = columns.map((_, i) => cells.every((row) => row[i] === '' || !Number.isNaN(Number(row[i]))));
    return `${alignedTable(columns, cells, numeric).join('\n')}\n`;
  });
  return blocks.join('\n');
}

/** `uprate query`: a Cube query answered from the store, as `/cubejs-api/v1/load` would. */
export async function runQuery(queryArg: string, flags: QueryFlags): Promise<void> {
  const query = readQueryText(queryArg);
  const format = parseChoice(flags.format, '--format', QUERY_FORMATS);
  const now = flags.asOf ? parseDate(flags.asOf, '--as-of') : new Date();
  const { model } = await openModel(flags);
  let text: string;
  if (flags.sql) {
    text = `${JSON.stringify(compileToSql(model, query, { now, access: allAccess('local'), dialect: dialectOf(storeChoice(flags)) }), null, 2)}\n`;
  } else {
    const store = await openStore(modelStoreOptions(flags, true));
    try {
      text = renderAnswer(await answerQuery(store, model, query, { now, access: allAccess('local') }), format);
    } finally {
      await store.close();
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
    .option('--model <dir>', 'model folder (default: the config\'s, else the shipped model)')
    .option('--config <file>', 'config file (default: uprate.config.yaml in this folder)')
    .option('--as-of <date>', 'the clock for relative date ranges and pending offers (default: now)')
    .option('--format <format>', `output: ${QUERY_FORMATS.join(', ')} (json is the /load response)`, 'json')
    .option('--sql', 'print the SQL and its parameters instead of running it', false)
    .option('--out <file>', 'write to a file instead of standard output');
  addStoreOptions(command)
    .addHelpText('after', `\nExample:\n  uprate query '{"measures":["Offers.conversionRate"],"dimensions":["Customers.accountSize"]}'`)
    .action(action(async (query: string, flags: QueryFlags) => runQuery(query, flags)));
}
