import vm from 'node:vm';
import type { ProblemList } from './problems.js';
import { MEMBER_LISTS, type RawCube, type RawMacro, type RawMember } from './raw-cube.js';
import { SANDBOX_PRELUDE } from './sandbox-prelude.js';

export interface SandboxOptions {
  /** `COMPILE_CONTEXT` as model files see it (JSON data only). */
  readonly compileContext: Readonly<Record<string, unknown>>;
  readonly conversionWindowDays: number;
  /** Per evaluation step; an endless loop in a model file stops here. */
  readonly timeoutMs: number;
}

interface SandboxResult {
  cubes: { name: unknown; line?: number; definition: unknown }[];
  macros: RawMacro[];
  problems: { message: string; line?: number; cube?: string; kind?: string }[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function syntaxErrorLine(e: unknown, file: string): number | undefined {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const m = new RegExp(`${escapeRegExp(file)}:(\\d+)`).exec(stack);
  return m?.[1] ? Number(m[1]) : undefined;
}

function timedOut(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/**
 * Evaluates one Cube JavaScript model file in a fresh `vm` context: no `require`, `process`,
 * `import`, file system or network, string code generation off, and a time limit. Only JSON
 * comes back out. Problems (syntax errors with file:line, runtime errors) go to `problems`.
 */
export function evaluateJsModel(file: string, code: string, options: SandboxOptions, problems: ProblemList): RawCube[] {
  const context = vm.createContext(Object.create(null) as object, {
    name: `uprate model ${file}`,
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  const init = JSON.stringify({ file, windowDays: options.conversionWindowDays, compileContext: options.compileContext });
  const run = (source: string, filename: string): unknown =>
    new vm.Script(source, { filename }).runInContext(context, { timeout: options.timeoutMs, displayErrors: false });

  run(`${SANDBOX_PRELUDE}(${init});`, 'uprate-prelude.js');
  let script: vm.Script;
  try {
    // Kept on the file's first line so that line numbers stay the author's.
    script = new vm.Script(`with (__uprate.scope) { try { ${code}\n} catch (e) { __uprate.fail(e); } }`, { filename: file });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    problems.error({ file, line: syntaxErrorLine(e, file) }, `syntax error: ${message}`, 'fix the JavaScript syntax at that line');
    return [];
  }
  let result: SandboxResult;
  try {
    script.runInContext(context, { timeout: options.timeoutMs, displayErrors: false });
    result = JSON.parse(run('__uprate.finish()', 'uprate-finish.js') as string) as SandboxResult;
  } catch (e) {
    const message = timedOut(e) ? `evaluation took longer than ${options.timeoutMs} ms` : `evaluation failed: ${String(e)}`;
    problems.error({ file }, message, 'model files must only declare cubes; remove loops and heavy computation');
    return [];
  }
  for (const p of result.problems) {
    const what = p.kind === 'SyntaxError' ? 'syntax error' : 'error while evaluating';
    // An unsupported call (view(), context()) declares nothing uprate loads; any other error may
    // have stopped the file half-way, so every cube of the file is broken.
    const breaks = p.kind === 'unsupported' ? { kind: 'nothing' as const } : undefined;
    problems.error({ file, line: p.line, cube: p.cube }, `${what}: ${p.message}`, 'fix the model file at that line', breaks);
  }
  return result.cubes.map((c) => toRawCube(file, c, result.macros, problems, code));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The line where `name:` is first written at or after the cube's line (a best guess for messages). */
function memberLine(lines: readonly string[], from: number | undefined, name: string): number | undefined {
  const re = new RegExp(`(^|[\\s{,])(['"\`]?)${escapeRegExp(name)}\\2\\s*:`);
  for (let i = (from ?? 1) - 1; i < lines.length; i++) if (re.test(lines[i] ?? '')) return i + 1;
  return from;
}

/** Where each pre-aggregation's name is written: its first `name:` after the cube's `preAggregations:`. */
function rollupLines(lines: readonly string[], cubeLine: number | undefined, props: Readonly<Record<string, unknown>>): Record<string, number> {
  const key = ['preAggregations', 'pre_aggregations'].find((k) => isRecord(props[k]));
  const value = key === undefined ? undefined : props[key];
  if (key === undefined || !isRecord(value)) return {};
  const from = memberLine(lines, cubeLine, key);
  const out: Record<string, number> = {};
  for (const name of Object.keys(value)) {
    const line = memberLine(lines, from, name);
    if (line !== undefined) out[name] = line;
  }
  return out;
}

function toRawCube(file: string, c: SandboxResult['cubes'][number], macros: RawMacro[], problems: ProblemList, code: string): RawCube {
  const lines = code.split('\n');
  const cubeName = typeof c.name === 'string' ? c.name : undefined;
  const definition = isRecord(c.definition) ? c.definition : {};
  if (!isRecord(c.definition)) {
    problems.error({ file, line: c.line, cube: cubeName }, 'cube() takes a name and an object: cube(\'Name\', { sql_table: ..., measures: {...} })');
  }
  const props: Record<string, unknown> = {};
  const lists: Record<string, RawMember[]> = { measures: [], dimensions: [], segments: [], joins: [] };
  for (const [key, value] of Object.entries(definition)) {
    if (!(MEMBER_LISTS as readonly string[]).includes(key)) {
      props[key] = value;
      continue;
    }
    if (!isRecord(value)) {
      problems.error({ file, line: c.line, cube: cubeName }, `${key} must be an object keyed by name`, `${key}: { name: { ... } }`);
      continue;
    }
    lists[key] = Object.entries(value).map(([name, def]) => ({ name, line: memberLine(lines, c.line, name), props: isRecord(def) ? def : { __notObject: def } }));
  }
  return {
    file,
    line: c.line,
    name: c.name,
    props,
    rollupLines: rollupLines(lines, c.line, props),
    measures: lists['measures'] ?? [],
    dimensions: lists['dimensions'] ?? [],
    segments: lists['segments'] ?? [],
    joins: lists['joins'] ?? [],
    macros,
  };
}
