import { UprateError } from '../core/errors.js';
import { findMember, type Model, type Template } from '../model/index.js';

/** A template as comparable text: `${CUBE}` and `${Own}` read the same, other cubes by name. */
function templateText(template: Template, own: string): string {
  return template
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text;
        case 'cube':
          return part.cube === 'CUBE' || part.cube === own ? '{self}' : `{${part.cube}}`;
        case 'member':
          return `{${part.cube === 'CUBE' ? own : part.cube}.${part.member}}`;
        case 'macro':
          return `{${part.name}()}`;
      }
      return '';
    })
    .join('')
    .trim();
}

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
  const own = found.cube.name;
  const column = templateText(found.member.sql, own);
  if (!/^\{self\}\.\w+$/.test(column) && !/^\w+$/.test(column)) return false;
  const qualified = column.startsWith('{self}') ? column : `{self}.${column}`;
  for (const join of found.cube.joins.values()) {
    const on = templateText(join.sql, own);
    const at = on.indexOf(qualified);
    if (at >= 0 && !/\w/.test(on.charAt(at + qualified.length))) return true;
  }
  return false;
}

/** Refuses an identity dimension where an endpoint would enumerate its values. */
export function checkGroupable(model: Model, path: string, location: string): void {
  if (!isIdentityDimension(model, path)) return;
  throw new UprateError('QUERY_TOO_LARGE', `'${path}' identifies single rows or customers: grouping by it would list every one of them`, {
    location,
    hint: 'group by a segment dimension (account size, region, channel, offer …); filter on an id instead of grouping by it',
  });
}
