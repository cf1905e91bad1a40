/**
 * A reader that stops reading (`uprate demo | head`) closes the pipe: the next write fails with
 * EPIPE, which Node raises as an unhandled 'error' event and a stack trace. A command's output is
 * a report on work it does anyway (a load, a server), so once nobody reads it the command goes on
 * quietly: later writes are dropped (their callbacks still called) and the exit code is the work's.
 */
type Stream = NodeJS.WriteStream;

/** Output dropped from now on: `write` accepts and forgets, calling a callback as a written chunk would. */
function silence(stream: Stream): void {
  const drop = (...args: unknown[]): boolean => {
    const done = args.find((a): a is (error?: Error | null) => void => typeof a === 'function');
    if (done) queueMicrotask(() => done(null));
    return true;
  };
  Object.defineProperty(stream, 'write', { value: drop, configurable: true, writable: true });
}

/** Keep `stream` from failing the process when its reader goes away; other write errors still throw. */
export function quietOnClosedPipe(stream: Stream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      silence(stream);
      return;
    }
    throw error;
  });
}
