import type { CubeDef, MemberDef } from './types.js';

/** Cube's `inflection.underscore`: `UpsellOffers` → `upsell_offers`, `customerID` → `customer_i_d`. */
export function underscore(name: string): string {
  return name.replace(/([A-Z])/g, '_$1').replace(/^_/, '').toLowerCase();
}

const SMALL_WORDS = new Set(['and', 'or', 'nor', 'a', 'an', 'the', 'so', 'but', 'to', 'of', 'at', 'by', 'from', 'into', 'on', 'onto', 'off', 'out', 'in', 'over', 'with', 'for']);

/** Cube's `inflection.titleize`: `avg_days_to_accept` → `Avg Days to Accept`. */
export function titleize(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ').split(' ');
  const title = words
    .map((w) => w.split('-').map((p) => (SMALL_WORDS.has(p) ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('-'))
    .join(' ');
  return title.charAt(0).toUpperCase() + title.slice(1);
}

export function cubeTitle(cube: CubeDef): string {
  return cube.title ?? titleize(underscore(cube.name));
}

/** `shortTitle` as /meta shows it: the member's title, or its name titleized. */
export function shortTitle(member: MemberDef): string {
  return member.title ?? titleize(underscore(member.name));
}

/** `title` as /meta shows it: `Upsell Offers Total Upsell Offers`. */
export function memberTitle(cube: CubeDef, member: MemberDef): string {
  return `${cubeTitle(cube)} ${shortTitle(member)}`;
}

/** Cube's SQL alias of a member: `UpsellOffers.offerDate` → `upsell_offers__offer_date`. */
export function memberAlias(path: string, granularity?: string): string {
  const [cube = '', member = ''] = path.split('.');
  return `${underscore(cube)}__${underscore(member)}${granularity ? `_${granularity}` : ''}`;
}

/** Cube's SQL alias of a cube's table: `UpsellOffers` → `upsell_offers`. */
export function cubeAlias(name: string): string {
  return underscore(name);
}
