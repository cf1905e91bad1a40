/**
 * Runs `work` on each of `items`, at most `limit` at once, and answers the results in the items'
 * order. After a failure no further item starts, and the first error is thrown only once every
 * item under way has settled: a caller's clean-up after a failure (dropping what was half made)
 * never races work still going on.
 *
 * @example
 *   const counts = await inParallel(shards, shards.length, (shard) => shard.select('SELECT count() FROM t'));
 */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  return results;
}

/**
 * Awaits work already started (each promise), answering every result in order; when some fail,
 * the first failure is thrown once all have settled — as {@link inParallel}, for a few different
 * pieces of work at once.
 *
 * @example
 *   const [rows, window] = await allSettled([fillTable(a), fillWindow(b)]);
 */
export async function allSettled<T extends readonly unknown[]>(work: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work as readonly Promise<unknown>[]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
