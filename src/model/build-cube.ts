import { buildMeasure } from './build-measure.js';
import { buildRollups } from './build-rollups.js';
import { buildDimension, buildJoin, buildSegment, placeOf, sqlTemplate, type BuildContext } from './build-members.js';
import type { ProblemList } from './problems.js';
import { CUBE_PROPERTIES, normalizeProperties } from './property-names.js';
import type { RawCube, RawMember } from './raw-cube.js';
import type { SymbolTable } from './template.js';
import type { CubeDef, CubeSource, JoinDef } from './types.js';

const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")){0,2}$/;

function members<T extends { name: string }>(list: readonly RawMember[], build: (m: RawMember) => T | undefined, symbols: ReadonlyMap<string, unknown> | undefined): Map<string, T> {
  const out = new Map<string, T>();
  for (const raw of list) {
    // Members with bad or duplicate names were reported by the symbol table.
    if (typeof raw.name !== 'string' || out.has(raw.name)) continue;
    if (symbols && !symbols.has(raw.name)) continue;
    const def = build(raw);
    if (def) out.set(def.name, def);
  }
  return out;
}

/** One cube from its raw definition; problems are reported, never thrown. */
export function buildCube(raw: RawCube, symbols: SymbolTable, problems: ProblemList): CubeDef {
  const name = String(raw.name);
  const ctx: BuildContext = { cube: name, file: raw.file, cubeLine: raw.line, symbols, macros: raw.macros, problems };
  const place = placeOf(ctx);
  const props = normalizeProperties(raw.props, CUBE_PROPERTIES, place, `cube ${name}`, problems);
  let source: CubeSource = { kind: 'table', table: name };
  if (props['sql'] !== undefined && props['sqlTable'] !== undefined) {
    problems.error(place, 'a cube has either sql or sql_table, not both', 'keep sql_table: offers, or sql: `SELECT ...`');
  } else if (props['sqlTable'] !== undefined) {
    const table = props['sqlTable'];
    if (typeof table === 'string' && TABLE_NAME.test(table)) source = { kind: 'table', table };
    else problems.error(place, `sql_table ${JSON.stringify(table)} is not a table name`, 'sql_table: schema.table, or use sql: `SELECT ...` for a query');
  } else if (props['sql'] !== undefined) {
    const sql = sqlTemplate(ctx, props['sql'], place, 'the cube\'s sql');
    if (sql) source = { kind: 'sql', sql };
  } else {
    problems.error(place, `cube ${name} has no sql or sql_table`, 'add sql_table: your_table');
  }
  const str = (key: string): string | undefined => (typeof props[key] === 'string' ? (props[key] as string) : undefined);
  const pub = props['public'] ?? props['shown'];
  const own = symbols.get(name);
  const dimensions = members(raw.dimensions, (m) => buildDimension(ctx, m), own);
  return {
    name,
    file: raw.file,
    line: raw.line,
    title: str('title'),
    description: str('description'),
    public: typeof pub === 'boolean' ? pub : true,
    source,
    measures: members(raw.measures, (m) => buildMeasure(ctx, m), own),
    dimensions,
    segments: members(raw.segments, (m) => buildSegment(ctx, m), own),
    joins: joinsByTarget(raw.joins, ctx),
    primaryKeys: [...dimensions.values()].filter((d) => d.primaryKey).map((d) => d.name),
    meta: props['meta'],
    rollups: buildRollups(ctx, props['preAggregations'], raw.rollupLines),
  };
}

function joinsByTarget(list: readonly RawMember[], ctx: BuildContext): Map<string, JoinDef> {
  const out = new Map<string, JoinDef>();
  for (const raw of list) {
    const j = buildJoin(ctx, raw);
    if (j && out.has(j.target)) ctx.problems.error(placeOf(ctx, `joins.${j.target}`, raw.line), `two joins to ${j.target}`, 'keep one');
    else if (j) out.set(j.target, j);
  }
  return out;
}
