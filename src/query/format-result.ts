import type { Row } from '../store/store.js';
import type { QueryPlan } from './plan.js';
import { formatValue } from './format-value.js';

export type DataRow = Record<string, string | boolean | null>;

/**
 * Database rows (keyed by SQL alias) → Cube's `data` rows keyed by member: dimensions, time
 * dimensions (`Cube.dim.month` and `Cube.dim`), measures; values as Cube sends them.
 */
export function formatRows(plan: QueryPlan, rows: readonly Row[], compareDateRange?: string): DataRow[] {
  const plainDims = new Set(plan.dimensions.map((d) => d.key));
  return rows.map((r) => {
    const out: DataRow = {};
    for (const s of plan.dimensions) out[s.key] = formatValue(r[s.alias], s.member.type);
    for (const s of plan.timeDimensions) {
      const v = formatValue(r[s.alias], 'time');
      out[s.key] = v;
      if (!plainDims.has(s.member.path)) out[s.member.path] = v;
    }
    for (const s of plan.measures) out[s.key] = formatValue(r[s.alias], 'number');
    if (compareDateRange !== undefined) out['compareDateRange'] = compareDateRange;
    return out;
  });
}
