import type { CubeDef, Template } from './types.js';

/** A template as comparable text: the cube itself reads `{self}`, other cubes `{Name}`. */
export function comparable(template: Template, own: string): string {
  return template
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'cube':
          return p.cube === 'CUBE' || p.cube === own ? '{self}' : `{${p.cube}}`;
        case 'member':
          return `{${p.cube === 'CUBE' ? own : p.cube}.${p.member}}`;
        case 'macro':
          return `{${p.name}()}`;
      }
      return '';
    })
    .join('')
    .trim();
}

/** `${CUBE}.column` or `column` → the column; an expression → undefined. */
export function plainColumn(template: Template, own: string): string | undefined {
  return /^(?:\{self\}\.)?([A-Za-z_]\w*)$/.exec(comparable(template, own))?.[1];
}

/** A many-to-one join on one column pair (`${CUBE}.fk = ${Target}.pk`, either way round) → its columns. */
export function joinColumns(cube: CubeDef, target: CubeDef): { readonly from: string; readonly to: string } | undefined {
  const join = cube.joins.get(target.name);
  if (!join || join.relationship !== 'many_to_one') return undefined;
  const text = comparable(join.sql, cube.name);
  const mine = /^\{self\}\.([A-Za-z_]\w*)\s*=\s*\{(\w+)\}\.([A-Za-z_]\w*)$/.exec(text);
  if (mine?.[1] && mine[3] && mine[2] === target.name) return { from: mine[1], to: mine[3] };
  const theirs = /^\{(\w+)\}\.([A-Za-z_]\w*)\s*=\s*\{self\}\.([A-Za-z_]\w*)$/.exec(text);
  if (theirs?.[2] && theirs[3] && theirs[1] === target.name) return { from: theirs[3], to: theirs[2] };
  return undefined;
}
