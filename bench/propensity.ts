/**
 * Issue 16's bench line: training the propensity models (read, features, fits, holdout
 * validation) — time and memory — beside DuckDB reading the same sampled offers with its own SQL
 * in the same run. `BENCH_ONLY=propensity npm run bench` measures 1 M and 10 M offers
 * (BENCH_PROPENSITY_ROWS, comma list), each generated straight into DuckDB and kept in
 * .bench-cache; the default run measures the main bench's store.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import type { KpiContext } from '../src/insights/index.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { DEFAULT_MAX_TRAINING_OFFERS, propensityReport } from '../src/propensity/index.js';
import { sampleBuckets, SAMPLE_BUCKETS } from '../src/query/answer-rows.js';
import { allAccess } from '../src/query/index.js';
import { DEFAULT_BAND_THRESHOLDS } from '../src/stats/index.js';
import { DuckDbStore } from '../src/store/index.js';

const CACHE = join(process.cwd(), '.bench-cache');
const END = new Date('2026-11-30T00:00:00Z');

/** Peak resident memory while `fn` runs, sampled every 50 ms, above what was resident before. */
async function withPeakMemory<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMb: number; baseMb: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - start) / 1000, peakMb: (peak - base) / 1e6, baseMb: base / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/** Training on `store` as of `asOf`, and DuckDB's own read of the same sampled customers' offers. */
export async function benchPropensity(store: DuckDbStore, asOf: Date): Promise<string[]> {
  const model = await loadModel(shippedModelDir(), { conversionWindowDays: 30 });
  const ctx: KpiContext = { store, model, asOf, access: allAccess('local'), windowDays: 30, thresholds: DEFAULT_BAND_THRESHOLDS, target: null, level: 0.95, method: 'wilson' };
  const trained = await withPeakMemory(() => propensityReport(ctx));
  const report = trained.value;
  // The engine alone: the same customers' offers joined to their attributes, read into JS.
  const threshold = sampleBuckets(report.sample.fraction).toString(16).padStart(4, '0');
  const raw = await withPeakMemory(async () =>
    store.query(
      `SELECT o.customer_id, o.offered_at, o.offer_name, o.offer_type, o.accepted_at, o.declined_at, o.revenue,
              c.account_size, c.lifecycle_stage, c.engagement_score, c.industry, c.region, c.plan, c.mrr
       FROM offers o LEFT JOIN customers c USING (customer_id)
       WHERE o.offered_at <= ? ${report.sample.fraction < 1 ? `AND substr(md5(o.customer_id), 1, 4) < '${threshold}'` : ''}`,
      [asOf.toISOString().slice(0, 19).replace('T', ' ')],
    ),
  );
  const validated = report.offers.filter((o) => o.model);
  const used = validated.filter((o) => o.used === 'model').length;
  const pooled = report.overall.model?.auc.value;
  return [
    `propensity at ${report.sample.totalOffers.toLocaleString('en-US')} offers (${report.sample.offers.toLocaleString('en-US')} read for training, ${(100 * report.sample.fraction).toFixed(1)} % of customers; budget ${DEFAULT_MAX_TRAINING_OFFERS.toLocaleString('en-US')}):`,
    `  uprate propensity (read, features, ${report.offers.length} offers fitted and validated): ${trained.seconds.toFixed(1)} s, peak +${trained.peakMb.toFixed(0)} MB over ${trained.baseMb.toFixed(0)} MB resident (target ≤ 60 s)`,
    `  DuckDB reading the same ${raw.value.length.toLocaleString("en-US")} offers with their attributes into JS: ${raw.seconds.toFixed(1)} s, ${raw.peakMb >= 1 ? `peak +${raw.peakMb.toFixed(0)} MB` : "within the memory already resident"}`,
    `  ratio ${(trained.seconds / raw.seconds).toFixed(1)} × the raw read; the model ranks ${used} of ${validated.length} validated offers; pooled holdout AUC ${pooled?.toFixed(3) ?? '–'} (segment rate ${report.overall.baseline?.auc.value.toFixed(3) ?? '–'})`,
    '',
  ];
}

/** `BENCH_ONLY=propensity`: demo stores of each size (generated once, kept), one training each. */
export async function benchPropensityScales(print: (line: string) => void): Promise<void> {
  const sizes = (process.env['BENCH_PROPENSITY_ROWS'] ?? '1000000,10000000').split(',').map(Number);
  mkdirSync(CACHE, { recursive: true });
  for (const rows of sizes) {
    const path = join(CACHE, `propensity-${rows}.duckdb`);
    if (!existsSync(path)) {
      print(`generating ${rows.toLocaleString('en-US')} demo offers into ${path} …`);
      const store = await DuckDbStore.open(path);
      await generateDemo(store, { rows, seed: 1, end: END });
      await store.close();
    }
    const store = await DuckDbStore.open(path, { readOnly: true });
    for (const line of await benchPropensity(store, END)) print(line);
    await store.close();
  }
  print(`(sample buckets: ${SAMPLE_BUCKETS.toLocaleString('en-US')} by the first four hex digits of md5(customer id))`);
}
