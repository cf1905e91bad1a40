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
  | 'CONFIG_INVALID';

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

  toJSON(): Record<string, unknown> {
    return {
      error: this.describe(),
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
