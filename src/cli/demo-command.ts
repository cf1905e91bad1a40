import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ingestTables } from '../ingest/index.js';
import { buildReport, formatReport, parseDate, periodStart, type Report } from '../kpi/index.js';
import { DuckDbStore, openStore, type Store } from '../store/index.js';
import { DEFAULT_DB, DEFAULT_HOST, DEFAULT_PORT, parseInteger } from './options.js';
import { progressBar } from './progress.js';
import { action } from './run-command.js';
import { serve } from './serve-command.js';
import { addStoreOptions, storeOptions, type StoreFlags } from './store-options.js';
import { allAccess } from '../query/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { buildRollups, rollupsNotFresh } from '../rollups/index.js';

interface DemoFlags extends StoreFlags {
  rows: string;
  seed: string;
  db: string;
  end?: string;
  serve: boolean;
  rollups: boolean;
  port: string;
}

/**
 * A server engine gets the demo the way users load data: the files are written, then ingested
 * (replacing both tables in one commit), so the same checks and bulk load run.
 */
async function loadDemoFiles(store: Store, options: { rows: number; seed: number; end: Date; onProgress: (done: number, total: number) => void }): Promise<{ offers: number; customers: number }> {
  const { writeDemoFiles } = await import('../demo/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'uprate-demo-'));
  try {
    const files = await writeDemoFiles({ dir, format: 'csv', rows: options.rows, seed: options.seed, end: options.end });
    // Both tables are replaced in one commit: a failure leaves the old demo whole.
    const [customers, offers] = await ingestTables(
      store,
      [
        { table: 'customers', files: [files.customers], replace: true },
        { table: 'offers', files: [files.offers], replace: true },
      ],
      { via: 'demo', onProgress: (p) => p.table === 'offers' && options.onProgress(Math.round((p.percent / 100) * options.rows), options.rows) },
    );
    if (!customers || !offers) throw new Error('ingestTables answered fewer summaries than tables');
    return { offers: offers.inserted, customers: customers.inserted };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * With `--no-serve`: the shipped model's rollups, built where they are missing or stale (an
 * earlier demo's were rebuilt with its rows already), so the next server reads them from its first
 * query. ClickHouse is left to `uprate rollups build`: a demo's rows answer without them.
 */
async function readyRollups(store: Store): Promise<void> {
  if (store.engine === 'clickhouse') return;
  const model = await loadModel(shippedModelDir());
  const wanted = await rollupsNotFresh(store, model);
  if (wanted.length === 0) return;
  // Progress, on standard error: the same seed and end print the same standard output.
  await buildRollups(store, model, wanted, (r) => process.stderr.write(`rollup ${r.name}: ${r.rows.toLocaleString('en-US')} rows in ${r.seconds.toFixed(1)} s\n`));
}

/** Months of the KPI the demo prints. */
const RECENT_MONTHS = 6;

/** `2026-12-02 00:00 UTC` for a day, else the instant (`2025-06-30T12:00:00.000Z`). */
function instantText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? `${iso.slice(0, 10)} 00:00 UTC` : iso;
}

/** The report's last `months` rows as a table, saying when rows were left out and how to see them. */
function recentMonths(report: Report, months: number, reportCommand: string): string {
  const shown = report.rows.slice(-months);
  const hidden = report.rows.length - shown.length;
  const table = formatReport({ ...report, rows: shown }, 'table');
  return hidden > 0 ? `${table}\nlast ${shown.length} of ${report.rows.length} months shown; \`${reportCommand}\` shows all\n\n` : `${table}\n`;
}

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('generate a realistic demo data set into the embedded database, print the KPI, then serve it')
    .option('--rows <n>', 'offers to generate', '200000')
    .option('--seed <n>', 'random seed (same seed, same data)', '42')
    .option('--db <file>', 'embedded DuckDB file (its offers and customers are replaced)', DEFAULT_DB)
    .option('--end <date>', 'end of the 24 months of data: a day (its 00:00 UTC) or an instant (default: today 00:00 UTC, so runs on one day give the same data)')
    .option('--no-serve', 'stop after printing the KPI')
    .option('--no-rollups', "load the data only, without building the model's rollups (`uprate rollups build` builds them later)")
    .option('--port <port>', 'port to serve on', String(DEFAULT_PORT));
  addStoreOptions(command)
    .action(
      action(async (flags: DemoFlags) => {
        const rows = parseInteger(flags.rows, '--rows', 1, 100_000_000);
        const seed = parseInteger(flags.seed, '--seed', 0, 2 ** 32 - 1);
        // A whole day, never the clock's instant: the same seed and day give the same data.
        const end = flags.end ? parseDate(flags.end, '--end') : periodStart(new Date(), 'day');
        const port = parseInteger(flags.port, '--port', 0, 65535);
        // Loaded on use: the other commands start without the generator.
        const { generateDemo } = await import('../demo/index.js');
        const store = await openStore(storeOptions(flags));
        const target = store.target;
        const bar = progressBar();
        try {
          const started = performance.now();
          const onProgress = (done: number, total: number) => bar.update('generating offers', (100 * done) / total, `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
          const summary = store instanceof DuckDbStore ? await generateDemo(store, { rows, seed, end, onProgress }) : await loadDemoFiles(store, { rows, seed, end, onProgress });
          bar.stop();
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            `demo data: ${summary.offers.toLocaleString('en-US')} offers, ${summary.customers.toLocaleString('en-US')} customers (seed ${seed}) into ${target} in ${seconds.toFixed(1)} s, ` +
              `24 months ending ${instantText(end)} (--end)\n\n`,
          );
          // Served: the server builds them while it answers (the rows answer until then).
          if (flags.rollups && !flags.serve) await readyRollups(store);
          // As of the data's end: nothing in the data is later, so pending is what it was then.
          const report = await buildReport(store, allAccess('local'), { grain: 'month', asOf: end });
          const reportCommand = `uprate report${store instanceof DuckDbStore && flags.db !== DEFAULT_DB ? ` --db ${flags.db}` : ''} --as-of ${instantText(end).replace(' 00:00 UTC', '')}`;
          process.stdout.write(recentMonths(report, RECENT_MONTHS, reportCommand));
        } finally {
          bar.stop();
          await store.close();
        }
        if (flags.serve) await serve({ db: flags.db, engine: flags.engine, url: flags.url, timeout: flags.timeout, host: DEFAULT_HOST, port, dev: true, logLevel: process.env['UPRATE_LOG_LEVEL'] ?? 'warn', buildRollups: flags.rollups });
      }),
    );
}
