import type { ProblemList } from './problems.js';
import { templateRefs } from './template.js';
import type { CubeDef, Template } from './types.js';

type Owner = 'dimension' | 'aggregate' | 'measure filter' | 'number' | 'segment' | 'join' | 'cube sql';

const MEASURE_REF_FIX: Readonly<Record<Owner, string>> = {
  dimension: 'a dimension is computed per row; move the calculation into a measure',
  aggregate: 'to combine measures use type: number, e.g. sql: `${accepted} * 1.0 / NULLIF(${count}, 0)`',
  'measure filter': 'a measure filter selects rows; use a dimension or column condition',
  number: '',
  segment: 'a segment selects rows; use a dimension or column condition',
  join: 'join on columns or dimensions',
  'cube sql': 'the cube\'s sql is a table or query; reference other tables directly',
};

/**
 * What each kind of SQL may reference: measures only where values are already aggregated
 * (`number` measures), segments nowhere, members of its own cube or of joined cubes elsewhere.
 */
export function checkReferences(cubes: ReadonlyMap<string, CubeDef>, problems: ProblemList): void {
  for (const cube of cubes.values()) {
    const check = (t: Template | undefined, owner: Owner, member: string | undefined, line: number | undefined) => {
      if (!t) return;
      const place = { file: cube.file, line: line ?? cube.line, cube: cube.name, member };
      for (const ref of templateRefs(t)) {
        if (ref.kind !== 'member') {
          if (owner === 'cube sql' && ref.cube !== cube.name) problems.error(place, `the cube's sql references cube ${ref.cube}`, MEASURE_REF_FIX['cube sql']);
          continue;
        }
        const shown = `\${${ref.cube === cube.name ? '' : `${ref.cube}.`}${ref.member}}`;
        if (ref.memberType === 'segment') {
          problems.error(place, `${shown} is a segment and cannot be used inside SQL`, 'copy the condition, or reference a dimension');
        } else if (ref.memberType === 'measure' && owner !== 'number') {
          problems.error(place, `${shown} is a measure and cannot be used in ${owner === 'aggregate' ? 'an aggregating measure' : `a ${owner}`}`, MEASURE_REF_FIX[owner]);
        } else if (owner === 'cube sql') {
          problems.error(place, `the cube's sql references member ${shown}`, MEASURE_REF_FIX['cube sql']);
        }
      }
    };
    if (cube.source.kind === 'sql') check(cube.source.sql, 'cube sql', undefined, cube.line);
    for (const d of cube.dimensions.values()) check(d.sql, 'dimension', d.name, d.line);
    for (const s of cube.segments.values()) check(s.sql, 'segment', s.name, s.line);
    for (const m of cube.measures.values()) {
      check(m.sql, m.type === 'number' ? 'number' : 'aggregate', m.name, m.line);
      for (const f of m.filters) check(f, 'measure filter', m.name, m.line);
    }
    for (const j of cube.joins.values()) {
      check(j.sql, 'join', `joins.${j.target}`, j.line);
      const touches = [...templateRefs(j.sql)].some((r) => r.cube === j.target);
      if (!touches) {
        problems.error({ file: cube.file, line: j.line ?? cube.line, cube: cube.name, member: `joins.${j.target}` }, `the join to ${j.target} does not reference ${j.target}`, `sql: \`\${CUBE}.key = \${${j.target}}.key\``);
      }
    }
  }
}
