/**
 * DuckDB allows one writing transaction per table at a time; loads through the server queue
 * here instead of failing with a transaction conflict.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
