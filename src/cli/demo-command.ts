import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ingestFiles } from '../ingest/index.js';
import { buildReport, formatReport, parseDate } from '../kpi/index.js';
import { DuckDbStore, openStore, type Store } from '../store/index.js';
import { DEFAULT_DB, DEFAULT_HOST, DEFAULT_PORT, parseInteger } from './options.js';
import { progressBar } from './progress.js';
import { action } from './run-command.js';
import { serve } from './serve-command.js';
import { addStoreOptions, storeOptions, type StoreFlags } from './store-options.js';
import { allAccess } from '../query/index.js';

interface DemoFlags extends StoreFlags {
  rows: string;
  seed: string;
  db: string;
  end?: string;
  serve: boolean;
  port: string;
}

/**
 * A server engine gets the demo the way users load data: the files are written, then ingested
 * (replacing the tables), so the same checks and bulk load run.
 */
async function loadDemoFiles(store: Store, options: { rows: number; seed: number; end: Date; onProgress: (done: number, total: number) => void }): Promise<{ offers: number; customers: number }> {
  const { writeDemoFiles } = await import('../demo/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'uprate-demo-'));
  try {
    const files = await writeDemoFiles({ dir, format: 'csv', rows: options.rows, seed: options.seed, end: options.end });
    const customers = await ingestFiles(store, { table: 'customers', files: [files.customers], replace: true, via: 'demo' });
    const offers = await ingestFiles(store, {
      table: 'offers',
      files: [files.offers],
      replace: true,
      via: 'demo',
      onProgress: (p) => options.onProgress(Math.round((p.percent / 100) * options.rows), options.rows),
    });
    return { offers: offers.inserted, customers: customers.inserted };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('generate a realistic demo data set into the embedded database, print the KPI, then serve it')
    .option('--rows <n>', 'offers to generate', '200000')
    .option('--seed <n>', 'random seed (same seed, same data)', '42')
    .option('--db <file>', 'embedded DuckDB file (its offers and customers are replaced)', DEFAULT_DB)
    .option('--end <date>', 'last day of the 24 months of data (default: today)')
    .option('--no-serve', 'stop after printing the KPI')
    .option('--port <port>', 'port to serve on', String(DEFAULT_PORT));
  addStoreOptions(command)
    .action(
      action(async (flags: DemoFlags) => {
        const rows = parseInteger(flags.rows, '--rows', 1, 100_000_000);
        const seed = parseInteger(flags.seed, '--seed', 0, 2 ** 32 - 1);
        const end = flags.end ? parseDate(flags.end, '--end') : new Date();
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
            `demo data: ${summary.offers.toLocaleString('en-US')} offers, ${summary.customers.toLocaleString('en-US')} customers (seed ${seed}) into ${target} in ${seconds.toFixed(1)} s\n\n`,
          );
          const report = await buildReport(store, allAccess('local'), { grain: 'month', asOf: end.getTime() > Date.now() ? end : new Date(Math.max(end.getTime(), Date.now())) });
          const recent = { ...report, rows: report.rows.slice(-6) };
          process.stdout.write(`${formatReport(recent, 'table')}\n`);
        } finally {
          bar.stop();
          await store.close();
        }
        if (flags.serve) await serve({ db: flags.db, engine: flags.engine, url: flags.url, timeout: flags.timeout, host: DEFAULT_HOST, port, dev: true, logLevel: process.env['UPRATE_LOG_LEVEL'] ?? 'warn' });
      }),
    );
}
