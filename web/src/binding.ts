/**
 * The KPI binding as GET /api/v1/binding describes it: which model members are the KPI's inputs,
 * the breakdown dimensions with the model's titles, and what the bound model cannot do. The page
 * names no model member itself: every query it writes takes its members from here. Pure.
 */
import { coverageOf, type ModelCoverage } from '../../src/report-html/coverage.js';

/** GET /api/v1/binding: its one definition is the API contract (src/insights/api-schema.ts). */
export type { BindingDocument } from '../../src/insights/api-schema.js';
import type { BindingDocument } from '../../src/insights/api-schema.js';
export type BindingMembers = NonNullable<BindingDocument['members']>;
export type BindingDimension = BindingDocument['dimensions'][number];
export type BindingCapability = BindingDocument['capabilities'][number];

/** How many breakdown panels the page shows (BREAKDOWN_PANELS in src/kpi/binding.ts). */
export const BREAKDOWN_PANELS = 6;

/**
 * The breakdown panels' dimensions: the binding's first six but the offer's name, which the
 * leaderboard ranks (`panelDimensions` in src/kpi/binding.ts, which the monthly report uses; the
 * page cannot import it without the model compiler).
 */
export function panelDimensionsOf(doc: Pick<BindingDocument, 'dimensions' | 'members'>): BindingDimension[] {
  const offerName = doc.members?.offerName ?? null;
  return doc.dimensions.filter((d) => d.member !== offerName).slice(0, BREAKDOWN_PANELS);
}

/** The capabilities the bound model lacks. */
export function unavailableCapabilities(doc: Pick<BindingDocument, 'capabilities'>): BindingCapability[] {
  return doc.capabilities.filter((c) => !c.available);
}

/** What the bound model can tell (so the page claims nothing it cannot); the conversion window is uprate's setting when the document gives one. */
export function coverageOfDocument(doc: Pick<BindingDocument, 'members' | 'windowDays'>): ModelCoverage {
  const window = doc.windowDays !== null;
  const none = { offerType: null, customer: null, revenue: null, pending: null, offerName: null, industry: null };
  return coverageOf(doc.members ?? none, window);
}
