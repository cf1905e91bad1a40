/**
 * An in-memory answer cache, as Cube keeps one: identical normalised queries (for the same
 * security context) are answered from memory until the data changes. Bounded by an approximate
 * byte budget; least recently used entries go first.
 */
export interface CachedAnswer<T> {
  readonly value: T;
  /** When the answer was computed from the database. */
  readonly refreshedAt: Date;
  /**
   * The store's data version read just before the answer was computed: uprate's refresh key.
   * `renewQuery` reads the version again and keeps the answer while it is unchanged.
   */
  readonly dataVersion?: number;
  /**
   * The server clock when the computation started: what an answer asked without an explicit
   * clock is as of, and where its age is counted from (answer-cache.ts).
   */
  readonly clockAt?: Date;
}

export class ResultCache<T> {
  private readonly entries = new Map<string, { answer: CachedAnswer<T>; bytes: number; version: number }>();
  private bytes = 0;
  private version = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Forget everything: called the moment an ingest commits, so no stale answer survives it. */
  invalidate(): void {
    this.version++;
    this.entries.clear();
    this.bytes = 0;
  }

  get(key: string): CachedAnswer<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.version !== this.version) {
      this.misses++;
      return undefined;
    }
    // Re-insert: Map iteration order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.answer;
  }

  /**
   * Stores an answer computed at `version` (read with {@link currentVersion} before the query
   * ran): if the data changed meanwhile, the answer is not kept.
   */
  set(key: string, answer: CachedAnswer<T>, version: number, bytes: number): void {
    if (version !== this.version || bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { answer, bytes, version });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  currentVersion(): number {
    return this.version;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
