/**
 * Each panel's data as a table for its CSV download: the API's own fields, flattened, nothing
 * recomputed. Pure. New columns go at the end, so a spreadsheet reading columns by position
 * keeps working. (`?? null`: a server older than a field leaves it out.)
 */
import type { BreakdownResponse, InsightsResponse, KpiResponse, LeaderboardResponse, TimeseriesResponse } from '../../src/insights/api-types.js';
import type { AlertView } from './alerts.js';
import type { CsvTable } from './csv.js';

export function kpiTable(k: KpiResponse): CsvTable {
  return {
    columns: ['from', 'to', 'offers', 'accepted', 'pending', 'rate', 'lower', 'upper', 'provisional', 'pending_share', 'band', 'judgement', 'customers_offered', 'customers_converted', 'customer_rate', 'expansion_revenue', 'previous_rate', 'change_points', 'change_p_value', 'change_significant', 'target', 'benchmark_industry', 'benchmark_rate', 'interval_variance', 'design_effect', 'effective_offers'],
    rows: [[
      k.query.from, k.query.to, k.offers, k.accepted, k.pending, k.rate, k.interval.lower, k.interval.upper, k.provisional, k.pendingShare, k.band.band, k.band.judgement,
      k.customers.offered, k.customers.converted, k.customers.rate, k.expansionRevenue, k.previous?.rate ?? null, k.change?.differencePoints ?? null, k.change?.pValue ?? null,
      k.change?.significant ?? null, k.target?.rate ?? null, k.benchmark?.industry ?? null, k.benchmark?.benchmark.rate ?? null,
      k.interval.variance ?? null, k.interval.designEffect ?? null, k.interval.effectiveOffers ?? null,
    ]],
  };
}

export function timeseriesTable(ts: TimeseriesResponse): CsvTable {
  return {
    columns: ['period', 'period_end', 'offers', 'accepted', 'pending', 'rate', 'lower', 'upper', 'band', 'provisional', 'pending_share', 'partial', 'centre_line', 'lcl', 'ucl', 'out_of_control', 'runs', 'change_points', 'change_p_value',
      'change_adjusted_p_value', 'change_significant', 'year_over_year_period', 'year_over_year_points', 'year_over_year_adjusted_p_value', 'year_over_year_significant',
      'projected_rate', 'projected_lower', 'projected_upper', 'projected_pending', 'projected_expected_additional', 'interval_variance', 'design_effect'],
    rows: ts.points.map((p) => [
      p.period, p.periodEnd, p.offers, p.accepted, p.pending, p.rate, p.lower, p.upper, p.band, p.provisional, p.pendingShare, p.partial, p.centreLine, p.lcl, p.ucl,
      p.outOfControl, p.runFlags.join(' '), p.change?.differencePoints ?? null, p.change?.pValue ?? null,
      p.change?.adjustedPValue ?? null, p.change?.significant ?? null, p.yearOverYear?.period ?? null, p.yearOverYear?.differencePoints ?? null, p.yearOverYear?.adjustedPValue ?? null, p.yearOverYear?.significant ?? null,
      p.projected?.rate ?? null, p.projected?.lower ?? null, p.projected?.upper ?? null, p.projected?.pending ?? null, p.projected?.expectedAdditional ?? null, p.interval.variance ?? null, p.interval.designEffect ?? null,
    ]),
  };
}

export function breakdownTable(bd: BreakdownResponse): CsvTable {
  return {
    columns: [...bd.by, 'offers', 'accepted', 'pending', 'rate', 'lower', 'upper', 'band', 'judgement', 'small_sample', 'provisional', 'vs_rest_points', 'vs_rest_p_value', 'vs_rest_adjusted_p_value', 'vs_rest_direction', 'interval_variance', 'design_effect'],
    rows: bd.rows.map((r) => [
      ...bd.by.map((m) => r.segment[m] ?? null), r.offers, r.accepted, r.pending, r.rate, r.interval.lower, r.interval.upper, r.band.band, r.band.judgement, r.smallSample, r.provisional,
      r.vsRest.differencePoints, r.vsRest.pValue, r.vsRest.adjustedPValue, r.vsRest.direction, r.interval.variance ?? null, r.interval.designEffect ?? null,
    ]),
  };
}

export function leaderboardTable(lb: LeaderboardResponse): CsvTable {
  return {
    columns: ['rank', 'offer', 'offers', 'accepted', 'pending', 'rate', 'shrunken_rate', 'lower', 'upper', 'probability_to_beat_overall', 'small_sample', 'provisional', 'band', 'design_effect'],
    rows: lb.rows.map((r) => [r.rank, r.offer, r.offers, r.accepted, r.pending, r.rate, r.shrunkenRate, r.lower, r.upper, r.probabilityToBeatOverall, r.smallSample, r.provisional, r.band, r.designEffect ?? null]),
  };
}

export function insightsTable(ins: InsightsResponse): CsvTable {
  return {
    columns: ['severity', 'kind', 'title', 'text', 'test', 'p_value', 'adjusted_p_value', 'id', 'impact'],
    rows: ins.insights.map((i) => [i.severity, i.kind, i.title, i.text, i.test?.name ?? null, i.test?.pValue ?? null, i.test?.adjustedPValue ?? null, i.id, i.impact ?? null]),
  };
}

export function alertsTable(alerts: readonly AlertView[]): CsvTable {
  return {
    columns: ['rule', 'scope', 'state', 'severity', 'firing_since', 'resolved_at', 'last_notified_at', 'message'],
    rows: alerts.map((a) => [a.rule, a.scope, a.state, a.severity, a.firingSince, a.resolvedAt, a.lastNotifiedAt, a.message]),
  };
}
