import { errorMessage } from '../core/errors.js';
import type { Model } from '../model/index.js';
import { buildRollups, rollupsNotFresh, type BuiltRollup } from '../rollups/index.js';
import type { ServerContext } from './context.js';

/** A build running beside the server: `stop` aborts it and waits until it has let go of the store. */
export interface BackgroundBuild {
  /** How many rollups it builds (0: every one was fresh, nothing runs). */
  readonly rollups: number;
  /** Settles once the build ended: built, failed (reported through `say`) or stopped. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A build through the server: each rollup (or family of moments, filled together) takes the
 * write lock on its own, so a load sent meanwhile waits for one, not the whole build; `signal`
 * stops it (those built stay: each is its own commit). ClickHouse builds from one copy of the rows
 * and switches generations as a load's refresh does: it keeps the lock for the whole build.
 */
export function buildTakingTurns(ctx: ServerContext, model: Model, names: readonly string[], signal?: AbortSignal): Promise<BuiltRollup[]> {
  const stoppable = signal ? { signal } : {};
  if (ctx.store.engine === 'clickhouse') return ctx.writeLock.run(() => buildRollups(ctx.store, model, names, undefined, stoppable));
  return buildRollups(ctx.store, model, names, undefined, { ...stoppable, eachFill: (fill) => ctx.writeLock.run(fill) });
}

/**
 * Builds the model's missing and stale rollups while the server already answers: until a rollup
 * commits, the queries it would answer read the rows (a missing rollup is never read), and the
 * answers are the same either way, so nothing cached is dropped. Each rollup (or family of moments,
 * filled together) takes the server's write lock, so a load sent meanwhile waits for one rollup,
 * not the whole build ({@link buildTakingTurns}). `say` gets one line when it ends (or fails: the server keeps serving from
 * the rows, and the line says what to run). ClickHouse is left as it is: its rollups are filled by
 * `uprate rollups build` (a cluster is shared; a demo's rows answer without them).
 */
export async function buildInBackground(ctx: ServerContext, model: Model, say: (line: string) => void): Promise<BackgroundBuild> {
  const wanted = ctx.store.engine === 'clickhouse' ? [] : await rollupsNotFresh(ctx.store, model);
  if (wanted.length === 0) return { rollups: 0, done: Promise.resolve(), stop: () => Promise.resolve() };
  const controller = new AbortController();
  const started = performance.now();
  const done = buildTakingTurns(ctx, model, wanted, controller.signal).then(
    (built) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (controller.signal.aborted) say(`rollups: stopped after ${built.length} of ${wanted.length} (\`uprate rollups build\` builds the others)`);
      else say(`rollups: ${built.length} built in ${seconds} s; queries read them from now on`);
    },
    (e: unknown) => say(`rollups: the build failed (${errorMessage(e)}); queries read the rows — run \`uprate rollups build\` to see why`),
  );
  return {
    rollups: wanted.length,
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
