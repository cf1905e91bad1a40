import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { count } from '../core/display.js';
import { UprateError, isUprateError } from '../core/errors.js';
import type { TableName } from '../core/schema.js';
import { checkFilesExist, formatFromName, ingestTables, LOAD_ORDER, type IngestSummary, type SourceFormat } from '../ingest/index.js';
import { cliConfig } from './model-source.js';
import { ingestSummarySchema } from '../insights/api-schema.js';
import { openStore } from '../store/index.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { progressBar } from './progress.js';
import { action } from './run-command.js';
import { serverClient, type ServerClient, type ServerFlags } from './server-client.js';
import { addServerOptions, addStoreOptions, storeOptions, type StoreFlags } from './store-options.js';

const TABLES = ['offers', 'customers'] as const;
const FORMATS = ['csv', 'ndjson', 'json', 'parquet'] as const;

export const CONTENT_TYPES: Readonly<Record<SourceFormat, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
};

/** offers.csv, offers-2025.ndjson → offers; otherwise the user must say. */
export function tableFromFileName(file: string): TableName | undefined {
  const name = basename(file).toLowerCase();
  return TABLES.find((t) => name.startsWith(t) || name.startsWith(t.slice(0, -1)));
}

/** The load's upkeep of its rollups, once a load (printed after its tables' lines); null when it kept none. */
export function rollupsLine(s: IngestSummary): string | null {
  if (!s.rollups) return null;
  const share = s.seconds > 0 ? ` (${Math.round((100 * s.rollups.seconds) / s.seconds)} % of the load)` : '';
  return `rollups: ${count(s.rollups.kept)} kept current in ${s.rollups.seconds.toFixed(2)} s${share}; \`uprate rollups status\` shows each one's share`;
}

export function summaryLine(s: IngestSummary): string {
  const rejects = s.rejected > 0 ? `, ${count(s.rejected)} rejected${s.rejectFile ? ` (written to ${s.rejectFile})` : ''}` : ', 0 rejected';
  return `${s.table}: ${count(s.rowsRead)} rows read, ${count(s.inserted)} inserted, ${count(s.updated)} updated, ${count(s.unchanged)} unchanged${rejects} in ${s.seconds.toFixed(2)} s (${count(Math.round(s.rowsPerSecond))} rows/s)`;
}

interface IngestFlags extends StoreFlags, ServerFlags {
  db: string;
  table?: string;
  format?: string;
  rejectFile?: string;
  json?: boolean;
  config?: string;
}

/** A file sent through the server, and what it loaded. */
interface Loaded {
  readonly file: string;
  readonly summary: IngestSummary;
}

/**
 * Through a running `uprate serve`: one POST per file (each all or nothing on the server), each
 * file's summary handed to `done` as it completes. A refusal after some files loaded says which
 * ones stay loaded and which were not sent.
 */
async function sendThroughServer(client: ServerClient, order: readonly (readonly [TableName, string[]])[], format: SourceFormat | undefined, flags: IngestFlags, done: (s: IngestSummary) => void): Promise<IngestSummary[]> {
  if (flags.rejectFile) {
    throw new UprateError('BAD_ARGUMENT', '--reject-file is not available when loading through a server', {
      hint: 'the server answers all or nothing; fix the rows it lists, or stop the server and load the file directly',
    });
  }
  const queue = order.flatMap(([table, files]) => files.map((file) => ({ table, file })));
  const loaded: Loaded[] = [];
  for (const [i, { table, file }] of queue.entries()) {
    let summary: IngestSummary;
    try {
      summary = (await client.request('POST', `/api/v1/ingest/${table}`, {
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        headers: { 'content-type': CONTENT_TYPES[format ?? formatFromName(file)], 'content-length': String(statSync(file).size), 'x-uprate-source': basename(file) },
        schema: ingestSummarySchema,
      })) as IngestSummary;
    } catch (e) {
      if (!isUprateError(e)) throw e;
      throw queue.length > 1 ? partlyLoaded(e, file, loaded, queue.slice(i + 1).map((q) => q.file)) : e;
    }
    loaded.push({ file, summary });
    done(summary);
  }
  return loaded.map((l) => l.summary);
}

