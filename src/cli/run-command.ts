import { InternalError, isUprateError } from '../core/errors.js';

/**
 * Wraps a command's action: a user error prints its place, problem and fix and exits 1; anything
 * else is a bug and says so.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

export function reportError(e: unknown): number {
  if (isUprateError(e)) {
    process.stderr.write(`uprate: ${e.describe()}\n`);
    return 1;
  }
  const bug = e instanceof InternalError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`uprate: internal error (a bug in uprate; please report it):\n${bug}\n`);
  return 70;
}
