/**
 * The scale bench's server, forked as a child process by bench/scale.ts: a fresh process is a cold
 * server (no answer cache, no compiled query, an empty DuckDB buffer pool). It serves the store
 * it is told as `uprate serve --dev` would (the shipped model, default limits but the statement
 * timeout, no alert schedules: the alerts panel lists what is stored), with the freshly built
 * dashboard, on 127.0.0.1; `UPRATE_ROLLUPS=off` in its environment makes it read the rows.
 *
 * Started and stopped by bench/scale-serve.ts (the spec in BENCH_SCALE_SERVE, messages over IPC).
 */
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { dialectOf } from '../src/query/index.js';
import { compileRollups } from '../src/rollups/index.js';
import { buildApp } from '../src/server/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { SPEC_VARIABLE, type FromServer, type ServeSpec, type ToServer } from './scale-serve.js';

async function main(): Promise<void> {
  const spec = JSON.parse(process.env[SPEC_VARIABLE] ?? 'null') as ServeSpec | null;
  if (!spec) throw new Error(`${SPEC_VARIABLE} is not set: this file is forked by bench/scale.ts`);
  const clock = new Date(spec.clock);
  let store: Store | undefined;
  try {
    store = await openStore({ engine: spec.engine, db: spec.db, url: spec.url, timeoutMs: spec.queryTimeoutMs });
    const model = await loadModel(shippedModelDir(), { conversionWindowDays: 30 });
    const { app } = await buildApp({
      store,
      dev: true,
      model,
      logLevel: 'silent',
      clock: () => clock,
      webDir: spec.webDir,
      limits: { ...DEFAULT_LIMITS, queryTimeoutMs: spec.queryTimeoutMs },
    });
    // As `uprate serve` does before it listens (src/cli/serve-command.ts).
    compileRollups(model, dialectOf(store));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const opened = store;
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await app.close();
      await opened.close();
      process.exit(0);
    };
    process.on('message', (message: ToServer) => {
      if (message.kind === 'stop') void stop();
    });
    // The bench went away: nothing will ask this server again.
    process.on('disconnect', () => void stop());
    process.send?.({ kind: 'listening', url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` } satisfies FromServer);
  } catch (e) {
    await store?.close().catch(() => undefined);
    process.send?.({ kind: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromServer, undefined, undefined, () => process.exit(1));
  }
}

void main();
