import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Work that must not overlap (an alert check and an ingest's check, two report sends): each run
 * starts after every earlier one settled, a failure not stopping the next.
 */
export class Serial {
  private chain: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Settles once everything queued so far has run. */
  async idle(): Promise<void> {
    await this.chain;
  }
}

/** Who holds a lease: host, process and a random part (two servers on one host differ). */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
