import type { LoadAnswer } from '../query/index.js';
import type { ReadScope } from './read-scope.js';

/**
 * What the Cube-compatible routes need from the semantic layer. The server depends on this
 * shape only; `src/server/semantic-adapter.ts` binds it to the model and query compiler.
 */
export interface QueryContext {
  /** The caller's access, limits and cancel signal (required: no read without a security context). */
  readonly scope: ReadScope;
  readonly now: Date;
}

/** One `/load` answer: `regularQuery` or `compareDateRangeQuery` (one result per compared range). */
export type { LoadAnswer, LoadResult } from '../query/index.js';

export interface SemanticLayer {
  /** Validates and normalises a query; the normalised form keys the result cache. */
  normalize(query: unknown, ctx: QueryContext): Promise<{ key: string }>;
  load(query: unknown, ctx: QueryContext): Promise<LoadAnswer>;
  /** `{sql: {...}}`, or one such object per range of a compareDateRange query. */
  sql(query: unknown, ctx: QueryContext): Promise<unknown>;
  dryRun(query: unknown, ctx: QueryContext): Promise<Record<string, unknown>>;
  meta(ctx: QueryContext): Promise<Record<string, unknown>>;
}
