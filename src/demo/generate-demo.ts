/**
 * `generateDemo`: replaces the store's offers and customers with a demo data set, in one
 * transaction (on failure nothing changes), streamed chunk by chunk so memory stays flat.
 */
import { applyRefresh, planRefresh, type LoadedTable } from '../rollups/maintain.js';
import { duckDbExec } from '../engines/duckdb/index.js';
import { DOUBLE, INTEGER, SMALLINT, TINYINT, UTINYINT, type DuckDBConnection } from '@duckdb/node-api';
import { UprateError, errorMessage } from '../core/errors.js';
import { sqlString, type DuckDbStore } from '../store/index.js';
import { customerIdFormatter, PLAN_NAMES, UNKNOWN, type CustomerPopulation } from './customers.js';
import { planDemo, type DemoOptions, type DemoPlan } from './demo-options.js';
import { CHANNEL_NAMES, newOfferBatch, OFFER_NAMES, offerIdFormatter } from './offers.js';
import { ACCOUNT_SIZE_LEVELS, INDUSTRY_LEVELS, LIFECYCLE_LEVELS, REGION_LEVELS } from './planted-effects.js';
import { CHUNK_ROWS, runWithSource, type NumericSource } from './numeric-source.js';

/** Offers between progress reports. */
const PROGRESS_ROWS = 100_000;

export interface DemoSummary {
  readonly offers: number;
  readonly customers: number;
  readonly seed: number;
  /** First and last instant offers can have been made (24 months ending at `end`). */
  readonly from: Date;
  readonly end: Date;
}

/**
 * Replaces the contents of `offers` and `customers` with the demo data set for `options` and
 * records the load in `uprate_loads` (source `demo`).
 *
 * @example
 *   const store = await DuckDbStore.open('uprate.duckdb');
 *   await generateDemo(store, { rows: 200_000, seed: 42, end: new Date('2025-06-30T23:59:59Z') });
 */
export async function generateDemo(store: DuckDbStore, options: DemoOptions): Promise<DemoSummary> {
  const plan = planDemo(options);
  await store.ensureOwnTables('demo load');
  // An error thrown by the caller's progress callback aborts the load and is rethrown as itself.
  let callerError: unknown;
  const report = options.onProgress;
  const onProgress = report
    ? (done: number, total: number): void => {
        try {
          report(done, total);
        } catch (e) {
          callerError = e;
          throw e;
        }
      }
    : undefined;
  return store.withConnection(async (c) => {
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run('DELETE FROM offers');
      await c.run('DELETE FROM customers');
      await loadCustomers(c, plan.customers);
      await loadOffers(c, plan, onProgress);
      await c.run(
        `INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
         VALUES ('offers', 'demo', $1, $1, 0, 0, now()::TIMESTAMP)`,
        [plan.rows],
      );
      // Both tables were replaced: built rollups are rebuilt in the same commit.
      const exec = duckDbExec(c);
      const replaced = (table: string, key: string): LoadedTable => ({ table, key, rowsSql: '', replace: true });
      await applyRefresh(exec, 'duckdb', await planRefresh(exec, 'duckdb', [replaced('customers', 'customer_id'), replaced('offers', 'offer_id')]));
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK');
      if (callerError !== undefined) throw callerError;
      if (e instanceof UprateError) throw e;
      throw new UprateError('DB_ERROR', `generating demo data failed and was rolled back: ${errorMessage(e)}`, { location: store.target, cause: e });
    }
    return {
      offers: plan.rows,
      customers: plan.customers.count,
      seed: plan.seed,
      from: new Date(plan.calendar.startSecond * 1000),
      end: plan.end,
    };
  });
}

