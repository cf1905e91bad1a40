import { CountReads } from '../kpi/index.js';

/** Reads kept for one generation before the memo starts afresh (answers are small; this bounds them). */
const MAX_READS = 2_000;

/**
 * The server's count reads, shared by every /api/v1 computation against one generation of the
 * data ({@link Run.generation}): the dashboard's requests — sent together, run as of one shared
 * clock — ask the engine once per distinct read instead of once per request. A new generation
 * (an ingest, an invalidation) starts a new memo, so nothing read before the data changed answers
 * a computation after it.
 */
export class SharedReads {
  private generation: string | undefined;
  private reads = new CountReads();

  for(generation: string): CountReads {
    if (generation !== this.generation || this.reads.size >= MAX_READS) {
      this.generation = generation;
      this.reads = new CountReads();
    }
    return this.reads;
  }
}
