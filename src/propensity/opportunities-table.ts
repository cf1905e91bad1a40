/**
 * Opportunities as a table for a CRM: one row per customer and offer, the same columns wherever
 * it is written (`GET /api/v1/opportunities?format=csv`, `uprate opportunities --format csv`, the
 * dashboard's CSV download). Pure: the page bundle imports it too. New columns go before the
 * attributes, which close every row in the order the report lists its features.
 */
import type { Driver, Opportunity, OpportunitiesResponse } from './types.js';
import { csvText } from '../core/text-table.js';
import type { CsvValue } from '../core/csv-cell.js';

/** How many drivers the table has columns for. */
export const DRIVER_COLUMNS = 3;

/** The fixed columns, before the attributes. */
export const OPPORTUNITY_COLUMNS = ['rank', 'customer', 'offer', 'probability', 'lower', 'upper', 'expected_revenue', 'driver_1', 'driver_2', 'driver_3', 'predictor'] as const;

/** A driver as one cell: the feature and its push on the log-odds, `Customers.plan = pro (+0.42)`. */
export function driverText(d: Driver): string {
  const size = Math.abs(d.contribution).toFixed(2);
  const sign = Number(size) === 0 ? '' : d.contribution > 0 ? '+' : '-';
  return `${d.feature} (${sign}${size})`;
}

/** The attribute columns: the report's features first (in its order), then any other attribute a row carries. */
export function attributeColumns(response: Pick<OpportunitiesResponse, 'report' | 'rows'>): string[] {
  const columns = response.report.features.map((f) => f.member);
  for (const row of response.rows) for (const key of Object.keys(row.attributes)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

export interface OpportunityTable {
  readonly columns: readonly string[];
  /** Which columns hold numbers (for a CSV writer that keeps numbers as numbers). */
  readonly kinds: readonly ('text' | 'number')[];
  readonly rows: readonly (readonly CsvValue[])[];
}

function rowCells(row: Opportunity, attributes: readonly string[]): CsvValue[] {
  const drivers = Array.from({ length: DRIVER_COLUMNS }, (_, i) => {
    const d = row.drivers[i];
    return d ? driverText(d) : null;
  });
  return [row.rank, row.customer, row.offerName, row.probability, row.lower, row.upper, row.expectedRevenue, ...drivers, row.predictor, ...attributes.map((a) => row.attributes[a] ?? null)];
}

/** The response's rows as a table: {@link OPPORTUNITY_COLUMNS}, then one column per attribute. */
export function opportunityTable(response: Pick<OpportunitiesResponse, 'report' | 'rows'>): OpportunityTable {
  const attributes = attributeColumns(response);
  const numbers = new Set(['rank', 'probability', 'lower', 'upper', 'expected_revenue']);
  const attributeKinds = attributes.map((a) => (response.report.features.find((f) => f.member === a)?.kind === 'number' ? 'number' : 'text'));
  return {
    columns: [...OPPORTUNITY_COLUMNS, ...attributes],
    kinds: [...OPPORTUNITY_COLUMNS.map((c) => (numbers.has(c) ? 'number' : 'text')), ...attributeKinds] as ('text' | 'number')[],
    rows: response.rows.map((r) => rowCells(r, attributes)),
  };
}

/** The table as CSV text (formula-safe cells, a trailing newline). */
export function opportunitiesCsv(response: Pick<OpportunitiesResponse, 'report' | 'rows'>): string {
  const table = opportunityTable(response);
  return csvText([table.columns, ...table.rows], table.kinds);
}
