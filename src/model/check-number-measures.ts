import type { ProblemList } from './problems.js';
import { usesOutsideAggregates } from './sql-tokens.js';
import { templateSource } from './template.js';
import type { CubeDef, MeasureDef, Template } from './types.js';

/** The column a simple `sum` measure adds up (`col` or `${CUBE}.col`), if it is that simple. */
function summedColumn(cube: CubeDef, m: MeasureDef): string | undefined {
  if (m.type !== 'sum' || m.filters.length > 0 || !m.sql) return undefined;
  const parts = m.sql;
  const [a, b] = parts;
  if (parts.length === 1 && a?.kind === 'text') return /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(a.text)?.[1];
  if (parts.length === 2 && a?.kind === 'cube' && a.cube === cube.name && b?.kind === 'text') return /^\.([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(b.text)?.[1];
  return undefined;
}

/** The measure's SQL with each raw column replaced by the sum measure over it, when all have one. */
function ratioOfSumsFix(cube: CubeDef, sql: Template, columns: readonly string[]): string | undefined {
  const byColumn = new Map<string, string>();
  for (const m of cube.measures.values()) {
    const col = summedColumn(cube, m);
    if (col && !byColumn.has(col)) byColumn.set(col, m.name);
  }
  if (!columns.every((c) => byColumn.has(c))) return undefined;
  const text = templateSource(sql).replace(/\$\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*/g, (tok) => {
    const measure = byColumn.get(tok);
    return measure ? `\${${measure}}` : tok;
  });
  return text.replaceAll(`\${${cube.name}.`, '${');
}

/**
 * A `number` measure is evaluated after aggregation, so it may combine measures (or aggregate
 * calls) but not raw columns: `successful_upsells * 1.0 / NULLIF(total_upsell_offers, 0)` is
 * rejected by the database at query time (Cube only finds out then) and, even where an engine
 * accepts it, averages row ratios instead of taking the ratio of sums.
 */
export function checkNumberMeasures(cubes: ReadonlyMap<string, CubeDef>, problems: ProblemList): void {
  for (const cube of cubes.values()) {
    for (const m of cube.measures.values()) {
      if (m.type !== 'number' || !m.sql) continue;
      const uses = usesOutsideAggregates(m.sql);
      if (uses.length === 0) continue;
      const columns = [...new Set(uses.filter((u) => u.kind === 'column').map((u) => u.name))];
      const own = (text: string) => text.replaceAll(`\${${cube.name}}`, '${CUBE}').replaceAll(`\${${cube.name}.`, '${');
      const refs = [...new Set(uses.flatMap((u) => (u.kind === 'ref' ? [own(templateSource([u.part])) + u.suffix] : [])))];
      const what = [...columns, ...refs].join(', ');
      const fixed = refs.length === 0 ? ratioOfSumsFix(cube, m.sql, columns) : undefined;
      const fix = fixed
        ? `compute it from measures (a ratio of sums): sql: \`${fixed}\``
        : 'define a sum (or count) measure for each column, then combine those measures: sql: `${successes} * 1.0 / NULLIF(${total}, 0)`';
      problems.error(
        { file: cube.file, line: m.line ?? cube.line, cube: cube.name, member: m.name },
        `number measure ${cube.name}.${m.name} uses raw columns (${what}) instead of measures: a number measure is computed after aggregation, so the database rejects this SQL at query time, and a ratio must be a ratio of sums, not a ratio per row`,
        fix,
      );
    }
  }
}
