import { UprateError } from '../core/errors.js';

/**
 * uprate's own tables (`offers`, `customers`, `uprate_loads`, `uprate_migrations`, the alert
 * tables) are needed only by the features that write: a model over the user's own tables reads
 * without them. A store is opened either creating them at once (`ownTables: 'create'`, the
 * default) or when a feature first needs them (`'on-demand'`: `Store.ensureOwnTables(feature)`).
 * A read-only store creates nothing: those features are off, and asking for them is a READ_ONLY
 * error naming the feature, why the store is read-only, and the fix.
 */
export type OwnTables = 'create' | 'on-demand';

/** The features that need uprate's own tables, in the words messages use. */
export const OWN_TABLE_FEATURES = ['ingest', 'alert history', 'demo load', 'rollups'] as const;
export type OwnTablesFeature = (typeof OWN_TABLE_FEATURES)[number];

/** What a read-only store turns off, as `readOnlyReason` lists it. */
const FEATURES_OFF = 'ingest, alert history and notification state (alerts are still evaluated and reported; nothing is sent), demo load, building rollups';

/** Why a store is read-only, and how to make it writable. */
export interface ReadOnlyCause {
  /** `--read-only`, `user 'x' may not CREATE in database 'y'`, … */
  readonly why: string;
  readonly fix: string;
}

/** The cause of a store the caller opened read-only (`--read-only`, or a command that only reads). */
export function requestedReadOnly(why = 'the command only reads'): ReadOnlyCause {
  return {
    why,
    fix: why === '--read-only' ? 'run it without --read-only' : 'run a command that writes (uprate ingest, uprate serve, uprate alerts check)',
  };
}

/** One sentence for the log at open: the store is read-only, why, and which features are off. */
export function readOnlyReason(target: string, cause: ReadOnlyCause): string {
  return `${target} is open read-only (${cause.why}): uprate creates and writes nothing there; off: ${FEATURES_OFF}`;
}

/** A feature that needs uprate's own tables, asked of a read-only store. */
export function readOnlyError(feature: OwnTablesFeature, target: string, cause: ReadOnlyCause): UprateError {
  return new UprateError('READ_ONLY', `${feature} needs uprate's own tables, but the database is open read-only (${cause.why})`, {
    location: target,
    hint: cause.fix,
    details: { feature, why: cause.why },
  });
}

/**
 * Cube's default refresh key for a cube without one is `every: '10 second'` (cube.mdx,
 * "refresh_key": 2 minutes for BigQuery, Athena, Snowflake, Presto; 10 seconds elsewhere).
 */
export const TIME_VERSION_EVERY_MS = 10_000;

/**
 * The data version of a store whose data uprate did not load (no load log, or nothing logged
 * yet): the user's tables may change at any moment without uprate hearing of it, so the version
 * moves every 10 seconds, as Cube's default refresh key does — a cached answer is at most that old.
 */
export function timeVersion(nowMs: number = Date.now(), everyMs = TIME_VERSION_EVERY_MS): number {
  return Math.floor(nowMs / everyMs);
}

/**
 * Whether a data version is the clock's (no load log to go by) rather than a load id: a load id
 * never comes near the number of 10-second ticks since 1970 (≈ 1.8e8). Caches refresh on either;
 * alert checks follow loads only.
 */
export function isClockVersion(version: number, nowMs: number = Date.now(), everyMs = TIME_VERSION_EVERY_MS): boolean {
  return Math.abs(version - timeVersion(nowMs, everyMs)) <= 1;
}

/**
 * What every store shares about uprate's own tables: whether it may write (and why not, and what
 * that turns off), and creating or migrating the tables once, when the first feature needs them.
 */
/** A load log's `loaded_at` as text (`2025-07-01 12:00:00[.123]`, UTC) → a Date; null for none (ClickHouse's empty max is the epoch). */
export function loadedAtDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const d = new Date(`${String(text).trim().replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) || d.getTime() === 0 ? null : d;
}

export abstract class OwnTablesStore {
  abstract readonly target: string;
  protected abstract readonly readOnlyCause: ReadOnlyCause | undefined;
  /** The migration run for this store (at open, or by the first feature that needed it). */
  private migrated: Promise<void> | undefined;

  get readOnly(): boolean {
    return this.readOnlyCause !== undefined;
  }

  get readOnlyReason(): string | undefined {
    return this.readOnlyCause && readOnlyReason(this.target, this.readOnlyCause);
  }

  get featuresOff(): readonly OwnTablesFeature[] {
    return this.readOnly ? OWN_TABLE_FEATURES : [];
  }

  /** Creates or migrates uprate's tables once for ingest and the demo load; alert history needs none of them (src/alerts creates its own). */
  async ensureOwnTables(feature: OwnTablesFeature): Promise<void> {
    this.refuseWhenReadOnly(feature);
    // Alert history and rollups create their own tables (src/alerts, src/rollups).
    if (feature !== 'alert history' && feature !== 'rollups') await this.migrateOnce(feature);
  }

  /** READ_ONLY naming the feature, when the store may not write. */
  protected refuseWhenReadOnly(feature: OwnTablesFeature): void {
    if (this.readOnlyCause) throw readOnlyError(feature, this.target, this.readOnlyCause);
  }

  /** One migration at a time, run once; a failed one is tried again by the next caller. */
  protected migrateOnce(feature: OwnTablesFeature = 'ingest'): Promise<void> {
    this.migrated ??= this.migrateFor(feature).catch((e: unknown) => {
      this.migrated = undefined;
      throw e;
    });
    return this.migrated;
  }

  /** The migration for a feature (PostgreSQL turns a refusal for want of privileges into READ_ONLY). */
  protected migrateFor(_feature: OwnTablesFeature): Promise<void> {
    return this.migrate();
  }

  abstract migrate(): Promise<void>;
}
