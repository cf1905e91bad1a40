import type { ProblemList } from './problems.js';
import { templateRefs } from './template.js';
import type { CubeDef, MemberDef, Template } from './types.js';

function memberTemplates(m: MemberDef): Template[] {
  if (m.kind === 'measure') return [...(m.sql ? [m.sql] : []), ...m.filters];
  return [m.sql];
}

function lookup(cubes: ReadonlyMap<string, CubeDef>, cube: string, member: string): MemberDef | undefined {
  const c = cubes.get(cube);
  return c?.measures.get(member) ?? c?.dimensions.get(member) ?? c?.segments.get(member);
}

/** Members that reference themselves through other members: each cycle reported once. */
export function checkCycles(cubes: ReadonlyMap<string, CubeDef>, problems: ProblemList): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (m: MemberDef, trail: string[]): void => {
    const key = m.path;
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(key)), key];
      const id = [...cycle.slice(0, -1)].sort().join(',');
      if (!reported.has(id)) {
        reported.add(id);
        const cube = cubes.get(m.cube);
        problems.error(
          { file: cube?.file ?? '', line: m.line ?? cube?.line, cube: m.cube, member: m.name },
          `reference cycle: ${cycle.join(' → ')}`,
          'break the cycle: one of these members must be defined from columns, not from the others',
        );
      }
      return;
    }
    state.set(key, 'visiting');
    for (const t of memberTemplates(m)) {
      for (const ref of templateRefs(t)) {
        if (ref.kind !== 'member') continue;
        const next = lookup(cubes, ref.cube, ref.member);
        if (next) visit(next, [...trail, key]);
      }
    }
    state.set(key, 'done');
  };
  for (const cube of cubes.values()) {
    for (const m of [...cube.dimensions.values(), ...cube.measures.values(), ...cube.segments.values()]) visit(m, []);
  }
}
