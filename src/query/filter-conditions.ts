import { UprateError } from '../core/errors.js';
import type { Model } from '../model/index.js';
import type { FilterOperator } from './cube-query.js';
import { formatExplicitRange, localToInstant, outOfRange, parseRelativeRange, type LocalRange } from './date-range.js';
import type { NormalizedFilter, NormalizedFilterItem } from './normalize-query.js';
import type { FilterValue, MemberRef, Predicate } from './plan.js';
import { resolveMember } from './resolve-member.js';
import { fromWall, isSupportedTime, parseTimestamp } from './time-zone.js';

const LIKE = new Set<FilterOperator>(['contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith']);
const DATE = new Set<FilterOperator>(['inDateRange', 'notInDateRange', 'onTheDate', 'beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate']);

export interface ConditionContext {
  readonly model: Model;
  readonly timezone: string;
  readonly now: Date;
}

function invalid(message: string, where: string, hint?: string): UprateError {
  return new UprateError('QUERY_INVALID', message, { location: where, ...(hint ? { hint } : {}) });
}

function dateBounds(op: FilterOperator, values: readonly (string | null)[], ctx: ConditionContext, where: string): string[] {
  const texts = values.filter((v): v is string => v !== null);
  if (texts.length === 0) throw invalid(`Values required for filter: ${op} needs a date`, where);
  const range = (vs: readonly string[]): LocalRange =>
    vs.length === 1 && !parseTimestamp(vs[0] ?? '') ? parseRelativeRange(vs[0] ?? '', ctx.timezone, ctx.now, where) : formatExplicitRange(vs, where);
  const [from, to] = range(op === 'onTheDate' ? texts.slice(0, 2) : op.endsWith('DateRange') ? texts.slice(0, 2) : texts.slice(0, 1));
  const toUtc = (local: string): string => localToInstant(local, ctx.timezone, where);
  switch (op) {
    case 'beforeDate':
    case 'afterOrOnDate':
      return [toUtc(from)];
    case 'beforeOrOnDate':
    case 'afterDate':
      return [toUtc(to)];
    default:
      return [toUtc(from), toUtc(to)];
  }
}

function typed(member: MemberRef, v: string, ctx: ConditionContext, where: string): FilterValue {
  if (member.memberType === 'measure' || member.type === 'number') {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw invalid(`Invalid query format: filter value ${JSON.stringify(v)} for ${member.path} is not a number`, where);
    return n;
  }
  if (member.type === 'boolean') {
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw invalid(`Invalid query format: filter value ${JSON.stringify(v)} for ${member.path} is not true or false`, where);
  }
  if (member.type === 'time') {
    const ts = parseTimestamp(v);
    if (!ts) throw invalid(`Invalid query format: filter value ${JSON.stringify(v)} for ${member.path} is not a date`, where);
    const instant = ts.zoned ? ts.ms : fromWall(ts.ms, ctx.timezone);
    if (!isSupportedTime(instant)) throw outOfRange(JSON.stringify(v), where);
    return new Date(instant).toISOString();
  }
  return v;
}

/** One Cube filter → a typed condition; operators checked against the member's type. */
export function buildCondition(f: NormalizedFilter, ctx: ConditionContext, where: string): Predicate {
  const member = resolveMember(ctx.model, f.member, 'filterable', `${where}.member`);
  const op = f.operator;
  const isMeasure = member.memberType === 'measure';
  if (op === 'measureFilter') {
    if (!isMeasure) throw invalid(`measureFilter needs a measure, and ${f.member} is a dimension`, where);
    return { kind: 'condition', member, operator: op, values: [] };
  }
  if (LIKE.has(op) && member.type !== 'string') {
    throw invalid(`Invalid query format: operator ${op} needs a string dimension, and ${f.member} is ${isMeasure ? 'a measure' : `a ${member.type} dimension`}`, where, 'use equals, gt, lt, … for numbers and dates');
  }
  if (DATE.has(op)) {
    if (member.type !== 'time') throw invalid(`Invalid query format: operator ${op} needs a time dimension, and ${f.member} is not one`, where, 'use gt, lt, equals, … on other members');
    return { kind: 'condition', member, operator: op, values: dateBounds(op, f.values ?? [], ctx, `${where}.values`) };
  }
  const values = (f.values ?? []).map((v) => (v === null ? null : typed(member, v, ctx, `${where}.values`)));
  return { kind: 'condition', member, operator: op, values };
}

export type Clause = 'where' | 'having';

/** A filter tree → predicates, split into row filters (WHERE) and measure filters (HAVING). */
export function buildFilterTree(items: readonly NormalizedFilterItem[], ctx: ConditionContext, where: string): { where: Predicate[]; having: Predicate[] } {
  const out: { where: Predicate[]; having: Predicate[] } = { where: [], having: [] };
  items.forEach((item, i) => {
    const place = `${where}[${i}]`;
    const [predicate, clause] = buildItem(item, ctx, place);
    out[clause].push(predicate);
  });
  return out;
}

function buildItem(item: NormalizedFilterItem, ctx: ConditionContext, where: string): [Predicate, Clause] {
  if ('and' in item || 'or' in item) {
    const kind = 'and' in item ? 'and' : 'or';
    const list = 'and' in item ? item.and : item.or;
    const built = list.map((x, i) => buildItem(x, ctx, `${where}.${kind}[${i}]`));
    const clauses = new Set(built.map(([, c]) => c));
    if (clauses.size > 1) {
      throw invalid(`Invalid query format: the ${kind} group at ${where} mixes dimensions and measures`, where, 'filter dimensions and measures in separate groups: dimension filters apply to rows, measure filters to aggregated results');
    }
    return [{ kind, items: built.map(([p]) => p) }, [...clauses][0] ?? 'where'];
  }
  const condition = buildCondition(item, ctx, where);
  const clause: Clause = condition.kind === 'condition' && condition.member.memberType === 'measure' && condition.operator !== 'measureFilter' ? 'having' : 'where';
  return [condition, clause];
}
