import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './readme/linked-bin.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../dist/cli/bundle/main.js', import.meta.url));

/**
 * `node` and its arguments for running `uprate ARGS…` as a user does: the compiled CLI (what
 * `npm install` builds), rebuilt first when a source changed since. Through tsx each run took
 * a second longer, all of it compiling, not uprate's work.
 */
export function cliArgs(args: readonly string[]): string[] {
  ensureBuilt(ROOT);
  return [MAIN, ...args];
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `uprate` CLI, as a user would run the bin. */
export function uprate(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, cliArgs(args), {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts a long-running command (serve, demo); resolves once it prints `pattern`. Give it
 * `--port 0` and read the port it got from `url()`: a port picked at random may be taken by the
 * time the server binds it (another test's connection, on a shared machine).
 */
export async function startUprate(args: readonly string[], pattern: RegExp, env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string; url: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, cliArgs(args), { cwd: ROOT, env: { ...process.env, CI: 'true', UPRATE_LOG_LEVEL: 'warn', ...env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`)), 60_000);
    const check = () => {
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}:\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    output: () => out,
    url: () => {
      const served = /uprate is serving .* at (http:\/\/\S+)/.exec(out)?.[1];
      if (!served) throw new Error(`no "uprate is serving … at URL" line in the output:\n${out}`);
      return served;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
