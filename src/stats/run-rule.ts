import type { ControlPoint } from './control-chart.js';

/** A run of consecutive periods on one side of the centre line. */
export interface Run {
  readonly side: 'above' | 'below';
  /** Index of the first and last period of the run (periods with no offers may lie inside). */
  readonly start: number;
  readonly end: number;
  /** Number of periods with offers in the run. */
  readonly length: number;
}

/** Default run length: 8 in a row on one side (Western Electric / Nelson rule 2 uses 8 or 9). */
export const DEFAULT_RUN_LENGTH = 8;

/**
 * Runs of at least `length` (default 8) consecutive periods on the same side of the centre line —
 * a sustained shift that stays inside the limits. A point exactly on the centre line ends a run;
 * periods with no offers are skipped (they neither extend nor break it).
 *
 * @example
 * findRuns(chart.points, chart.centre) // [{ side: 'below', start: 4, end: 11, length: 8 }]
 */
export function findRuns(points: readonly Pick<ControlPoint, 'rate'>[], centre: number | null, length: number = DEFAULT_RUN_LENGTH): Run[] {
  if (centre === null) return [];
  const runs: Run[] = [];
  let side: 'above' | 'below' | null = null;
  let start = 0;
  let end = 0;
  let count = 0;
  const close = () => {
    if (side !== null && count >= length) runs.push({ side, start, end, length: count });
  };
  points.forEach((p, i) => {
    if (p.rate === null) return;
    const s = p.rate > centre ? 'above' : p.rate < centre ? 'below' : null;
    if (s !== null && s === side) {
      count++;
      end = i;
      return;
    }
    close();
    side = s;
    start = i;
    end = i;
    count = s === null ? 0 : 1;
  });
  close();
  return runs;
}

/** Per period: the side of the run it belongs to, or null (always null for periods with no offers). */
export function runFlags(points: readonly Pick<ControlPoint, 'rate'>[], runs: readonly Run[]): ('above' | 'below' | null)[] {
  const flags = points.map((): 'above' | 'below' | null => null);
  for (const r of runs) for (let i = r.start; i <= r.end; i++) if (points[i]?.rate != null) flags[i] = r.side;
  return flags;
}
