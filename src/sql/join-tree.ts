import { UprateError } from '../core/errors.js';
import type { Model, Relationship, Template } from '../model/index.js';

export interface JoinEdge {
  readonly from: string;
  readonly to: string;
  readonly relationship: Relationship;
  readonly sql: Template;
}

/** The cubes a query needs, joined from `root` along declared joins (LEFT JOINs, in order). */
export interface JoinTree {
  readonly root: string;
  readonly edges: readonly JoinEdge[];
}

function pathsFrom(model: Model, root: string): Map<string, JoinEdge | null> {
  const parent = new Map<string, JoinEdge | null>([[root, null]]);
  const queue = [root];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const j of model.cubes.get(at)?.joins.values() ?? []) {
      if (parent.has(j.target)) continue;
      parent.set(j.target, { from: at, to: j.target, relationship: j.relationship, sql: j.sql });
      queue.push(j.target);
    }
  }
  return parent;
}

/**
 * Cube's join rule: joins are directed (declared on the cube they start from); the root is the
 * query cube from which all others are reachable with the fewest joins (first in query order on
 * a tie), and each cube is reached by its shortest path.
 */
export function buildJoinTree(model: Model, cubes: readonly string[]): JoinTree {
  const [first] = cubes;
  if (first === undefined) throw new UprateError('QUERY_INVALID', 'the query uses no cube');
  let best: JoinTree | undefined;
  for (const root of cubes) {
    const parent = pathsFrom(model, root);
    if (!cubes.every((c) => parent.has(c))) continue;
    const edges = new Map<string, JoinEdge>();
    for (const c of cubes) {
      const chain: JoinEdge[] = [];
      for (let e = parent.get(c); e; e = parent.get(e.from)) chain.unshift(e);
      for (const e of chain) edges.set(e.to, e);
    }
    if (!best || edges.size < best.edges.length) best = { root, edges: [...edges.values()] };
  }
  if (!best) {
    throw new UprateError('QUERY_INVALID', `Can't find join path to join ${cubes.map((c) => `'${c}'`).join(', ')}`, {
      hint: 'joins are directed: declare a join from one of these cubes to the others in the model',
    });
  }
  return best;
}

/**
 * The cubes whose rows the join tree repeats: the "one" side of any one-to-many step taken
 * away from them. Their additive measures must be aggregated per primary key.
 */
export function multipliedCubes(tree: JoinTree): Set<string> {
  const children = new Map<string, string[]>();
  for (const e of tree.edges) children.set(e.from, [...(children.get(e.from) ?? []), e.to]);
  const subtree = (c: string): string[] => [c, ...(children.get(c) ?? []).flatMap(subtree)];
  const all = subtree(tree.root);
  const out = new Set<string>();
  for (const e of tree.edges) {
    const below = subtree(e.to);
    if (e.relationship === 'many_to_one') below.forEach((c) => out.add(c));
    if (e.relationship === 'one_to_many') all.filter((c) => !below.includes(c)).forEach((c) => out.add(c));
  }
  return out;
}
