import type { ProblemList } from './problems.js';
import type { CubeDef } from './types.js';

/**
 * Both cubes of a join need a primary key: a measure of a cube whose rows a join repeats is
 * aggregated per primary key (or counted as distinct keys) so that it is not multiplied.
 * Without one, the joins touching the cube are what breaks (the cube alone is fine).
 */
export function checkJoins(cubes: ReadonlyMap<string, CubeDef>, problems: ProblemList): void {
  const needs = new Map<string, string>();
  const touching = new Map<string, { cube: string; target: string }[]>();
  const touch = (name: string, join: { cube: string; target: string }) => touching.set(name, [...(touching.get(name) ?? []), join]);
  for (const cube of cubes.values()) {
    for (const j of cube.joins.values()) {
      if (!needs.has(cube.name)) needs.set(cube.name, `it joins ${j.target}`);
      if (!needs.has(j.target)) needs.set(j.target, `${cube.name} joins it`);
      touch(cube.name, { cube: cube.name, target: j.target });
      if (j.target !== cube.name) touch(j.target, { cube: cube.name, target: j.target });
    }
  }
  for (const [name, why] of needs) {
    const cube = cubes.get(name);
    if (!cube || cube.primaryKeys.length > 0) continue;
    problems.error(
      { file: cube.file, line: cube.line, cube: name },
      `cube ${name} has no primary key, but ${why}: without one, measures repeated by the join cannot be de-duplicated`,
      'mark the unique column: dimensions: { id: { sql: `${CUBE}.id`, type: \'string\', primary_key: true } }',
      { kind: 'joins', joins: touching.get(name) ?? [] },
    );
  }
}
