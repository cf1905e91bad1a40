/**
 * One bash per README block (or run of `continues` blocks), fed one command at a time, as a reader
 * types them into one terminal: variables, `export` and the working folder carry from one command
 * to the next. A command's output goes to files; its exit code comes back on file descriptor 3.
 * A command that serves runs in the background in a process group of its own, stopped by its PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process group started here and not yet stopped: killed if the test process ends first. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Is any process of group `pgid` still there? */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export class BlockShell {
  private readonly child: ChildProcess;
  private readonly stdin: Writable;
  private readonly waiting: ((line: string) => void)[] = [];
  private count = 0;
  private dead: string | undefined;
  /** Background process groups started here, by leader PID. */
  readonly background = new Set<number>();

  constructor(readonly cwd: string, private readonly logs: string, env: NodeJS.ProcessEnv) {
    // detached: the shell leads a process group of its own, so a command that hangs dies with it.
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    if (this.child.pid) running.add(this.child.pid);
    this.stdin = this.child.stdin as Writable;
    let buffered = '';
    (this.child.stdio[3] as Readable).on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
    let stderr = '';
    this.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    this.child.on('exit', (code, signal) => {
      if (this.child.pid) running.delete(this.child.pid);
      this.dead = `the block's shell ended (${signal ?? `exit ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`;
      for (const w of this.waiting.splice(0)) w('');
    });
  }

  private send(script: string): Promise<string> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => (this.dead && !line ? reject(new Error(this.dead)) : resolve(line)));
      this.stdin.write(script);
    });
  }

  /** Runs `command` in the foreground; kills the whole shell if it takes longer than `timeoutMs`. */
  async run(command: string, timeoutMs: number): Promise<CommandResult> {
    const syntax = spawnSync('bash', ['-n', '-c', command], { encoding: 'utf8' });
    if (syntax.status !== 0) return { code: 2, stdout: '', stderr: syntax.stderr, seconds: 0 };
    const n = ++this.count;
    const out = join(this.logs, `${n}.out`);
    const err = join(this.logs, `${n}.err`);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`still running after ${timeoutMs / 1000} s (stopped; a command that serves until stopped is started in the background only when test/readme/readme-examples.ts knows it serves)\n${tail(out)}${tail(err)}`));
      }, timeoutMs);
    });
    try {
      const line = await Promise.race([this.send(`{ ${command}\n} >'${out}' 2>'${err}' </dev/null 3>&-; echo "$?" >&3\n`), timeout]);
      return { code: Number(line), stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8'), seconds: (performance.now() - started) / 1000 };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts `command` in the background (its own process group); returns its PID and log file. */
  async start(command: string): Promise<{ pid: number; log: string }> {
    const log = join(this.logs, `${++this.count}.log`);
    const pid = Number(await this.send(`set -m\n{ ${command}\n} >'${log}' 2>&1 </dev/null 3>&- &\nset +m\necho "$!" >&3\n`));
    this.background.add(pid);
    running.add(pid);
    return { pid, log };
  }

  /** SIGTERM to a background group, SIGKILL after `graceMs`. */
  async stop(pid: number, graceMs = 10_000): Promise<void> {
    this.background.delete(pid);
    running.delete(pid);
    if (!groupAlive(pid)) return;
    process.kill(-pid, 'SIGTERM');
    for (let waited = 0; waited < graceMs && groupAlive(pid); waited += 100) await sleep(100);
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  }

  private kill(): void {
    if (this.child.pid && groupAlive(this.child.pid)) process.kill(-this.child.pid, 'SIGKILL');
  }

  /** Stops every background group, then the shell. */
  async close(): Promise<void> {
    for (const pid of [...this.background]) await this.stop(pid);
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.stdin.end('exit 0\n');
    await Promise.race([exited, sleep(5_000).then(() => this.kill())]);
  }
}

/** The last lines of a log file, for a failure message. */
export function tail(file: string, lines = 25): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text ? `--- ${file}:\n${text.split('\n').slice(-lines).join('\n')}\n` : '';
  } catch {
    return '';
  }
}
