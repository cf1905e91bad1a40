/**
 * Helpers of the tests that compare clustered reads served by rollups with the rows' answer
 * (rollups-clustered, rollups-moments): the shipped model with more rollups declared, which rollup
 * table each statement reads, and offers files changed row by row for the loads between reads.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { dropPostgresSchema, locateServer, underTest, type EngineSlot, type EngineUnderTest } from './engines.js';
import { dropClickHouse } from './readme/test-servers.js';
import type { LoadResult } from '../src/query/index.js';
import assert from 'node:assert/strict';

/**
 * The engines a rollups suite compares: DuckDB (the file `duckdbFile`), then PostgreSQL and the
 * ClickHouse cluster, each isolated under `isolation` (a schema, a database) so suites can run at
 * once; `dropServers` drops what the suite made on the servers.
 */
export async function rollupEngines(duckdbFile: string, isolation: string): Promise<{
  readonly engines: { engine: EngineUnderTest; skip: string | false }[];
  readonly pgSlot: EngineSlot;
  readonly chSlot: EngineSlot;
  readonly dropServers: () => Promise<void>;
}> {
  const pgSlot = await locateServer('postgres', isolation);
  const chSlot = await locateServer('clickhouse', isolation);
  return {
    engines: [{ engine: { engine: 'duckdb', args: ['--db', duckdbFile], where: duckdbFile }, skip: false }, underTest(pgSlot), underTest(chSlot)],
    pgSlot,
    chSlot,
    dropServers: async () => {
      await dropPostgresSchema(pgSlot.ready?.where, isolation);
      if (chSlot.ready) await dropClickHouse(chSlot.ready.where);
    },
  };
}

/**
 * One shipped rollup of each kind a load refreshes: plain by day with an open window, plain by
 * month of a customer's attribute, plain with a distinct count (its periods rebuilt, never merged),
 * by customer, two members of a family of moments, and each week's own moments — for suites about
 * every kind rather than every rollup (all 92 made each load and read-back of those suites slow,
 * for no kind more).
 */
export const ONE_OF_EACH_KIND = ['Offers.daily', 'Offers.offersBySize', 'Offers.customersMonthly', 'Offers.perCustomer', 'Offers.momentsTotal', 'Offers.momentsBySize', 'Offers.weeklyTotal'];

/**
 * The shipped model in `dir`, with `declared` (rollups, ending in a comma) before its own in
 * offers.js; `withoutMoments`: the shipped rollups of moments left out (each is one line), for a
 * test of what the others serve; `withoutPlain`: the plain rollups declared on a line of their own
 * left out (a test of clustered reads, which no plain rollup serves, then maintains fewer tables on
 * every load); `without`: those of these names left out (each on a line of its own).
 */
