import { CountReads } from '../kpi/index.js';

/**
 * What one memo keeps before it starts afresh: reads, rows of their answers, and age. Reads made
 * as of a server clock older than the shared-clock window are not asked again anyway, so a minute
 * loses little; the bounds keep a server asked many distinct questions from holding them all.
 */
export const SHARED_READS_LIMITS = { reads: 2_000, rows: 200_000, ageMs: 60_000 } as const;

/**
 * The server's count reads, shared by every /api/v1 computation against one generation of the
 * data ({@link Run.generation}): the dashboard's requests — sent together, run as of one shared
 * clock — ask the engine once per distinct read instead of once per request. A new generation
 * (an ingest, an invalidation) starts a new memo, so nothing read before the data changed answers
 * a computation after it; so does a memo past {@link SHARED_READS_LIMITS}.
 */
export class SharedReads {
  private generation: string | undefined;
  private reads = new CountReads();
  private startedAt = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  for(generation: string): CountReads {
    const now = this.clock();
    const limits = SHARED_READS_LIMITS;
    const old = now - this.startedAt > limits.ageMs || now < this.startedAt;
    if (generation !== this.generation || old || this.reads.size >= limits.reads || this.reads.rows >= limits.rows) {
      this.generation = generation;
      this.reads = new CountReads();
      this.startedAt = now;
    }
    return this.reads;
  }
}