function list(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** `[values][index + 1]`: NULL when the index is NULL. */
function lookup(values: readonly string[], index: string): string {
  return `${list(values)}[${index} + 1]`;
}

function timestamp(seconds: string): string {
  return `make_timestamp(CAST(${seconds} AS BIGINT) * 1000000)`;
}

async function loadCustomers(c: DuckDBConnection, p: CustomerPopulation): Promise<void> {
  // The current chunk: customers base … base + rows - 1.
  let base = 0;
  let rows = 0;
  const known = (i: number, bit: number, v: number): number | null => ((p.unknown[base + i]! & bit) === 0 ? v : null);
  const source: NumericSource = {
    columns: [
      { name: 'i', type: INTEGER, value: (i) => base + i },
      { name: 'size', type: UTINYINT, value: (i) => known(i, UNKNOWN.account_size, p.size[base + i]!) },
      { name: 'stage', type: UTINYINT, value: (i) => known(i, UNKNOWN.lifecycle_stage, p.stage[base + i]!) },
      { name: 'engagement', type: UTINYINT, value: (i) => known(i, UNKNOWN.engagement_score, p.engagement[base + i]!) },
      { name: 'industry', type: UTINYINT, value: (i) => known(i, UNKNOWN.industry, p.industry[base + i]!) },
      { name: 'region', type: UTINYINT, value: (i) => known(i, UNKNOWN.region, p.region[base + i]!) },
      { name: 'plan', type: UTINYINT, value: (i) => known(i, UNKNOWN.plan, p.plan[base + i]!) },
      { name: 'mrr', type: DOUBLE, value: (i) => known(i, UNKNOWN.mrr, p.mrrCents[base + i]!) },
    ],
    next: () => {
      base += rows;
      rows = Math.max(0, Math.min(CHUNK_ROWS, p.count - base));
      return rows;
    },
  };
  const width = customerIdFormatter(p.count)(0).length - 2;
  await runWithSource(
    c,
    source,
    (sourceCall) => `INSERT INTO customers
      SELECT 'c-' || lpad(CAST(i + 1 AS VARCHAR), ${width}, '0'),
        ${lookup(ACCOUNT_SIZE_LEVELS.map((l) => l.name), 'size')},
        ${lookup(LIFECYCLE_LEVELS.map((l) => l.name), 'stage')},
        CAST(engagement AS DOUBLE),
        ${lookup(INDUSTRY_LEVELS.map((l) => l.name), 'industry')},
        ${lookup(REGION_LEVELS.map((l) => l.name), 'region')},
        ${lookup(PLAN_NAMES, 'plan')},
        CAST(mrr / 100 AS DECIMAL(18, 2))
      FROM ${sourceCall}`,
  );
}

async function loadOffers(c: DuckDBConnection, plan: DemoPlan, onProgress: DemoOptions['onProgress']): Promise<void> {
  const b = newOfferBatch(CHUNK_ROWS);
  const orNull = (v: number): number | null => (v >= 0 ? v : null);
  const nanNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
  const stream = plan.offers();
  const every = Math.max(1, Math.round(PROGRESS_ROWS / CHUNK_ROWS));
  let chunks = 0;
  const source: NumericSource = {
    columns: [
      { name: 'i', type: INTEGER, value: (i) => b.first + i },
      { name: 'customer', type: INTEGER, value: (i) => b.customer[i]! },
      { name: 'offered_at', type: DOUBLE, value: (i) => b.offeredAt[i]! },
      { name: 'offer', type: UTINYINT, value: (i) => b.offer[i]! },
      { name: 'channel', type: TINYINT, value: (i) => orNull(b.channel[i]!) },
      { name: 'campaign', type: SMALLINT, value: (i) => orNull(b.campaign[i]!) },
      { name: 'accepted_at', type: DOUBLE, value: (i) => nanNull(b.acceptedAt[i]!) },
      { name: 'declined_at', type: DOUBLE, value: (i) => nanNull(b.declinedAt[i]!) },
      { name: 'revenue', type: DOUBLE, value: (i) => nanNull(b.revenueCents[i]!) },
    ],
    next: () => {
      const n = stream.fill(b);
      if (n > 0 && (++chunks % every === 0 || stream.done)) onProgress?.(b.first + n, plan.rows);
      return n;
    },
  };
  const offerWidth = offerIdFormatter(plan.rows)(0).length - 2;
  const customerWidth = customerIdFormatter(plan.customers.count)(0).length - 2;
  await runWithSource(
    c,
    source,
    (sourceCall) => `INSERT INTO offers
      SELECT 'o-' || lpad(CAST(i + 1 AS VARCHAR), ${offerWidth}, '0'),
        'c-' || lpad(CAST(customer + 1 AS VARCHAR), ${customerWidth}, '0'),
        ${timestamp('offered_at')},
        ${lookup(OFFER_NAMES.map((o) => o.type), 'offer')},
        ${lookup(OFFER_NAMES.map((o) => o.name), 'offer')},
        ${lookup(CHANNEL_NAMES, 'channel')},
        ${lookup(plan.calendar.campaigns, 'campaign')},
        ${timestamp('accepted_at')},
        ${timestamp('declined_at')},
        CAST(revenue / 100 AS DECIMAL(18, 2))
      FROM ${sourceCall}`,
  );
}