export async function modelWithRollups(dir: string, declared: string, options: { readonly withoutMoments?: boolean; readonly withoutPlain?: boolean; readonly without?: readonly string[] } = {}): Promise<Model> {
  const shipped = shippedModelDir();
  mkdirSync(dir);
  for (const name of readdirSync(shipped)) {
    let text = readFileSync(join(shipped, name), 'utf8');
    if (name === 'offers.js') {
      if (options.withoutMoments) {
        const without = text.replace(/^ *\w+: \{ type: 'rollup', clusteredBy: customerId, moments: (true|'perPeriod'),.*\n/gm, '');
        if (without === text) throw new Error('the shipped model declares no rollup of moments on a line of its own');
        text = without;
      }
      if (options.withoutPlain) {
        const without = text.replace(/^ *\w+: \{ type: 'rollup', (?!clusteredBy).*\n/gm, '');
        if (without === text) throw new Error('the shipped model declares no plain rollup on a line of its own');
        text = without;
      }
      for (const name of options.without ?? []) {
        const without = text.replace(new RegExp(`^ *${name}: \\{ type: 'rollup'.*\\n`, 'm'), '');
        if (without === text) throw new Error(`the shipped model declares no rollup ${name} on a line of its own`);
        text = without;
      }
      text = text.replace('preAggregations: {', `preAggregations: {\n    ${declared}`);
    }
    writeFileSync(join(dir, name), text);
  }
  return loadModel(dir);
}

/** Runs `fn` noting the rollup table (matching `tables`) each statement reads ('rows' when none). */
export async function watching<T>(store: Store, tables: RegExp, fn: () => Promise<T>): Promise<{ value: T; read: string[] }> {
  const read: string[] = [];
  const original = store.query.bind(store);
  store.query = ((sql: string, ...rest: unknown[]) => {
    const table = tables.exec(sql)?.[0];
    if (!sql.includes('uprate_rollups') && !sql.includes('uprate_loads')) read.push(table ?? 'rows');
    return (original as (...a: unknown[]) => ReturnType<Store['query']>)(sql, ...rest);
  }) as Store['query'];
  try {
    return { value: await fn(), read };
  } finally {
    store.query = original;
  }
}

/** An offers file (`from`) with every `every`-th offer changed by `change`, written to `to`. */
export function changedOffers(from: string, to: string, every: number, change: (cells: string[], header: string[]) => void): string {
  const lines = readFileSync(from, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const kept = lines.slice(1).filter((_, i) => i % every === 0).map((line) => {
    const cells = line.split(',');
    change(cells, header);
    return cells.join(',');
  });
  writeFileSync(to, `${[lines[0], ...kept].join('\n')}\n`);
  return to;
}

/** An instant (ISO text) moved `days`; empty stays empty. */
export const shiftDays = (value: string, days: number): string => (value ? `${new Date(Date.parse(value) + days * 86_400_000).toISOString().slice(0, 19)}Z` : value);

/** An offers file with every `every`-th offer moved `days` (its offer, acceptance and decline). */
export const shiftedOffers = (from: string, to: string, every: number, days: number): string =>
  changedOffers(from, to, every, (cells, header) => {
    for (const column of ['offered_at', 'accepted_at', 'declined_at']) {
      const i = header.indexOf(column);
      if (i >= 0) cells[i] = shiftDays(cells[i] ?? '', days);
    }
  });

function answerRows(result: LoadResult, ordered: boolean): string[][] {
  const out = result.data.map((row) => Object.keys(row).sort().map((k) => `${k}=${String(row[k])}`));
  return ordered ? out : out.sort((a, b) => a.join('|').localeCompare(b.join('|')));
}

export const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** A rollup's answer is the rows' answer: the same rows (sorted unless `ordered`), counts exactly, other numbers within 1e-12. */
export function assertSameAnswer(raw: LoadResult, rolled: LoadResult, ordered: boolean, what: string): void {
  const a = answerRows(raw, ordered);
  const b = answerRows(rolled, ordered);
  assert.equal(b.length, a.length, `${what}: ${b.length} rows from the rollup, ${a.length} from the rows`);
  a.forEach((row, i) => {
    row.forEach((cell, j) => {
      const other = b[i]?.[j] ?? '';
      const [key, x = ''] = cell.split(/=(.*)/s);
      const y = other.split(/=(.*)/s)[1] ?? '';
      if (x === y) return;
      const exactCount = /count|accepted|pending/i.test(key ?? '') && !/rate/i.test(key ?? '');
      if (!exactCount && NUMBER.test(x) && NUMBER.test(y) && Math.abs(Number(x) - Number(y)) <= 1e-12 * Math.max(1, Math.abs(Number(x)))) return;
      assert.fail(`${what}, row ${i}: ${cell} from the rows, ${other} from the rollup`);
    });
  });
  assert.equal(rolled.total, raw.total, `${what}: total`);
}

/** Every difference between two JSON answers: integers exactly, other numbers within 1e-12, moments and engine fields aside. */
export function answerDifferences(expected: unknown, actual: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 10) return out;
  const close = (a: number, b: number) => (Number.isInteger(a) && Number.isInteger(b) ? a === b : Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)));
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!close(expected, actual)) out.push(`${path}: ${expected} ≠ ${actual}`);
  } else if (typeof expected === 'string' && typeof actual === 'string' && NUMBER.test(expected) && NUMBER.test(actual)) {
    if (!close(Number(expected), Number(actual))) out.push(`${path}: ${expected} ≠ ${actual}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: ${expected.length} items ≠ ${actual.length}`);
    expected.forEach((e, i) => answerDifferences(e, actual[i], `${path}[${i}]`, out));
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (['generatedAt', 'computedAt', 'lastRefreshTime', 'rollup', 'usedPreAggregations'].includes(k)) continue;
      answerDifferences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (expected !== actual) {
    out.push(`${path}: ${JSON.stringify(expected)?.slice(0, 80)} ≠ ${JSON.stringify(actual)?.slice(0, 80)}`);
  }
  return out;
}

/** An offers file of new offers only (a day's ingest): every `every`-th stored offer again under a new id. */
export function appendedOffers(from: string, to: string, every: number): string {
  let n = 0;
  return changedOffers(from, to, every, (cells, header) => {
    const id = header.indexOf('offer_id');
    cells[id] = `new-${n++}-${cells[id] ?? ''}`;
  });
}

/**
 * A test's store on an engine under test, opened on first use, and the CLI run with this
 * process's hold on a DuckDB file let go first (one process may write it).
 */
export function engineSession(engine: EngineUnderTest): { open: () => Promise<Store>; cli: (args: string[]) => Promise<ReturnType<typeof uprate>>; close: () => Promise<void> } {
  let store: Store | undefined;
  const close = async () => {
    await store?.close();
    store = undefined;
  };
  return {
    open: async () => (store ??= await openStore({ db: engine.engine === 'duckdb' ? engine.where : ':memory:', ...(engine.engine === 'duckdb' ? {} : { url: engine.where }), engine: engine.engine })),
    cli: async (args) => {
      await close();
      return uprate([...args, ...engine.args]);
    },
    close,
  };
}
