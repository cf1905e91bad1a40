/**
 * The breakdown panels of the dashboard and the monthly report: the binding's panel dimensions
 * (`panelDimensions` in src/kpi/binding.ts) with titles as a panel heading shows them. Pure.
 */

export interface BreakdownPanel {
  /** `Cube.member`. */
  readonly member: string;
  /** The panel's heading: `Account size`. */
  readonly title: string;
}

const cubeOf = (member: string) => member.split('.')[0] ?? member;

/**
 * A dimension's title as a panel heading: the cube the binding appends to other cubes' members is
 * dropped (the heading sits under "By segment"), and title-cased words are put in sentence case —
 * `Account Size (Customers)` → `Account size`; `Customer ID` keeps its capitals.
 */
export function panelTitle(dimension: { readonly member: string; readonly title: string }, offers: string): string {
  const own = cubeOf(dimension.member) === cubeOf(offers);
  const bare = own ? dimension.title : dimension.title.replace(/\s+\([^()]*\)$/, '');
  return bare
    .split(' ')
    .map((word, i) => (i > 0 && /^[A-Z][a-z]+$/.test(word) ? word.toLowerCase() : word))
    .join(' ');
}

/** Panels for the binding's panel dimensions; `offers` is the binding's offers measure. */
export function breakdownPanels(dimensions: readonly { readonly member: string; readonly title: string }[], offers: string): BreakdownPanel[] {
  return dimensions.map((d) => ({ member: d.member, title: panelTitle(d, offers) }));
}
