/**
 * Every ```sh block of the README as the commands a reader would type, each with what the README
 * announces about it (test/readme/directives.ts): skipped and why, the exit codes it may end
 * with, the servers it needs, whether it serves until stopped.
 */
import { NO_DIRECTIVES, parseDirectives, type Directives, type Service } from './directives.js';
import { commandsOf } from './shell-text.js';

export interface Example {
  /** The command as the README writes it (comments dropped, `\` lines joined, one `&&` step). */
  readonly text: string;
  readonly line: number;
  /** Why it is not run, when it is not. */
  readonly skip?: string;
  /** Exit codes that count as success (the README announces any but 0). */
  readonly exits: readonly number[];
  /** Text the output must hold when the exit is not 0 (why it ended so). */
  readonly printing?: string;
  readonly needs: readonly Service[];
  /** Serves until stopped (`uprate serve`, `uprate demo` without `--no-serve`, `npm run demo`). */
  readonly serves: boolean;
}

export interface ShBlock {
  /** The line of the opening fence. */
  readonly line: number;
  /** The section it is in. */
  readonly heading: string;
  readonly directives: Directives;
  readonly examples: readonly Example[];
  /** The nearest ```yaml block above, for `file NAME: yaml above`. */
  readonly yamlAbove?: string;
}

/** Drops leading `NAME=value` assignments: what runs. */
export function program(command: string): string {
  return command.replace(/^(?:[A-Za-z_]\w*=\S*\s+)*/, '');
}

export function servesForever(command: string): boolean {
  const p = program(command);
  return /^uprate serve\b/.test(p) || (/^uprate demo\b/.test(p) && !/\s--no-serve\b/.test(p)) || /^npm run demo\b/.test(p);
}

function needsOf(text: string, d: Directives): Service[] {
  const needs = new Set<Service>(d.needs);
  for (const r of d.replaces) {
    if (!text.includes(r.text)) continue;
    if (r.with.startsWith('postgres')) needs.add('postgres');
    if (r.with === 'clickhouse') needs.add('clickhouse');
  }
  if (text.includes('scripts/services/postgres.sh') || text.includes('BENCH_POSTGRES_URL')) needs.add('postgres');
  if (text.includes('scripts/services/clickhouse.sh') || text.includes('BENCH_CLICKHOUSE_URL')) needs.add('clickhouse');
  return [...needs];
}

function examplesOf(body: string, firstLine: number, d: Directives, where: string, yamlAbove: string | undefined): Example[] {
  const commands = commandsOf(body, firstLine);
  for (const { prefix } of [...d.skips, ...d.exits]) {
    if (!commands.some((c) => c.text.startsWith(prefix))) throw new Error(`${where}: no command starts with "${prefix}"`);
  }
  const written = d.files.some((f) => f.source === 'yaml above') ? (yamlAbove ?? '') : '';
  for (const { text } of d.replaces) {
    if (!commands.some((c) => c.text.includes(text)) && !written.includes(text)) throw new Error(`${where}: neither a command nor a file written holds "${text}"`);
  }
  return commands.map((c) => {
    const skip = d.skips.find((s) => c.text.startsWith(s.prefix))?.reason;
    const exit = d.exits.find((e) => c.text.startsWith(e.prefix));
    return { text: c.text, line: c.line, ...(skip ? { skip } : {}), exits: exit?.codes ?? [0], ...(exit?.printing ? { printing: exit.printing } : {}), needs: needsOf(c.text, d), serves: servesForever(c.text) };
  });
}

/** The ```sh blocks of `markdown`, in order. Throws on a directive that is wrong or attached to nothing. */
export function readmeBlocks(markdown: string, file = 'README.md'): ShBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShBlock[] = [];
  let heading = '';
  let yaml: string | undefined;
  let pending: { directives: Directives; endLine: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence) {
      const open = i;
      const body: string[] = [];
      while (++i < lines.length && !/^```\s*$/.test(lines[i] ?? '')) body.push(lines[i] ?? '');
      const lang = fence[1];
      const where = `${file}:${open + 1}`;
      if (lang === 'yaml') yaml = body.join('\n');
      if (lang === 'sh') {
        const attached = pending && lines.slice(pending.endLine + 1, open).every((l) => l.trim() === '') ? pending.directives : undefined;
        if (pending && !attached) throw new Error(`${file}:${pending.endLine + 1}: a readme-test comment must come right before a \`\`\`sh block`);
        const directives = attached ?? NO_DIRECTIVES;
        if (directives.files.some((f) => f.source === 'yaml above') && yaml === undefined) throw new Error(`${where}: 'yaml above' but no \`\`\`yaml block is above`);
        blocks.push({ line: open + 1, heading, directives, examples: examplesOf(body.join('\n'), open + 2, directives, where, yaml), ...(yaml === undefined ? {} : { yamlAbove: yaml }) });
      } else if (pending) {
        throw new Error(`${file}:${pending.endLine + 1}: a readme-test comment must come right before a \`\`\`sh block, not \`\`\`${lang}`);
      }
      pending = undefined;
      continue;
    }
    const h = /^#{1,4} (.*)$/.exec(line);
    if (h) heading = h[1] ?? '';
    const start = line.indexOf('<!-- readme-test:');
    if (start >= 0) {
      let text = line.slice(start + '<!-- readme-test:'.length);
      const from = i;
      while (!text.includes('-->') && i + 1 < lines.length) text += `\n${lines[++i] ?? ''}`;
      if (!text.includes('-->')) throw new Error(`${file}:${from + 1}: readme-test comment without -->`);
      pending = { directives: parseDirectives(text.slice(0, text.indexOf('-->')), `${file}:${from + 1}`), endLine: i };
    } else if (pending && line.trim() !== '') {
      throw new Error(`${file}:${pending.endLine + 1}: a readme-test comment must come right before a \`\`\`sh block`);
    }
  }
  return blocks;
}