/** The server's refusal of `file`, saying truthfully what the files before it left loaded. */
export function partlyLoaded(e: UprateError, file: string, loaded: readonly Loaded[], unsent: readonly string[]): UprateError {
  const before =
    loaded.length === 0
      ? 'nothing was loaded'
      : `already loaded through the server, and kept: ${loaded.map((l) => `${l.file} (${l.summary.table}: ${count(l.summary.inserted)} inserted, ${count(l.summary.updated)} updated, ${count(l.summary.unchanged)} unchanged)`).join(', ')}`;
  const after = unsent.length > 0 ? `; not sent: ${unsent.join(', ')}` : '';
  return new UprateError(e.code, `${e.message}\n  ${file} was not loaded; ${before}${after}`, {
    ...(e.location ? { location: e.location } : {}),
    hint: `${e.hint ?? 'fix that and run the command again'}${loaded.length > 0 ? `; only ${[file, ...unsent].join(' ')} still need loading (sending a file twice changes nothing)` : ''}`,
    ...(e.details === undefined ? {} : { details: e.details }),
    cause: e,
  });
}

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description('load offers or customers from CSV, NDJSON, JSON or Parquet files (all or nothing, idempotent)')
    .argument('<files...>', 'files to load (.csv, .tsv, .ndjson, .jsonl, .json, .parquet)')
    .option('--db <file>', 'embedded DuckDB file', DEFAULT_DB)
    .option('--table <table>', 'offers or customers (default: from the file name)')
    .option('--format <format>', 'csv, ndjson, json or parquet (default: from each file name)')
    .option('--reject-file <path>', 'load the good rows and write the bad ones here with their reasons (CSV)')
    .option('--config <file>', 'config file, for limits.maxFieldLength (default: uprate.config.yaml in this folder)')
    .option('--json', 'print the summary as JSON');
  addServerOptions(addStoreOptions(command), 'send the files through')
    .addHelpText('after', `
Rows are checked against the data model first; by default one bad row loads nothing and the
report names file:line, field, value and rule. All the files of one command load together
(customers first, one transaction): a bad row in any of them and nothing of any is loaded. A row whose offer_id (customer_id) is already
stored replaces it, so loading the same file twice changes nothing.

Examples:
  uprate ingest offers.csv customers.csv
  uprate ingest --table offers --reject-file rejects.csv export.ndjson
  uprate ingest --server http://127.0.0.1:4000 offers.csv
  uprate ingest --url postgres://uprate:uprate@127.0.0.1:54329/uprate offers.csv

Through a server (while \`uprate serve\` holds the DuckDB file, or with --server URL) each file is
sent on its own and loaded all or nothing; each file's line is printed as it loads. If a later
file is refused, the files before it stay loaded (the message lists them): fix it and run again.`)
    .action(
      action(async (files: string[], flags: IngestFlags) => {
        const format = flags.format ? parseChoice(flags.format, '--format', FORMATS) : undefined;
        // A file that is not there says so, before its table is guessed from its name.
        checkFilesExist(files);
        const byTable = new Map<TableName, string[]>();
        for (const file of files) {
          const table = flags.table ? parseChoice(flags.table, '--table', TABLES) : tableFromFileName(file);
          if (!table) {
            throw new UprateError('BAD_ARGUMENT', `cannot tell which table ${file} is for`, {
              location: file,
              hint: 'pass --table offers or --table customers (or name the file offers*.csv / customers*.csv)',
            });
          }
          byTable.set(table, [...(byTable.get(table) ?? []), file]);
        }
        // In load order (customers first), through a server as well as directly.
        const order = [...byTable.entries()].sort(([a], [b]) => LOAD_ORDER.indexOf(a) - LOAD_ORDER.indexOf(b));
        // Only the embedded file is held by one process; a database server takes loads directly.
        const client = serverClient({ flags, store: storeOptions(flags), security: cliConfig(flags).security, verb: 'sending the data' });
        if (client) {
          // Each file's line is printed as the server loads it.
          const summaries = await sendThroughServer(client, order, format, flags, (s) => {
            if (!flags.json) process.stdout.write(`${[summaryLine(s), rollupsLine(s)].filter((l) => l !== null).join('\n')}\n`);
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
          return;
        }
        // A bad config stops the load before the database is opened.
        const { maxFieldLength } = cliConfig(flags).limits;
        const store = await openStore(storeOptions(flags));
        const bar = progressBar();
        let summaries: IngestSummary[];
        try {
          // Every file of every table commits together, or nothing does (customers first).
          summaries = await ingestTables(
            store,
            order.map(([table, tableFiles]) => ({ table, files: tableFiles })),
            {
              ...(format ? { format } : {}),
              ...(flags.rejectFile ? { rejectFile: flags.rejectFile } : {}),
              maxFieldLength,
              onProgress: (p) => bar.update(p.phase === 'rollups' ? `keeping the rollups over ${p.table} current` : `${p.phase} ${p.table}`, p.percent, p.rollup ?? (p.rows ? `${count(p.rows)} rows` : '')),
            },
          );
        } finally {
          bar.stop();
          await store.close();
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
        else {
          for (const s of summaries) process.stdout.write(`${summaryLine(s)}\n`);
          const last = summaries.at(-1);
          const upkeep = last ? rollupsLine(last) : null;
          if (upkeep) process.stdout.write(`${upkeep}\n`);
        }
      }),
    );
}
