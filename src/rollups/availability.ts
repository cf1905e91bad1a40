import type { Model } from '../model/index.js';
import { isClockVersion } from '../store/own-tables.js';
import { DuckDbStore, PostgresStore, type Store } from '../store/index.js';
import { dialectFor } from '../sql/index.js';
import { modelRollups, rollupBuild } from './definition.js';
import type { UsableRollup } from './match.js';
import { hasRegistryTable, readRegistry, UNTRACKED, UNTRACKED_MAX_AGE_MS, type StoredRollup } from './registry.js';

/** A model rollup and whether it can be read now. */
export interface RollupStatus {
  readonly name: string;
  readonly state: 'fresh' | 'stale' | 'missing';
  /** Why it is stale or missing, and what to run. */
  readonly why: string | null;
  readonly stored: StoredRollup | null;
  readonly usable: UsableRollup | null;
}

/** Once seen, a store's registry stays (drop empties it, never removes it); its absence is looked up again after a while. */
const registries = new WeakMap<Store, { readonly seen: boolean; readonly at: number }>();

/**
 * How long a store without a registry is taken not to have one: a build in another process is
 * read from this long after it committed, and a store that never has rollups (the user's own
 * tables, a read-only replica) costs no extra statement per query.
 */
export const NO_REGISTRY_RECHECK_MS = 5_000;

/** Whether the store has a registry (none on an engine without rollups, or before the first build). */
async function hasRegistry(store: Store, nowMs: number): Promise<boolean> {
  if (!(store instanceof DuckDbStore || store instanceof PostgresStore || store.engine === 'clickhouse')) return false;
  const known = registries.get(store);
  if (known?.seen) return true;
  if (known && nowMs - known.at < NO_REGISTRY_RECHECK_MS) return false;
  const seen = await hasRegistryTable((sql, params) => store.query(sql, params), store.engine, 'uprate_rollups');
  registries.set(store, { seen, at: nowMs });
  return seen;
}

/** The built rollups (none on an engine without rollups, or before the first build). */
export async function storedRollups(store: Store, nowMs = Date.now()): Promise<StoredRollup[]> {
  return (await hasRegistry(store, nowMs)) ? readRegistry((sql) => store.query(sql)) : [];
}

/** The registry's rows last read from a store whose registry has a key ({@link Store.rollupRegistryKey}), under that key. */
const keyedRegistries = new WeakMap<Store, { readonly key: string; readonly stored: StoredRollup[] }>();

/** This process built or dropped rollups, or loaded data, in the store: look again at once. */
export function registryChanged(store: Store): void {
  registries.delete(store);
  states.delete(store);
  keyedRegistries.delete(store);
}

/**
 * How long the registry and the data version read for one query answer the queries that ask
 * after it: a dashboard's requests arrive together, and each query would otherwise wait for two
 * statements of its own behind the scans already running. Short, and dropped at once when this
 * process builds, drops or loads ({@link registryChanged}; a DuckDB load drops it at its commit,
 * before a whole rebuild that follows it). Only this process loads a DuckDB file; PostgreSQL
 * maintains a rollup in the load's own transaction, so a rollup taken as fresh from a state read
 * just before another process's load still holds what the rows hold: the answer is exact.
 * ClickHouse switches generations after the commit: its state is never reused.
 */
export const STATE_REUSE_MS = 500;

interface RollupState {
  readonly stored: readonly StoredRollup[];
  readonly current: number;
}

const states = new WeakMap<Store, { readonly at: number; readonly state: Promise<RollupState> }>();

