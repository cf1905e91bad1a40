import { UprateError } from '../core/errors.js';
import { findMember, joinColumns, plainColumn, type Model } from '../model/index.js';

/**
 * Identity dimensions — a cube's primary key, or a foreign key its joins use (`Offers.customerId`)
 * — have one value per row or per customer: an endpoint that enumerates a dimension's values
 * (breakdown, leaderboard, insights) would list every customer, so they are refused up front.
 * Other dimensions are bounded when the answer arrives (limits.maxGroups).
 */
export function isIdentityDimension(model: Model, path: string): boolean {
  const found = findMember(model, path);
  if (!found || found.member.kind !== 'dimension') return false;
  if (found.member.primaryKey) return true;
  const column = plainColumn(found.member.sql, found.cube.name);
  if (!column) return false;
  return [...found.cube.joins.keys()].some((name) => {
    const target = model.cubes.get(name);
    return target !== undefined && joinColumns(found.cube, target)?.from === column;
  });
}

/** Refuses an identity dimension where an endpoint would enumerate its values. */
export function checkGroupable(model: Model, path: string, location: string): void {
  if (!isIdentityDimension(model, path)) return;
  throw new UprateError('QUERY_TOO_LARGE', `'${path}' identifies single rows or customers: grouping by it would list every one of them`, {
    location,
    hint: 'group by a segment dimension (account size, region, channel, offer …); filter on an id instead of grouping by it',
  });
}
