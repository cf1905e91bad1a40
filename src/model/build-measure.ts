import { common, placeOf, snake, sqlTemplate, type BuildContext } from './build-members.js';
import { refMarker } from './markers.js';
import type { ProblemPlace } from './problems.js';
import { MEASURE_PROPERTIES, normalizeProperties } from './property-names.js';
import type { RawMember } from './raw-cube.js';
import { MEASURE_TYPES, type MeasureDef, type MeasureType, type Template } from './types.js';

/** A measure: its type, SQL, filters, format and drill members, each checked. */
export function buildMeasure(ctx: BuildContext, raw: RawMember): MeasureDef | undefined {
  const place = placeOf(ctx, String(raw.name), raw.line);
  const props = normalizeProperties(raw.props, MEASURE_PROPERTIES, place, 'measure', ctx.problems);
  const type = snake(String(props['type'] ?? ''));
  if (!(MEASURE_TYPES as readonly string[]).includes(type)) {
    const unsupported = ['running_total', 'string', 'time', 'boolean'].includes(type);
    ctx.problems.error(place, props['type'] === undefined ? 'measure has no type' : `${unsupported ? 'unsupported' : 'bad'} measure type ${String(props['type'])}`, `type: one of ${MEASURE_TYPES.join(', ')}`);
    return undefined;
  }
  if (props['cumulative'] === true) ctx.problems.error(place, 'cumulative measures are not supported', 'remove cumulative: true');
  const sql = props['sql'] === undefined && type === 'count' ? undefined : sqlTemplate(ctx, props['sql'], place, `a ${type} measure's sql`);
  if (sql === undefined && type !== 'count') return undefined;
  const filters: Template[] = [];
  const rawFilters = props['filters'] ?? [];
  if (!Array.isArray(rawFilters)) ctx.problems.error(place, 'filters must be a list of { sql }', 'filters: [{ sql: `${CUBE}.status = \'accepted\'` }]');
  else {
    for (const f of rawFilters) {
      const t = sqlTemplate(ctx, (f as { sql?: unknown } | null)?.sql, place, 'a measure filter');
      if (t) filters.push(t);
    }
  }
  const format = props['format'];
  if (format !== undefined && format !== 'percent' && format !== 'currency') {
    ctx.problems.error(place, `bad measure format ${String(format)}`, 'format: percent or currency');
  }
  return {
    kind: 'measure',
    ...common(ctx, raw, props, place, true),
    type: type as MeasureType,
    sql,
    filters,
    format: format === 'percent' || format === 'currency' ? format : undefined,
    drillMembers: drillMembers(ctx, props['drillMembers'], place),
  };
}

function drillMembers(ctx: BuildContext, value: unknown, place: ProblemPlace): string[] {
  return memberList(ctx, value, place, { what: 'drill member', list: 'drillMembers', example: 'drillMembers: [offerId, offerName]' });
}

/**
 * A list of member references: JavaScript lists references (`[offerId, Customers.industry]`),
 * YAML lists names (`[offer_id, CUBE.count, Customers.industry]`). Answers `Cube.member` paths.
 */
export function memberList(ctx: BuildContext, value: unknown, place: ProblemPlace, say: { what: string; list: string; example: string }): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.problems.error(place, `${say.list} must be a list of members`, say.example);
    return [];
  }
  const out: string[] = [];
  for (const v of value) {
    const named = typeof v === 'string' && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/.test(v) ? refMarker(v) : v;
    const before = ctx.problems.all.length;
    const t = sqlTemplate(ctx, named, place, `a ${say.what}`);
    const part = t?.length === 1 ? t[0] : undefined;
    if (part?.kind === 'member' && part.memberType !== 'segment') out.push(`${part.cube}.${part.member}`);
    // An unknown reference was reported already, with the closest name.
    else if (t && ctx.problems.all.length === before) ctx.problems.error(place, `${say.what} ${String(v)} is not a measure or dimension`, say.example);
  }
  return out;
}
