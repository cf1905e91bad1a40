import type { DuckDbStore } from '../src/store/index.js';
import { benchCubeLoad } from './cube-load.js';

/** Benchmarks beyond ingest and report: the Cube API's /load (other engines add theirs here). */
export async function extraBenchmarks(context: { store: DuckDbStore; runs: number; asOf: Date }): Promise<string[]> {
  return [...(await benchCubeLoad(context.store, context.runs, context.asOf))];
}
