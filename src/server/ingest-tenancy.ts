import type { JWTPayload } from 'jose';
import { UprateError, isUprateError } from '../core/errors.js';
import type { CheckedRows } from '../ingest/index.js';
import { joinColumns, plainColumn, type CubeDef, type Model } from '../model/index.js';
import { allAccess, answerQuery, MAX_LIMIT, type Access } from '../query/index.js';
import type { CubeFilter } from '../query/cube-query.js';
import type { Store } from '../store/index.js';
import { callerAccess, mayIngestAnything, type Tenancy } from './caller.js';

/**
 * The ingest rule on a server with security filters. A token with `security.ingestClaim` loads
 * any rows. Any other token loads only rows of its own tenant:
 * - a row whose table holds the filtered member (customers, for `Customers.region`) must carry
 *   an allowed value (a europe token cannot add an apac customer);
 * - a row of a table that reaches the filtered member through a many-to-one join (offers →
 *   customers) must reference a row the token can see (a europe token cannot add offers for an
 *   apac customer, nor for one that does not exist yet);
 * - a row that replaces a stored one (same key) may only replace a row the token can see (no
 *   moving another tenant's customer or offer into one's own tenant).
 * A rule uprate cannot check on the table's rows (an expression, no join) refuses the load:
 * only the ingest claim can write there. Every refusal is a 403 naming the rule.
 */
export function ingestAdmission(
  model: Model,
  store: Store,
  tenancy: Tenancy,
  claims: JWTPayload,
  table: string,
  now: Date,
): ((rows: CheckedRows) => Promise<void>) | undefined {
  if (mayIngestAnything(tenancy, claims)) return undefined;
  const access = callerAccess(tenancy, claims);
  const cube = [...model.cubes.values()].find((c) => c.source.kind === 'table' && c.source.table === table);
  const key = cube ? keyDimension(cube) : undefined;
  if (!cube || !key) throw refuse(`the model has no cube with a primary key over the ${table} table`, table, tenancy);
  const filters = access.kind === 'tenant' ? access.filters : [];
  return async (rows) => {
    for (const filter of filters) {
      const f = filter as CubeFilter;
      const member = f.member ?? '';
      const allowed = new Set((f.values ?? []).map(String));
      const [cubeName, name] = member.split('.');
      const target = model.cubes.get(cubeName ?? '');
      const dimension = target?.dimensions.get(name ?? '');
      if (!target || !dimension) throw refuse(`security rule ${member} names no dimension`, member, tenancy);
      if (target === cube) {
        const column = plainColumn(dimension.sql, cube.name);
        if (!column) throw refuse(`${member} is not a plain column of ${table}, so its rows cannot be checked`, member, tenancy);
        const bad = (await rows.distinct(column)).filter((v) => v === null || !allowed.has(v));
        if (bad.length > 0) {
          throw forbidden(`${table} rows with ${column} ${shown(bad)} are outside this token's ${member} (${[...allowed].join(', ')})`, member, tenancy);
        }
      } else {
        const link = joinColumns(cube, target);
        const targetKey = link ? [...target.dimensions.entries()].find(([, d]) => plainColumn(d.sql, target.name) === link.to) : undefined;
        if (!link || !targetKey) throw refuse(`${table} does not join ${target.name} on a column, so ${member} cannot be checked on its rows`, member, tenancy);
        const referenced = await rows.distinct(link.from);
        const refPath = `${target.name}.${targetKey[0]}`;
        const visible = await existing(store, model, refPath, referenced.filter((v): v is string => v !== null), access, now);
        const bad = referenced.filter((v) => v === null || !visible.has(v));
        if (bad.length > 0) {
          throw forbidden(`${table} rows reference ${link.from} ${shown(bad)}, not a ${target.name} row this token's ${member} (${[...allowed].join(', ')}) can see`, member, tenancy);
        }
      }
    }
    // No row may replace another tenant's row.
    const keyPath = `${cube.name}.${key}`;
    const keyColumn = plainColumn(cube.dimensions.get(key)?.sql ?? [], cube.name);
    if (!keyColumn) throw refuse(`${keyPath} is not a plain column`, keyPath, tenancy);
    const keys = (await rows.distinct(keyColumn)).filter((v): v is string => v !== null);
    const stored = await existing(store, model, keyPath, keys, allAccess('system'), now);
    if (stored.size === 0) return;
    const mine = await existing(store, model, keyPath, [...stored], access, now);
    const theirs = [...stored].filter((k) => !mine.has(k));
    if (theirs.length > 0) {
      throw forbidden(`${theirs.length} ${table} row(s) (${shown(theirs)}) already belong to another tenant and cannot be replaced with this token`, keyPath, tenancy);
    }
  };
}

const BATCH = 5_000;

/** Which of `values` of a key dimension exist among the rows `access` can see. */
async function existing(store: Store, model: Model, path: string, values: readonly string[], access: Access, now: Date): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < values.length; i += BATCH) {
    const batch = values.slice(i, i + BATCH);
    try {
      const answer = await answerQuery(store, model, { dimensions: [path], filters: [{ member: path, operator: 'equals', values: batch }], limit: MAX_LIMIT, order: [] }, { now, access });
      for (const row of answer.results[0]?.data ?? []) if (row[path] !== null && row[path] !== undefined) found.add(String(row[path]));
    } catch (e) {
      if (isUprateError(e) && e.code === 'QUERY_INVALID') throw new UprateError('FORBIDDEN', `cannot check ${path} for this token: ${e.message}`, { location: path, hint: 'ingest with a token that has security.ingestClaim' });
      throw e;
    }
  }
  return found;
}

function keyDimension(cube: CubeDef): string | undefined {
  return [...cube.dimensions.entries()].find(([, d]) => d.primaryKey)?.[0];
}

function shown(values: readonly (string | null)[]): string {
  const head = values.slice(0, 3).map((v) => (v === null ? 'empty' : `'${v}'`)).join(', ');
  return values.length > 3 ? `${head} and ${values.length - 3} more` : head;
}

function hint(tenancy: Tenancy): string {
  return tenancy.ingestClaim
    ? `load only your tenant's rows, or ingest with a token that has ${tenancy.ingestClaim}`
    : "load only your tenant's rows, or set security.ingestClaim (e.g. role=admin) and ingest with a token that has it";
}

function forbidden(message: string, location: string, tenancy: Tenancy): UprateError {
  return new UprateError('FORBIDDEN', message, { location, hint: hint(tenancy) });
}

function refuse(message: string, location: string, tenancy: Tenancy): UprateError {
  return new UprateError('FORBIDDEN', `${message}: with security filters, only a token with the ingest claim may load ${location}`, { location, hint: hint(tenancy) });
}
