/**
 * `writeDemoFiles`: the demo data set as files in the ingest format, streamed batch by batch
 * (a 10-million-offer CSV never sits in memory). CSV and NDJSON are written directly and are
 * byte-identical for the same options; Parquet goes through a scratch DuckDB file and COPY.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { UprateError, errorMessage } from '../core/errors.js';
import { DuckDbStore, sqlString } from '../store/index.js';
import { planDemo, type DemoOptions } from './demo-options.js';
import { generateDemo } from './generate-demo.js';
import { newOfferBatch } from './offers.js';
import { customerText, header, offerText, type TextFormat } from './row-text.js';

export type DemoFileFormat = TextFormat | 'parquet';

export interface DemoFileOptions extends DemoOptions {
  /** Folder to write into (created if missing); existing files of the same name are replaced. */
  readonly dir: string;
  readonly format: DemoFileFormat;
}

export interface DemoFiles {
  readonly offers: string;
  readonly customers: string;
  readonly offerRows: number;
  readonly customerRows: number;
}

/** Offers formatted and written per batch. */
const BATCH_ROWS = 16_384;

/**
 * Writes `offers.<ext>` and `customers.<ext>` into `dir`.
 *
 * @example
 *   await writeDemoFiles({ dir: 'data', format: 'csv', rows: 10_000_000, seed: 42, end: new Date('2025-06-30T23:59:59Z') });
 *   // then: uprate ingest data/customers.csv data/offers.csv
 */
export async function writeDemoFiles(options: DemoFileOptions): Promise<DemoFiles> {
  const { dir, format } = options;
  if (format !== 'csv' && format !== 'ndjson' && format !== 'parquet') {
    throw new UprateError('BAD_ARGUMENT', `demo file format must be csv, ndjson or parquet, got ${String(format)}`, { location: 'format' });
  }
  mkdirSync(dir, { recursive: true });
  const files = { offers: join(dir, `offers.${format}`), customers: join(dir, `customers.${format}`) };
  if (format === 'parquet') return writeParquet(options, files);
  const plan = planDemo(options);
  await writeText(files.customers, header('customers', format), function* () {
    const text = customerText(format, plan.customers);
    for (let from = 0; from < plan.customers.count; from += BATCH_ROWS) {
      yield text(from, Math.min(plan.customers.count, from + BATCH_ROWS));
    }
  });
  await writeText(files.offers, header('offers', format), function* () {
    const text = offerText(format, plan.rows, plan.customers.count, plan.calendar);
    const stream = plan.offers();
    const batch = newOfferBatch(BATCH_ROWS);
    while (!stream.done) {
      stream.fill(batch);
      yield text(batch);
      options.onProgress?.(batch.first + batch.length, plan.rows);
    }
  });
  return { ...files, offerRows: plan.rows, customerRows: plan.customers.count };
}

async function writeText(path: string, head: string, parts: () => Generator<string>): Promise<void> {
  const file = await open(path, 'w');
  try {
    if (head) await file.write(head);
    for (const part of parts()) await file.write(part);
  } catch (e) {
    throw new UprateError('DB_ERROR', `cannot write ${path}: ${errorMessage(e)}`, { location: path, cause: e });
  } finally {
    await file.close();
  }
}

async function writeParquet(options: DemoFileOptions, files: { offers: string; customers: string }): Promise<DemoFiles> {
  const scratch = join(options.dir, `.uprate-demo-${process.pid}.duckdb`);
  const removeScratch = (): void => {
    rmSync(scratch, { force: true });
    rmSync(`${scratch}.wal`, { force: true });
  };
  removeScratch();
  const store = await DuckDbStore.open(scratch);
  try {
    const summary = await generateDemo(store, options);
    // Rows go in one ordered stream (a single scanning thread), so the files come out in id order.
    await store.run(`COPY customers TO ${sqlString(files.customers)} (FORMAT parquet)`);
    await store.run(`COPY offers TO ${sqlString(files.offers)} (FORMAT parquet)`);
    return { ...files, offerRows: summary.offers, customerRows: summary.customers };
  } finally {
    await store.close();
    removeScratch();
  }
}
