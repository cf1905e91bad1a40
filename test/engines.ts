/**
 * The engines the engine tests run on, found the way the services scripts leave them: each
 * script's `url` subcommand names its server (nothing is exported between CI steps). An engine
 * whose server is not answering is skipped with a message that says how to start it — unless CI
 * is set, where a missing server is a failure (CI starts them with scripts/ci-services.sh).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UprateError } from '../src/core/errors.js';
import { openStore, type Engine, type Store } from '../src/store/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface EngineUnderTest {
  readonly engine: Engine;
  /** How `uprate` is pointed at it: `--db FILE` or `--url URL`. */
  readonly args: readonly string[];
  /** The URL (server engines) or file (DuckDB). */
  readonly where: string;
}

export interface EngineSlot {
  readonly engine: Engine;
  /** Present when the engine can be tested. */
  readonly ready?: EngineUnderTest;
  /** Why it cannot, when it cannot. */
  readonly skip?: string;
}

export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

function scriptUrl(script: string): string {
  return execFileSync(`${ROOT}scripts/services/${script}`, ['url'], { encoding: 'utf8' }).trim();
}

/** Is the server there? (Read-only: a server without uprate's tables still answers.) */
async function answers(url: string): Promise<string | undefined> {
  try {
    const store: Store = await openStore({ db: ':memory:', url, readOnly: true, timeoutMs: 5_000 });
    await store.close();
    return undefined;
  } catch (e) {
    if (e instanceof UprateError && e.code !== 'ENGINE_UNAVAILABLE') return undefined;
    return e instanceof Error ? e.message : String(e);
  }
}

/** `?schema=` for PostgreSQL; a database of its own (the URL's path) for ClickHouse. */
function isolate(engine: Engine, url: string, name: string): string {
  const u = new URL(url);
  if (engine === 'postgres') u.searchParams.set('schema', name);
  else u.pathname = `/${name}`;
  return u.toString();
}

interface Server {
  readonly engine: Engine;
  readonly script: string;
  readonly env: string;
  readonly implemented: () => boolean;
}

const SERVERS: readonly Server[] = [
  { engine: 'postgres', script: 'postgres.sh', env: 'UPRATE_TEST_POSTGRES_URL', implemented: () => true },
  { engine: 'clickhouse', script: 'clickhouse.sh', env: 'UPRATE_TEST_CLICKHOUSE_URL', implemented: () => existsSync(`${ROOT}src/engines/clickhouse/clickhouse-store.ts`) },
];

/** One server engine: ready (with this test's isolated URL), or why not. */
export async function locateServer(engine: Exclude<Engine, 'duckdb'>, name: string): Promise<EngineSlot> {
  const s = SERVERS.find((x) => x.engine === engine);
  if (!s) throw new Error(`no server engine ${engine}`);
  // UPRATE_TEST_ENGINES=duckdb,postgres narrows the run (a visible skip, never silent).
  const only = process.env['UPRATE_TEST_ENGINES']?.split(',').map((e) => e.trim());
  if (only && !only.includes(s.engine)) return { engine, skip: `${s.engine}: left out by UPRATE_TEST_ENGINES=${only.join(',')}` };
  if (!s.implemented()) return { engine, skip: `${s.engine}: this uprate has no ${s.engine} store yet (src/engines/clickhouse/clickhouse-store.ts)` };
  const base = process.env[s.env] ?? scriptUrl(s.script);
  const problem = await answers(base);
  if (problem) return { engine, skip: `${s.engine} is not answering at ${base} (${problem.split('\n')[0]}); start it with scripts/services/${s.script} start` };
  const url = isolate(s.engine, base, name);
  return { engine, ready: { engine, args: ['--url', url], where: url } };
}

/**
 * Every engine, in a fixed order (DuckDB first: the reference). `name` isolates this test's tables
 * (a PostgreSQL schema, a ClickHouse database) so test files can run at the same time.
 */
export async function locateEngines(name: string, duckdbFile: string): Promise<EngineSlot[]> {
  const slots: EngineSlot[] = [{ engine: 'duckdb', ready: { engine: 'duckdb', args: ['--db', duckdbFile], where: duckdbFile } }];
  for (const s of SERVERS) slots.push(await locateServer(s.engine as Exclude<Engine, 'duckdb'>, name));
  return slots;
}

/** The skip option for a server engine's tests: false when ready; under CI a missing server fails. */
export function skipUnlessReady(slot: EngineSlot): string | false {
  if (slot.ready) return false;
  if (IN_CI && !/left out by/.test(slot.skip ?? '')) throw new Error(`CI needs ${slot.engine}: ${slot.skip ?? 'not ready'}`);
  return slot.skip ?? `${slot.engine} is not ready`;
}

/** A server slot as a suite's engine: the engine (a placeholder where it is not ready) and the suite's skip option. */
export function underTest(slot: EngineSlot): { engine: EngineUnderTest; skip: string | false } {
  return slot.ready ? { engine: slot.ready, skip: false } : { engine: { engine: slot.engine, args: [], where: '' }, skip: skipUnlessReady(slot) };
}

/** Drops a test's PostgreSQL schema (`name`) on the server at `where` (nothing when none was found). */
export async function dropPostgresSchema(where: string | undefined, name: string): Promise<void> {
  if (!where) return;
  const store = await openStore({ db: ':memory:', url: where, engine: 'postgres' });
  try {
    await store.run(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await store.close();
  }
}
