import type { JWTPayload } from 'jose';

/**
 * What the Cube-compatible routes need from the semantic layer. The server depends on this
 * shape only; `src/server/semantic-adapter.ts` binds it to the model and query compiler.
 */
export interface QueryContext {
  readonly securityContext: JWTPayload;
  readonly now: Date;
}

/** One `/load` result as Cube sends it (query echo, data, annotation, total). */
export interface LoadResult {
  readonly query: Record<string, unknown>;
  readonly data: readonly Record<string, unknown>[];
  readonly annotation: Record<string, unknown>;
  readonly total?: number | null;
}

export interface LoadAnswer {
  /** `regularQuery` or `compareDateRangeQuery` (one result per compared range). */
  readonly queryType: string;
  readonly results: readonly LoadResult[];
  readonly pivotQuery: Record<string, unknown>;
}

export interface SemanticLayer {
  /** Validates and normalises a query; the normalised form keys the result cache. */
  normalize(query: unknown, ctx: QueryContext): Promise<{ key: string }>;
  load(query: unknown, ctx: QueryContext): Promise<LoadAnswer>;
  sql(query: unknown, ctx: QueryContext): Promise<Record<string, unknown>>;
  dryRun(query: unknown, ctx: QueryContext): Promise<Record<string, unknown>>;
  meta(ctx: QueryContext): Promise<Record<string, unknown>>;
}
