import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { markYamlRefs } from './markers.js';
import type { ProblemList } from './problems.js';
import { MEMBER_LISTS, type RawCube, type RawMember } from './raw-cube.js';

function markStrings(v: unknown): unknown {
  if (typeof v === 'string') return markYamlRefs(v);
  if (Array.isArray(v)) return v.map(markStrings);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markStrings(x)]));
  }
  return v;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Reads a Cube YAML model file (`cubes:` list; `{CUBE}` and `{Other.member}` references) into
 * the same raw shape as a JavaScript file, with a line number for every cube and member.
 */
export function readYamlModel(file: string, text: string, problems: ProblemList): RawCube[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.error({ file, line: e.linePos?.[0].line }, `YAML syntax error: ${e.message.split('\n')[0] ?? e.message}`, 'fix the YAML at that line');
    }
    return [];
  }
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const root = doc.contents;
  if (root === null) return [];
  if (!isMap(root)) {
    problems.error({ file, line: lineOf(root) }, 'a YAML model file holds a `cubes:` list', 'cubes:\n  - name: Offers\n    sql_table: offers');
    return [];
  }
  for (const item of root.items) {
    const key = String((item.key as { value?: unknown } | null)?.value ?? item.key);
    if (key !== 'cubes') {
      problems.error({ file, line: lineOf(item.key as Node) }, `\`${key}:\` is not supported in a model file (only \`cubes:\`)`, 'remove it, or define it as a cube', { kind: 'nothing' });
    }
  }
  const cubes = root.get('cubes', true);
  if (cubes === undefined) return [];
  if (!isSeq(cubes)) {
    problems.error({ file, line: lineOf(cubes as Node) }, '`cubes:` must be a list', 'cubes:\n  - name: Offers');
    return [];
  }
  return cubes.items.map((cubeNode) => {
    const js = asRecord(markStrings((cubeNode as Node).toJSON()));
    const cubeLine = lineOf(cubeNode as Node);
    const lists: Record<string, RawMember[]> = {};
    for (const list of MEMBER_LISTS) {
      const seq = isMap(cubeNode) ? cubeNode.get(list, true) : undefined;
      if (seq === undefined) continue;
      if (!isSeq(seq)) {
        problems.error({ file, line: lineOf(seq as Node), cube: String(js['name']) }, `\`${list}:\` must be a list of items with a name`);
        continue;
      }
      lists[list] = seq.items.map((m) => {
        const { name, ...props } = asRecord(markStrings((m as Node).toJSON()));
        return { name, line: lineOf(m as Node), props };
      });
    }
    const props = Object.fromEntries(Object.entries(js).filter(([k]) => k !== 'name' && !(MEMBER_LISTS as readonly string[]).includes(k)));
    return {
      file,
      line: cubeLine,
      name: js['name'],
      props,
      measures: lists['measures'] ?? [],
      dimensions: lists['dimensions'] ?? [],
      segments: lists['segments'] ?? [],
      joins: lists['joins'] ?? [],
      macros: [],
      rollupLines: yamlRollupLines(cubeNode as Node, lineOf),
    };
  });
}

/** Where each pre-aggregation is written, by name: a list of items with a name, or a map keyed by name. */
function yamlRollupLines(cube: Node, lineOf: (node: Node | null | undefined) => number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isMap(cube)) return out;
  const list = cube.get('pre_aggregations', true) ?? cube.get('preAggregations', true);
  if (isSeq(list)) {
    for (const item of list.items) {
      const name = isMap(item) ? item.get('name') : undefined;
      const line = lineOf(item as Node);
      if (typeof name === 'string' && line !== undefined) out[name] = line;
    }
  } else if (isMap(list)) {
    for (const item of list.items) {
      const name = (item.key as { value?: unknown } | null)?.value;
      const line = lineOf(item.key as Node);
      if (typeof name === 'string' && line !== undefined) out[name] = line;
    }
  }
  return out;
}
