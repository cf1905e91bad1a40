/**
 * The server engines for the scale bench: where their URL comes from (BENCH_POSTGRES_URL,
 * BENCH_CLICKHOUSE_URL, else the running local service's `scripts/services/<engine>.sh url`),
 * the bench's own place in them (PostgreSQL schema `uprate_scale`, ClickHouse database
 * `uprate_scale` and its `uprate_scale_shard`), and dropping that place again.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { dropCopiesOn } from '../src/engines/clickhouse/clickhouse-rollups.js';
import { openClickHouseStore } from '../src/engines/clickhouse/index.js';

export type ServerEngine = 'postgres' | 'clickhouse';

const PLACE = 'uprate_scale';

/** The engine's URL, or why there is none. */
export function engineUrl(engine: ServerEngine): { url: string } | { missing: string } {
  const variable = `BENCH_${engine.toUpperCase()}_URL`;
  const given = process.env[variable]?.trim();
  if (given) return { url: given };
  try {
    const url = execFileSync(join(process.cwd(), 'scripts', 'services', `${engine}.sh`), ['url'], { encoding: 'utf8', timeout: 10_000 }).trim();
    if (url) return { url };
  } catch {
    /* no script here: said below */
  }
  return { missing: `no URL: set ${variable}, or start it with scripts/services/${engine}.sh start` };
}

/** The URL the bench's store opens: its own schema (PostgreSQL) or database (ClickHouse). */
export function benchStoreUrl(engine: ServerEngine, url: string): string {
  const u = new URL(url);
  if (engine === 'postgres') u.searchParams.set('schema', PLACE);
  else u.pathname = `/${PLACE}`;
  return u.toString();
}

export const placeName = (engine: ServerEngine) => (engine === 'postgres' ? `schema ${PLACE}` : `database ${PLACE} (and ${PLACE}_shard on each shard)`);

/** Drops the bench's schema or databases (nothing else). */
export async function dropPlace(engine: ServerEngine, url: string): Promise<void> {
  if (engine === 'postgres') {
    const u = new URL(url);
    u.search = '';
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${PLACE} CASCADE`);
    } finally {
      await client.end();
    }
    return;
  }
  // The default database of the URL, so that opening creates nothing of the bench's.
  const u = new URL(url);
  u.pathname = '/default';
  const store = await openClickHouseStore(u.toString(), { timeoutMs: 600_000, ownTables: 'on-demand' });
  try {
    for (const shard of store.shards) {
      for (const db of [PLACE, `${PLACE}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'bench clean-up' });
      await dropCopiesOn(shard, PLACE);
    }
  } finally {
    await store.close();
  }
}

/** Can the engine be reached at all? (A short connection attempt; the reason when not.) */
export async function reachable(engine: ServerEngine, url: string): Promise<string | null> {
  try {
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: url.replace(/\?.*$/, ''), connectionTimeoutMillis: 5_000 });
      await client.connect();
      await client.end();
    } else {
      const u = new URL(url);
      const res = await fetch(`http://${u.host}/?query=SELECT%201`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) return `answered ${res.status}`;
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
