import { UprateError } from '../core/errors.js';
import { findMember, type Model } from '../model/index.js';
import { checkNotBroken } from './broken-member.js';
import type { MemberRef } from './plan.js';

type Expected = 'measure' | 'dimension' | 'segment' | 'filterable';

const LISTS: Readonly<Record<Expected, string>> = {
  measure: 'measures',
  dimension: 'dimensions',
  segment: 'segments',
  filterable: 'dimensions or measures',
};

/**
 * Looks a `Cube.member` name up in the model, with Cube's messages:
 * `Cube 'Nope' not found for path 'Nope.count'`, `'nope' not found for path 'Offers.nope'`.
 */
export function resolveMember(model: Model, path: string, expected: Expected, where: string): MemberRef {
  checkNotBroken(model, path, where);
  const [cubeName = '', name = ''] = path.split('.');
  const cube = model.cubes.get(cubeName);
  if (!cube) {
    throw new UprateError('QUERY_INVALID', `Cube '${cubeName}' not found for path '${path}'`, {
      location: where,
      hint: `known cubes: ${[...model.cubes.keys()].join(', ')}`,
    });
  }
  const found = findMember(model, path);
  const kind = found?.member.kind;
  const fits = kind !== undefined && (expected === 'filterable' ? kind !== 'segment' : kind === expected);
  if (!found || !fits) {
    throw new UprateError('QUERY_INVALID', `'${name}' not found for path '${path}'`, {
      location: where,
      hint: found ? `${path} is a ${kind}: list it under ${kind === 'measure' ? 'measures' : kind === 'segment' ? 'segments' : 'dimensions'}` : `look the ${LISTS[expected]} of ${cubeName} up in /cubejs-api/v1/meta`,
    });
  }
  const m = found.member;
  return {
    kind: 'member',
    path,
    cube: cube.name,
    name: m.name,
    memberType: m.kind,
    type: m.kind === 'segment' ? 'segment' : m.type,
  };
}

/** Selected members must be public (primary keys are hidden unless the model says `public: true`). */
export function checkVisible(model: Model, ref: MemberRef, where: string): void {
  const found = findMember(model, ref.path);
  if (found && found.cube.public && found.member.public) return;
  throw new UprateError('QUERY_INVALID', `You requested hidden member: '${ref.path}'. Please make it visible using \`shown: true\`.`, {
    location: where,
    hint: 'hidden members (and primary keys without public: true) can be filtered on but not selected',
  });
}
