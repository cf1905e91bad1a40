import type { Model } from '../model/index.js';
import { answerQuery, compileToSql, dialectOf, dryRun, meta, queryKey, rollupsFor } from '../query/index.js';
import type { Store } from '../store/store.js';
import type { QueryContext, SemanticLayer } from './semantic-layer.js';

export interface SemanticAdapterOptions {
  readonly store: Store;
  readonly model: Model;
}

/**
 * Measures such as `accepted` and `pending` are judged as of the query clock, so an answer is
 * reusable only within the same minute: the cache key carries the clock to the minute.
 */
function clockKey(now: Date): string {
  return now.toISOString().slice(0, 16);
}

/** Binds the Cube-compatible routes to the compiled model and the store's SQL dialect. */
export function semanticLayer(options: SemanticAdapterOptions): SemanticLayer {
  const { store, model } = options;
  const dialect = dialectOf(store);
  const planOptions = (ctx: QueryContext) => ({
    now: ctx.now,
    access: ctx.scope.access,
    limits: ctx.scope.limits,
    ...(ctx.scope.signal ? { signal: ctx.scope.signal } : {}),
    dialect,
  });
  return {
    normalize(query, ctx) {
      return Promise.resolve({ key: `${queryKey(model, query, planOptions(ctx))}|${clockKey(ctx.now)}` });
    },
    load(query, ctx) {
      return answerQuery(store, model, query, planOptions(ctx));
    },
    // Both say which rollup would answer (or why none can): the fresh rollups are looked up first.
    async sql(query, ctx) {
      const options = planOptions(ctx);
      return compileToSql(model, query, { ...options, rollups: await rollupsFor(store, model, options) });
    },
    async dryRun(query, ctx) {
      const options = planOptions(ctx);
      return dryRun(model, query, { ...options, rollups: await rollupsFor(store, model, options) });
    },
    meta() {
      return Promise.resolve(meta(model));
    },
  };
}
