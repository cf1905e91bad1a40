import { isUprateError, UprateError } from '../core/errors.js';
import { findMember, type Model } from '../model/index.js';
import { FILTER_OPERATORS, parseCubeQuery, type CubeFilterItem } from '../query/index.js';
import { isSupportedTime, parseTimestamp } from '../query/time-zone.js';
import type { ApiFilter, ApiIntervalMethod } from './api-types.js';
import type { Selection } from './kpi-context.js';

/** Query parameters as a web framework hands them over. */
export type Params = Readonly<Record<string, unknown>>;

/** The parameters every endpoint accepts. */
export const COMMON_PARAMS = ['from', 'to', 'offerType', 'filters', 'level', 'method', 'asOf'] as const;

export const INTERVAL_METHODS: readonly ApiIntervalMethod[] = ['wilson', 'jeffreys', 'exact'];

/** The common parameters, parsed. */
export interface CommonParams {
  readonly selection: Selection;
  readonly level: number;
  readonly method: ApiIntervalMethod;
  /** The clock asked for, or null for the server's. */
  readonly asOf: Date | null;
}

function bad(location: string, message: string, hint?: string): UprateError {
  return new UprateError('BAD_ARGUMENT', message, { location, ...(hint ? { hint } : {}) });
}

/** A single string value, or undefined; repeated parameters are refused. */
export function param(q: Params, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(name, `give ${name} once`);
  return v;
}

/** Refuses parameters the endpoint does not know, naming them. */
export function checkKnown(q: Params, allowed: readonly string[]): void {
  for (const name of Object.keys(q)) {
    if (!allowed.includes(name)) throw bad(name, `unknown parameter '${name}'`, `this endpoint accepts ${allowed.join(', ')}`);
  }
}

/**
 * The parameters of an endpoint that takes each at most once: unknown ones refused, then a reader
 * giving each value, or undefined when absent or empty.
 */
export function singleParams(q: Params, allowed: readonly string[]): (name: string) => string | undefined {
  checkKnown(q, allowed);
  return (name) => param(q, name) || undefined;
}

/** `YYYY-MM-DD`, checked to be a real day of the years 0000–9999 (`0050-01-01` is the year 50). */
export function parseDay(value: string, name: string): string {
  const ts = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseTimestamp(value) : undefined;
  if (!ts) throw bad(name, `${name} must be a day as YYYY-MM-DD (0000-01-01 to 9999-12-31), not '${shown(value)}'`);
  return value;
}

/**
 * `asOf`: a day (its midnight UTC) or an ISO 8601 date-time, UTC unless it carries `Z` or an
 * offset, in the years 0000–9999.
 */
export function parseInstant(value: string, name: string): Date {
  const ts = parseTimestamp(value);
  if (!ts || !isSupportedTime(ts.ms)) {
    throw bad(name, `${name} must be a day (YYYY-MM-DD) or an ISO 8601 instant from 0000-01-01 to 9999-12-31, not '${shown(value)}'`, 'e.g. 2025-07-01 or 2025-07-01T12:00:00Z');
  }
  return new Date(ts.ms);
}

