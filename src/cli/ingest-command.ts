import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { UprateError, errorMessage } from '../core/errors.js';
import type { TableName } from '../core/schema.js';
import { formatFromName, ingestFiles, type IngestSummary, type SourceFormat } from '../ingest/index.js';
import { cliConfig } from './model-source.js';
import { openStore, readServerSidecar } from '../store/index.js';
import { DEFAULT_DB, parseChoice } from './options.js';
import { progressBar } from './progress.js';
import { action } from './run-command.js';
import { authHeader, ownerClaims } from './auth-header.js';
import { addStoreOptions, storeChoice, storeOptions, type StoreFlags } from './store-options.js';

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

export function summaryLine(s: IngestSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rejects = s.rejected > 0 ? `, ${n(s.rejected)} rejected${s.rejectFile ? ` (written to ${s.rejectFile})` : ''}` : ', 0 rejected';
  return `${s.table}: ${n(s.rowsRead)} rows read, ${n(s.inserted)} inserted, ${n(s.updated)} updated${rejects} in ${s.seconds.toFixed(2)} s (${n(Math.round(s.rowsPerSecond))} rows/s)`;
}

interface IngestFlags extends StoreFlags {
  db: string;
  table?: string;
  format?: string;
  rejectFile?: string;
  server?: string;
  json?: boolean;
  config?: string;
}

async function sendThroughServer(url: string, table: TableName, files: string[], format: SourceFormat | undefined, flags: IngestFlags): Promise<IngestSummary[]> {
  if (flags.rejectFile) {
    throw new UprateError('BAD_ARGUMENT', '--reject-file is not available when loading through a server', {
      hint: 'the server answers all or nothing; fix the rows it lists, or stop the server and load the file directly',
    });
  }
  const out: IngestSummary[] = [];
  for (const file of files) {
    const f = format ?? formatFromName(file);
    const endpoint = new URL(`/api/v1/ingest/${table}`, url);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPES[f], 'content-length': String(statSync(file).size), 'x-uprate-source': basename(file), ...(await authHeader(ownerClaims(cliConfig(flags).security))) },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
    } catch (e) {
      throw new UprateError('ENGINE_UNAVAILABLE', `cannot reach the uprate server at ${url}: ${errorMessage(e)}`, {
        hint: 'check that `uprate serve` is running there, or drop --server to load the file directly',
      });
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const message = typeof body['error'] === 'string' ? body['error'] : `HTTP ${response.status}`;
      throw new UprateError(response.status === 400 ? 'INVALID_ROWS' : 'ENGINE_UNAVAILABLE', `server refused ${file}: ${message}`, { location: file, details: body['details'] });
    }
    out.push(body as unknown as IngestSummary);
  }
  return out;
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
    .option('--server <url>', 'send the files through a running `uprate serve` (it holds the database file)')
    .option('--config <file>', 'config file, for limits.maxFieldLength (default: uprate.config.yaml in this folder)')
    .option('--json', 'print the summary as JSON');
  addStoreOptions(command)
    .addHelpText('after', `
Rows are checked against the data model first; by default one bad row loads nothing and the
report names file:line, field, value and rule. A row whose offer_id (customer_id) is already
stored replaces it, so loading the same file twice changes nothing.

Examples:
  uprate ingest offers.csv customers.csv
  uprate ingest --table offers --reject-file rejects.csv export.ndjson
  uprate ingest --server http://127.0.0.1:4000 offers.csv
  uprate ingest --url postgres://uprate:uprate@127.0.0.1:54329/uprate offers.csv`)
    .action(
      action(async (files: string[], flags: IngestFlags) => {
        const format = flags.format ? parseChoice(flags.format, '--format', FORMATS) : undefined;
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
        // Customers first, so a file pair loads in a sensible order.
        const order = [...byTable.entries()].sort(([a], [b]) => (a === 'customers' ? -1 : b === 'customers' ? 1 : 0));
        const summaries: IngestSummary[] = [];
        // Only the embedded file is held by one process; a database server takes loads directly.
        const embedded = storeChoice(flags).engine === 'duckdb';
        const server = flags.server ?? (embedded ? await serverHolding(flags.db) : undefined);
        if (server) {
          if (!flags.server) process.stderr.write(`uprate: ${flags.db} is held by uprate serve at ${server}; sending the data through it\n`);
          for (const [table, tableFiles] of order) summaries.push(...(await sendThroughServer(server, table, tableFiles, format, flags)));
        } else {
          // A bad config stops the load before the database is opened.
          const { maxFieldLength } = cliConfig(flags).limits;
          const store = await openStore(storeOptions(flags));
          const bar = progressBar();
          try {
            for (const [table, tableFiles] of order) {
              summaries.push(
                await ingestFiles(store, {
                  table,
                  files: tableFiles,
                  ...(format ? { format } : {}),
                  ...(flags.rejectFile ? { rejectFile: flags.rejectFile } : {}),
                  maxFieldLength,
                  onProgress: (p) => bar.update(`${p.phase} ${table}`, p.percent, p.rows ? `${p.rows.toLocaleString('en-US')} rows` : ''),
                }),
              );
            }
          } finally {
            bar.stop();
            await store.close();
          }
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
        else for (const s of summaries) process.stdout.write(`${summaryLine(s)}\n`);
      }),
    );
}

/** The URL of a live `uprate serve` holding the file, if the file is locked by one. */
async function serverHolding(db: string): Promise<string | undefined> {
  const sidecar = readServerSidecar(db);
  return sidecar?.url;
}
