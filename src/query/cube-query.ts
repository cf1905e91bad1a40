import { z } from 'zod';
import { UprateError } from '../core/errors.js';

/**
 * Cube's query JSON (REST API), validated. The member name pattern keeps anything that is not
 * `Cube.member` (SQL fragments included) out before a member is even looked up.
 */
export const FILTER_OPERATORS = [
  'equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith',
  'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'set', 'notSet', 'inDateRange', 'notInDateRange', 'onTheDate',
  'beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate', 'measureFilter',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const MEMBER_NAME = /^[a-zA-Z0-9_]+\.[a-zA-Z0-9_]+$/;
const member = z.string().regex(MEMBER_NAME, 'is not a member name of the form Cube.member');
const memberWithGranularity = z.string().regex(/^[a-zA-Z0-9_]+\.[a-zA-Z0-9_]+(\.(second|minute|hour|day|week|month|quarter|year))?$/, 'is not a member name of the form Cube.member');
const filterValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export interface CubeFilter {
  readonly member?: string;
  readonly dimension?: string;
  readonly operator?: string;
  readonly values?: readonly (string | number | boolean | null)[];
}
export interface CubeFilterGroup {
  readonly and?: readonly CubeFilterItem[];
  readonly or?: readonly CubeFilterItem[];
}
export type CubeFilterItem = CubeFilter | CubeFilterGroup;

const filterItem: z.ZodType<CubeFilterItem> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(filterItem) }).strict(),
    z.object({ or: z.array(filterItem) }).strict(),
    z
      .object({ member: member.optional(), dimension: member.optional(), operator: z.string().optional(), values: z.array(filterValue).optional() })
      .strict(),
  ]),
);

const dateRange = z.union([z.string(), z.array(z.string()).min(1).max(2)]);

const timeDimension = z
  .object({
    dimension: member,
    granularity: z.enum(GRANULARITIES).nullable().optional(),
    dateRange: dateRange.optional(),
    compareDateRange: z.array(dateRange).min(1).optional(),
  })
  .strict();

const direction = z.enum(['asc', 'desc']);

export const cubeQuerySchema = z
  .object({
    measures: z.array(member).optional(),
    dimensions: z.array(memberWithGranularity).optional(),
    filters: z.array(filterItem).optional(),
    timeDimensions: z.array(timeDimension).optional(),
    segments: z.array(member).optional(),
    order: z.union([z.record(z.string(), direction), z.array(z.tuple([z.string(), direction]))]).optional(),
    limit: z.number().int().min(1).optional(),
    offset: z.number().int().min(0).optional(),
    total: z.boolean().optional(),
    timezone: z.string().optional(),
    renewQuery: z.boolean().optional(),
    ungrouped: z.boolean().optional(),
    responseFormat: z.literal('default').optional(),
  })
  .strict();

export type CubeQuery = z.infer<typeof cubeQuerySchema>;
export type CubeTimeDimension = z.infer<typeof timeDimension>;

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The value at `path` inside `input` (zod's issues do not carry it). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** What a field that may take several shapes accepts, by the field's name. */
function unionMessage(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (last === 'order') return 'is not an order: give {"Cube.member": "asc" | "desc"} or [["Cube.member", "asc" | "desc"], ...]';
  if (last === 'dateRange' || last === 'compareDateRange') return 'is not a date range: give a relative range such as "last 7 days" or one or two dates ["2025-01-01", "2025-01-31"]';
  if (last === 'values') return 'is not a filter value: give a string, a number, a boolean or null';
  return 'is not a filter ({member, operator, values}) or a group ({and: [...]} / {or: [...]})';
}

/**
 * How deep `and`/`or` groups may nest before anything recursive (the validator, the planner, the
 * SQL compiler) walks them: far above any sensible query and the cost guard's default, far below
 * where a recursive walk overflows the stack.
 */
export const MAX_FILTER_NESTING = 100;

/** The first group nested deeper than MAX_FILTER_NESTING, found without recursion; undefined when none is. */
function tooDeep(filters: unknown): string | undefined {
  if (!Array.isArray(filters)) return undefined;
  const stack: { items: readonly unknown[]; depth: number; where: string }[] = [{ items: filters, depth: 0, where: 'filters' }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    for (const [i, item] of next.items.entries()) {
      if (item === null || typeof item !== 'object') continue;
      for (const op of ['and', 'or'] as const) {
        const nested = (item as Record<string, unknown>)[op];
        if (!Array.isArray(nested)) continue; // own or inherited: the validator reads both
        const where = `${next.where}[${i}].${op}`;
        if (next.depth + 1 > MAX_FILTER_NESTING) return where;
        stack.push({ items: nested, depth: next.depth + 1, where });
      }
    }
  }
  return undefined;
}

/** The query, or a QUERY_INVALID error naming the field (`Invalid query format: …`, as Cube says). */
export function parseCubeQuery(input: unknown, where = 'query'): CubeQuery {
  const deep = input !== null && typeof input === 'object' ? tooDeep((input as Record<string, unknown>)['filters']) : undefined;
  if (deep) {
    throw new UprateError('QUERY_INVALID', `Invalid query format: ${deep} nests and/or groups more than ${MAX_FILTER_NESTING} levels deep`, {
      location: `${where}.${deep}`,
      hint: 'flatten the filter: an and inside an and (or an or inside an or) is one group',
    });
  }
  const result = cubeQuerySchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? pathText(issue.path) : '';
  let message = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') message = `${issue.keys.map((k) => `"${k}"`).join(', ')} is not allowed`;
  else if (issue?.code === 'invalid_union') message = unionMessage(issue.path);
  const text = issue && issue.code === 'invalid_format' ? JSON.stringify(valueAt(input, issue.path)) ?? '' : '';
  const value = text.length > 80 ? ` ${text.slice(0, 77)}...` : text ? ` ${text}` : '';
  throw new UprateError('QUERY_INVALID', `Invalid query format: ${path ? `${path}${value} ` : ''}${message}`, {
    location: path ? `${where}.${path}` : where,
    hint: 'see https://cube.dev/docs/product/apis-integrations/rest-api/query-format',
  });
}