/** A parameter value as an error message shows it: at most 80 characters. */
function shown(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** A number, optionally restricted to an open or closed range. */
export function parseNumber(value: string, name: string, range: { min?: number; max?: number; open?: boolean; integer?: boolean } = {}): number {
  const x = Number(value);
  const { min = -Infinity, max = Infinity, open = false, integer = false } = range;
  const inside = open ? x > min && x < max : x >= min && x <= max;
  if (value.trim() === '' || !Number.isFinite(x) || !inside || (integer && !Number.isInteger(x))) {
    const span = `${open ? 'strictly ' : ''}between ${min} and ${max}`;
    throw bad(name, `${name} must be ${integer ? 'a whole number' : 'a number'}${Number.isFinite(min) || Number.isFinite(max) ? ` ${span}` : ''}, not '${value}'`);
  }
  return x;
}

export function parseChoiceParam<T extends string>(value: string, name: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw bad(name, `${name} must be one of ${choices.join(', ')}, not '${value}'`);
}

/**
 * A URL parameter holding a JSON array of Cube filters; every member must be a dimension of the
 * model, every operator one of Cube's. Errors name the parameter and the item, e.g.
 * `filters[0].member`.
 */
export function parseFilters(text: string, model: Model, name: string): ApiFilter[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(name, `${name} is not JSON: expected an array of Cube filters`, `e.g. ${name}=[{"member":"Customers.accountSize","operator":"equals","values":["enterprise"]}]`);
  }
  if (!Array.isArray(value)) throw bad(name, `${name} must be a JSON array of Cube filters`);
  try {
    parseCubeQuery({ filters: value }, '§');
  } catch (e) {
    if (!isUprateError(e)) throw e;
    const location = (e.location ?? name).replace(/^§\.filters/, name);
    throw new UprateError('BAD_ARGUMENT', e.message.replace(/filters(\[\d)/g, `${name}$1`), { location, ...(e.hint ? { hint: e.hint } : {}) });
  }
  checkFilterItems(value as CubeFilterItem[], model, name);
  return value as ApiFilter[];
}

function checkFilterItems(items: readonly CubeFilterItem[], model: Model, path: string): void {
  items.forEach((item, i) => {
    const at = `${path}[${i}]`;
    if ('and' in item || 'or' in item) {
      const group = item as { and?: CubeFilterItem[]; or?: CubeFilterItem[] };
      if (group.and) checkFilterItems(group.and, model, `${at}.and`);
      if (group.or) checkFilterItems(group.or, model, `${at}.or`);
      return;
    }
    const f = item as { member?: string; dimension?: string; operator?: string };
    const name = f.member ?? f.dimension;
    if (!name) throw bad(`${at}.member`, `${at} has no member`);
    checkDimension(model, name, `${at}.member`);
    if (!f.operator || !(FILTER_OPERATORS as readonly string[]).includes(f.operator)) {
      throw bad(`${at}.operator`, `${at}: unknown operator '${String(f.operator)}'`, `use one of Cube's: ${FILTER_OPERATORS.join(', ')}`);
    }
  });
}

/** The model's dimension names, for hints. */
export function dimensionNames(model: Model): string[] {
  const names: string[] = [];
  for (const [cubeName, cube] of model.cubes) for (const [d, def] of cube.dimensions) if (def.public !== false) names.push(`${cubeName}.${d}`);
  return names;
}

/** A dimension of the model, or a BAD_ARGUMENT naming the parameter and listing what exists. */
export function checkDimension(model: Model, name: string, location: string): void {
  const found = findMember(model, name);
  if (!found || found.member.kind !== 'dimension') {
    const what = found ? `is a ${found.member.kind}, not a dimension` : 'is not a dimension of the model';
    throw bad(location, `'${name}' ${what}`, `use one of ${dimensionNames(model).join(', ')}`);
  }
}

/** The parameters every endpoint shares. */
export function parseCommon(q: Params, model: Model): CommonParams {
  const from = param(q, 'from');
  const to = param(q, 'to');
  const fromDay = from === undefined ? null : parseDay(from, 'from');
  const toDay = to === undefined ? null : parseDay(to, 'to');
  if (fromDay && toDay && fromDay > toDay) throw bad('to', `to (${toDay}) is before from (${fromDay})`);
  const offerType = param(q, 'offerType');
  const filters = param(q, 'filters');
  const level = param(q, 'level');
  const method = param(q, 'method');
  const asOf = param(q, 'asOf');
  return {
    selection: {
      from: fromDay,
      to: toDay,
      offerType: offerType === undefined ? null : parseChoiceParam(offerType, 'offerType', ['upsell', 'cross_sell'] as const),
      filters: filters === undefined || filters === '' ? [] : parseFilters(filters, model, 'filters'),
    },
    level: level === undefined ? 0.95 : parseNumber(level, 'level', { min: 0, max: 1, open: true }),
    method: method === undefined ? 'wilson' : parseChoiceParam(method, 'method', INTERVAL_METHODS),
    asOf: asOf === undefined ? null : parseInstant(asOf, 'asOf'),
  };
}
