import type { CountReads, KpiBinding } from '../kpi/index.js';
import type { Model } from '../model/index.js';
import type { Limits } from '../core/limits.js';
import type { Access } from '../query/index.js';
import type { BandThresholds } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { ApiFilter, ApiIntervalMethod } from './api-types.js';

/**
 * Everything a KPI computation needs besides the selection: where the data is (any engine, through
 * the model), the clock, the caller's security filters and the statistical settings.
 */
export interface KpiContext {
  readonly store: Store;
  readonly model: Model;
  /** Which members are the KPI's inputs (config `kpi`); default: the shipped model's. */
  readonly binding?: KpiBinding;
  /** The clock: acceptance and pending status are judged as of this instant. */
  readonly asOf: Date;
  /** Whose rows every query may see (the caller's security context, e.g. a tenant). */
  readonly access: Access;
  /** Cost limits (default DEFAULT_LIMITS): query timeout, groups an enumeration may see, periods. */
  readonly limits?: Limits;
  /** Aborted when the caller went away: running statements are cancelled in the engine. */
  readonly signal?: AbortSignal;
  /** Conversion window the model was compiled with (for the echo). */
  readonly windowDays: number;
  readonly thresholds: BandThresholds;
  /** The user's own target rate (config `target`), or null. */
  readonly target: number | null;
  /** Correction of a family of period-over-period changes (config `stats.correction`; default Holm). */
  readonly correction?: 'holm' | 'bh';
  /** Confidence level of every interval (default 0.95). */
  readonly level: number;
  /** Interval method; exact is used below 30 effective offers whatever this says. */
  readonly method: ApiIntervalMethod;
  /**
   * The count reads of this request (`withCountReads`): identical reads run once. Views made of
   * views (insights) start one when there is none; null reads every time (tests compare the two).
   */
  readonly reads?: CountReads | null;
}

/**
 * Which offers: a date range (inclusive days), an offer type and Cube filters on model dimensions.
 * `from`/`to` are null only when there are no offers at all.
 */
export interface Selection {
  readonly from: string | null;
  readonly to: string | null;
  readonly offerType: 'upsell' | 'cross_sell' | null;
  readonly filters: readonly ApiFilter[];
}
