import { findMember, memberTitle, shortTitle, type Model } from '../model/index.js';
import type { QueryPlan, Selection } from './plan.js';

export interface MemberAnnotation {
  readonly title: string;
  readonly shortTitle: string;
  readonly description?: string;
  readonly type: string;
  readonly format?: string;
  readonly meta?: unknown;
  readonly drillMembers?: readonly string[];
  readonly drillMembersGrouped?: { readonly measures: readonly string[]; readonly dimensions: readonly string[] };
}

export interface Annotation {
  readonly measures: Record<string, MemberAnnotation>;
  readonly dimensions: Record<string, MemberAnnotation>;
  readonly segments: Record<string, MemberAnnotation>;
  readonly timeDimensions: Record<string, MemberAnnotation>;
}

/** One member's annotation, keys in Cube's order (absent values left out). */
export function memberAnnotation(model: Model, path: string): MemberAnnotation | undefined {
  const found = findMember(model, path);
  if (!found) return undefined;
  const { cube, member } = found;
  const type = member.kind === 'measure' ? 'number' : member.kind === 'dimension' ? member.type : undefined;
  const drill = member.kind === 'measure' ? member.drillMembers : [];
  const isMeasure = (p: string) => findMember(model, p)?.member.kind === 'measure';
  return {
    title: memberTitle(cube, member),
    shortTitle: shortTitle(member),
    ...(member.description === undefined ? {} : { description: member.description }),
    ...(type === undefined ? {} : { type }),
    ...(member.kind !== 'segment' && member.format !== undefined ? { format: member.format } : {}),
    ...(member.meta === undefined ? {} : { meta: member.meta }),
    ...(member.kind === 'measure'
      ? { drillMembers: drill, drillMembersGrouped: { measures: drill.filter(isMeasure), dimensions: drill.filter((p) => !isMeasure(p)) } }
      : {}),
  } as MemberAnnotation;
}

function entries(model: Model, list: readonly Selection[]): Record<string, MemberAnnotation> {
  const out: Record<string, MemberAnnotation> = {};
  for (const s of list) {
    const a = memberAnnotation(model, s.member.path);
    if (a) out[s.key] = a;
  }
  return out;
}

/**
 * The `annotation` of a /load answer: titles, types and formats of what was selected. A time
 * dimension appears under `Cube.dim.granularity` and, unless also a plain dimension, `Cube.dim`.
 */
export function buildAnnotation(model: Model, plan: QueryPlan, segments: readonly string[]): Annotation {
  const timeDimensions: Record<string, MemberAnnotation> = {};
  for (const s of plan.timeDimensions) {
    const a = memberAnnotation(model, s.member.path);
    if (!a) continue;
    timeDimensions[s.key] = a;
    if (!plan.dimensions.some((d) => d.key === s.member.path)) timeDimensions[s.member.path] = a;
  }
  const segmentAnnotations: Record<string, MemberAnnotation> = {};
  for (const path of segments) {
    const a = memberAnnotation(model, path);
    if (a) segmentAnnotations[path] = a;
  }
  return { measures: entries(model, plan.measures), dimensions: entries(model, plan.dimensions), segments: segmentAnnotations, timeDimensions };
}
