import type { ProblemPlace, ProblemList } from './problems.js';

/**
 * Cube accepts camelCase (JavaScript) and snake_case (YAML) property names; uprate accepts both
 * in either file type and works with the camelCase form. Properties uprate does not implement
 * are reported: `ignored` ones as warnings (they only tune Cube's caching), the rest as errors.
 */
export interface PropertySpec {
  readonly supported: readonly string[];
  readonly ignored?: readonly string[];
}

export const CUBE_PROPERTIES: PropertySpec = {
  supported: ['sql', 'sqlTable', 'title', 'description', 'public', 'shown', 'meta', 'preAggregations'],
  ignored: ['dataSource', 'refreshKey', 'sqlAlias', 'rewriteQueries', 'hierarchies', 'accessPolicy', 'folders'],
};
export const MEASURE_PROPERTIES: PropertySpec = {
  supported: ['sql', 'type', 'title', 'description', 'format', 'filters', 'public', 'shown', 'drillMembers', 'meta', 'cumulative'],
};
export const DIMENSION_PROPERTIES: PropertySpec = {
  supported: ['sql', 'type', 'title', 'description', 'format', 'primaryKey', 'public', 'shown', 'meta'],
  ignored: ['suggestFilterValues', 'granularities'],
};
export const SEGMENT_PROPERTIES: PropertySpec = { supported: ['sql', 'title', 'description', 'public', 'shown', 'meta'] };
export const JOIN_PROPERTIES: PropertySpec = { supported: ['sql', 'relationship'] };

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_all, c: string) => c.toUpperCase());
}

/** The properties under their camelCase names; unknown, ignored and doubly spelled ones reported. */
export function normalizeProperties(
  props: Readonly<Record<string, unknown>>,
  spec: PropertySpec,
  place: ProblemPlace,
  what: string,
  problems: ProblemList,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    const name = camelCase(key);
    if (Object.hasOwn(out, name)) {
      problems.error(place, `${what} sets ${name} twice (as ${key} and in another spelling)`, `keep one of ${key} / ${name}`);
    } else if (spec.supported.includes(name)) {
      out[name] = value;
    } else if (spec.ignored?.includes(name)) {
      problems.warn(place, `${what}: ${key} is ignored by uprate`);
    } else {
      problems.error(place, `${what}: unknown or unsupported property ${key}`, `remove it; supported: ${spec.supported.join(', ')}`);
    }
  }
  return out;
}
