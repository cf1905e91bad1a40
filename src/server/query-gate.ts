import { UprateError } from '../core/errors.js';

/**
 * At most `slots` heavy requests run at once; up to `queue` more wait in order; beyond that the
 * answer is BUSY (503 with Retry-After), so a burst of expensive queries cannot take every
 * engine thread and every byte of memory, and cheap requests (/health) stay answered.
 */
export class QueryGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly slots: number,
    private readonly queue: number,
  ) {}

  /** Resolves with a release function once a slot is free; throws BUSY when the queue is full. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.slots) {
      if (this.waiting.length >= this.queue) {
        throw new UprateError('BUSY', `the server is running ${this.running} queries and ${this.waiting.length} are waiting`, {
          hint: 'retry after the Retry-After seconds, or raise limits.maxConcurrentQueries / limits.maxQueuedQueries in uprate.config.yaml',
          details: { retryAfterSeconds: 1 },
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running -= 1;
    };
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
