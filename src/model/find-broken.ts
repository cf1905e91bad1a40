import { findMember } from './find-member.js';
import type { ModelProblem } from './problems.js';
import type { Model } from './types.js';

/**
 * Why `Cube.member` (or a whole `Cube`) was left out of a tolerantly loaded model: its cube's
 * problems, then its own; undefined when it was not left out.
 *
 * @example
 *   const why = findBroken(model, 'UpsellOffers.upsellConversionRate');
 *   if (why) console.error(formatProblems(why));
 */
export function findBroken(model: Model, path: string): readonly ModelProblem[] | undefined {
  if (model.broken.size === 0 || findMember(model, path)) return undefined;
  const [cube = '', member, ...rest] = path.split('.');
  if (rest.length > 0) return undefined;
  const problems = [...(model.broken.get(cube) ?? []), ...(member === undefined ? [] : (model.broken.get(path) ?? []))];
  return problems.length > 0 ? problems : undefined;
}
