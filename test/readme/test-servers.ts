/**
 * What the examples' placeholders stand for in the test: a private PostgreSQL database (with a
 * read-only role, the README's analyst), a ClickHouse database of this run, free ports, and the
 * wait for a server's /health.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SignJWT } from 'jose';
import { dropCopiesOn } from '../../src/engines/clickhouse/clickhouse-rollups.js';
import { openClickHouseStore } from '../../src/engines/clickhouse/index.js';

export interface PrivatePostgres {
  /** The owner's URL (the test server's user) of a database of this run. */
  readonly owner: string;
  /** A role that may only read that database's tables (the README's analyst). */
  readonly reader: string;
  drop(): Promise<void>;
}

/** A database of its own on the test server, and a reader role granted SELECT on what it will hold. */
export async function privatePostgres(serverUrl: string, tag: string): Promise<PrivatePostgres> {
  const urlOf = (database: string, user?: string): string => {
    const u = new URL(serverUrl);
    u.search = '';
    u.pathname = `/${database}`;
    if (user) {
      u.username = user;
      u.password = 'reader-password';
    }
    return u.toString();
  };
  const database = `${tag}_db`;
  const reader = `${tag}_reader`;
  const admin = new pg.Client({ connectionString: urlOf(new URL(serverUrl).pathname.slice(1)) });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.query(`DROP ROLE IF EXISTS ${reader}`);
  await admin.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader-password'`);
  const owner = new pg.Client({ connectionString: urlOf(database) });
  await owner.connect();
  try {
    // The analyst reads the tables the owner makes, and may create nothing, anywhere.
    await owner.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await owner.query(`REVOKE CREATE, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    await owner.query(`GRANT CONNECT ON DATABASE ${database} TO ${reader}`);
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${reader}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${reader}`);
  } finally {
    await owner.end();
  }
  return {
    owner: urlOf(database),
    reader: urlOf(database, reader),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${reader}`);
      await admin.end();
    },
  };
}

/** Drops a ClickHouse database of this run (and its `_shard` twin) on every shard. */
export async function dropClickHouse(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const store = await openClickHouseStore(url, { migrate: false });
  try {
    for (const shard of store.shards) {
      for (const db of [name, `${name}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
      await dropCopiesOn(shard, name);
    }
  } finally {
    await store.close();
  }
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

class HealthError extends Error {}

/** Resolves once `url`/health answers 200; rejects on another answer, when `alive()` turns false, or after `timeoutMs`. */
export async function waitForHealth(url: string, alive: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      // It listens only once it is set up: any other answer is its verdict.
      throw new HealthError(`${url}/health answered HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
    } catch (e) {
      if (e instanceof HealthError) throw e;
      last = e instanceof Error ? e.message : String(e);
    }
    if (!alive()) throw new Error(`the server stopped before ${url}/health answered`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url}/health did not answer 200 within ${timeoutMs / 1000} s (${last})`);
}

/** A token as the README's recipe signs it: HS256 with the server's secret, no claims. */
export function signToken(secret: string): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
}
