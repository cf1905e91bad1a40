import type { Command } from 'commander';
import { buildReport, formatReport, parseDate } from '../kpi/index.js';
import { DuckDbStore } from '../store/index.js';
import { DEFAULT_DB, DEFAULT_HOST, DEFAULT_PORT, parseInteger } from './options.js';
import { progressBar } from './progress.js';
import { action } from './run-command.js';
import { serve } from './serve-command.js';

interface DemoFlags {
  rows: string;
  seed: string;
  db: string;
  end?: string;
  serve: boolean;
  port: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a realistic demo data set into the embedded database, print the KPI, then serve it')
    .option('--rows <n>', 'offers to generate', '200000')
    .option('--seed <n>', 'random seed (same seed, same data)', '42')
    .option('--db <file>', 'embedded DuckDB file (its offers and customers are replaced)', DEFAULT_DB)
    .option('--end <date>', 'last day of the 24 months of data (default: today)')
    .option('--no-serve', 'stop after printing the KPI')
    .option('--port <port>', 'port to serve on', String(DEFAULT_PORT))
    .action(
      action(async (flags: DemoFlags) => {
        const rows = parseInteger(flags.rows, '--rows', 1, 100_000_000);
        const seed = parseInteger(flags.seed, '--seed', 0, 2 ** 32 - 1);
        const end = flags.end ? parseDate(flags.end, '--end') : new Date();
        const port = parseInteger(flags.port, '--port', 0, 65535);
        // Loaded on use: the other commands start without the generator.
        const { generateDemo } = await import('../demo/index.js');
        const store = await DuckDbStore.open(flags.db);
        const bar = progressBar();
        try {
          const started = performance.now();
          const summary = await generateDemo(store, {
            rows,
            seed,
            end,
            onProgress: (done: number, total: number) => bar.update('generating offers', (100 * done) / total, `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`),
          });
          bar.stop();
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            `demo data: ${summary.offers.toLocaleString('en-US')} offers, ${summary.customers.toLocaleString('en-US')} customers (seed ${seed}) into ${flags.db} in ${seconds.toFixed(1)} s\n\n`,
          );
          const report = await buildReport(store, { grain: 'month', asOf: end.getTime() > Date.now() ? end : new Date(Math.max(end.getTime(), Date.now())) });
          const recent = { ...report, rows: report.rows.slice(-6) };
          process.stdout.write(`${formatReport(recent, 'table')}\n`);
        } finally {
          bar.stop();
          await store.close();
        }
        if (flags.serve) await serve({ db: flags.db, host: DEFAULT_HOST, port, dev: true, logLevel: process.env['UPRATE_LOG_LEVEL'] ?? 'warn' });
      }),
    );
}
