import type pg from 'pg';
import { loadPg } from './pg-module.js';
import type { ReadOnlyCause } from '../../store/own-tables.js';
import { postgresError } from './postgres-errors.js';
import { sqlIdentifier } from '../../store/sql-literal.js';

/**
 * Where uprate keeps its own tables in a PostgreSQL database, and what the session sees.
 *
 * - **Schema.** uprate's tables live in a schema of their own: `uprate`, or `?schema=NAME` in the
 *   URL. A database whose uprate tables are in `public` (an earlier uprate, opened without `?schema`) is
 *   left as it is: uprate keeps using `public` and says so once at open, with the statements that
 *   move the tables (nothing is moved by itself: the user's grants, views and backups name them).
 * - **search_path.** Not narrowed: `<uprate's schema>, <the server's default>` (`SHOW search_path`
 *   for this user and database, usually `"$user", public`). The shipped model's unqualified
 *   `offers` finds uprate's table once it exists, a user model's `upsell_offers` finds the user's
 *   table in `public`, and `analytics.upsell_offers` works as written.
 * - **Read-only by itself.** A standby server, a session that is read-only by default, or a user
 *   who may not create uprate's tables (no CREATE on the database, and uprate's schema absent or
 *   not theirs to create in) — or may not write them when they exist: the store opens read-only.
 */
export interface PostgresPlace {
  /** The schema holding uprate's tables. */
  readonly schema: string;
  /** The session's search_path, as SQL (`"uprate", "$user", public`). */
  readonly searchPath: string;
  /** uprate's tables were found in `public` (an older uprate) and are used there. */
  readonly legacyPublic: boolean;
  /** Why uprate may not write here, when it may not (undefined: it may). */
  readonly readOnly: ReadOnlyCause | undefined;
}

/** uprate's schema when the URL names none. */
export const DEFAULT_SCHEMA = 'uprate';

interface Facts {
  usr: string;
  db: string;
  search_path: string;
  db_create: boolean;
  standby: boolean;
  session_read_only: boolean;
  own_tables: boolean;
  public_tables: boolean;
}

interface SchemaFacts {
  schema_exists: boolean;
  schema_create: boolean;
  can_load: boolean;
}

/**
 * A table of uprate's the session can read: `$schema`.`$table` exists, and the user may use the
 * schema and select from it. From the catalogs, by oid: naming a schema the user may not use in
 * to_regclass or has_table_privilege('s.t') is an error, not a no.
 */
export function visibleTable(schema: string, table: string): string {
  return `EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = ${table} AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))`;
}

/** The user may insert into `$schema`.`$table` (false when it does not exist). */
function writableTable(schema: string, table: string): string {
  return `EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = '${table}' AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'INSERT'))`;
}

const FACTS = `SELECT current_user AS usr, current_database() AS db, current_setting('search_path') AS search_path,
  has_database_privilege(current_database(), 'CREATE') AS db_create, pg_is_in_recovery() AS standby,
  current_setting('transaction_read_only') = 'on' AS session_read_only,
  ${visibleTable('$1', "'uprate_migrations'")} AS own_tables,
  ${visibleTable("'public'", "'uprate_migrations'")} AS public_tables`;

