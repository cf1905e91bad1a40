import { UprateError } from '../core/errors.js';
import {
  comparePopulations,
  findInsights,
  formatComparison,
  formatInsights,
  parseFilterArgument,
  type CompareResponse,
  type InsightsResponse,
} from '../insights/index.js';
import type { Store } from '../store/store.js';
import { cliKpiContext } from './model-source.js';

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

/** The findings and/or the comparison the flags ask for. */
export async function reportIntelligence(store: Store, flags: IntelligenceFlags): Promise<ReportIntelligence> {
  if (!flags.insights && !flags.compare) return {};
  if (flags.compare && flags.compare.length !== 2) {
    throw new UprateError('BAD_ARGUMENT', `--compare takes two populations, A and B, not ${flags.compare.length}`, {
      location: '--compare',
      hint: "e.g. --compare 'Customers.accountSize=enterprise' 'Customers.accountSize=smb'",
    });
  }
  const ctx = await cliKpiContext(store, flags);
  const day = (v: string | undefined) => (v === undefined ? null : v.slice(0, 10));
  const selection = { from: day(flags.from), to: day(flags.to), offerType: flags.offerType ?? null, filters: [] };
  const out: { insights?: InsightsResponse; comparison?: CompareResponse } = {};
  if (flags.compare) {
    const [a = '', b = ''] = flags.compare;
    out.comparison = await comparePopulations(
      ctx,
      selection,
      { filters: parseFilterArgument(a, ctx.model, '--compare A'), name: 'A' },
      { filters: parseFilterArgument(b, ctx.model, '--compare B'), name: 'B' },
    );
  }
  if (flags.insights) out.insights = await findInsights(ctx, selection);
  return out;
}

/** The text to print after (or, with --compare, instead of) the report tables. */
export function formatIntelligence(extra: ReportIntelligence, format: 'table' | 'md', names: readonly [string, string]): string {
  const parts: string[] = [];
  if (extra.comparison) parts.push(formatComparison(extra.comparison, format, names));
  if (extra.insights) parts.push(formatInsights(extra.insights, format));
  return parts.join('\n');
}
