import type { BreakingError, ModelProblem, ProblemPlace } from './problems.js';
import { templateRefs } from './template.js';
import type { CubeDef, MemberDef, Template } from './types.js';

/** The model without what its errors break, and what was left out with why. */
export interface SetAside {
  readonly cubes: ReadonlyMap<string, CubeDef>;
  /** `Cube`, `Cube.member` or `Cube.joins.Other` → its problems (as `Model.broken`). */
  readonly broken: ReadonlyMap<string, readonly ModelProblem[]>;
  /** One problem per member or join broken only because it uses a broken one. */
  readonly derived: readonly ModelProblem[];
}

/** The key of a join in {@link SetAside.broken}: `Offers.joins.Customers`. */
export function joinKey(cube: string, target: string): string {
  return `${cube}.joins.${target}`;
}

function memberTemplates(m: MemberDef): Template[] {
  if (m.kind === 'measure') return [...(m.sql ? [m.sql] : []), ...m.filters];
  return [m.sql];
}

const shown = (key: string) => (key.includes('.') ? key : `cube ${key}`);

/**
 * A tolerant load, as Cube serves a model with errors: what each error breaks (a member, a
 * join, a cube, every cube of an unreadable file) is left out, then — until nothing changes —
 * so is every member or join that uses something left out (a measure over a broken measure, a
 * join to a broken cube or on a broken member, a join of a cube whose primary key is broken).
 * Drill members that were left out are dropped from the measures that list them.
 *
 * @param cubesOfFile the cubes a file declares (for errors that break a whole file)
 */
export function setAsideBroken(cubes: ReadonlyMap<string, CubeDef>, errors: readonly BreakingError[], cubesOfFile: (file: string) => readonly string[]): SetAside {
  const broken = new Map<string, ModelProblem[]>();
  const add = (key: string, p: ModelProblem) => {
    const list = broken.get(key) ?? [];
    if (!list.includes(p)) broken.set(key, [...list, p]);
  };
  for (const { problem, breaks } of errors) {
    if (breaks.kind === 'file') for (const c of cubesOfFile(problem.file)) add(c, problem);
    else if (breaks.kind === 'cube') add(breaks.cube, problem);
    else if (breaks.kind === 'member') add(`${breaks.cube}.${breaks.member}`, problem);
    else if (breaks.kind === 'joins') for (const j of breaks.joins) add(joinKey(j.cube, j.target), problem);
  }

  const cubeOut = (name: string) => broken.has(name) || !cubes.has(name);
  const memberOut = (cube: string, member: string) => {
    const c = cubes.get(cube);
    return cubeOut(cube) || broken.has(`${cube}.${member}`) || !(c?.measures.has(member) || c?.dimensions.has(member) || c?.segments.has(member));
  };
  /** The key of the first thing left out that the templates use. */
  const brokenUse = (templates: readonly Template[]): string | undefined => {
    for (const t of templates) {
      for (const ref of templateRefs(t)) {
        if (cubeOut(ref.cube)) return ref.cube;
        if (ref.kind === 'member' && memberOut(ref.cube, ref.member)) return `${ref.cube}.${ref.member}`;
      }
    }
    return undefined;
  };
  const brokenKey = (cube: CubeDef | undefined): string | undefined => {
    const key = cube?.primaryKeys.find((k) => memberOut(cube.name, k));
    return cube && key !== undefined ? `${cube.name}.${key}` : undefined;
  };

  const derived: ModelProblem[] = [];
  const breakThrough = (key: string, place: ProblemPlace & { cube: string; member: string }, used: string, message: string) => {
    const p: ModelProblem = {
      severity: 'error',
      file: place.file,
      ...(place.line === undefined ? {} : { line: place.line }),
      cube: place.cube,
      member: place.member,
      message,
      fix: `fix ${shown(used)} (its problem is listed with this one), or stop using it here`,
    };
    derived.push(p);
    broken.set(key, [p, ...(broken.get(used) ?? [])]);
  };

  for (let changed = true; changed; ) {
    changed = false;
    for (const cube of cubes.values()) {
      if (broken.has(cube.name)) continue;
      for (const m of [...cube.dimensions.values(), ...cube.measures.values(), ...cube.segments.values()]) {
        if (broken.has(m.path)) continue;
        const used = brokenUse(memberTemplates(m));
        if (used === undefined) continue;
        const place = { file: cube.file, line: m.line ?? cube.line, cube: cube.name, member: m.name };
        breakThrough(m.path, place, used, `uses ${shown(used)}, which has an error, so ${m.path} is left out of the model too`);
        changed = true;
      }
      for (const j of cube.joins.values()) {
        const key = joinKey(cube.name, j.target);
        if (broken.has(key)) continue;
        const place = { file: cube.file, line: j.line ?? cube.line, cube: cube.name, member: `joins.${j.target}` };
        const used = cubeOut(j.target) ? j.target : brokenUse([j.sql]);
        const primaryKey = used === undefined ? (brokenKey(cube) ?? brokenKey(cubes.get(j.target))) : undefined;
        if (used !== undefined) {
          breakThrough(key, place, used, `the join to ${j.target} uses ${shown(used)}, which has an error, so the join is left out of the model`);
        } else if (primaryKey !== undefined) {
          breakThrough(key, place, primaryKey, `the join to ${j.target} needs the primary key ${primaryKey} (to join without double counting), which has an error, so the join is left out of the model`);
        } else {
          continue;
        }
        changed = true;
      }
    }
  }

  const kept = new Map<string, CubeDef>();
  for (const cube of cubes.values()) {
    if (broken.has(cube.name)) continue;
    const keep = <T extends MemberDef>(map: ReadonlyMap<string, T>) => new Map([...map].filter(([, m]) => !broken.has(m.path)));
    const dimensions = keep(cube.dimensions);
    const drillable = (path: string) => {
      const [c = '', m = ''] = path.split('.');
      return !memberOut(c, m);
    };
    kept.set(cube.name, {
      ...cube,
      measures: new Map([...keep(cube.measures)].map(([name, m]) => [name, { ...m, drillMembers: m.drillMembers.filter(drillable) }])),
      dimensions,
      segments: keep(cube.segments),
      joins: new Map([...cube.joins].filter(([target]) => !broken.has(joinKey(cube.name, target)))),
      primaryKeys: cube.primaryKeys.filter((k) => dimensions.has(k)),
      rollups: new Map([...cube.rollups].filter(([, r]) => [...r.measures, ...r.dimensions, r.timeDimension].every(drillable))),
    });
  }
  return { cubes: kept, broken, derived };
}
