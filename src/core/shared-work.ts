/**
 * Work that several askers wait for (a computation of the answer cache, a count read shared by
 * requests): an asker that goes away stops waiting at once, and the work is stopped only when
 * every asker that can go away has gone — one that cannot (no signal) keeps it running.
 */
export interface SharedWork<T> {
  readonly done: Promise<T>;
  /** Aborted to stop the work. */
  readonly controller: AbortController;
  /** Askers with a signal still waiting. */
  askers: number;
  /** An asker without a signal waits: the work is never stopped. */
  pinned: boolean;
}

/**
 * One asker's wait for shared work: its signal rejects its own wait with `cancelled()`, and the
 * last asker to leave calls `stop` (which aborts the work's controller, and forgets it).
 */
export function waitShared<T>(work: SharedWork<T>, signal: AbortSignal | undefined, stop: () => void, cancelled: () => Error): Promise<T> {
  if (!signal) {
    work.pinned = true;
    return work.done;
  }
  work.askers += 1;
  return new Promise<T>((resolve, reject) => {
    const leave = () => {
      work.askers -= 1;
      if (work.askers === 0 && !work.pinned) stop();
      reject(cancelled());
    };
    if (signal.aborted) {
      leave();
      return;
    }
    signal.addEventListener('abort', leave, { once: true });
    work.done.then(
      (value) => {
        signal.removeEventListener('abort', leave);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', leave);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
