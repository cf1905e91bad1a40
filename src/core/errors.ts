/**
 * The two kinds of error (STYLE habit 8): a {@link UprateError} is the user's to fix and carries a
 * code, the place it concerns (file:line, Cube.member, field) and how to fix it; anything else
 * thrown is a bug in uprate and is reported as one.
 */
export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'FILE_NOT_FOUND'
  | 'FILE_EMPTY'
  | 'FILE_FORMAT'
  | 'BAD_HEADER'
  | 'INVALID_ROWS'
  | 'DB_LOCKED'
  | 'DB_ERROR'
  | 'MODEL_INVALID'
  | 'QUERY_INVALID'
  | 'AUTH_MISSING'
  | 'AUTH_INVALID'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'ENGINE_UNAVAILABLE'
  | 'CONFIG_INVALID'
  /** The caller's token does not allow this (another tenant's rows, an admin-only action). */
  | 'FORBIDDEN'
  /** A query over a cost limit (members, filter values, cells, periods, nesting): names the limit and its config key. */
  | 'QUERY_TOO_LARGE'
  /** A query ran past `limits.queryTimeoutMs` and was cancelled in the engine. */
  | 'QUERY_TIMEOUT'
  /** The client went away; the engine's work was cancelled (nobody reads the answer). */
  | 'QUERY_CANCELLED'
  /** Too many heavy queries at once: try again after `Retry-After` seconds. */
  | 'BUSY'
  /** A feature that writes uprate's own tables (ingest, demo load), asked of a read-only store. */
  | 'READ_ONLY';

export interface ErrorOptions {
  /** Where the problem is: `offers.csv:17`, `Offers.conversionRate`, `--grain`. */
  readonly location?: string;
  /** One sentence on how to fix it. */
  readonly hint?: string;
  /** Structured evidence for machines (row errors, SQL and params, …). */
  readonly details?: unknown;
  readonly cause?: unknown;
}

export class UprateError extends Error {
  override readonly name = 'UprateError';
  readonly location: string | undefined;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.location = options.location;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The message as a person reads it: place, problem, fix. */
  describe(): string {
    const where = this.location ? `${this.location}: ` : '';
    const fix = this.hint ? `\n  fix: ${this.hint}` : '';
    return `${where}${this.message}${fix}`;
  }

  /**
   * The message as an API body carries it: the problem first, worded as Cube words it (so a
   * Cube client sees the text it knows, e.g. `'nope' not found for path 'Offers.nope'`), then
   * the place and the fix.
   */
  apiMessage(): string {
    const where = this.location ? ` (at ${this.location})` : '';
    const fix = this.hint ? `\n  fix: ${this.hint}` : '';
    return `${this.message}${where}${fix}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.apiMessage(),
      code: this.code,
      ...(this.location ? { location: this.location } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isUprateError(e: unknown): e is UprateError {
  return e instanceof UprateError;
}

/** A broken invariant: a bug in uprate, never the user's fault. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
