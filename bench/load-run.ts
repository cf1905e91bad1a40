/**
 * Runs one autocannon load from a child process (bench/load-client.ts) while this process — the
 * server's — samples its own RSS every 50 ms. `during` runs once the load has started (the
 * ingest, for the consistency runs) and may tell the client when the commit was answered and
 * when to stop.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromClient, LoadReport, LoadSpec, ToClient } from './load-protocol.js';

export interface LoadControl {
  /** The commit's answer has arrived: requests built from now on must see the new data. */
  committed(): void;
  /** Resolves once as many requests made after the commit as there are connections were answered. */
  readonly fresh: Promise<void>;
  /** End the run now (it ends by itself after `spec.seconds`). */
  stop(): void;
}

export interface LoadResult {
  readonly report: LoadReport;
  /** The highest RSS of this process (the server's) seen during the run, in bytes. */
  readonly peakRss: number;
}

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

export async function runLoad(spec: LoadSpec, during?: (control: LoadControl) => Promise<void>): Promise<LoadResult> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  // The client runs under the same loader (tsx) as this process: fork passes execArgv on.
  const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const tell = (message: ToClient) => {
    if (child.connected) child.send(message);
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let duringRun: Promise<void> | undefined;
  let freshNow!: () => void;
  const fresh = new Promise<void>((resolve) => {
    freshNow = resolve;
  });
  try {
    const report = await new Promise<LoadReport>((resolve, reject) => {
      child.on('message', (message: FromClient) => {
        if (message.kind === 'done') resolve(message.report);
        else if (message.kind === 'failed') reject(new Error(`load client: ${message.message}`));
        else if (message.kind === 'fresh') freshNow();
        else if (message.kind === 'started' && during && !duringRun) {
          // On a failure the load stops at once; the error is thrown once the client has reported.
          duringRun = during({ committed: () => tell({ kind: 'committed' }), fresh, stop: () => tell({ kind: 'stop' }) });
          duringRun.catch(() => tell({ kind: 'stop' }));
        }
      });
      child.on('error', reject);
      void exited.then(() => reject(new Error(`load client exited (${child.exitCode ?? child.signalCode}) before it reported`)));
      tell({ kind: 'run', spec });
    });
    // The ingest may outlast the load (then the check finds no answer after the commit).
    await duringRun;
    await exited;
    return { report, peakRss };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
