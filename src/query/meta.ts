import { cubeTitle, findMember, memberTitle, shortTitle, type CubeDef, type Model } from '../model/index.js';

/** Drill members the model holds (never one a tolerant load left out). */
function drill(model: Model, listed: readonly string[]) {
  const paths = listed.filter((p) => findMember(model, p) !== undefined);
  const isMeasure = (p: string) => findMember(model, p)?.member.kind === 'measure';
  return { drillMembers: paths, drillMembersGrouped: { measures: paths.filter(isMeasure), dimensions: paths.filter((p) => !isMeasure(p)) } };
}

function cubeMeta(model: Model, cube: CubeDef): Record<string, unknown> {
  const opt = (key: string, v: unknown) => (v === undefined ? {} : { [key]: v });
  return {
    public: true,
    name: cube.name,
    type: 'cube',
    title: cubeTitle(cube),
    ...opt('description', cube.description),
    ...opt('meta', cube.meta),
    measures: [...cube.measures.values()]
      .filter((m) => m.public)
      .map((m) => ({
        name: m.path,
        title: memberTitle(cube, m),
        ...opt('description', m.description),
        shortTitle: shortTitle(m),
        ...opt('format', m.format),
        cumulativeTotal: false,
        cumulative: false,
        type: 'number',
        aggType: m.type,
        ...drill(model, m.drillMembers),
        ...opt('meta', m.meta),
        isVisible: true,
      })),
    dimensions: [...cube.dimensions.values()]
      .filter((d) => d.public)
      .map((d) => ({
        name: d.path,
        title: memberTitle(cube, d),
        type: d.type,
        ...opt('description', d.description),
        shortTitle: shortTitle(d),
        suggestFilterValues: true,
        ...opt('format', d.format),
        ...opt('meta', d.meta),
        isVisible: true,
        ...(d.primaryKey ? { primaryKey: true } : {}),
      })),
    segments: [...cube.segments.values()]
      .filter((s) => s.public)
      .map((s) => ({
        name: s.path,
        title: memberTitle(cube, s),
        shortTitle: shortTitle(s),
        ...opt('description', s.description),
        ...opt('meta', s.meta),
        isVisible: true,
      })),
  };
}

/**
 * `/cubejs-api/v1/meta`: the public cubes and members, with Cube's titles (`Upsell Offers Total
 * Upsell Offers`), `aggType`, cumulative flags and drill members. Hidden members are left out,
 * and so is what a tolerant load could not compile (`model.broken`), as Cube leaves out what it
 * cannot compile. Only names, titles, types and the model's own `meta` are listed: no SQL, no
 * file, no problem text.
 *
 * @example
 *   const body = meta(await loadModel(shippedModelDir()));   // { cubes: [...] }
 */
export function meta(model: Model): { cubes: Record<string, unknown>[] } {
  return { cubes: [...model.cubes.values()].filter((c) => c.public).map((c) => cubeMeta(model, c)) };
}
