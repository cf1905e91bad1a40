/**
 * The breakdown panels of the dashboard and the monthly report: the binding's panel dimensions
 * (`panelDimensions` in src/kpi/binding.ts) with titles as a panel heading shows them. Pure.
 */
import { panelTitle } from '../core/display.js';

export { panelTitle };

export interface BreakdownPanel {
  /** `Cube.member`. */
  readonly member: string;
  /** The panel's heading: `Account size`. */
  readonly title: string;
}

/** Panels for the binding's panel dimensions; `offers` is the binding's offers measure. */
export function breakdownPanels(dimensions: readonly { readonly member: string; readonly title: string }[], offers: string): BreakdownPanel[] {
  return dimensions.map((d) => ({ member: d.member, title: panelTitle(d, offers) }));
}
