/**
 * Starts and stops the scale bench's server (bench/scale-server.ts) as a child process: one fresh
 * process per cold measurement, under the same loader (tsx) as the bench. `rollups: false` sets
 * `UPRATE_ROLLUPS=off` in its environment, so that every read scans the rows.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServeSpec {
  readonly engine: 'duckdb' | 'postgres' | 'clickhouse';
  /** The DuckDB file (engine duckdb). */
  readonly db: string;
  /** The server URL (postgres, clickhouse). */
  readonly url?: string;
  readonly webDir: string;
  /** ISO instant: the server's fixed clock. */
  readonly clock: string;
  /** The statement timeout (limits.queryTimeoutMs): a raw scan at scale outlasts the default 30 s. */
  readonly queryTimeoutMs: number;
}

export type FromServer = { readonly kind: 'listening'; readonly url: string } | { readonly kind: 'failed'; readonly message: string };
export type ToServer = { readonly kind: 'stop' };

/** The environment variable the spec travels in (JSON). */
export const SPEC_VARIABLE = 'BENCH_SCALE_SERVE';

const SERVER = fileURLToPath(new URL('./scale-server.ts', import.meta.url));

export interface RunningServer {
  readonly url: string;
  /** Closes the server and its store and waits for the process to end (a DuckDB file is free again after). */
  stop(): Promise<void>;
}

export async function startServer(spec: ServeSpec, options: { rollups: boolean }): Promise<RunningServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, [SPEC_VARIABLE]: JSON.stringify(spec) };
  if (options.rollups) delete env['UPRATE_ROLLUPS'];
  else env['UPRATE_ROLLUPS'] = 'off';
  const child = fork(SERVER, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: FromServer) => (message.kind === 'listening' ? resolve(message.url) : reject(new Error(`the bench server did not start: ${message.message}`))));
    child.once('error', reject);
    void exited.then(() => reject(new Error(`the bench server exited (${child.exitCode ?? child.signalCode}) before it listened`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ kind: 'stop' } satisfies ToServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
