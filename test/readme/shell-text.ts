/**
 * The text of a ```sh block as the commands a reader types: `\`-continued lines joined, comments
 * dropped, `a && b` split into its steps. Quotes, `$(…)` and backslashes are respected, so a `#` or
 * `&&` inside them stays part of the command.
 */

/** Where a scan of one command line stands: inside which quotes and how deep in `$(…)`. */
interface Scan {
  single: boolean;
  double: boolean;
  depth: number;
}

/** Walks `line`, calling `at(i, scan)` for every character outside quotes, `$(…)` and escapes. */
function walk(line: string, at: (i: number) => boolean | void): void {
  const s: Scan = { single: false, double: false, depth: 0 };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (s.single) {
      if (c === "'") s.single = false;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (s.double) {
      if (c === '"') s.double = false;
      continue;
    }
    if (c === "'") s.single = true;
    else if (c === '"') s.double = true;
    else if (c === '$' && line[i + 1] === '(') {
      s.depth++;
      i++;
    } else if (c === ')' && s.depth > 0) s.depth--;
    else if (s.depth === 0 && at(i) === true) return;
  }
}

/** `line` without its trailing `# comment` (a `#` that starts a word, outside quotes). */
export function stripComment(line: string): string {
  let end = line.length;
  walk(line, (i) => {
    if (line[i] === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      end = i;
      return true;
    }
    return false;
  });
  return line.slice(0, end).trim();
}

/** `a && b && c` → `[a, b, c]` (only a top-level `&&`). */
export function splitAnd(command: string): string[] {
  const parts: string[] = [];
  let from = 0;
  walk(command, (i) => {
    if (command[i] === '&' && command[i + 1] === '&') {
      parts.push(command.slice(from, i).trim());
      from = i + 2;
    }
  });
  parts.push(command.slice(from).trim());
  return parts.filter((p) => p.length > 0);
}

/** One command as typed, with the line it starts on (1-based, in the README). */
export interface ShellLine {
  readonly text: string;
  readonly line: number;
}

/** The commands of a ```sh block whose first line is README line `firstLine`. */
export function commandsOf(body: string, firstLine: number): ShellLine[] {
  const lines = body.split('\n');
  const out: ShellLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = firstLine + i;
    let text = lines[i] ?? '';
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = `${text.replace(/\s*\\\s*$/, '')} ${(lines[++i] ?? '').trim()}`;
    const command = stripComment(text);
    for (const step of command ? splitAnd(command) : []) out.push({ text: step, line });
  }
  return out;
}
