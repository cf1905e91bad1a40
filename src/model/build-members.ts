import type { ProblemList, ProblemPlace } from './problems.js';
import { DIMENSION_PROPERTIES, JOIN_PROPERTIES, normalizeProperties, SEGMENT_PROPERTIES } from './property-names.js';
import type { RawMacro, RawMember } from './raw-cube.js';
import { compileTemplate, type SymbolTable } from './template.js';
import {
  DIMENSION_TYPES,
  type DimensionDef,
  type DimensionType,
  type JoinDef,
  type Relationship,
  type SegmentDef,
  type Template,
} from './types.js';

/** What every member builder needs: where it is, the names, the file's macros, the problems. */
export interface BuildContext {
  readonly cube: string;
  readonly file: string;
  readonly cubeLine: number | undefined;
  readonly symbols: SymbolTable;
  readonly macros: readonly RawMacro[];
  readonly problems: ProblemList;
}

export function placeOf(ctx: BuildContext, member?: string, line?: number): ProblemPlace {
  return { file: ctx.file, line: line ?? ctx.cubeLine, cube: ctx.cube, ...(member === undefined ? {} : { member }) };
}

export function sqlTemplate(ctx: BuildContext, value: unknown, place: ProblemPlace, what: string): Template | undefined {
  if (typeof value !== 'string') {
    ctx.problems.error(place, `${what} must be SQL text, not ${value === undefined ? 'missing' : typeof value}`, 'sql: `${CUBE}.column_name`');
    return undefined;
  }
  return compileTemplate(value, ctx.cube, ctx.macros, ctx.symbols, (m, f) => ctx.problems.error(place, m, f));
}

export function optionalString(ctx: BuildContext, props: Record<string, unknown>, key: string, place: ProblemPlace): string | undefined {
  const v = props[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  ctx.problems.error(place, `${key} must be a string`);
  return undefined;
}

export function visibility(ctx: BuildContext, props: Record<string, unknown>, place: ProblemPlace, byDefault: boolean): boolean {
  const v = props['public'] ?? props['shown'];
  if (v === undefined) return byDefault;
  if (typeof v === 'boolean') return v;
  ctx.problems.error(place, 'public must be true or false');
  return byDefault;
}

export const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function common(ctx: BuildContext, raw: RawMember, props: Record<string, unknown>, place: ProblemPlace, publicByDefault: boolean) {
  const name = String(raw.name);
  return {
    name,
    cube: ctx.cube,
    path: `${ctx.cube}.${name}`,
    title: optionalString(ctx, props, 'title', place),
    description: optionalString(ctx, props, 'description', place),
    public: visibility(ctx, props, place, publicByDefault),
    meta: props['meta'],
    line: raw.line,
  };
}

export function buildDimension(ctx: BuildContext, raw: RawMember): DimensionDef | undefined {
  const place = placeOf(ctx, String(raw.name), raw.line);
  if (raw.props['case'] !== undefined || raw.props['sub_query'] !== undefined || raw.props['subQuery'] !== undefined) {
    ctx.problems.error(place, 'case and sub_query dimensions are not supported', 'write the CASE expression in sql');
    return undefined;
  }
  const props = normalizeProperties(raw.props, DIMENSION_PROPERTIES, place, 'dimension', ctx.problems);
  const type = props['type'];
  if (!(DIMENSION_TYPES as readonly unknown[]).includes(type)) {
    ctx.problems.error(place, type === undefined ? 'dimension has no type' : `bad dimension type ${String(type)}`, `type: one of ${DIMENSION_TYPES.join(', ')}`);
    return undefined;
  }
  const sql = sqlTemplate(ctx, props['sql'], place, 'a dimension\'s sql');
  if (!sql) return undefined;
  const primaryKey = props['primaryKey'] === true;
  if (props['primaryKey'] !== undefined && typeof props['primaryKey'] !== 'boolean') ctx.problems.error(place, 'primary_key must be true or false');
  return {
    kind: 'dimension',
    ...common(ctx, raw, props, place, !primaryKey),
    type: type as DimensionType,
    sql,
    primaryKey,
    format: optionalString(ctx, props, 'format', place),
  };
}

export function buildSegment(ctx: BuildContext, raw: RawMember): SegmentDef | undefined {
  const place = placeOf(ctx, String(raw.name), raw.line);
  const props = normalizeProperties(raw.props, SEGMENT_PROPERTIES, place, 'segment', ctx.problems);
  const sql = sqlTemplate(ctx, props['sql'], place, 'a segment\'s sql');
  return sql ? { kind: 'segment', ...common(ctx, raw, props, place, true), sql } : undefined;
}

const RELATIONSHIP_SPELLINGS: Readonly<Record<string, Relationship>> = {
  many_to_one: 'many_to_one', manyToOne: 'many_to_one', belongs_to: 'many_to_one', belongsTo: 'many_to_one',
  one_to_many: 'one_to_many', oneToMany: 'one_to_many', has_many: 'one_to_many', hasMany: 'one_to_many',
  one_to_one: 'one_to_one', oneToOne: 'one_to_one', has_one: 'one_to_one', hasOne: 'one_to_one',
};

export function buildJoin(ctx: BuildContext, raw: RawMember): JoinDef | undefined {
  const target = String(raw.name);
  const place = placeOf(ctx, `joins.${target}`, raw.line);
  const props = normalizeProperties(raw.props, JOIN_PROPERTIES, place, 'join', ctx.problems);
  if (!ctx.symbols.has(target)) {
    ctx.problems.error(place, `join to unknown cube ${target}`, `name the join after the cube it joins (one of ${[...ctx.symbols.keys()].join(', ')})`);
    return undefined;
  }
  const rel = typeof props['relationship'] === 'string' ? RELATIONSHIP_SPELLINGS[props['relationship']] : undefined;
  if (!rel) {
    ctx.problems.error(place, `bad join relationship ${String(props['relationship'])}`, 'relationship: many_to_one, one_to_many or one_to_one (or belongs_to, has_many, has_one)');
    return undefined;
  }
  const sql = sqlTemplate(ctx, props['sql'], place, 'a join\'s sql');
  return sql ? { target, relationship: rel, sql, line: raw.line } : undefined;
}
