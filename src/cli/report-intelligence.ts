import { UprateError } from '../core/errors.js';
import { compareResponseSchema, insightsResponseSchema } from '../insights/api-schema.js';
import {
  comparePopulations,
  findInsights,
  formatComparison,
  formatInsights,
  parseFilterArgument,
  type ApiFilter,
  type CompareResponse,
  type InsightsResponse,
} from '../insights/index.js';
import type { Model } from '../model/index.js';
import type { Store } from '../store/store.js';
import { cliKpiContext } from './model-source.js';
import type { ServerClient } from './server-client.js';

/** What `uprate report --insights` / `--compare A B` add, computed through the model (any engine). */
export interface ReportIntelligence {
  readonly insights?: InsightsResponse;
  readonly comparison?: CompareResponse;
}

export interface IntelligenceFlags {
  readonly insights?: boolean;
  readonly compare?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly offerType?: 'upsell' | 'cross_sell';
  readonly windowDays: number;
  readonly asOf?: Date;
  readonly config?: string;
  readonly model?: string;
}

/** `--compare` takes exactly two populations. */
export function checkCompare(compare: readonly string[] | undefined): void {
  if (compare && compare.length !== 2) {
    throw new UprateError('BAD_ARGUMENT', `--compare takes two populations, A and B, not ${compare.length}`, {
      location: '--compare',
      hint: "e.g. --compare 'Customers.accountSize=enterprise' 'Customers.accountSize=smb'",
    });
  }
}

/** The selection both paths ask about: whole days, the offer type, no filters. */
function selection(flags: IntelligenceFlags) {
  const day = (v: string | undefined) => (v === undefined ? null : v.slice(0, 10));
  return { from: day(flags.from), to: day(flags.to), offerType: flags.offerType ?? null, filters: [] };
}

/** `--compare A B` as Cube filters, checked against `model` (errors name `--compare A` / `--compare B`). */
function populations(compare: readonly string[], model: Model): [ApiFilter[], ApiFilter[]] {
  const [a = '', b = ''] = compare;
  return [parseFilterArgument(a, model, '--compare A'), parseFilterArgument(b, model, '--compare B')];
}

/** The findings and/or the comparison the flags ask for. */
export async function reportIntelligence(store: Store, flags: IntelligenceFlags): Promise<ReportIntelligence> {
  if (!flags.insights && !flags.compare) return {};
  checkCompare(flags.compare);
  const ctx = await cliKpiContext(store, flags);
  const asked = selection(flags);
  const out: { insights?: InsightsResponse; comparison?: CompareResponse } = {};
  if (flags.compare) {
    const [a, b] = populations(flags.compare, ctx.model);
    out.comparison = await comparePopulations(ctx, asked, { filters: a, name: 'A' }, { filters: b, name: 'B' });
  }
  if (flags.insights) out.insights = await findInsights(ctx, asked);
  return out;
}

/**
 * The same, asked of a running server: GET /api/v1/compare and /api/v1/insights with the same
 * selection and clock; the populations are parsed here (`model`: the CLI's), so a bad one fails as
 * it does directly.
 */
export async function reportIntelligenceThroughServer(client: ServerClient, flags: IntelligenceFlags, model: () => Promise<Model>): Promise<ReportIntelligence> {
  if (!flags.insights && !flags.compare) return {};
  checkCompare(flags.compare);
  const asked = selection(flags);
  const common = {
    ...(asked.from ? { from: asked.from } : {}),
    ...(asked.to ? { to: asked.to } : {}),
    ...(asked.offerType ? { offerType: asked.offerType } : {}),
    ...(flags.asOf ? { asOf: flags.asOf.toISOString() } : {}),
  };
  const out: { insights?: InsightsResponse; comparison?: CompareResponse } = {};
  if (flags.compare) {
    const [a, b] = populations(flags.compare, await model());
    const query = { ...common, a: JSON.stringify(a), b: JSON.stringify(b) };
    out.comparison = (await client.request('GET', '/api/v1/compare', { query, schema: compareResponseSchema })) as CompareResponse;
  }
  if (flags.insights) out.insights = (await client.request('GET', '/api/v1/insights', { query: common, schema: insightsResponseSchema })) as InsightsResponse;
  return out;
}

/** The text to print after (or, with --compare, instead of) the report tables. */
export function formatIntelligence(extra: ReportIntelligence, format: 'table' | 'md', names: readonly [string, string]): string {
  const parts: string[] = [];
  if (extra.comparison) parts.push(formatComparison(extra.comparison, format, names));
  if (extra.insights) parts.push(formatInsights(extra.insights, format));
  return parts.join('\n');
}