/** `$schema`.`$table` does not exist (yet: a migration under way in another session makes it). */
function missingTable(schema: string, table: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relname = '${table}')`;
}

const SCHEMA_CREATE = `COALESCE((SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = $1), false)`;

/**
 * Each table a load writes is writable, or missing where the user may create it: a store opened
 * while another process migrates sees uprate_migrations before offers exists (3 opens in 300 of
 * three stores on a new schema at once came out read-only, "may not write uprate's tables").
 */
const loadable = (table: string) => `(${writableTable('$1', table)} OR ${missingTable('$1', table)} AND ${SCHEMA_CREATE})`;

const SCHEMA_FACTS = `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists,
  ${SCHEMA_CREATE} AS schema_create,
  ${loadable('uprate_loads')} AND ${loadable('offers')} AS can_load`;

/**
 * Asks the server, over a connection of its own (before the pool exists: the pool's sessions
 * carry the search_path decided here), where uprate's tables are and whether it may write them.
 * `requested` is `?schema=NAME` (undefined: `uprate`, or `public` for an older database).
 */
export async function locatePostgres(connectionString: string, target: string, timeoutMs: number, requested: string | undefined, options: { readonly createSchema?: boolean } = {}): Promise<PostgresPlace> {
  const client = new (await loadPg()).Client({ connectionString, connectionTimeoutMillis: timeoutMs, application_name: 'uprate' });
  client.on('error', () => undefined);
  let sql = '(connect)';
  try {
    await client.connect();
    sql = FACTS;
    const facts = (await client.query<Facts>({ text: FACTS, values: [requested ?? DEFAULT_SCHEMA], query_timeout: timeoutMs } as pg.QueryConfig)).rows[0];
    if (!facts) throw new Error('the server answered no row');
    const legacyPublic = requested === undefined && !facts.own_tables && facts.public_tables;
    const schema = requested ?? (legacyPublic ? 'public' : DEFAULT_SCHEMA);
    sql = SCHEMA_FACTS;
    const own = (await client.query<SchemaFacts>({ text: SCHEMA_FACTS, values: [schema], query_timeout: timeoutMs } as pg.QueryConfig)).rows[0];
    if (!own) throw new Error('the server answered no row');
    const ownTables = legacyPublic || facts.own_tables;
    const readOnly = readOnlyCause(facts, own, schema, ownTables);
    // A session resolves its search_path's schemas when it first needs them, and one that did so
    // while the schema did not exist yet may keep resolving without it after another session
    // created it (seen with three stores opening a new schema at once: 3 sessions in 300 kept
    // `current_schemas` = {public}, and their queries found no uprate table). So the schema is
    // made here, before the pool opens a single session.
    if (options.createSchema && !readOnly && !own.schema_exists) {
      sql = `CREATE SCHEMA ${sqlIdentifier(schema)}`;
      await client.query({ text: sql, query_timeout: timeoutMs } as pg.QueryConfig).catch((e: { code?: string }) => {
        // Another process made it meanwhile (duplicate schema, or the catalog's unique index).
        if (e.code !== '42P06' && e.code !== '23505') throw e;
      });
    }
    return { schema, searchPath: searchPath(schema, facts.search_path), legacyPublic, readOnly };
  } catch (e) {
    throw postgresError(target, timeoutMs, e, sql, []);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** uprate's schema first, then the server's default path (a default that already names it is kept as is). */
export function searchPath(schema: string, serverDefault: string): string {
  const rest = serverDefault.trim();
  return rest ? `${sqlIdentifier(schema)}, ${rest}` : sqlIdentifier(schema);
}

/** `-c name=value` for the connection's startup options: blanks and backslashes escaped as the server splits them. */
export function startupSetting(name: string, value: string): string {
  return `-c ${name}=${value.replace(/[\\\s]/g, (c) => `\\${c}`)}`;
}

function readOnlyCause(facts: Facts, own: SchemaFacts, schema: string, ownTables: boolean): ReadOnlyCause | undefined {
  const who = `user '${facts.usr}'`;
  if (facts.standby) return { why: 'the server is a standby (in recovery) and takes no writes', fix: 'point --url at the primary server, or pass --read-only to say that read-only is meant' };
  if (facts.session_read_only) {
    return { why: `default_transaction_read_only is on for ${who} in database '${facts.db}'`, fix: `use a user whose sessions may write, or ALTER ROLE ${sqlIdentifier(facts.usr)} SET default_transaction_read_only = off` };
  }
  if (ownTables) {
    if (own.can_load) return undefined;
    return {
      why: `${who} may not write uprate's tables in schema '${schema}'`,
      fix: `an administrator can run GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${sqlIdentifier(schema)} TO ${sqlIdentifier(facts.usr)} (and USAGE ON ALL SEQUENCES), or pass --read-only to say that read-only is meant`,
    };
  }
  if (own.schema_exists ? own.schema_create : facts.db_create) return undefined;
  return {
    why: `${who} may not CREATE in database '${facts.db}'${own.schema_exists ? ` nor in schema '${schema}'` : ''}`,
    fix: own.schema_exists
      ? `an administrator can run GRANT CREATE ON SCHEMA ${sqlIdentifier(schema)} TO ${sqlIdentifier(facts.usr)}, or pass --read-only to say that read-only is meant`
      : `an administrator can run CREATE SCHEMA ${sqlIdentifier(schema)} AUTHORIZATION ${sqlIdentifier(facts.usr)} (or GRANT CREATE ON DATABASE ${sqlIdentifier(facts.db)} TO ${sqlIdentifier(facts.usr)}), or pass --read-only to say that read-only is meant`,
  };
}

/** The once-at-open note for a database whose uprate tables are in `public`. */
export function legacyPublicNotice(target: string): string {
  const tables = ['offers', 'customers', 'uprate_loads', 'uprate_migrations', 'uprate_alert_state', 'uprate_alert_notifications', 'uprate_alert_dead_letters'];
  return (
    `${target}: uprate's own tables are in schema public (made by an older uprate) and stay there; ` +
    `newer databases keep them in schema ${DEFAULT_SCHEMA}. To move them (with uprate stopped): CREATE SCHEMA ${DEFAULT_SCHEMA}; ` +
    tables.map((t) => `ALTER TABLE IF EXISTS public.${t} SET SCHEMA ${DEFAULT_SCHEMA};`).join(' ')
  );
}
