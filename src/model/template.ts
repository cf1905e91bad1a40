import { showMarkers, splitMarkers } from './markers.js';
import { isMacroName, MACROS } from './macros.js';
import type { RawMacro } from './raw-cube.js';
import type { MacroArg, MemberType, Template, TemplatePart } from './types.js';

/** What names exist: cube → member name → member type. Built before any cube is compiled. */
export type SymbolTable = ReadonlyMap<string, ReadonlyMap<string, MemberType>>;

const UNSUPPORTED_CONTEXT = ['FILTER_PARAMS', 'FILTER_GROUP', 'SECURITY_CONTEXT', 'SQL_UTILS', 'COMPILE_CONTEXT'];

/**
 * Turns a marked SQL string into a {@link Template}, resolving each reference against the symbol
 * table from the point of view of `cube`. Unknown references are reported through `onError`
 * (with the closest known name) and left as text so that compilation can go on.
 */
export function compileTemplate(
  marked: string,
  cube: string,
  macros: readonly RawMacro[],
  symbols: SymbolTable,
  onError: (message: string, fix?: string) => void,
  depth = 0,
): Template {
  const parts: TemplatePart[] = [];
  for (const raw of splitMarkers(marked)) {
    if (raw.kind === 'text') parts.push(raw);
    else if (raw.kind === 'ref') parts.push(resolveRef(raw.path, cube, symbols, onError));
    else {
      const call = macros[raw.index];
      if (!call || depth > 20 || !isMacroName(call.name)) {
        onError(`unknown macro call #${raw.index}`);
        continue;
      }
      const spec = MACROS[call.name];
      const args: MacroArg[] = spec.args.map((kind, i) => {
        const a = call.args[i];
        if (kind === 'number') return { kind: 'number', value: typeof a === 'number' ? a : 0 };
        return { kind: 'sql', template: compileTemplate(String(a ?? ''), cube, macros, symbols, onError, depth + 1) };
      });
      parts.push({ kind: 'macro', name: call.name, args });
    }
  }
  return parts;
}

function resolveRef(path: readonly string[], cube: string, symbols: SymbolTable, onError: (m: string, f?: string) => void): TemplatePart {
  const shown = `\${${path.join('.')}}`;
  const own = symbols.get(cube);
  const [head = '', member, ...rest] = path;
  const text: TemplatePart = { kind: 'text', text: shown };
  if (rest.length > 0) {
    onError(`reference ${shown} has too many parts`, 'reference a member as ${member}, ${CUBE.member} or ${OtherCube.member}');
    return text;
  }
  if (UNSUPPORTED_CONTEXT.includes(head)) {
    onError(`${head} is not supported inside SQL (${shown})`, head === 'COMPILE_CONTEXT' ? 'read COMPILE_CONTEXT outside the template string, e.g. const days = COMPILE_CONTEXT.uprate.conversionWindowDays' : 'remove it; the server applies security filters with extraFilters');
    return text;
  }
  const target = head === 'CUBE' ? cube : member === undefined && own?.has(head) ? undefined : head;
  if (target === undefined) return { kind: 'member', cube, member: head, memberType: own?.get(head) ?? 'dimension' };
  const table = symbols.get(target);
  if (!table) {
    const known = [...(own?.keys() ?? []), ...symbols.keys()];
    onError(`unknown reference ${shown}: ${head} is neither a member of ${cube} nor a cube`, suggest(head, known, (s) => `did you mean \${${s}}?`));
    return text;
  }
  if (member === undefined) return { kind: 'cube', cube: target };
  const memberType = table.get(member);
  if (!memberType) {
    onError(`unknown reference ${shown}: ${target} has no measure, dimension or segment named ${member}`, suggest(member, [...table.keys()], (s) => `did you mean \${${head}.${s}}?`));
    return text;
  }
  return { kind: 'member', cube: target, member, memberType };
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** "did you mean …" for the closest name, when one is close. */
export function suggest(name: string, known: readonly string[], say: (s: string) => string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? say(best) : undefined;
}

/** Every reference in a template, macro arguments included. */
export function* templateRefs(t: Template): Generator<Extract<TemplatePart, { kind: 'cube' | 'member' }>> {
  for (const p of t) {
    if (p.kind === 'cube' || p.kind === 'member') yield p;
    else if (p.kind === 'macro') for (const a of p.args) if (a.kind === 'sql') yield* templateRefs(a.template);
  }
}

/** The template as a JS model author would write it (for messages). */
export function templateSource(t: Template): string {
  return t
    .map((p) => {
      if (p.kind === 'text') return p.text;
      if (p.kind === 'cube') return `\${${p.cube}}`;
      if (p.kind === 'member') return `\${${p.cube}.${p.member}}`;
      const args = p.args.map((a) => (a.kind === 'number' ? String(a.value) : `\`${templateSource(a.template)}\``));
      return `\${uprate.${p.name}(${args.join(', ')})}`;
    })
    .join('');
}

export { showMarkers };
