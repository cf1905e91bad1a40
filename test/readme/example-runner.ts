/**
 * Runs the README's examples block by block, as a reader would: each block (with the blocks that
 * `continue` it) in a fresh folder laid out like the uprate folder, in one shell; a command that
 * serves goes to the background until the next one that serves or the end of the block, and the
 * commands after it talk to it. What the test changes in a command, and only that:
 * - placeholders the block's `replace` directives name (server URLs, secrets, webhook URLs);
 * - the port: a server gets a free one (`--port P`), and `127.0.0.1:4000` in later commands is it;
 * - `curl` gets `--fail-with-body -sS`, so an HTTP error is a failed example, not exit 0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockShell, tail, type CommandResult } from './block-shell.js';
import { makeCheckout, provideFiles, type Template } from './checkout.js';
import type { Substitute } from './directives.js';
import { program, type Example, type ShBlock } from './readme-examples.js';
import { freePort, signToken, waitForHealth } from './test-servers.js';

export interface RunContext {
  readonly root: string;
  readonly scratch: string;
  readonly template: Template;
  readonly env: NodeJS.ProcessEnv;
  /** What each placeholder kind stands for in this run (absent: that server is not there). */
  readonly substitutes: Partial<Record<Substitute, string>>;
}

/** How one example went, for the summary. */
export interface Outcome {
  readonly block: number;
  readonly line: number;
  readonly text: string;
  readonly result: 'ran' | 'skipped' | 'failed';
  readonly detail: string;
  readonly seconds: number;
}

interface Server {
  readonly pid: number;
  readonly port: number;
  readonly log: string;
}

interface Group {
  readonly shell: BlockShell;
  readonly folder: string;
  server?: Server;
}

/** Longest a command that does not serve may take. */
const COMMAND_TIMEOUT_MS = 180_000;
/** Longest a server may take to answer /health (`npm run demo` first makes 200,000 offers). */
const HEALTH_TIMEOUT_MS = 120_000;

const clip = (s: string, n = 3000): string => (s.length > n ? `…${s.slice(-n)}` : s);

export class ExampleRunner {
  private group: Group | undefined;
  private groups = 0;
  readonly outcomes: Outcome[] = [];

  constructor(private readonly ctx: RunContext) {}

  /** Opens the block's folder and shell (or keeps the previous ones: `continues`), its files, its server. */
  async enter(block: ShBlock): Promise<void> {
    const d = block.directives;
    if (!d.continues || !this.group) {
      await this.leave();
      const folder = mkdtempSync(join(this.ctx.scratch, `block-${block.line}-`));
      makeCheckout(this.ctx.root, folder, this.ctx.template);
      const logs = join(this.ctx.scratch, `logs-${++this.groups}`);
      mkdirSync(logs);
      this.group = { shell: new BlockShell(folder, logs, this.ctx.env), folder };
    }
    const { folder, shell } = this.group;
    provideFiles(folder, this.ctx.template, block.examples.map((e) => e.text), d.files.some((f) => f.source === 'bad row'));
    for (const f of d.files) {
      if (f.source === 'yaml above') writeFileSync(join(folder, f.name), this.substitute(block, block.yamlAbove ?? ''));
    }
    if (d.server === 'dev') await this.serve('uprate serve --dev');
    if (d.server === 'token') {
      const secret = this.need('secret');
      this.expectOk(await shell.run(`export UPRATE_API_SECRET=${secret} TOKEN=${await signToken(secret)}`, 10_000), 'export the secret and TOKEN');
      await this.serve('uprate serve');
    }
  }

  /** Stops the group's server and shell and removes its folder. */
  async leave(): Promise<void> {
    const g = this.group;
    this.group = undefined;
    if (!g) return;
    await g.shell.close();
    rmSync(g.folder, { recursive: true, force: true });
  }

  /** Runs one example; throws (with its output) when it fails. */
  async run(block: ShBlock, example: Example): Promise<void> {
    const started = performance.now();
    try {
      const g = this.group;
      if (!g) throw new Error('no folder: enter(block) first');
      let text = this.substitute(block, example.text);
      if (example.serves) {
        await this.serve(text);
      } else {
        if (/(127\.0\.0\.1|localhost):4000\b/.test(text)) {
          if (!g.server) throw new Error('this command talks to http://127.0.0.1:4000 but no server runs for it: start one in the block, or announce one with `server dev|token`');
          text = text.replace(/(127\.0\.0\.1|localhost):4000\b/g, `127.0.0.1:${g.server.port}`);
        }
        if (/^curl\s/.test(program(text))) text = text.replace(/\bcurl\s/, 'curl --fail-with-body -sS ');
        const r = await g.shell.run(text, COMMAND_TIMEOUT_MS);
        if (!example.exits.includes(r.code)) {
          const announced = example.exits.length === 1 && example.exits[0] === 0 ? 'the README announces no other' : `the README announces ${example.exits.join(' or ')}`;
          throw new Error(`exit ${r.code} (${announced})\n$ ${text}\n${this.output(r)}`);
        }
        if (r.code !== 0 && example.printing && !`${r.stdout}${r.stderr}`.includes(example.printing)) {
          throw new Error(`exit ${r.code} as announced, but not for the announced reason: the output does not say "${example.printing}"\n$ ${text}\n${this.output(r)}`);
        }
        this.record(block, example, 'ran', r.code === 0 ? `${r.seconds.toFixed(1)} s` : `exit ${r.code}, announced`, started);
        return;
      }
      this.record(block, example, 'ran', `serving: /health answered after ${((performance.now() - started) / 1000).toFixed(1)} s`, started);
    } catch (e) {
      this.record(block, example, 'failed', (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '', started);
      throw e;
    }
  }

  skipped(block: ShBlock, example: Example, reason: string): void {
    this.record(block, example, 'skipped', reason, performance.now());
  }

  private record(block: ShBlock, example: Example, result: Outcome['result'], detail: string, started: number): void {
    this.outcomes.push({ block: block.line, line: example.line, text: example.text, result, detail, seconds: (performance.now() - started) / 1000 });
  }

  private need(kind: Substitute): string {
    const value = this.ctx.substitutes[kind];
    if (value === undefined) throw new Error(`no ${kind} for this run`);
    return value;
  }

  private substitute(block: ShBlock, text: string): string {
    let out = text;
    for (const r of block.directives.replaces) if (out.includes(r.text)) out = out.split(r.text).join(this.need(r.with));
    return out;
  }

  /** Starts a command that serves (stopping the group's previous server) and waits for /health. */
  private async serve(command: string): Promise<void> {
    const g = this.group;
    if (!g) throw new Error('no folder');
    if (g.server) await g.shell.stop(g.server.pid);
    g.server = undefined;
    const port = await freePort();
    const withPort = /^npm run\b/.test(program(command)) ? `${command} -- --port ${port}` : `${command} --port ${port}`;
    const { pid, log } = await g.shell.start(withPort);
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, () => g.shell.background.has(pid) && alive(pid), HEALTH_TIMEOUT_MS);
    } catch (e) {
      await g.shell.stop(pid);
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n$ ${withPort}\n${tail(log)}`);
    }
    g.server = { pid, port, log };
  }

  private expectOk(r: CommandResult, what: string): void {
    if (r.code !== 0) throw new Error(`${what}: exit ${r.code}\n${this.output(r)}`);
  }

  private output(r: CommandResult): string {
    const server = this.group?.server ? `\n--- the block's server (${this.group.server.log}):\n${tail(this.group.server.log, 10)}` : '';
    return `--- stdout:\n${clip(r.stdout)}\n--- stderr:\n${clip(r.stderr)}${server}`;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