/** The stored rollups and the data version, read together (or taken from a read at most {@link STATE_REUSE_MS} old). */
function rollupState(store: Store, nowMs: number): Promise<RollupState> {
  const known = states.get(store);
  // ClickHouse switches a rollup's generation after the load's commit, not in it: read afresh there.
  const reuse = store.engine === 'clickhouse' ? -1 : STATE_REUSE_MS;
  if (known && nowMs - known.at >= 0 && nowMs - known.at <= reuse) return known.state;
  const state = (async (): Promise<RollupState> => {
    if (store.rollupRegistryKey) {
      if (!(await hasRegistry(store, nowMs))) return { stored: [], current: 0 };
      const { version, registry } = await store.rollupRegistryKey();
      const known = keyedRegistries.get(store);
      // Read after the key: rows newer than it are kept under it and read again at the next key,
      // and a rollup newer than the version read is not fresh at it (the rows answer).
      const stored = known?.key === registry ? known.stored : await readRegistry((sql) => store.query(sql));
      keyedRegistries.set(store, { key: registry, stored });
      return { stored, current: stored.length > 0 ? version : 0 };
    }
    const stored = await storedRollups(store);
    return { stored, current: stored.length > 0 ? await store.dataVersion() : 0 };
  })();
  const entry = { at: nowMs, state };
  states.set(store, entry);
  state.catch(() => {
    if (states.get(store) === entry) states.delete(store);
  });
  return state;
}

/** Does a stored rollup still hold what the rows say? */
function freshness(stored: StoredRollup, current: number, nowMs: number): string | null {
  if (stored.dataVersion === UNTRACKED) {
    const age = nowMs - stored.builtAt.getTime();
    return age < UNTRACKED_MAX_AGE_MS ? null : `built ${Math.round(age / 60_000)} minutes ago from tables uprate does not load (used for an hour after a build): run uprate rollups build`;
  }
  if (stored.dataVersion === current) return null;
  // Built before any load: fresh while there is still none.
  if (stored.dataVersion === 0 && isClockVersion(current, nowMs)) return null;
  return `data changed since it was built (load ${stored.dataVersion}, now ${current}) outside an ingest that maintains it: run uprate rollups build`;
}

/**
 * Each of the model's rollups with its state: fresh (read by queries), stale (the model's
 * definition or the data changed since its build: never read) or missing (never built).
 */
export async function rollupStatus(store: Store, model: Model, nowMs = Date.now()): Promise<RollupStatus[]> {
  const rollups = modelRollups(model);
  if (rollups.length === 0) return [];
  const { stored, current } = await rollupState(store, nowMs);
  return rollups.map((rollup): RollupStatus => {
    const s = stored.find((x) => x.name === rollup.path) ?? null;
    if (!s && rollup.clusteredBy && !rollup.moments && store.engine === 'clickhouse') {
      return { name: rollup.path, state: 'missing', why: 'a rollup with a row per cluster is not built on ClickHouse (rollups of moments are): the reads it would answer read the rows', stored: null, usable: null };
    }
    if (!s) return { name: rollup.path, state: 'missing', why: 'not built: run uprate rollups build', stored: null, usable: null };
    const build = rollupBuild(model, rollup, dialectFor(store.engine));
    if (build.hash !== s.hash) {
      return { name: rollup.path, state: 'stale', why: 'built from another definition (the model, its conversion window or the engine changed): run uprate rollups build', stored: s, usable: null };
    }
    const why = freshness(s, current, nowMs);
    if (why) return { name: rollup.path, state: 'stale', why, stored: s, usable: null };
    // Its open window was filled from the data the rollup holds (a load refills it after its commit).
    const open = s.open && build.open && s.open.dataVersion === s.dataVersion ? s.open : null;
    return { name: rollup.path, state: 'fresh', why: null, stored: s, usable: { rollup, build, stored: s, open } };
  });
}

/** The model's rollups a build would make: those missing or stale. */
export async function rollupsNotFresh(store: Store, model: Model): Promise<string[]> {
  return (await rollupStatus(store, model)).filter((s) => s.state !== 'fresh').map((s) => s.name);
}

/** The rollups queries may read now. */
export async function usableRollups(store: Store, model: Model): Promise<UsableRollup[]> {
  return (await rollupStatus(store, model)).flatMap((s) => (s.usable ? [s.usable] : []));
}
