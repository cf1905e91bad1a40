import type { ApiQueryEcho } from './api-types.js';
import type { KpiContext, Selection } from './kpi-context.js';
import { bindingOf } from './offer-counts.js';

/** What a request was answered for, as every response echoes it. */
export function queryEcho(ctx: KpiContext, selection: Selection): ApiQueryEcho {
  return {
    from: selection.from,
    to: selection.to,
    offerType: selection.offerType,
    filters: selection.filters,
    level: ctx.level,
    method: ctx.method,
    asOf: ctx.asOf.toISOString(),
    // A user's model defines acceptance itself: the window setting says nothing about it.
    windowDays: bindingOf(ctx).shipped ? ctx.windowDays : null,
    thresholds: { strong: ctx.thresholds.strong, poor: ctx.thresholds.poor },
  };
}
