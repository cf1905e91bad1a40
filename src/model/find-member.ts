import type { CubeDef, MemberDef, Model } from './types.js';

export interface FoundMember {
  readonly cube: CubeDef;
  readonly member: MemberDef;
}

/** The member at `Cube.member`, or undefined. */
export function findMember(model: Model, path: string): FoundMember | undefined {
  const [cubeName, name, ...rest] = path.split('.');
  if (!cubeName || !name || rest.length > 0) return undefined;
  const cube = model.cubes.get(cubeName);
  const member = cube?.measures.get(name) ?? cube?.dimensions.get(name) ?? cube?.segments.get(name);
  return cube && member ? { cube, member } : undefined;
}
