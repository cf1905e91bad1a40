import type { DuckDbStore } from '../src/store/index.js';

/** Benchmarks later parts add (the Cube API's /load, other engines). */
export async function extraBenchmarks(_context: { store: DuckDbStore; runs: number; asOf: Date }): Promise<string[]> {
  return [];
}
