import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { UprateError } from '../core/errors.js';
import { configSchema, type UprateConfig } from './config-schema.js';

export const CONFIG_FILES = ['uprate.config.yaml', 'uprate.config.yml', 'uprate.config.json'] as const;

/** The config file in `dir`, if there is one. */
export function findConfig(dir = process.cwd()): string | undefined {
  return CONFIG_FILES.map((f) => resolve(dir, f)).find((f) => existsSync(f));
}

/** The node at a path inside a YAML document, to name its line. */
function nodeAt(root: Node | null | undefined, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | null | undefined = root;
  for (const key of path) {
    if (isMap(node)) node = node.get(String(key), true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(key), true) as Node | undefined;
    else return undefined;
  }
  return node ?? undefined;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  // A bad key of a record (a channel's name): zod says only "Invalid key in record"; the key's own rule says what a name may be.
  if (issue.code === 'invalid_key') return `bad name: ${issue.issues.map(issueText).join('; ')}`;
  return issue.message;
}

/**
 * Reads and validates a config file (YAML or JSON: JSON is YAML). Every problem is reported at
 * once, each with its line and field.
 */
export function loadConfig(file: string | undefined = findConfig()): UprateConfig & { file: string | undefined } {
  if (!file) return { ...configSchema.parse({}), file: undefined };
  if (!existsSync(file)) throw new UprateError('CONFIG_INVALID', `config file ${file} does not exist`, { location: file });
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e ? lines.linePos(e.pos[0]) : undefined;
    throw new UprateError('CONFIG_INVALID', `cannot parse: ${e?.message.split('\n')[0] ?? 'syntax error'}`, {
      location: `${file}${pos ? `:${pos.line}` : ''}`,
    });
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { ...parsed.data, file };
  throw problemsError(file, doc, lines, parsed.error.issues.map((issue) => ({ path: issue.path, message: issueText(issue) })));
}

/** A problem found in a config file: where (the path of keys) and what. */
export interface ConfigIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The CONFIG_INVALID error for problems found after loading (alert rules checked against the
 * model): the file is read again so that each problem names its line, as {@link loadConfig} does.
 */
export function configIssuesError(file: string | undefined, issues: readonly ConfigIssue[]): UprateError {
  if (!file || !existsSync(file)) return problemsError(file ?? '(defaults)', undefined, undefined, issues);
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
  return problemsError(file, doc, lines, issues);
}

/** A list element with a `name` (an alert rule) is named in the message too: `(rule drop-smb)`. */
function namedElement(value: unknown, path: readonly PropertyKey[]): string {
  let v = value;
  let label = '';
  path.forEach((key, i) => {
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key as string] : undefined;
    const name = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { name?: unknown }).name : undefined;
    if (typeof key === 'number' && typeof name === 'string') label = ` (${String(path[i - 1] ?? '').replace(/s$/, '')} ${name})`;
  });
  return label;
}

function problemsError(file: string, doc: Document | undefined, lines: LineCounter | undefined, issues: readonly ConfigIssue[]): UprateError {
  const value: unknown = doc?.toJS();
  const problems = issues.map((issue) => {
    const node = nodeAt(doc?.contents as Node | undefined, issue.path);
    const line = node?.range && lines ? lines.linePos(node.range[0]).line : undefined;
    const field = issue.path.map(String).join('.') || '(top level)';
    return `${file}${line ? `:${line}` : ''}: ${field}${namedElement(value, issue.path)}: ${issue.message}`;
  });
  return new UprateError('CONFIG_INVALID', `invalid config:\n  ${problems.join('\n  ')}`, {
    location: file,
    hint: 'see the configuration section of the README',
    details: { problems },
  });
}
